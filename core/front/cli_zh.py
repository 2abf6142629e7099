"""The command line in Chinese: argparse's own words (usage, errors) and the help of every flag.

English is argparse's and ``core/front/cli.py``'s own text, untouched: with ``--lang zh`` (or
``LEARN_TUI_LANG=zh``) ``chinese_help`` swaps each help for its entry in ``HELP`` and ``argparse_text``, which
argparse calls through its ``_`` (``gettext``), gives its messages in ``ARGPARSE``. A text without an entry
stays English (``tests/test_cli_zh.py`` checks that each has one).
"""

from __future__ import annotations

import argparse
import gettext
from typing import Any

from core.base.i18n import is_chinese
from core.front.args import MAX_TOKENS
from core.remote.address import TOKEN_VARIABLE

ARGPARSE = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示这份帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "not allowed with argument %s": "不能和参数 %s 一起用",
    "ignored explicit argument %r": "忽略了多给的值 %r",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须给出一个",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可以是 %(matches)s",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
}

HELP = {
    "Learn PyTorch by watching real training loops run.": "看着真实的训练循环运行，学习 PyTorch。",
    "print the version and exit": "显示版本号并退出",
    "en or zh (default: $LEARN_TUI_LANG, else the locale)": "en 或 zh（默认：$LEARN_TUI_LANG，否则按系统区域设置）",
    "the data folder (MNIST/raw/) of lessons opened from the picker (for one lesson: learn-tui run LESSON "
    "--data-dir DIR)": (
        "从课程列表打开的课程所用的数据文件夹（MNIST/raw/）（单个课程：learn-tui run LESSON --data-dir DIR）"
    ),
    "list the lessons": "列出课程",
    "train a lesson (in the app, or --headless)": "训练一课（在应用里，或 --headless）",
    "watch and steer a run started with run --headless --serve": "观看并操控用 run --headless --serve 启动的训练",
    "train variants of a lesson (--optimizer SGD,Adam) and chart them": (
        "训练一课的几个变体（--optimizer SGD,Adam）并画图比较"
    ),
    "generate text from a char-gpt checkpoint": "用 char-gpt 的检查点生成文本",
    "write a lesson's loop with lines to fill in (learn-tui check it)": (
        "写出一课的训练循环，留出要填的行（再用 learn-tui check 检查）"
    ),
    "compare your exercise file with its lesson, phase by phase": "逐个阶段地把你的练习文件和它的课程比较",
    "one JSON object per lesson": "每课一个 JSON 对象",
    "learn-tui run LESSON [options] [lesson options]": "learn-tui run LESSON [选项] [课程选项]",
    "a lesson id (see learn-tui list) or a path to a lesson .py file": (
        "课程 id（见 learn-tui list）或课程 .py 文件的路径"
    ),
    "show this help and the lesson's own options": "显示这份帮助和这一课自己的选项",
    "stop after this many steps (batches) in all": "一共训练这么多步（批）后停下",
    "stop after this many epochs in all": "一共训练这么多轮（epoch）后停下",
    "learning rate, a positive number such as 0.01": "学习率，一个正数，例如 0.01",
    "random seed (default 0; a resumed run keeps its own)": "随机种子（默认 0；继续的训练沿用它自己的）",
    "where to train": "在哪里训练",
    "train without the app, print progress and results": "不打开应用训练，打印进度和结果",
    "with --headless: one JSON object per step, then a summary": "配合 --headless：每步一个 JSON 对象，最后是总结",
    "with --headless: print the loop's variables where the run stops": "配合 --headless：在训练停下处打印循环的变量",
    "with --headless: save a checkpoint here when the run ends or ctrl+c stops it": (
        "配合 --headless：训练结束或被 ctrl+c 停下时把检查点保存到这里"
    ),
    "continue from a checkpoint saved with --save or ctrl+s": "从用 --save 或 ctrl+s 保存的检查点继续",
    'with --headless: stop at the first step where EXPR holds, e.g. "loss < 0.1 or accuracy > 0.9" (README)': (
        '配合 --headless：在 EXPR 第一次成立的那一步停下，例如 "loss < 0.1 or accuracy > 0.9"（见 README）'
    ),
    "with --headless: train in N processes (docs/scaling.md)": "配合 --headless：用 N 个进程训练（见 docs/scaling.md）",
    "notes and help in en or zh": "笔记和帮助用 en 或 zh",
    "with --headless: also serve the run to learn-tui attach (127.0.0.1 unless a host is given; port 0 picks a "
    "free one)": (
        "配合 --headless：同时让 learn-tui attach 连接这次训练（不给主机时为 127.0.0.1；端口 0 自动选一个空闲端口）"
    ),
    "learn-tui compare LESSON [options] [lesson options, each a comma list]": (
        "learn-tui compare LESSON [选项] [课程选项，每个都可以是逗号分隔的列表]"
    ),
    "each variant stops after this many steps": "每个变体训练这么多步后停下",
    "each variant stops after this many epochs": "每个变体训练这么多轮后停下",
    "learning rates, e.g. 0.01 or 0.01,0.1 (default: the lesson's)": (
        "学习率，例如 0.01 或 0.01,0.1（默认：课程自己的）"
    ),
    "the random seed of every variant (default 0)": "每个变体的随机种子（默认 0）",
    "one JSON object per variant, with its loss curve": "每个变体一个 JSON 对象，带它的损失曲线",
    "a char-gpt checkpoint (saved with ctrl+s or --save PATH)": "char-gpt 的检查点（用 ctrl+s 或 --save PATH 保存）",
    "the text to continue (default: start a new line)": "要续写的文本（默认：从新的一行开始）",
    f"how many characters to write, at most {MAX_TOKENS:,} (default 500)": (
        f"写多少个字符，最多 {MAX_TOKENS:,}（默认 500）"
    ),
    "> 0: lower is safer, higher is wilder; near 0 is greedy (default 0.8)": (
        "> 0：越低越保守，越高越天马行空；接近 0 就是贪心选择（默认 0.8）"
    ),
    "sample only from the k likeliest characters (default 0: all)": "只从最可能的 k 个字符中采样（默认 0：全部）",
    "the same seed writes the same text (default 0)": "同样的种子写出同样的文本（默认 0）",
    "cpu, cuda or auto (default cpu)": "cpu、cuda 或 auto（默认 cpu）",
    "the lesson (see --list); none: list the exercises": "课程（见 --list）；不给：列出练习",
    "1: one line, 2: every phase's code, 3: the whole step": "1：一行，2：每个阶段的代码，3：整个一步",
    "where to write it (default: the current folder)": "写到哪里（默认：当前文件夹）",
    "start over; the old file is kept as .bakN": "重新开始；旧文件保存为 .bakN",
    "the lessons with exercises and the levels you passed": "有练习的课程和你通过的级别",
    "your exercise file": "你的练习文件",
    "steps to compare (default: two epochs, within 20 to 100 steps)": "要比较的步数（默认：两轮，在 20 到 100 步之间）",
    "stop a phase of your file that runs longer than this (default 30, or 20x the lesson's own time)": (
        "你的文件中某个阶段运行超过这么久就停下（默认 30，或课程自己用时的 20 倍）"
    ),
    "one JSON object": "一个 JSON 对象",
    "in the app: train a run of each value side by side, same seed, their losses on one chart "
    "(e.g. optimizer=SGD,Adam,LBFGS or lr=0.01,0.1; at most 9)": (
        "在应用里：每个值各训练一次，并排进行，种子相同，损失画在同一张图上"
        "（例如 optimizer=SGD,Adam,LBFGS 或 lr=0.01,0.1；最多 9 个）"
    ),
    "where the run serves (it printed it at start)": "训练服务的地址（它启动时打印过）",
    f"a file holding the token the run printed (default: ${TOKEN_VARIABLE}, else the run's own token file on this "
    "machine)": f"存着训练打印的令牌的文件（默认：${TOKEN_VARIABLE}，否则用本机上这次训练自己的令牌文件）",
    "the token itself (other users of this machine can see it in ps: prefer --token-file)": (
        "令牌本身（本机的其他用户能在 ps 里看到它：最好用 --token-file）"
    ),
}


def argparse_text(message: str) -> str:
    """argparse's ``_``: its message in the chosen language (English: gettext's, as without this)."""
    return ARGPARSE.get(message, message) if is_chinese() else gettext.gettext(message)


def chinese_help(parser: argparse.ArgumentParser) -> None:
    """In Chinese: the parser's description, usage and every help (its sub-commands' too) from ``HELP``."""
    if not is_chinese():
        return
    parsers: list[argparse.ArgumentParser] = [parser]
    while parsers:
        current = parsers.pop()
        current.description = HELP.get(current.description or "", current.description)
        current.usage = HELP.get(current.usage or "", current.usage)
        for action in current._actions:  # noqa: SLF001 (argparse has no public list)
            action.help = ARGPARSE.get(action.help or "", HELP.get(action.help or "", action.help))
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001 (the sub-commands' help lines)
                for choice in action._choices_actions:  # noqa: SLF001
                    choice.help = HELP.get(choice.help or "", choice.help)
                parsers.extend(action.choices.values())


def install() -> None:
    """argparse asks ``argparse_text`` for its words (it looks ``_`` up in its module at each message)."""
    argparse._ = argparse_text  # type: ignore[attr-defined]


def given_language(argv: Any) -> str | None:
    """``--lang X`` or ``--lang=X`` in ``argv`` (None: not given), read before the parser is built (its help)."""
    argv = list(argv)
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return str(argv[index + 1])
        if str(arg).startswith("--lang="):
            return str(arg).split("=", 1)[1]
    return None
