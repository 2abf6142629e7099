"""The picker's list: the course's lectures, each lesson's row, the filter, the exercise marks, the rows in order
and the list's own keys (for the help).

``lesson_infos`` reads the built-in lessons once a run (``core.engine.catalog``: ``ast``, nothing imported), so the
list paints at once while torch loads in the background.
"""

from __future__ import annotations

import functools

from rich.padding import Padding
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from core.base.i18n import pick
from core.engine import catalog

# The course 《PyTorch深度学习实践》 (Liu Er), by lecture.
LECTURES = {
    1: "Overview",
    2: "Linear model",
    3: "Gradient descent",
    4: "Back propagation",
    5: "Linear regression with PyTorch",
    6: "Logistic regression",
    7: "Multi-dimensional input",
    8: "Dataset and DataLoader",
    9: "Softmax classifier",
    10: "Basic CNN",
    11: "Advanced CNN",
    12: "Basic RNN",
    13: "RNN classifier",
}
LECTURES_ZH = {
    1: "概述",
    2: "线性模型",
    3: "梯度下降",
    4: "反向传播",
    5: "用 PyTorch 实现线性回归",
    6: "逻辑斯蒂回归",
    7: "处理多维特征的输入",
    8: "加载数据集",
    9: "多分类问题",
    10: "卷积神经网络（基础篇）",
    11: "卷积神经网络（高级篇）",
    12: "循环神经网络（基础篇）",
    13: "循环神经网络（高级篇）",
}


def lecture_heading(lecture: int | None) -> str:
    if lecture is None:
        return pick("Beyond the course", "课程之外")
    name = pick(LECTURES.get(lecture, ""), LECTURES_ZH.get(lecture, ""))
    return pick(f"Lecture {lecture} · {name}", f"第 {lecture} 讲 · {name}").rstrip(" ·")


def matches(info, typed: str) -> bool:
    """Whether the lesson's id or title (either language) holds the typed text, ignoring case."""
    wanted = typed.strip().casefold()
    return not wanted or any(wanted in text.casefold() for text in (info.id, info.title, catalog.localized(info).title))


def lesson_row(info, marks: Text | None = None) -> Padding:
    """The lesson's id, then its title: a long title wraps under the id instead of being cut (a Padding, not
    a Table: a table per row cost ~10 ms of the picker's first frame). ``marks``: its exercise levels."""
    text = Text.assemble((info.id, "bold"), ("  ", ""), (info.title, "dim"), overflow="fold")
    if marks is not None:
        text.append("  ").append_text(marks)
    return Padding(text, (0, 0, 0, 2), expand=False)


def exercise_marks() -> dict[str, Text]:
    """Lesson id -> ``✓1 ✓2 ·3``: the exercise levels passed (``learn-tui check``'s small JSON record); only
    lessons with a level passed (``learn-tui exercise --list`` lists them all)."""
    from core.exercises import make, progress  # (with json: ~4 ms, read after the picker's first frame)

    record = progress.passed()
    marks = {}
    for lesson in make.exercise_lessons():
        levels = record.get(lesson, [])
        if not levels:
            continue
        marks[lesson] = Text(" ").join(
            Text(f"✓{level}", "green") if level in levels else Text(f"·{level}", "dim") for level in make.LEVELS
        )
    return marks


def list_options(infos: list, shown: list, typed: str, problems: list[str], marks: dict[str, Text]) -> list[Option]:
    """The list's rows: a heading per lecture, then its lessons (``shown``: those the filter ``typed`` lets through
    of ``infos``), the lesson files that could not be read, and a line when nothing is listed."""
    options, lecture = [], object()
    for info in shown:
        if info.lecture != lecture:
            lecture = info.lecture
            options.append(Option(Text(lecture_heading(lecture), style="bold"), disabled=True))
        options.append(Option(lesson_row(info, marks.get(info.id)), id=info.id))
    for problem in problems:
        options.append(
            Option(Text(pick(f"  could not read {problem}", f"  无法读取 {problem}"), style="red"), disabled=True)
        )
    if infos and not shown:
        options.append(
            Option(
                Text(
                    pick(
                        f"no lesson matches {typed!r} (escape clears)",
                        f"没有与 {typed!r} 匹配的课程（escape 清空）",
                    ),
                    style="italic",
                ),
                disabled=True,
            )
        )
    if not infos:
        options.append(
            Option(pick("no lessons found in core/lessons", "在 core/lessons 中没有找到课程"), disabled=True)
        )
    return options


def list_keys() -> list[tuple[str, str]]:
    """The list's own keys (help only: they have no binding on this screen), and typing to filter."""
    return [
        (
            "↑ ↓",
            pick(
                "move through the lessons (the highlighted one's notes show on the right)",
                "在课程列表中移动（右边显示选中课程的笔记）",
            ),
        ),
        ("pgup pgdn", pick("move a page up or down the list", "在列表中上下翻页")),
        (
            "a-z 0-9",
            pick(
                "type part of a lesson's id or title to narrow the list (f and q act while "
                "nothing is typed); backspace deletes, escape clears",
                "输入课程 id 或标题的一部分来筛选列表（尚未输入时 f 和 q 仍是快捷键）；"
                "backspace 删除一个字符，escape 清空",
            ),
        ),
    ]


def first_lesson(option_list: OptionList) -> int | None:
    """The index of the list's first lesson (headings and notes are disabled rows), or None."""
    return next((i for i, option in enumerate(option_list.options) if not option.disabled), None)


@functools.lru_cache(maxsize=1)
def lesson_infos() -> tuple[list, list[str]]:
    """The built-in lessons, and a line for each lesson file that could not be read (read once per run)."""
    try:
        return catalog.catalog(), []
    except Exception:  # one broken file: list the others and say which one
        infos, problems = [], []
        for path in sorted(catalog.LESSONS_DIR.glob("*.py")):
            if path.name.startswith("_"):
                continue
            try:
                infos.append(catalog.read_info(path))
            except Exception as exc:
                problems.append(f"{path.name}: {type(exc).__name__}: {exc}")
        infos.sort(key=lambda i: (i.lecture is None, i.lecture or 0, i.path))
        return infos, problems
