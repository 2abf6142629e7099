"""The lesson picker: built-in lessons by lecture, a notes preview, opening lessons and lesson files."""

from __future__ import annotations

import pytest
from app_helpers import async_test, ready, wait_for
from textual.binding import Binding
from textual.geometry import Region
from textual.widgets import Footer, OptionList
from textual.widgets._footer import FooterKey

from core.engine import catalog
from tui.app import LearnApp
from tui.screens.error_dialog import ErrorDialog
from tui.screens.lesson_list import lecture_heading
from tui.screens.picker import PickerScreen
from tui.screens.prompt import PromptScreen
from tui.screens.training import TrainingScreen
from tui.widgets.notes_panel import NotesPanel

SIZE = (110, 34)


async def highlight(pilot, lesson_id: str) -> None:
    option_list = pilot.app.screen.query_one(OptionList)
    option_list.highlighted = option_list.get_option_index(lesson_id)
    await pilot.pause()


def headings(option_list: OptionList) -> list[str]:
    return [str(option.prompt) for option in option_list.options if option.disabled]


def shown_ids(option_list: OptionList) -> list[str]:
    return [option.id for option in option_list.options if option.id]


def drawn(option_list: OptionList) -> str:
    """The list's text as drawn, without the spaces (a wrapped title joins up again)."""
    width, height = option_list.outer_size  # border included
    text = "".join(strip.text for strip in option_list.render_lines(Region(0, 0, width, height)))
    return "".join(c for c in "".join(text.split()) if not "\u2500" <= c <= "\u257f")  # no border


@async_test
async def test_picker_lists_every_built_in_lesson_under_its_lecture():
    infos = catalog.catalog()
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        assert isinstance(pilot.app.screen, PickerScreen)
        options = pilot.app.screen.query_one(OptionList).options
        for info in infos:
            row = next(i for i, option in enumerate(options) if option.id == info.id)
            heading = max(i for i, option in enumerate(options[:row]) if option.disabled)
            assert str(options[heading].prompt) == lecture_heading(info.lecture), info.id
        assert "Lecture 5 · Linear regression with PyTorch" in headings(pilot.app.screen.query_one(OptionList))


@async_test
async def test_titles_are_whole_at_80_columns():
    async with LearnApp(preload_torch=False).run_test(size=(80, 24)) as pilot:
        option_list = pilot.app.screen.query_one(OptionList)
        for info in catalog.catalog():
            option_list.highlighted = option_list.get_option_index(info.id)  # scrolls it into view
            await pilot.pause()
            await pilot.pause()
            assert "".join((info.id + info.title).split()) in drawn(option_list), info.title


@async_test
async def test_typing_filters_the_list_by_id_or_title_and_escape_clears_it():
    every = [info.id for info in catalog.catalog()]
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        option_list = pilot.app.screen.query_one(OptionList)
        await pilot.press(*"MNIST")  # an id, in any case
        assert shown_ids(option_list) == ["mnist-softmax", "mnist-cnn", "mnist-advanced"]
        assert headings(option_list) == [lecture_heading(9), lecture_heading(10), lecture_heading(11)]
        assert "MNIST" in str(pilot.app.screen.query_one("#picker-title").render())
        await pilot.press(*" c", "backspace", "backspace", "backspace", "backspace", "backspace")
        assert shown_ids(option_list) == ["mnist-softmax", "mnist-cnn", "mnist-advanced"]
        await pilot.press("escape")
        assert shown_ids(option_list) == every
        await pilot.press(*"residual")  # a word of a title only
        assert shown_ids(option_list) == ["mnist-advanced"]
        await pilot.press("escape", *"nn.linear")
        assert shown_ids(option_list) == ["linear-regression"]
        assert option_list.highlighted == option_list.get_option_index("linear-regression")
        await pilot.press("enter")  # opens the one lesson left
        assert (await ready(pilot)).lesson_id == "linear-regression"


@async_test
async def test_a_filter_that_matches_nothing_says_so_and_q_then_types():
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        option_list = pilot.app.screen.query_one(OptionList)
        await pilot.press(*"zzq")  # q is text once something is typed: the app keeps running
        assert pilot.app.is_running and shown_ids(option_list) == []
        assert any("zzq" in str(option.prompt) for option in option_list.options)
        await pilot.press("escape")
        assert len(shown_ids(option_list)) == len(catalog.catalog())


@async_test
async def test_the_highlighted_lessons_notes_show_beside_the_list():
    by_id = {info.id: info for info in catalog.catalog()}
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        # (the panel is mounted just after the first frame)
        await wait_for(pilot, lambda: pilot.app.screen.query(NotesPanel), what="the notes panel")
        preview = pilot.app.screen.query_one(NotesPanel)
        await wait_for(pilot, lambda: preview.notes != "", what="the first preview")
        await highlight(pilot, "linear-regression")
        assert preview.notes == by_id["linear-regression"].notes
        await pilot.press("up")
        assert preview.notes != by_id["linear-regression"].notes


@async_test
async def test_enter_opens_the_lesson_and_escape_comes_back():
    async with LearnApp(preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        await highlight(pilot, "linear-regression")
        await pilot.press("enter")
        screen = await ready(pilot)
        assert screen.lesson_id == "linear-regression" and screen.state == "paused"
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, PickerScreen)
        await highlight(pilot, "linear-regression")
        await pilot.press("enter")  # a second visit starts a fresh run
        second = await ready(pilot)
        assert second is not screen and second.frame.step == 0


@async_test
async def test_clicking_a_lesson_opens_it():
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        option_list = pilot.app.screen.query_one(OptionList)
        width, height = option_list.outer_size
        lines = [strip.text for strip in option_list.render_lines(Region(0, 0, width, height))]
        row = next(y for y, line in enumerate(lines) if "linear-regression" in line)  # titles may wrap
        await pilot.click(OptionList, offset=(4, row))
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TrainingScreen), what="the lesson to open")
        assert pilot.app.screen.lesson_id == "linear-regression"


@async_test
async def test_a_lesson_file_with_a_syntax_error_shows_its_line_and_the_picker_still_works(tmp_path):
    broken = tmp_path / "broken_lesson.py"
    broken.write_text('"""A learner\'s lesson."""\n\ndef train(run:\n    yield\n')
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        await pilot.press("f")
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one("Input").value = str(tmp_path / "missing.py")
        await pilot.press("enter")
        assert pilot.app.screen is prompt and "no file at" in prompt.error
        prompt.query_one("Input").value = str(broken)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ErrorDialog), what="the error dialog")
        dialog = pilot.app.screen
        assert "broken_lesson.py, line 3" in dialog.message
        assert "def train(run:" in dialog.details
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, TrainingScreen) and pilot.app.screen.state == "failed"
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, PickerScreen)
        await highlight(pilot, "linear-regression")
        await pilot.press("enter")
        assert (await ready(pilot)).lesson_id == "linear-regression"


@async_test
async def test_the_key_bar_offers_the_options_form_and_typing_o_still_filters():
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        screen = pilot.app.screen  # (the footer is mounted just after the first frame)
        await wait_for(
            pilot, lambda: bool(screen.query(Footer) and screen.query_one(Footer).query(FooterKey)), what="the key bar"
        )
        assert "Options" in {item.description for item in screen.query_one(Footer).query(FooterKey)}
        await pilot.press("o")  # a letter is text for the filter, not the form's key
        assert isinstance(pilot.app.screen, PickerScreen) and pilot.app.screen.typed == "o"


@async_test
async def test_question_mark_shows_help_and_q_quits():
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        from tui.screens.help import HelpScreen

        assert isinstance(pilot.app.screen, HelpScreen)
        assert {"⏎", "f", "?", "q"} <= {row[0] for row in pilot.app.screen.rows}
        options = pilot.app.get_key_display(Binding("ctrl+o", ""))
        assert any(key == options and "options" in text for key, text in pilot.app.screen.rows)
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not pilot.app.is_running and pilot.app.return_code == 0


def test_importing_the_app_loads_neither_torch_nor_numpy():
    import subprocess
    import sys

    code = (
        "import sys, tui.app, tui.screens.training\n"
        "heavy = [m for m in ('torch', 'numpy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@async_test
async def test_opening_a_lesson_clears_the_filter_and_coming_back_shows_every_lesson():
    every = [info.id for info in catalog.catalog()]
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        picker = pilot.app.screen
        option_list = picker.query_one(OptionList)
        await wait_for(pilot, lambda: picker.preview is not None, what="the notes panel")
        await pilot.press(*"gradient", "enter")
        await ready(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is picker and picker.typed == ""
        assert "filter:" not in str(picker.query_one("#picker-title").render())
        assert shown_ids(option_list) == every
        assert option_list.highlighted == option_list.get_option_index("gradient-descent")  # the one just opened
        notes = next(info.notes for info in catalog.catalog() if info.id == "gradient-descent")
        await wait_for(pilot, lambda: picker.preview.notes == notes, what="its notes")


@async_test
async def test_a_filter_that_matches_nothing_shows_no_lessons_notes():
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        picker = pilot.app.screen
        await wait_for(pilot, lambda: picker.preview is not None and picker.preview._shown, what="the notes panel")
        await pilot.press(*"linear-regression")
        await pilot.pause()
        assert "nn.Linear" in picker.preview._shown
        await pilot.press("z")
        await pilot.pause()
        shown = picker.preview._shown
        assert "nn.Linear" not in shown and "No lesson matches" in shown
        await pilot.press("backspace")  # a lesson again: its notes again
        await pilot.pause()
        assert "nn.Linear" in picker.preview._shown


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
@async_test
async def test_code_blocks_in_the_notes_wrap_instead_of_being_cut(size):
    from tui.widgets.notes_panel import PythonFence

    async with LearnApp(preload_torch=False).run_test(size=size) as pilot:
        picker = pilot.app.screen
        await wait_for(pilot, lambda: picker.preview is not None, what="the notes panel")
        await highlight(pilot, "gradient-descent")  # "d(cost)/dw = 1/N * sum over samples of 2 * x * (x * w - y)"
        await wait_for(pilot, lambda: bool(picker.preview.query(PythonFence)), what="its code blocks")
        await pilot.pause()
        for fence in picker.preview.query(PythonFence):
            label = fence.query_one("#code-content")
            assert label.region.width <= fence.region.width, (label.region, fence.region)
            width, height = label.outer_size
            drawn_text = "".join(strip.text for strip in label.render_lines(Region(0, 0, width, height)))
            assert "".join(fence.code.split()) in "".join(drawn_text.split()), (fence.code, drawn_text)
