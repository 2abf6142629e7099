"""What loading a learner's data says when a file or folder is wrong (``names.py``, ``tabular.py``), in English
and in Chinese: ``say(key, **values)`` picks the chosen language's text when the message is made and fills it in.
The parts one message puts into another (``tabular.format``, ``names.training``, ...) are keys too, so they
follow the language chosen at run time."""

from __future__ import annotations

from core.base.i18n import Texts

TEXTS: dict[str, tuple[str, str]] = {
    # -- names.py: the course's names_*.csv.gz, a folder of <Language>.txt files, the built-in names --
    "names.built-in": ("the built-in names", "内置的姓名数据"),
    "names.csv source": ("{train} + {test} in {folder}", "{folder} 中的 {train} + {test}"),
    "names.txt source": ("the .txt files in {folder}", "{folder} 中的 .txt 文件"),
    "names.name": ("name", "名字"),
    "names.country": ("country", "国家"),
    "names.training": ("training", "训练"),
    "names.test": ("test", "测试"),
    "names.not csv": (
        "{path}, row {row} is not a CSV row of name,country ({exc}); fix or remove that row",
        "{path} 第 {row} 行不是“名字,国家”格式的 CSV 行（{exc}）；请修正或删除这一行",
    ),
    "names.fields": (
        "{path}, row {row} has {count} fields; each row must be name,country",
        "{path} 第 {row} 行有 {count} 个字段；每行必须是两个字段：名字,国家",
    ),
    "names.empty field": (
        "{path}, row {row}: the {field} is empty; each row must be name,country",
        "{path} 第 {row} 行：{field}是空的；每行必须是两个字段：名字,国家",
    ),
    "names.no rows": (
        "{path} holds no names; it needs rows of name,country",
        "{path} 里没有名字；它需要“名字,国家”格式的行",
    ),
    "names.no files": (
        "{folder} holds neither names_train.csv.gz/names_test.csv.gz nor <Language>.txt files; "
        "give the folder of the course's CSVs or of the tutorial's names/*.txt",
        "{folder} 里既没有 names_train.csv.gz/names_test.csv.gz，也没有 <Language>.txt 文件；"
        "请给出放课程 CSV 文件的文件夹，或放教程 names/*.txt 的文件夹",
    ),
    "names.empty txt": (
        "{path} holds no names; it needs one name per line",
        "{path} 里没有名字；它需要每行一个名字",
    ),
    "names.no pair": (
        "{folder} holds neither names_train.csv.gz nor names_test.csv.gz; give the folder holding both course files",
        "{folder} 里既没有 names_train.csv.gz 也没有 names_test.csv.gz；请给出同时放有这两个课程文件的文件夹",
    ),
    "names.half pair": (
        "{folder} has {present} but no {missing}; put both course files in one folder",
        "{folder} 里有 {present} 但没有 {missing}；请把两个课程文件放在同一个文件夹里",
    ),
    "names.nothing there": (
        "no file or folder at {path}; give names_train.csv.gz, names_test.csv.gz or a folder "
        "of <Language>.txt files (or leave out --data for the built-in names)",
        "{path} 处没有文件或文件夹；请给出 names_train.csv.gz、names_test.csv.gz 或放有 <Language>.txt 文件的"
        "文件夹（或不加 --data，使用内置的姓名数据）",
    ),
    "names.not names": (
        "{path} is not names_train.csv.gz, names_test.csv.gz or a folder of <Language>.txt files",
        "{path} 不是 names_train.csv.gz、names_test.csv.gz，也不是放有 <Language>.txt 文件的文件夹；请给出其中之一",
    ),
    "names.letters": (
        'the {where} name {name!r} in {source} holds {bad!r}; names may hold only letters and " .,;\'"',
        '{where}名字 {name!r}（来自 {source}）含有 {bad!r}；名字只能包含字母和 " .,;\'"',
    ),
    "names.no test": (
        "{source} gives no test names; each language needs at least 2 names",
        "{source} 没有给出测试名字；每种语言至少需要 2 个名字",
    ),
    "names.unseen": (
        "{source}: test names from {countries} but no training names from there; "
        "every test country needs training names",
        "{source}：有来自 {countries} 的测试名字，却没有来自那里的训练名字；每个测试国家都需要训练名字",
    ),
    "names.one country": (
        "{source}: the training names come from fewer than 2 countries; a classifier needs 2 or more",
        "{source}：训练名字来自不到 2 个国家；分类器需要 2 个或更多国家",
    ),
    # -- names.py: a name the learner types for the model to classify (rnn-names' p key) --
    "names.type one": ("type a name to classify, e.g. Nakamura", "请输入要分类的姓氏（用拉丁字母），例如 Nakamura"),
    "names.not latin": (
        "{name!r} is not in Latin letters, the only ones the model reads: type the name in Latin letters "
        "(a-z, A-Z, space . , ; ')",
        "{name!r} 不是拉丁字母，而模型只认识拉丁字母：请用拉丁字母输入姓氏（a-z、A-Z、空格和 . , ; '），例如 Wang",
    ),
    "names.typed letters": (
        "{name!r} holds {bad!r}, which the model never saw: type the name in Latin letters (a-z, A-Z, space . , ; ')",
        "{name!r} 含有模型从没见过的 {bad!r}：请用拉丁字母输入姓氏（a-z、A-Z、空格和 . , ; '），例如 Wang",
    ),
    # -- tabular.py: a numeric CSV, the last column the 0/1 label --
    "tabular.built-in": ("the built-in table", "内置的表格"),
    "tabular.format": (
        "rows of comma-separated numbers, the last column the 0/1 label",
        "逗号分隔的数字行，最后一列是 0/1 标签",
    ),
    "tabular.csv hint": (" (or leave out --csv to use the built-in table)", "（或不加 --csv，使用内置的表格）"),
    "tabular.no file": ("no file at {path}; check the path{hint}", "{path} 处没有文件；请检查路径{hint}"),
    "tabular.folder": (
        "{path} is a folder; give the path of a CSV file ({format})",
        "{path} 是文件夹；请给出 CSV 文件的路径（{format}）",
    ),
    "tabular.unreadable": (
        "{path} could not be read ({exc}); is it a complete .gz or plain CSV file?",
        "{path} 无法读取（{exc}）；请确认它是完整的 .gz 文件或普通 CSV 文件",
    ),
    "tabular.not utf-8": (
        "{path} is not a text CSV (it is not UTF-8); save it as CSV: {format}",
        "{path} 不是文本 CSV（不是 UTF-8 编码）；请把它另存为 CSV：{format}",
    ),
    "tabular.empty": ("{source} is empty; it needs {format}", "{source} 是空的；它需要{format}"),
    "tabular.header only": (
        "{source} has a header row but no data; it needs {format}",
        "{source} 只有表头行，没有数据；它需要{format}",
    ),
    "tabular.one column": (
        "{source}, row {row} has one column; it needs {format} (is the file separated by something other than commas?)",
        "{source} 第 {row} 行只有一列；它需要{format}（这个文件是不是用逗号以外的符号分隔的？）",
    ),
    "tabular.ragged": (
        "{source}, row {row} has {count} columns but {expected} has {width}; "
        "every row needs the same number of columns",
        "{source} 第 {row} 行有 {count} 列，但{expected}有 {width} 列；每一行的列数必须相同",
    ),
    "tabular.the header": ("the header", "表头"),
    "tabular.first row": ("row {row}", "第 {row} 行"),
    "tabular.not a number": (
        "{source}, row {row}, column {column} {what}; every value must be a finite number (fix or remove that row)",
        "{source} 第 {row} 行第 {column} 列{what}；每个值都必须是有限的数字（请修正或删除这一行）",
    ),
    "tabular.empty cell": ("is empty", "是空的"),
    "tabular.text cell": ("has {cell!r}, which is not a number", "是 {cell!r}，不是数字"),
    "tabular.label": (
        "{source}, row {row}, column {column}: the label is {label:g}; the last column must be 0 or 1",
        "{source} 第 {row} 行第 {column} 列：标签是 {label:g}；最后一列必须是 0 或 1",
    ),
    "tabular.one class": (
        "{source}: every label (last column) is {label:g}; a classifier needs rows of both classes, 0 and 1",
        "{source}：每个标签（最后一列）都是 {label:g}；分类器需要 0 和 1 两类的行",
    ),
}


say = Texts(TEXTS).say  # TEXTS[key] in the chosen language, filled in
