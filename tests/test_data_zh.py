"""``--lang zh``: loading a learner's data (``core/data/names.py``, ``core/data/tabular.py``) says what is wrong
in Chinese, still naming the file and the row; every text of ``core/data/data_words.py`` has its Chinese.

Each case writes a small file in ``tmp_path``, calls the public ``load_names`` / ``load_table`` and checks the
message, and that the keys it names were the ones said (``said``); together the cases say every key."""

from __future__ import annotations

import gzip
import re
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from zh_words import english_words

from core.base import i18n
from core.data import data_words, names, tabular
from core.errors import DataError, UsageError

# Words the data itself or a file name brings: countries (the tutorial's file names), <Language>.txt
DATA_WORDS = {"Czech", "Japanese", "Korean", "Polish", "Language", "txt", "Nakamura", "Wang"}  # (and example names)
CJK = re.compile(r"[\u4e00-\u9fff]")
QUOTED_AS_IS = re.compile(r"（[\x00-\x7f]*）")  # what Python or the OS said, (csv.Error, zlib.error): not ours


@pytest.fixture
def said(monkeypatch):
    """In Chinese; the keys of data_words.TEXTS that names.py and tabular.py said, in order."""
    keys: list[str] = []

    def spy(key: str, /, **values: object) -> str:
        keys.append(key)
        return data_words.say(key, **values)

    monkeypatch.setattr(names, "say", spy)
    monkeypatch.setattr(tabular, "say", spy)
    i18n.set_language("zh")
    try:
        yield keys
    finally:
        i18n.set_language(None)


def write(path: Path, text: str | bytes, gz: bool = False) -> Path:
    raw = text.encode() if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


def pair(folder: Path, train: str, test: str) -> Path:
    write(folder / "names_train.csv", train)
    write(folder / "names_test.csv", test)
    return folder


def refused(load: Callable[[Path], object], path: Path) -> str:
    with pytest.raises(DataError) as caught:
        load(path)
    return str(caught.value)


TRAIN = '"Adsit","Czech"\n"Nakamura","Japanese"\n'


def names_case(make: Callable[[Path], Path], folder: bool = False) -> Callable[[Path], tuple[str, str]]:
    """Loads what ``make`` wrote; the message must name it (``folder``: the folder it is in)."""

    def run(tmp: Path) -> tuple[str, str]:
        path = make(tmp)
        return refused(names.load_names, path), str(path.parent if folder else path)

    return run


def table_case(text: str | bytes | None, gz: bool = False, name: str = "t.csv") -> Callable[[Path], tuple[str, str]]:
    def run(tmp: Path) -> tuple[str, str]:
        path = tmp / name if text is None else write(tmp / name, text, gz)
        return refused(tabular.load_table, path), str(path)

    return run


# id: (the keys it says, the run giving (message, the path it must name), what else the message must hold)
CASES: dict[str, tuple[tuple[str, ...], Callable[[Path], tuple[str, str]], tuple[str, ...]]] = {
    "a row over csv's field limit": (
        ("names.not csv",),
        names_case(lambda tmp: pair(tmp, TRAIN + '"' + "a" * 140_000 + '","Czech"\n', TRAIN)),
        ("names_train.csv 第 3 行",),
    ),
    "a row of one field": (
        ("names.fields",),
        names_case(lambda tmp: pair(tmp, TRAIN + '"Abe"\n', TRAIN)),
        ("第 3 行有 1 个字段",),
    ),
    "an empty name": (
        ("names.empty field", "names.name"),
        names_case(lambda tmp: pair(tmp, TRAIN + '"","Czech"\n', TRAIN)),
        ("第 3 行：名字是空的",),
    ),
    "an empty country": (
        ("names.empty field", "names.country"),
        names_case(lambda tmp: pair(tmp, '"Abe",""\n', TRAIN)),
        ("第 1 行：国家是空的",),
    ),
    "an empty csv": (("names.no rows",), names_case(lambda tmp: pair(tmp, TRAIN, "\n")), ("names_test.csv",)),
    "a folder of neither": (("names.no files",), names_case(lambda tmp: tmp), ()),
    "a .txt file without names": (
        ("names.empty txt",),
        names_case(lambda tmp: write(tmp / "Polish.txt", "\n  \n").parent),
        ("Polish.txt",),
    ),
    "a course file named otherwise": (
        ("names.no pair",),
        names_case(lambda tmp: write(tmp / "names_train.txt", TRAIN), folder=True),
        (),
    ),
    "one course file of two": (
        ("names.half pair",),
        names_case(lambda tmp: write(tmp / "names_train.csv.gz", TRAIN, gz=True).parent),
        ("names_train.csv.gz", "names_test.csv.gz"),
    ),
    "nothing at the path": (("names.nothing there",), names_case(lambda tmp: tmp / "missing"), ("--data",)),
    "some other file": (("names.not names",), names_case(lambda tmp: write(tmp / "other.csv", TRAIN)), ()),
    "a training name with a digit": (
        ("names.letters", "names.training", "names.csv source"),
        names_case(lambda tmp: pair(tmp, TRAIN + '"R2D2","Czech"\n', TRAIN)),
        ("训练名字 'R2D2'（来自 ", "含有 '2'", "names_train.csv + names_test.csv"),
    ),
    "a test name with a digit": (
        ("names.letters", "names.test", "names.csv source"),
        names_case(lambda tmp: pair(tmp, TRAIN, '"Ab3","Czech"\n')),
        ("测试名字 'Ab3'",),
    ),
    "languages of one name": (
        ("names.no test", "names.txt source"),
        names_case(lambda tmp: write(tmp / "Polish.txt", "Nowak\n").parent),
        (".txt 文件",),
    ),
    "a test country never trained": (
        ("names.unseen",),
        names_case(lambda tmp: pair(tmp, TRAIN, '"Kim","Korean"\n')),
        ("Korean",),
    ),
    "one country": (
        ("names.one country",),
        names_case(lambda tmp: pair(tmp, '"Adsit","Czech"\n', '"Abe","Czech"\n')),
        ("2 个国家",),
    ),
    "a missing table": (("tabular.no file", "tabular.csv hint"), table_case(None), ("--csv",)),
    "a folder for a table": (("tabular.folder", "tabular.format"), table_case(None, name="."), ("0/1 标签",)),
    "a cut gzip": (
        ("tabular.unreadable",),
        table_case(gzip.compress(b"1,2,0\n" * 100)[:30], name="cut.csv.gz"),
        (".gz",),
    ),
    "a binary file": (("tabular.not utf-8", "tabular.format"), table_case(b"\xff\xfe\x00\x81" * 10), ("UTF-8",)),
    "an empty table": (("tabular.empty", "tabular.format"), table_case("\n\n", gz=True), ()),
    "a header only": (("tabular.header only", "tabular.format"), table_case("a,b,label\n"), ("表头",)),
    "one column": (("tabular.one column", "tabular.format"), table_case("1\n0\n"), ("第 1 行只有一列",)),
    "a short row under a header": (
        ("tabular.ragged", "tabular.the header"),
        table_case("a,b,label\n1,2,0\n3,4\n"),
        ("第 3 行有 2 列，但表头有 3 列",),
    ),
    "a short row": (
        ("tabular.ragged", "tabular.first row"),
        table_case("1,2,0\n3,4,1\n5,6\n"),
        ("第 3 行有 2 列，但第 1 行有 3 列",),
    ),
    "an empty cell": (
        ("tabular.not a number", "tabular.empty cell"),
        table_case("1,2,0\n3,4,1\n,4,1\n"),
        ("第 3 行第 1 列是空的",),
    ),
    "text in a cell": (
        ("tabular.not a number", "tabular.text cell"),
        table_case("1,2,0\n3,abc,1\n"),
        ("第 2 行第 2 列是 'abc'，不是数字",),
    ),
    "a label of 2": (("tabular.label",), table_case("1,2,1\n3,4,2\n"), ("第 2 行第 3 列：标签是 2",)),
    "one class": (("tabular.one class",), table_case("1,2,1\n3,4,1\n"), ("都是 1",)),
}
BUILT_IN = ("names.built-in", "tabular.built-in")  # the defaults' sources, not errors (below)
TYPED = ("names.type one", "names.not latin", "names.typed letters")  # a name typed in the app, not a file (below)


def assert_chinese(text: str) -> None:
    assert CJK.search(text), text
    assert not english_words(QUOTED_AS_IS.sub(" ", text), DATA_WORDS), text


@pytest.mark.parametrize("case", list(CASES))
def test_each_mistake_is_told_in_chinese_naming_the_file_and_row(case, said, tmp_path):
    keys, run, holds = CASES[case]
    message, path = run(tmp_path)
    assert "\n" not in message and path in message, message
    assert all(part in message for part in holds), (message, holds)
    assert set(keys) <= set(said), (keys, said)
    assert_chinese(message)


def test_the_built_in_data_is_named_in_chinese(said):
    assert names.load_names()[2] == "内置的姓名数据"
    assert tabular.load_table().source == "内置的表格"
    assert set(BUILT_IN) <= set(said)


def test_the_cases_say_every_key():
    covered = {key for keys, _, _ in CASES.values() for key in keys} | set(BUILT_IN) | set(TYPED)
    assert covered == set(data_words.TEXTS)


def fields(text: str) -> list[tuple[str, str | None, str | None]]:
    return sorted((name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(text) if name)


@pytest.mark.parametrize("key", list(data_words.TEXTS))
def test_every_text_has_its_chinese_with_the_same_placeholders(key):
    english, chinese = data_words.TEXTS[key]
    assert english.strip() and chinese.strip() and CJK.search(chinese)
    assert fields(chinese) == fields(english)
    assert_chinese(re.sub(r"\{[^}]*\}", " ", chinese))  # (its placeholders aside)


def test_english_is_still_the_default(tmp_path):
    i18n.set_language(None)
    path = write(tmp_path / "t.csv", "1,2,0\n3,abc,1\n")
    assert refused(tabular.load_table, path) == (
        f"{path}, row 2, column 2 has 'abc', which is not a number; every value must be a finite number "
        "(fix or remove that row)"
    )


def test_a_name_typed_in_chinese_is_told_to_use_latin_letters(said):
    """rnn-names' p key: a Chinese learner types 王 first; the answer says what to type, in Chinese."""
    assert names.typed_name("  Müller ") == "Muller"  # trimmed and folded as the data are
    for typed in ("", "王", "Wang王"):
        with pytest.raises(UsageError) as caught:
            names.typed_name(typed)
        message = str(caught.value)
        assert CJK.search(message) and not english_words(message, {"Nakamura", "Wang"}), message
    assert said[-3:] == ["names.type one", "names.not latin", "names.typed letters"]
    assert "'Wang王' 含有模型从没见过的 '王'" in message and "拉丁字母" in message
