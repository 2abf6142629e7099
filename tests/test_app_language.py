"""The app in Chinese: lesson titles, notes and help at 80×24 (double-width characters laid out whole), and
maths in the notes exactly as written in both languages."""

from __future__ import annotations

import pytest
from app_helpers import async_test, ready, wait_for
from rich.cells import cell_len
from textual.geometry import Region
from textual.widgets import OptionList, TabbedContent
from textual.widgets._markdown import MarkdownBlock

from core.base import i18n
from core.engine import catalog
from tui.app import LearnApp
from tui.screens.help import HelpScreen
from tui.widgets.notes_panel import NotesPanel

SMALL = (80, 24)
EXPRESSION = "2*x1 + 2*x2 + 2*x3"


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language(None)


def drawn_lines(widget) -> list[str]:
    """What the widget draws, line by line, checked to fit its width."""
    width, height = widget.outer_size  # border and padding included
    strips = widget.render_lines(Region(0, 0, width, height))
    for strip in strips:
        assert cell_len(strip.text) == strip.cell_length <= width, strip.text
    return [strip.text for strip in strips]


def squeezed(text: str) -> str:
    """The text without spaces and borders (a line wrapped in the middle of a word joins up again)."""
    return "".join(c for c in "".join(text.split()) if not "\u2500" <= c <= "\u257f")


async def notes_text(pilot) -> str:
    """Every line the training view's Notes tab draws (the whole text, not only what is scrolled into view)."""
    pilot.app.screen.query_one(TabbedContent).active = "tab-notes"
    panel = pilot.app.screen.query_one("#notes", NotesPanel)
    await wait_for(pilot, lambda: panel.is_on_screen and len(panel.query(MarkdownBlock)) > 3, what="the notes")
    await pilot.pause()
    return "\n".join(line for block in panel.query(MarkdownBlock) for line in drawn_lines(block))


@pytest.mark.parametrize("language", ["en", "zh"])
@async_test
async def test_the_notes_tab_shows_maths_exactly_as_written(language):
    i18n.set_language(language)
    try:
        async with LearnApp("autograd", preload_torch=False, show_speed=False).run_test(size=SMALL) as pilot:
            await ready(pilot)
            shown = squeezed(await notes_text(pilot))
    finally:
        i18n.set_language(None)
    assert squeezed(EXPRESSION) in shown  # not "2x1+2x2+2*x3": no operator taken for emphasis
    assert squeezed("y = w1*x^2 + w2*x + b") in shown
    assert ("反向传播" in shown) == (language == "zh")


@async_test
async def test_the_picker_in_chinese_shows_every_title_whole_at_80x24(chinese):
    infos = [catalog.localized(info) for info in catalog.catalog()]
    async with LearnApp(preload_torch=False).run_test(size=SMALL) as pilot:
        option_list = pilot.app.screen.query_one(OptionList)
        assert "选择一课" in str(pilot.app.screen.query_one("#picker-title").render())
        for info in infos:
            option_list.highlighted = option_list.get_option_index(info.id)
            await pilot.pause()
            assert squeezed(info.id + info.title) in squeezed("".join(drawn_lines(option_list))), info.title
        headings = [str(option.prompt) for option in option_list.options if option.disabled]
        assert "第 4 讲 · 反向传播" in headings and "课程之外" in headings
        preview = pilot.app.screen.query_one(NotesPanel)
        assert preview.notes == i18n.translation(infos[-1].id).notes  # the highlighted lesson's, in Chinese
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        texts = dict(pilot.app.screen.rows)
        assert texts["⏎"] == "打开选中的课程" and "筛选" in texts["a-z 0-9"]


@async_test
async def test_the_training_help_is_chinese_with_english_key_labels(chinese):
    async with LearnApp("linear-regression", preload_torch=False, show_speed=False).run_test(size=SMALL) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        texts = dict(pilot.app.screen.rows)
        assert texts["space"].startswith("开始或暂停训练") and texts["["] != texts["]"]
        english = [text for text in texts.values() if not any("\u4e00" <= c <= "\u9fff" for c in text)]
        assert not english, english


def test_chinese_lines_join_without_a_space_and_code_stays_untouched():
    from tui.widgets.notes_panel import as_markdown

    markdown = as_markdown("标题。\n\n张量做的\n每一个运算，w = 2*x 和 `2*x`\n\n    y = 2*x\n    # 中文\n    注释\n")
    assert "张量做的每一个运算，w = 2\\*x 和 `2*x`" in markdown  # one sentence; maths escaped, code not
    assert "    y = 2*x\n    # 中文\n    注释" in markdown  # a code block as written


@pytest.mark.parametrize(
    ("notes", "shown"),
    [
        ("试试优化器（SGD、\nLBFGS），比较", "试试优化器（SGD、LBFGS），比较"),  # punctuation, then a name
        ("每个 epoch\n之后报告", "每个 epoch\n之后报告"),  # a word, then Chinese: a space, as typeset
        ("用的是\n`.grad` 里", "用的是\n`.grad` 里"),  # Chinese, then code: a space
        ("张量做的\n每一个运算", "张量做的每一个运算"),  # two Chinese characters: no space
        ("数据是\n（x, y）", "数据是（x, y）"),  # Chinese punctuation: no space
        ("two English\nwords", "two English\nwords"),  # two words: Markdown's soft break, a space
        ("列表：\n- 一项\n- 二项", "列表：\n- 一项\n- 二项"),  # a list starts: no join
        ("步骤：\n1. 一步", "步骤：\n1. 一步"),
        ("## 标题\n正文", "## 标题\n正文"),  # a heading ends at its line
        ("一段。\n\n二段", "一段。\n\n二段"),  # a paragraph break stays
        ("硬换行  \n下一行", "硬换行  \n下一行"),  # a hard break stays
    ],
)
def test_a_line_break_in_chinese_is_joined_without_a_space_but_a_latin_word_keeps_its_space(notes, shown):
    from tui.widgets.notes_panel import protect_operators

    assert protect_operators(notes) == shown
