"""The app on an exercise file: the Check tab names the first mismatch at its step and phase, a save reloads the
file on the tab the learner was on and re-checks, a file that does not load is still watched (its error in the
Check tab, its line lit), ``h`` gives three hints, and the picker marks the levels passed (issues 15, 21)."""

from __future__ import annotations

import json
import os

from app_helpers import async_test, ready, wait_for
from textual.widgets import TabbedContent

from core.exercises.make import write_exercise
from tui.app import LearnApp
from tui.screens.training import TrainingScreen
from tui.widgets.code_panel import CodePanel

SIZE = (130, 40)


def check_text(screen) -> str:
    return screen.exercise.panel.text if screen.exercise is not None else ""


def save(path, text: str) -> None:
    """Write ``text`` as an editor saves it, with a later mtime (the app polls it once a second)."""
    path.write_text(text)
    later = os.stat(path).st_mtime + 5 + len(text) % 7
    os.utime(path, (later, later))


async def reloaded(pilot, screen) -> TrainingScreen:
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, TrainingScreen) and pilot.app.screen is not screen,
        what="the reload",
    )
    return pilot.app.screen


async def step_to(pilot, screen, step: int, phase: str) -> None:
    """Press . (one phase) until the run stands after ``phase`` of ``step``."""

    def there() -> bool:
        progress = screen.frame.progress if screen.frame is not None else None
        return (
            progress is not None
            and progress.step == step
            and progress.phase is not None
            and progress.phase.name == phase
        )

    for _ in range(40):
        if there():
            return
        drawn = screen.frames_drawn
        await pilot.press("full_stop")
        await wait_for(
            pilot, lambda before=drawn: screen.frames_drawn > before and screen.driver.idle, what="the next phase"
        )
    raise AssertionError(f"never reached {phase} at step {step}")


@async_test
async def test_check_tab_names_the_mismatch_then_a_save_reloads_and_it_matches(tmp_path):
    path, _ = write_exercise("linear-regression", 1, tmp_path)  # its TODO: optimizer.zero_grad()
    async with LearnApp(str(path), preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_for(pilot, lambda: screen.exercise is not None, what="the Check tab")
        await step_to(pilot, screen, 2, "ZERO_GRAD")
        await wait_for(pilot, lambda: "at step 2" in check_text(screen), what="the mismatch")
        text = check_text(screen)
        assert "after ZERO_GRAD at step 2" in text and "not zeroed" in text
        assert "yours:" in text and "reference:" in text  # both values
        assert screen.exercise.outcome.mismatch.line == screen.frame.line  # the learner's yield, lit

        hints = []
        for _ in range(3):
            await pilot.press("h")
            await wait_for(pilot, lambda: screen.exercise.panel.hint.startswith(f"hint {len(hints) + 1}/3"))
            hints.append(screen.exercise.panel.hint)
        assert len(set(hints)) == 3 and hints[-1].endswith("optimizer.zero_grad()")

        screen.query_one(TabbedContent).active = "tab-check"
        save(path, path.read_text().replace("# TODO: zero the gradients", "optimizer.zero_grad()"))
        again = await reloaded(pilot, screen)
        await wait_for(pilot, lambda: check_text(again).startswith("✓"), timeout=60, what="a passing check")
        assert "match the reference (to ZERO_GRAD at step 2)" in check_text(again)
        assert again.query_one(TabbedContent).active == "tab-check"  # the tab the learner was on


@async_test
async def test_a_syntax_error_shows_in_the_check_tab_and_the_fix_reloads_on_the_same_tab(tmp_path):
    from core.exercises.make import solution

    path = tmp_path / "linear_regression_level1.py"
    path.write_text(solution("linear-regression", 1))
    good = path.read_text()
    async with LearnApp(str(path), preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_for(pilot, lambda: screen.exercise is not None, what="the Check tab")
        await step_to(pilot, screen, 1, "LOSS")
        screen.query_one(TabbedContent).active = "tab-grads"
        broken = good.replace(
            "loss.backward()\n            yield BACKWARD", "loss.backward(\n            yield BACKWARD"
        )
        save(path, broken)
        wrong = await reloaded(pilot, screen)
        await wait_for(pilot, lambda: "does not load" in check_text(wrong), what="the error in the Check tab")
        line = broken.splitlines().index("            loss.backward(") + 1
        assert f"line {line}: '(' was never closed" in check_text(wrong)
        assert wrong.query_one(TabbedContent).active == "tab-check"
        assert wrong.query_one(CodePanel).current == line
        assert isinstance(pilot.app.screen, TrainingScreen)  # no dialog over it: the next save is seen

        save(path, good)
        fixed = await reloaded(pilot, wrong)
        await wait_for(pilot, lambda: fixed.lesson is not None, what="the fixed file to load")
        await wait_for(pilot, lambda: fixed.query_one(TabbedContent).active == "tab-grads", what="the tab kept")
        await wait_for(pilot, lambda: check_text(fixed).startswith("✓"), timeout=60, what="the check to where it was")
        assert "(to LOSS at step 1)" in check_text(fixed)


@async_test
async def test_an_unfilled_todo_says_what_is_missing(tmp_path):
    path, _ = write_exercise("linear-regression", 2, tmp_path)  # no forward, no loss: `loss` is never defined
    async with LearnApp(str(path), preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_for(pilot, lambda: screen.exercise is not None, what="the Check tab")
        await step_to(pilot, screen, 1, "FORWARD")
        await wait_for(pilot, lambda: check_text(screen).startswith("✓"), what="the forward pass to match")
        await pilot.press("full_stop")  # the loss line is a TODO: the learner's loop breaks at `yield LOSS, loss`
        await wait_for(pilot, lambda: "TODO" in check_text(screen), what="the crash in the Check tab")
        lines = path.read_text().splitlines()  # (the first one: the second is in the LBFGS branch, not run)
        todo = min(n for n, text in enumerate(lines, 1) if text == "            # TODO: compute the loss: loss = ...")
        assert check_text(screen).startswith(
            f"✗ `loss` is used before anything sets it: fill in the TODO at line {todo}"
        )
        assert screen.query_one(CodePanel).current == todo


@async_test
async def test_the_picker_marks_the_levels_passed(tmp_path, monkeypatch):
    record = tmp_path / "progress.json"
    record.write_text(json.dumps({"passed": {"autograd": [1, 3]}}))
    monkeypatch.setenv("LEARN_TUI_PROGRESS", str(record))
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        from textual.widgets import OptionList

        def row() -> str:
            options = pilot.app.screen.query_one(OptionList).options
            return next(option for option in options if option.id == "autograd").prompt.renderable.plain

        await wait_for(pilot, lambda: row().endswith("✓1 ·2 ✓3"), what="the marks (read after the first frame)")
        # A level passed while the picker was covered (in a lesson, or here its help) shows when it is back.
        record.write_text(json.dumps({"passed": {"autograd": [1, 2, 3]}}))
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: row().endswith("✓1 ✓2 ✓3"), what="the marks read again")


@async_test
async def test_a_file_stuck_in_an_endless_loop_is_stopped_and_the_app_goes_on(tmp_path, monkeypatch):
    """Saved with an endless loop in step 2, the file is checked again to where the learner was (step 2): the
    Check tab says it never reached its next yield, and the live run (which needs the generators' lock the
    check held) still steps."""
    from core.exercises import check
    from core.exercises.make import solution
    from tui.screens import exercise_check

    monkeypatch.setattr(check, "PHASE_SECONDS", 2.0)
    before = "optimizer.zero_grad()\n            yield ZERO_GRAD"
    path = tmp_path / "linear_regression_level1.py"
    path.write_text(
        solution("linear-regression", 1).replace(
            before, "while epoch >= 2:\n                pass\n            " + before
        )
    )
    loop = path.read_text().splitlines().index("            while epoch >= 2:") + 1
    exercise_check.REACHED[str(path)] = (2, "ZERO_GRAD", None)  # as a save after stepping to there leaves it
    async with LearnApp(str(path), preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await wait_for(pilot, lambda: "endless loop" in check_text(screen), what="the time limit")
        text = check_text(screen)
        assert text.startswith("✗ your file has not reached its next yield after line") and "(LOSS at step 2)" in text
        assert f"in 2 s: an endless loop? it was running line {loop} (`while epoch >= 2:`)" in text
        drawn = screen.frames_drawn
        await pilot.press("full_stop")
        await wait_for(pilot, lambda: screen.frames_drawn > drawn and screen.driver.idle, what="the live run")
        assert screen.frame.progress.step == 1 and "endless loop" in check_text(screen)
