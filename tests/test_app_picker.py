"""The lesson picker: built-in lessons by lecture, a notes preview, opening lessons and lesson files."""

from __future__ import annotations

from app_helpers import async_test, ready, wait_for
from textual.widgets import OptionList

from core import catalog
from tui.app import LearnApp
from tui.screens.error_dialog import ErrorDialog
from tui.screens.picker import PickerScreen, lecture_heading
from tui.screens.prompt import PromptScreen
from tui.screens.training import TrainingScreen
from tui.widgets.notes_panel import NotesPanel

SIZE = (110, 34)


def prompts(option_list: OptionList) -> list[str]:
    return [str(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)]


async def highlight(pilot, lesson_id: str) -> None:
    option_list = pilot.app.screen.query_one(OptionList)
    option_list.highlighted = option_list.get_option_index(lesson_id)
    await pilot.pause()


@async_test
async def test_picker_lists_every_built_in_lesson_under_its_lecture():
    infos = catalog.catalog()
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        assert isinstance(pilot.app.screen, PickerScreen)
        texts = prompts(pilot.app.screen.query_one(OptionList))
        for info in infos:
            row = next(i for i, text in enumerate(texts) if text.strip().startswith(info.id + " "))
            heading = max(i for i, text in enumerate(texts[:row]) if not text.startswith("  "))
            assert texts[heading] == lecture_heading(info.lecture), info.id
        assert "Lecture 5 · Linear regression with PyTorch" in texts


@async_test
async def test_the_highlighted_lessons_notes_show_beside_the_list():
    by_id = {info.id: info for info in catalog.catalog()}
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
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
        index = option_list.get_option_index("linear-regression")
        await pilot.click(OptionList, offset=(4, 1 + index))
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
async def test_question_mark_shows_help_and_q_quits():
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        from tui.screens.help import HelpScreen

        assert isinstance(pilot.app.screen, HelpScreen)
        assert {"⏎", "f", "?", "q"} <= {row[0] for row in pilot.app.screen.rows}
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not pilot.app.is_running and pilot.app.return_code == 0


def test_importing_the_app_loads_neither_torch_nor_numpy():
    import subprocess
    import sys

    code = ("import sys, tui.app, tui.screens.training\n"
            "heavy = [m for m in ('torch', 'numpy') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True)
