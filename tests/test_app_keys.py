"""The training view's keys, driven with Textual's pilot on small lessons from app_helpers.py."""

from __future__ import annotations

import pytest
from app_helpers import (
    BATCHES_PER_EPOCH,
    PLAIN,
    TOY,
    async_test,
    line_of,
    ready,
    settle,
    status,
    wait_for,
)

from core.base.parse import parse_lr
from core.errors import UsageError
from tui.app import LearnApp
from tui.screens.prompt import PromptScreen
from tui.widgets.code_panel import CodePanel
from tui.widgets.grad_table import GradTable
from tui.widgets.param_table import ParamTable

SIZE = (110, 34)


def app_for(lesson=TOY, **kwargs) -> LearnApp:
    return LearnApp(lesson, preload_torch=False, show_speed=False, **kwargs)


@async_test
async def test_opens_paused_and_n_takes_exactly_one_step():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert "toy │ paused │ step 0 │ epoch 1 │ lr 0.01 │ loss –" in status(screen)
        for expected in (1, 2, 3):
            await pilot.press("n")
            await settle(pilot, screen)
            assert screen.frame.step == expected
            assert f"│ step {expected} │" in status(screen)
        await pilot.press("n")
        await settle(pilot, screen)
        assert "│ step 4 │ epoch 2 │" in status(screen)  # 3 batches per epoch: the 4th step is in epoch 2


@async_test
async def test_full_stop_walks_the_phases_through_the_lessons_code():
    phases = [
        ("yield FORWARD", "forward"),
        ("yield LOSS", "loss"),
        ("yield BACKWARD", "backward"),
        ("yield UPDATE", "update"),
        ("yield ZERO_GRAD", "zero_grad"),
        ("yield STEP", "step"),
    ]
    async with app_for().run_test(size=(80, 24)) as pilot:  # a short code panel: it must scroll along
        screen = await ready(pilot)
        code = screen.query_one(CodePanel)
        previous = 0
        for text, phase in phases:
            await pilot.press("full_stop")
            await settle(pilot, screen)
            line = line_of(text)
            assert screen.frame.phase == phase
            assert code.current == line, (phase, code.current, line)
            assert code.line_text(line).strip().startswith(text)
            top = code.scroll_offset.y  # the highlighted line is on screen
            assert top <= line - 1 < top + code.scrollable_content_region.height
            if previous:  # the code between the two yields is dimly marked as just run
                assert code.ran == frozenset(range(previous + 1, line))
            previous = line
        assert screen.frame.step == 1
        assert "after step" in code.border_subtitle


@async_test
async def test_e_runs_to_the_end_of_the_epoch_and_space_starts_and_stops_training():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("e")
        await settle(pilot, screen)
        assert screen.frame.step == BATCHES_PER_EPOCH and screen.frame.phase == "epoch"
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "running" and screen.frame.step > 50, what="training")
        await pilot.press("space")
        await settle(pilot, screen)
        assert screen.state == "paused"
        stopped_at = screen.frame.step
        await pilot.pause(0.3)
        await settle(pilot, screen)
        assert screen.frame.step == stopped_at
        assert "│ paused │" in status(screen)


@async_test
async def test_keys_that_do_not_apply_are_dimmed():
    async with app_for(PLAIN).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.check_action("step_batch", ()) is True
        await pilot.press("O")  # no live options: O says so instead of opening an empty dialog
        await pilot.pause(0.1)
        assert any("has no options to change while it runs" in n.message for n in pilot.app._notifications)
        assert "z" not in [key.key for key in screen.keys]  # no zero_grad control
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state in ("running", "finished"))
        if screen.state == "running":
            assert screen.check_action("step_batch", ()) is None  # stepping applies while paused
        await wait_for(pilot, lambda: screen.state == "finished", what="the run to finish")
        assert screen.check_action("toggle_pause", ()) is None
        assert screen.check_action("reset", ()) is True
        assert "finished after 1000 steps" in screen.frame.message


@async_test
async def test_plus_and_minus_walk_the_learning_rate_ladder():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        seen = []
        for key in ("plus", "plus", "plus", "minus", "minus", "minus", "minus"):
            await pilot.press(key)
            await settle(pilot, screen)
            seen.append(screen.frame.lr)
        assert seen == [0.03, 0.1, 0.3, 0.1, 0.03, 0.01, 0.003]
        assert "│ lr 0.003 │" in status(screen)


@async_test
async def test_l_sets_an_exact_learning_rate_and_plus_goes_to_the_next_rung():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("l")
        assert isinstance(pilot.app.screen, PromptScreen)
        await pilot.press(*"0.02", "enter")  # the current value is selected: typing replaces it
        await settle(pilot, screen)
        assert screen.frame.lr == 0.02
        await pilot.press("plus")
        await settle(pilot, screen)
        assert screen.frame.lr == 0.03


@pytest.mark.parametrize("typed", ["abc", "-1", "0", "nan", "inf", "1e999", ""])
@async_test
async def test_a_bad_learning_rate_is_explained_inline_and_the_old_one_kept(typed):
    with pytest.raises(UsageError) as expected:
        parse_lr(typed)
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("l")
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one("Input").value = typed
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is prompt  # still asking
        assert prompt.error == str(expected.value)
        await pilot.press("escape")
        await settle(pilot, screen)
        assert pilot.app.screen is screen
        assert screen.frame.lr == 0.01 and "│ lr 0.01 │" in status(screen)


@async_test
async def test_r_resets_to_step_zero_with_the_first_values():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        first = [p.values for p in screen.frame.snapshot.params]
        await pilot.press("n", "n", "n", "n")
        await settle(pilot, screen)
        assert screen.frame.step == 4
        assert [p.values for p in screen.frame.snapshot.params] != first
        await pilot.press("r")
        await settle(pilot, screen)
        assert screen.frame.step == 0 and screen.state == "paused"
        assert [p.values for p in screen.frame.snapshot.params] == first
        assert screen.frame.recent == ()


@async_test
async def test_params_and_grads_tables_show_every_value_of_small_tensors():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("n", "n")
        await settle(pilot, screen)
        await pilot.click("Tab#--content-tab-tab-params")  # the mouse works: click the tab
        await settle(pilot, screen)
        params = {p.name: p for p in screen.frame.snapshot.params}
        table = screen.query_one("#params", ParamTable)  # (a wide screen has a second one beside the tabs)
        assert table.row_count == 2
        assert table.cell_text("w", "values") == f"{params['w'].values[0]:.4g}"
        assert table.cell_text("w", "shape") == "1"
        await pilot.press("right_square_bracket")  # next tab: gradients
        await settle(pilot, screen)
        grads = screen.query_one("#grads", GradTable)
        assert grads.cell_text("b", "grad") == f"{params['b'].grad[0]:.4g}"
        assert grads.cell_text("b", "flag") == "ok"
        await pilot.press("n")
        await settle(pilot, screen)
        params = {p.name: p for p in screen.frame.snapshot.params}
        assert grads.cell_text("w", "grad") == f"{params['w'].grad[0]:.4g}"  # updated in place


@async_test
async def test_z_turns_zero_grad_off_and_gradients_pile_up():
    async def grads_after_two_steps(toggle: bool) -> float:
        async with app_for().run_test(size=SIZE) as pilot:
            screen = await ready(pilot)
            if toggle:
                await pilot.press("z")
                await settle(pilot, screen)
                assert "│ zero_grad off" in status(screen)
                assert screen.frame.options["zero_grad"] is False
            await pilot.press("n", "full_stop", "full_stop", "full_stop")  # step 1, then step 2 to backward
            await settle(pilot, screen)
            assert screen.frame.phase == "backward"
            return {p.name: p for p in screen.frame.snapshot.params}["w"].grad[0]

    cleared, piled = await grads_after_two_steps(False), await grads_after_two_steps(True)
    assert abs(piled) > abs(cleared)


@async_test
async def test_lesson_control_asks_for_input_and_shows_the_answer():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert ("p", "control", (0,)) in [(key.key, key.action, key.args) for key in screen.keys]
        await pilot.press("p")
        assert isinstance(pilot.app.screen, PromptScreen)
        await pilot.press("7", "enter")
        await settle(pilot, screen)
        await wait_for(pilot, lambda: any(n.message.startswith("x 7 · y ") for n in pilot.app._notifications))
        assert pilot.app.screen is screen
        await pilot.press("p", *"seven", "enter")
        prompt = pilot.app.screen
        await wait_for(pilot, lambda: "type a number for x" in prompt.error, what="the action's error")
        assert pilot.app.screen is prompt  # still asking, the action's error under the input
        await pilot.press("escape")
        assert pilot.app.screen is screen  # the app carries on


@async_test
async def test_help_lists_every_key_and_the_lessons_controls():
    async with app_for().run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        from tui.screens.help import HelpScreen

        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = [row[0] for row in help_screen.rows]
        for key in ("space", "n", ".", "e", "+", "-", "l", "r", "^s", "o", "z", "?", "esc", "q", "p"):
            assert key in keys, key
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


@async_test
async def test_escape_goes_back_to_the_picker_and_q_quits():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("escape")
        from tui.screens.picker import PickerScreen

        assert isinstance(pilot.app.screen, PickerScreen)
        await wait_for(pilot, lambda: screen.driver.stopped)
        await pilot.press("q")
        await pilot.pause()
        assert pilot.app.return_code == 0
        assert not pilot.app.is_running


@async_test
async def test_clicking_a_key_at_the_bottom_presses_it():
    from tui.widgets.key_bar import KeyBar

    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(KeyBar)
        row, start = next((row, start) for row, spans in enumerate(bar._spans) for start, _, key in spans if key == "n")
        await pilot.click(KeyBar, offset=(start + 1, row))
        await settle(pilot, screen)
        assert screen.frame.step == 1
        assert ("n", "Step", True) in bar.shown and ("z", "zero_grad", True) in bar.shown
        keys = [key for key, _, _ in bar.shown]
        assert keys.index("q") < keys.index("p") < keys.index("^s")  # the lesson's keys come early
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "running")
        await pilot.pause(0.1)
        assert ("n", "Step", False) in bar.shown  # dimmed while training runs


@async_test
async def test_g_puts_the_loss_chart_on_a_log_scale():
    from textual.widgets import Checkbox

    from tui.widgets.loss_chart import LossChart

    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("n", "n", "n")
        await settle(pilot, screen)
        chart = screen.query_one(LossChart)
        assert chart.log_scale is False
        await pilot.press("g")
        await pilot.pause()
        assert chart.log_scale is True and chart.query_one(Checkbox).value is True
        await pilot.click("#log-scale")  # the checkbox takes a click too
        await pilot.pause()
        assert chart.log_scale is False
