"""Runs that go wrong (divergence, a crashing lesson, missing data), checkpoints, and resizing."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import CRASHING, MISSING_DATA, TOY, async_test, line_of, ready, settle, status, wait_for

from core.engine.trainer import Trainer
from core.errors import CheckpointError
from tui.app import LearnApp
from tui.screens.error_dialog import ErrorDialog
from tui.screens.picker import PickerScreen
from tui.screens.prompt import PromptScreen

SIZE = (110, 34)


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def diverge(pilot):
    screen = await ready(pilot)
    await pilot.press("space")
    await wait_for(pilot, lambda: screen.state == "diverged", what="the run to diverge")
    await settle(pilot, screen)
    return screen


@async_test
async def test_a_diverging_run_pauses_says_so_and_a_reset_at_a_lower_rate_trains():
    app = LearnApp("linear-regression", lr=1, preload_torch=False, show_speed=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await diverge(pilot)
        assert screen.frame.step <= 3
        assert "│ diverged │" in status(screen)
        assert "Lower the learning rate" in screen.frame.message and "try 0.1" in screen.frame.message
        assert any("diverged" in text for text in notifications(app))
        assert screen.check_action("toggle_pause", ()) is True  # space continues
        await pilot.press("minus", "minus", "minus")
        await settle(pilot, screen)
        assert screen.frame.lr == 0.03
        await pilot.press("r")
        await settle(pilot, screen)
        assert screen.frame.step == 0 and screen.state == "paused" and screen.frame.lr == 0.03
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "finished", what="training to finish")
        assert screen.frame.loss < 1e-3


@async_test
async def test_after_a_divergence_space_continues_at_the_lowered_rate():
    app = LearnApp("linear-regression", lr=1, preload_torch=False, show_speed=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await diverge(pilot)
        diverged_at = screen.frame.step
        await pilot.press("minus", "minus", "minus", "space")
        await wait_for(pilot, lambda: screen.state == "finished", what="training to finish")
        assert screen.frame.step > diverged_at
        assert screen.frame.loss < 1e-3


@async_test
async def test_a_crashing_lesson_shows_its_traceback_and_the_app_stays_up():
    async with LearnApp(CRASHING, preload_torch=False).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ErrorDialog), what="the error dialog")
        dialog = pilot.app.screen
        assert "ZeroDivisionError" in dialog.message and "at step 3" in dialog.message
        assert "app_helpers.py" in dialog.details
        assert f"line {line_of('_ = 1 / 0')}" in dialog.details
        await pilot.press("escape")
        assert pilot.app.screen is screen
        await settle(pilot, screen)
        assert screen.state == "crashed" and "ZeroDivisionError" in screen.frame.message
        assert screen.check_action("step_batch", ()) is None
        await pilot.press("r")
        await settle(pilot, screen)
        assert screen.state == "paused" and screen.frame.step == 0


@async_test
async def test_missing_data_says_needs_data_shows_the_whole_message_and_the_picker_still_works():
    from tui.screens.lesson_form import LessonForm

    app = LearnApp(MISSING_DATA, preload_torch=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, LessonForm), what="the options form")
        form = pilot.app.screen
        await wait_for(pilot, lambda: bool(form.query(".form-note")), what="the form's fields")
        assert form.data_error.startswith("MNIST files missing")  # in full, above the form's fields
        screen = pilot.app.screen_stack[-2]
        assert screen.state == "needs data"
        await pilot.press("escape")  # closes the form
        assert pilot.app.screen is screen
        assert "MNIST files missing" in str(screen.query_one("#message").render())
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, PickerScreen)
        await pilot.press("enter")
        assert (await ready(pilot)).state == "paused"


@async_test
async def test_ctrl_s_finishes_the_step_saves_and_o_opens_it_again(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = LearnApp(TOY, preload_torch=False, show_speed=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("n", "full_stop", "full_stop")  # in the middle of step 2
        await settle(pilot, screen)
        assert screen.frame.step == 2 and "step 2" in status(screen)  # the step the checkpoint will be named for
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("saved" in text for text in notifications(app)), what="the save")
        saved = Path("checkpoints/toy-step2.pt")
        assert saved.is_file()
        assert any(str(saved) in text for text in notifications(app))
        await settle(pilot, screen)
        saved_w = screen.frame.snapshot.params[0].values
        await pilot.press("n", "n", "n")
        await settle(pilot, screen)
        assert screen.frame.step == 5
        await pilot.press("o")
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen) and prompt.query_one("Input").value == str(saved)
        await pilot.press("enter")
        await settle(pilot, screen)
        assert screen.frame.step == 2 and screen.frame.snapshot.params[0].values == saved_w
        assert "opened" in screen.frame.message
        await pilot.press("o")
        prompt = pilot.app.screen
        prompt.query_one("Input").value = "checkpoints/nothing-here.pt"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "no checkpoint at" in prompt.error, what="the error in the dialog")
        assert pilot.app.screen is prompt  # still open: the learner can fix the path
        await pilot.press("escape")
        await settle(pilot, screen)
        assert screen.frame.step == 2  # the run is untouched


@pytest.mark.parametrize("content", [b"not a checkpoint at all", b"\x80\x04K\x01."])  # text; a pickled 1
@async_test
async def test_o_on_a_file_that_is_no_checkpoint_explains_it_in_the_dialog_and_the_run_goes_on(
    tmp_path, monkeypatch, content
):
    monkeypatch.chdir(tmp_path)
    Path("shared.pt").write_bytes(content)
    with pytest.raises(CheckpointError) as expected:
        Trainer.from_checkpoint("shared.pt", TOY)
    app = LearnApp(TOY, preload_torch=False, show_speed=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("n")
        await settle(pilot, screen)
        await pilot.press("o")
        prompt = pilot.app.screen
        prompt.query_one("Input").value = "shared.pt"
        await pilot.press("enter")
        await wait_for(pilot, lambda: prompt.error != "", what="the error in the dialog")
        assert prompt.error == f"{expected.value} (with ctrl+s)"  # the core's one line, and how the app saves one
        assert "\n" not in prompt.error
        assert pilot.app.screen is prompt and pilot.app.is_running
        await pilot.press("escape")
        await pilot.press("n")
        await settle(pilot, screen)
        assert screen.frame.step == 2 and screen.state == "paused"  # the run carries on where it was


@async_test
async def test_the_view_works_at_80x24_and_after_a_resize():
    app = LearnApp(TOY, preload_torch=False, show_speed=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert screen.has_class("-narrow") and screen.has_class("-short")
        await pilot.press("n")
        await settle(pilot, screen)
        assert status(screen).startswith("toy │ paused │ step 1 │")
        code = screen.query_one("#code")
        assert code.size.height >= 5 and code.region.bottom <= 24
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        assert screen.has_class("-wide") and screen.has_class("-tall")
        await pilot.press("n")
        await settle(pilot, screen)
        assert "│ step 2 │" in status(screen)
        await pilot.resize_terminal(60, 16)
        await pilot.press("n")
        await settle(pilot, screen)
        assert "│ step 3 │" in status(screen)
