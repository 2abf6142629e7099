"""The app's break (b): the run pauses at the end of the first step where a condition holds, with a notice naming
it (in Chinese under --lang zh); a condition that is not one is explained in the dialog, which stays open; an
attached view sets one over the wire."""

from __future__ import annotations

from app_helpers import TOY, async_test, ready, settle, wait_for
from test_remote import serve  # noqa: F401  (the fixture)
from test_remote_open import Wire

from core.base.i18n import set_language
from core.base.settings import RunSettings
from core.driver.records import Notice
from core.driver.requests import RunControl
from core.errors import UsageError
from core.phases import BACKWARD
from tui.app import LearnApp
from tui.screens.prompt import PromptScreen

SIZE = (110, 34)


def app_for(lesson=TOY) -> LearnApp:
    return LearnApp(lesson, preload_torch=False, show_speed=False)


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


@async_test
async def test_b_pauses_the_run_where_the_condition_holds_with_a_notice():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("b")
        assert isinstance(pilot.app.screen, PromptScreen)
        await pilot.press(*"step >= 4 and loss < 1e9", "enter")
        await settle(pilot, screen)
        assert pilot.app.screen is screen and "break: the run pauses where step >= 4 and loss < 1e9 holds" in notices(
            pilot.app
        )
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "paused" and screen.frame.step >= 4, what="the break")
        await settle(pilot, screen)
        assert screen.frame.step == 4 and screen.state == "paused"
        said = "break: step >= 4 and loss < 1e9 held at step 4 (step = 4, loss = "
        assert screen.frame.message.startswith(said) and any(n.startswith(said) for n in notices(pilot.app))
        await pilot.press("space")  # once: the run goes on past it
        await wait_for(pilot, lambda: screen.frame.step >= 8, what="the run to go on")
        await pilot.press("space")


@async_test
async def test_a_condition_that_is_not_one_is_explained_in_the_dialog_which_stays_open():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("b")
        dialog = pilot.app.screen
        dialog.query_one("Input").value = "loss.real < 1"
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is dialog and "attribute access (.real) is not allowed, at character 5" in dialog.error
        dialog.query_one("Input").value = 'grad_norm("v") > 1'  # a parameter the lesson lacks: the run says so
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(dialog.error), what="the run's answer")
        assert pilot.app.screen is dialog and 'has no parameter "v" (its parameters: w, b)' in dialog.error
        await pilot.press("escape")
        await settle(pilot, screen)
        assert screen.frame.step == 0


def run_to_break(control: RunControl, limit: int = 500) -> None:
    """What the driver's loop does while the run moves: each event through ``note`` until it stops."""
    trainer = control.trainer
    for _ in range(limit * 10):
        if not control.note(next(trainer)):
            return
    raise AssertionError("the break never held")


def test_a_gradient_break_pauses_where_the_steps_gradient_is_small_enough():
    control = RunControl(TOY, RunSettings(), paused=False)
    control.prime()
    control.set_break('grad_norm("w") < 2')
    run_to_break(control)
    stopped = control.trainer.step
    assert not control.moving and control.stop_when is None  # once
    [said] = control.notices
    assert said.severity == "warning" and said.text.startswith(f'break: grad_norm("w") < 2 held at step {stopped}')

    again, norms = RunControl(TOY, RunSettings(), paused=False).trainer, []  # the same run, read at BACKWARD
    for event in again:
        if event.phase is BACKWARD:
            norms.append(again.run.watched["w"].grad.abs().item())
            if len(norms) == stopped:
                break
    assert norms[-1] < 2 and all(norm >= 2 for norm in norms[:-1])


def test_a_break_on_a_value_that_is_not_a_number_is_removed_with_a_notice():
    control = RunControl(TOY, RunSettings(), paused=False)
    control.prime()
    control.trainer.metrics["text"] = "a word"
    control.set_break("text > 1")
    run_to_break(control)
    assert (
        control.stop_when is None and "break removed: break compares text, but at step 1 it is str" in control.message
    )
    assert control.notices[-1].severity == "error"


def test_the_break_notices_are_in_chinese_under_lang_zh():
    set_language("zh")
    try:
        control = RunControl(TOY, RunSettings(), paused=False)
        control.prime()
        assert control.set_break("step >= 2") == Notice("断点：step >= 2 成立时暂停")
        run_to_break(control)
        assert control.message.startswith("断点：第 2 步：step >= 2 成立（step = 2）；已暂停")
        assert control.set_break("") == Notice("已清除断点：运行到结束")
    finally:
        set_language(None)


def test_an_empty_break_clears_it_and_a_bad_one_keeps_the_old():
    control = RunControl(TOY, RunSettings(), paused=False)
    control.prime()
    control.set_break("step >= 3")
    try:
        control.set_break("step >=")
    except UsageError as refused:
        assert "at its end" in str(refused)
    assert control.stop_when is not None and control.stop_when.condition.text == "step >= 3"
    control.set_break("  ")
    assert control.stop_when is None


def test_an_attached_view_sets_a_break_over_the_wire(serve):  # noqa: F811
    served = serve("--steps", "1000000")
    wire = Wire(served)
    assert "at character 5" in wire.ask("set_break", {"text": "loss.real < 1"}).error
    assert wire.ask("set_break", {"text": "step >= 0"}).error == ""  # (any step from here on)
    held = next(r for r in wire.records() if isinstance(r, Notice) and r.text.startswith("break: step >= 0 held"))
    assert held.severity == "warning"
    code, _, err = served.finish()
    assert "Traceback" not in err, err
