"""Chinese wraps by character with the line-breaking rules (core/base/linebreak.py), in the app (tui/cjk_wrap.py:
Textual's and Rich's wrapping) and on the command line, and never splits an identifier or a code phrase that fits."""

from __future__ import annotations

import importlib.metadata
import inspect

import pytest
import rich._wrap
import rich.text
import textual.content
from app_helpers import async_test, ready, wait_for
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len as rich_cell_len
from rich.console import Console
from rich.text import Text
from test_app_language import drawn_lines
from textual.widgets import OptionList, Static, TabbedContent
from textual.widgets._markdown import MarkdownBlock

from core.base import i18n, linebreak
from core.base.linebreak import BREAK, CLOSING, NO_BREAK, OPENING, SECOND, break_kinds, wrap_offsets
from core.front.args import format_lesson_options
from core.lesson import Option
from tui import cjk_wrap
from tui.app import LearnApp
from tui.screens.help import HelpScreen
from tui.widgets.notes_panel import NotesPanel

WIDE_CLOSING = "".join(sorted(c for c in CLOSING if not c.isascii()))
WIDE_OPENING = "".join(sorted(c for c in OPENING if not c.isascii()))
IDEOGRAPHS = "用类来设计模型数据落在上所以训练应当找到损失梯度"
IDENTIFIERS = ["torch.nn.Module", "LinearModel(torch.nn.Module)", "x_data", "--optimizer", "0.01", "f(x)", "w"]
PIECES = [*IDEOGRAPHS, *WIDE_CLOSING, *WIDE_OPENING, *IDENTIFIERS, " ", "  ", "y = w*x + b", "é", "…", "\t"]

texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
widths = st.integers(min_value=1, max_value=40)
# The two wrappers: the command line's (standard library widths) and the app's (Rich's widths and folding).
WRAPPERS = {
    "core": (wrap_offsets, linebreak.cell_len),
    "app": (lambda text, width: cjk_wrap.divide_line(text, width), rich_cell_len),
}


def split(text: str, offsets: list[int]) -> list[str]:
    return [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)])]


def unit(kinds: list[int], at: int, weakest: int) -> tuple[int, int]:
    """The span around ``at`` with no break of kind ``weakest`` or stronger inside it."""
    start = max((i for i in range(1, at) if kinds[i] >= weakest), default=0)
    end = min((i for i in range(at + 1, len(kinds)) if kinds[i] >= weakest), default=len(kinds))
    return start, end


# -- where a line may begin ---------------------------------------------------------------------------------


def test_each_chinese_character_is_a_break_but_not_before_a_closing_or_after_an_opening_mark():
    text = "训练（前向）、损失。"
    assert [i for i, kind in enumerate(break_kinds(text)) if kind] == [1, 2, 4, 7, 8]  # 练 （前 向 损 失


def test_an_identifier_stays_whole_and_an_ascii_phrase_breaks_only_as_a_second_choice():
    text = "模型LinearModel(torch.nn.Module)，y = w*x + b。"
    kinds = break_kinds(text)
    assert [i for i, kind in enumerate(kinds) if kind == BREAK] == [1, 2, 31]  # 型 Linear… y
    assert [text[i] for i, kind in enumerate(kinds) if kind == SECOND] == ["=", "w", "+", "b"]


@given(texts)
def test_break_kinds_keep_the_rules(text):
    kinds = break_kinds(text)
    for i, kind in enumerate(kinds):
        before = text[:i].rstrip()
        if kind == NO_BREAK or not before:
            assert kind == NO_BREAK
            continue
        assert not text[i].isspace() and text[i] not in CLOSING and before[-1] not in OPENING, (text, i)
        if not text[i - 1].isspace():  # a run without spaces breaks only beside a wide character or a mark
            assert not (text[i - 1].isascii() and text[i].isascii()), (text, i)
            assert linebreak.has_wide(text[i - 1] + text[i]) or text[i - 1] in CLOSING or text[i] in OPENING


# -- wrapping -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("wrapper", WRAPPERS)
@settings(max_examples=300, deadline=None)
@given(text=texts, width=widths)
def test_every_line_fits_and_breaks_only_where_it_may(wrapper, text, width):
    divide, cells = WRAPPERS[wrapper]
    offsets = divide(text, width)
    assert offsets == sorted(set(offsets)) and all(0 < o < len(text) for o in offsets)
    lines = split(text, offsets)
    assert "".join(lines) == text
    for line in lines:
        assert cells(line.rstrip()) <= width or len(line.rstrip()) == 1, (text, width, lines)
    if wrapper == "app" and not linebreak.has_wide(text):
        return  # Rich's own wrapping (test_text_without_a_wide_character_wraps_exactly_as_rich_does)
    kinds = break_kinds(text)
    for at in offsets:  # a break the rules forbid only inside a piece wider than any line
        if kinds[at] != BREAK:
            start, end = unit(kinds, at, BREAK if kinds[at] == SECOND else SECOND)
            assert cells(text[start:end].rstrip()) > width, (text, width, lines, at)


cells_of_text = st.tuples(
    st.sampled_from(["", *WIDE_OPENING]),
    st.sampled_from([*IDEOGRAPHS, *(word + " " for word in IDENTIFIERS)]),
    st.sampled_from(["", *WIDE_CLOSING]),
).map("".join)


@pytest.mark.parametrize("wrapper", WRAPPERS)
@settings(max_examples=300, deadline=None)
@given(parts=st.lists(cells_of_text, min_size=1, max_size=40), width=st.integers(min_value=34, max_value=60))
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one_nor_splits_an_identifier(wrapper, parts, width):
    divide, _ = WRAPPERS[wrapper]
    text = "".join(parts)
    assume(linebreak.has_wide(text))  # (text without a wide character is wrapped as English is, by Rich)
    lines = [line.strip() for line in split(text, divide(text, width))]
    assert not any(line[:1] in CLOSING or line[-1:] in OPENING for line in lines if line), lines
    words = {word for part in parts for word in IDENTIFIERS if word in part}
    assert all(any(word in line for line in lines) for word in words), lines


def test_text_without_a_wide_character_wraps_exactly_as_rich_does():
    text = "The mouse works too: click a key at the bottom, a tab, or a lesson (… 0.01, 0.03 …). é"
    for width in range(1, 60):
        assert cjk_wrap.divide_line(text, width) == rich._wrap.divide_line(text, width)


# -- the patch on textual 8.2.8 / rich 15.0.0 ---------------------------------------------------------------


def test_the_private_names_the_patch_replaces_are_still_there():
    """tui/cjk_wrap.py swaps ``divide_line`` in textual.content and rich.text: if this fails after an upgrade,
    check that both still wrap through that name (``Content._wrap_and_format``, ``Text.wrap``) and re-pin."""
    assert importlib.metadata.version("textual") == "8.2.8" and importlib.metadata.version("rich") == "15.0.0"
    assert list(inspect.signature(rich._wrap.divide_line).parameters) == ["text", "width", "fold"]
    assert "divide_line(" in inspect.getsource(textual.content.Content._wrap_and_format)
    assert "divide_line(" in inspect.getsource(rich.text.Text.wrap)
    cjk_wrap.install()
    assert textual.content.divide_line is rich.text.divide_line is cjk_wrap.divide_line
    text = "暂停时：运行到下一个阶段（前向传播、计算损失、反向传播、更新、梯度清零）"
    for width in range(4, 30):
        rich_lines = Text(text).wrap(Console(), width)
        content_lines = textual.content.Content(text).wrap(width)
        for lines in ([line.plain for line in rich_lines], [line.plain for line in content_lines]):
            assert "".join(lines) == text and not any(line[0] in CLOSING for line in lines), (width, lines)


# -- the command line ---------------------------------------------------------------------------------------


def test_a_lessons_chinese_option_help_wraps_to_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    help_text = "每一步要多次计算损失，所以需要一个重新计算损失的闭包：optimizer.step(closure) 在更新参数之前执行。" * 2
    lines = format_lesson_options("", [Option("optimizer", "sgd", help_text)]).splitlines()
    assert all(linebreak.cell_len(line) <= 60 for line in lines), lines
    assert any("optimizer.step(closure)" in line for line in lines)
    assert not any(line.strip()[:1] in CLOSING for line in lines[1:])


# -- the app in Chinese -------------------------------------------------------------------------------------


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language(None)


def badly_broken(line: str) -> bool:
    """Whether the line begins with a closing mark or ends with an opening one."""
    line = line.strip()
    return bool(line) and (line[0] in WIDE_CLOSING or line[-1] in WIDE_OPENING)


def check_lines(lines: list[str]) -> None:
    """No line begins with a closing mark or ends with an opening one; code and maths are whole."""
    assert not any(badly_broken(line) for line in lines), lines
    for whole in ["LinearModel(torch.nn.Module)", "torch.nn.Linear(1, 1)", "y = w*x + b", "optimizer.step(closure)"]:
        assert any(whole in line for line in lines), (whole, lines)


def markdown_lines(panel: NotesPanel) -> list[str]:
    return [line for block in panel.query(MarkdownBlock) for line in drawn_lines(block)]


@async_test
async def test_the_chinese_notes_keep_code_whole_in_the_picker_and_the_notes_tab_at_80x24(chinese):
    async with LearnApp(preload_torch=False).run_test(size=(80, 24)) as pilot:
        option_list = pilot.app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: bool(pilot.app.screen.query(NotesPanel)), what="the notes pane")
        option_list.highlighted = option_list.get_option_index("linear-regression")
        panel = pilot.app.screen.query_one(NotesPanel)
        await wait_for(pilot, lambda: "LinearModel" in "".join(markdown_lines(panel)), what="the notes")
        check_lines(markdown_lines(panel))
    async with LearnApp("linear-regression", preload_torch=False, show_speed=False).run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        pilot.app.screen.query_one(TabbedContent).active = "tab-notes"
        panel = pilot.app.screen.query_one("#notes", NotesPanel)
        await wait_for(pilot, lambda: panel.is_on_screen and len(panel.query(MarkdownBlock)) > 3, what="notes")
        await pilot.pause()
        check_lines(markdown_lines(panel))


@async_test
async def test_the_chinese_help_at_100_columns_starts_no_line_with_a_closing_mark(chinese):
    async with LearnApp("linear-regression", preload_torch=False, show_speed=False).run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.pause()
        lines = [line for static in pilot.app.screen.query(Static) for line in drawn_lines(static)]
        assert any("梯度清零" in line for line in lines)
        assert not any(badly_broken(line) for line in lines), lines
