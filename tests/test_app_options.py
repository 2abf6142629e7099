"""Lessons declare their own keys (``Control``), and every live option can be changed in the app (key O)."""

from __future__ import annotations

import dataclasses

import pytest
from app_helpers import TOY, TUNABLE, async_test, ready, settle, status
from textual.widgets import Input, OptionList

from core.errors import UsageError
from core.lesson import Control
from tui.app import LearnApp
from tui.screens.help import HelpScreen
from tui.screens.options import OptionsScreen
from tui.screens.training import TrainingScreen
from tui.screens.training_keys import BUILT_IN, lesson_keys
from tui.widgets.key_bar import KeyBar

SIZE = (110, 34)


def app_for(lesson) -> LearnApp:
    return LearnApp(lesson, preload_torch=False, show_speed=False)


def rows(dialog: OptionsScreen) -> dict[str, str]:
    return {option.id: option.prompt.plain for option in dialog.query_one(OptionList).options}


@async_test
async def test_capital_o_lists_each_live_option_with_its_value_type_choices_and_help():
    async with app_for(TUNABLE).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("O")
        dialog = pilot.app.screen
        assert isinstance(dialog, OptionsScreen)
        shown = rows(dialog)
        assert list(shown) == ["zero_grad", "schedule", "eval_every", "temperature", "prompt"]  # live ones only
        assert "on" in shown["zero_grad"] and "on or off" in shown["zero_grad"]
        assert "cosine" in shown["schedule"] and "one of cosine, constant, step" in shown["schedule"]
        assert "a whole number" in shown["eval_every"] and "a number" in shown["temperature"]
        assert all(option.help in shown[option.name] for option in TUNABLE.options if option.live)
        assert "--model" in str(dialog.query_one("#options-fixed").render())  # fixed ones are named, not offered


@async_test
async def test_options_switch_cycle_and_take_typed_values_checked_like_the_command_line():
    async with app_for(TUNABLE).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("O")
        dialog = pilot.app.screen
        await pilot.press("enter")  # zero_grad: a switch
        await settle(pilot, screen)
        assert screen.frame.options["zero_grad"] is False and "off" in rows(dialog)["zero_grad"]
        await pilot.press("down", "enter")  # schedule: the next choice
        await settle(pilot, screen)
        assert screen.frame.options["schedule"] == "constant"
        await pilot.press("down", "enter")  # eval_every: typed
        field = dialog.query_one(Input)
        assert field.display and field.has_focus and field.value == "0"
        field.value = "often"
        await pilot.press("enter")
        await pilot.pause()
        with pytest.raises(UsageError) as expected:
            TUNABLE.option("eval_every").parse("often")
        assert dialog.error == str(expected.value) and pilot.app.screen is dialog  # explained; still open
        field.value = "5"
        await pilot.press("enter")
        await settle(pilot, screen)
        assert screen.frame.options["eval_every"] == 5 and dialog.error == "" and not field.display
        assert "5" in rows(dialog)["eval_every"]
        await pilot.press("escape")
        assert pilot.app.screen is screen
        assert screen.frame.options["temperature"] == 0.8  # untouched


@async_test
async def test_a_lessons_toggle_control_is_its_z_key_and_nothing_is_hard_wired():
    async with app_for("autograd").run_test(size=SIZE) as pilot:  # autograd declares z for zero_grad
        screen = await ready(pilot)
        await pilot.pause()
        assert ("z", "zero_grad", True) in screen.query_one(KeyBar).shown
        await pilot.press("z")
        await settle(pilot, screen)
        assert screen.frame.options["zero_grad"] is False and "│ zero_grad off" in status(screen)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        assert "without it the gradients pile up" in dict(pilot.app.screen.rows)["z"]
    no_control = dataclasses.replace(TOY, controls=())  # a live zero_grad option, but no key for it
    async with app_for(no_control).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.pause()
        assert "z" not in [key for key, _, _ in screen.query_one(KeyBar).shown]
        await pilot.press("z")
        await settle(pilot, screen)
        assert screen.frame.options["zero_grad"] is True and "zero_grad" not in status(screen)


def test_a_control_either_runs_an_action_or_toggles_a_boolean_option():
    with pytest.raises(UsageError):
        Control("x", "both", action="predict", toggles="zero_grad")
    with pytest.raises(UsageError):
        Control("x", "neither")
    with pytest.raises(UsageError):
        Control("x", "a toggle asks nothing", toggles="zero_grad", prompt="value?")
    lesson = dataclasses.replace(
        TUNABLE,
        controls=(
            Control("t", "schedule", toggles="schedule"),
            Control("n", "clashes with Step", toggles="zero_grad"),
            Control("y", "zero_grad", toggles="zero_grad"),
        ),
    )
    keys, problems = lesson_keys(lesson)
    assert [key.key for key in keys] == ["y"]
    assert "not a boolean option" in problems[0] and "clashes" in problems[1]


def test_each_key_is_declared_once_and_its_action_exists():
    names = [name for key in BUILT_IN for name in key.key.split(",")]
    assert len(names) == len(set(names))
    assert [binding.key for binding in TrainingScreen.BINDINGS] == [key.key for key in BUILT_IN]
    for key in BUILT_IN:
        namespace, _, action = key.action.rpartition(".")
        assert callable(getattr(LearnApp if namespace == "app" else TrainingScreen, f"action_{action}", None)), key
