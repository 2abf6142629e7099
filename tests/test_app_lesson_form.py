"""The picker's options form (ctrl+o), ``learn-tui --data-dir``, and an MNIST lesson opened without its data."""

from __future__ import annotations

import math

import pytest
from app_helpers import async_test, ready, status, wait_for
from test_mnist_data import write_mnist
from textual.widgets import OptionList, Select

from core.base.parse import parse_lr
from core.engine import catalog
from core.errors import UsageError
from core.front import cli
from tui.app import LearnApp
from tui.screens.lesson_form import LessonForm
from tui.screens.picker import PickerScreen
from tui.screens.training import TrainingScreen

SIZE = (100, 34)
RUN_FIELDS = ["lr", "seed", "steps", "epochs"]


async def open_form(pilot, lesson_id: str) -> LessonForm:
    """Highlight ``lesson_id`` in the picker, press ctrl+o and wait until the form shows its fields."""
    option_list = pilot.app.screen.query_one(OptionList)
    option_list.highlighted = option_list.get_option_index(lesson_id)
    await pilot.pause()
    await pilot.press("ctrl+o")
    form = pilot.app.screen
    assert isinstance(form, LessonForm)
    await wait_for(pilot, lambda: bool(form.fields), what="the lesson's options")
    await pilot.pause()
    return form


def type_into(form: LessonForm, name: str, text: str) -> None:
    form.fields[name].control.value = text


@async_test
async def test_ctrl_o_lists_every_option_with_its_choices_and_help():
    lesson = catalog.load("mnist-advanced")
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "mnist-advanced")
        assert list(form.fields) == [option.name for option in lesson.options] + RUN_FIELDS
        model = form.fields["model"]
        assert isinstance(model.control, Select) and model.control.value == "inception"
        assert [value for _, value in model.control._options] == ["inception", "resnet"]
        for option in lesson.options:
            about = form.fields[option.name].about
            assert option.help in about and option.flag in about, option.name
        assert "one of inception, resnet" in model.about
        assert "at least 0" in form.fields["eval_every"].about and "live" in form.fields["eval_every"].about
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, PickerScreen)


@async_test
async def test_a_refused_value_is_shown_under_its_field_and_the_form_stays_open():
    lesson = catalog.load("mnist-softmax")
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "mnist-softmax")
        type_into(form, "batch_size", "lots")
        type_into(form, "eval_every", "-1")
        type_into(form, "lr", "-0.5")
        form.fields["batch_size"].control.focus()
        await pilot.press("enter")
        assert pilot.app.screen is form
        with pytest.raises(UsageError) as batch:
            lesson.option("batch_size").parse("lots")
        assert form.fields["batch_size"].error == str(batch.value)  # the command line's own message
        assert "--eval-every must be at least 0" in form.fields["eval_every"].error
        with pytest.raises(UsageError) as lr:
            parse_lr("-0.5")
        assert form.fields["lr"].error == str(lr.value)
        assert form.fields["seed"].error == "" and form.fields["data_dir"].error == ""
        type_into(form, "steps", "5")
        type_into(form, "epochs", "2")
        await pilot.press("ctrl+s")
        assert pilot.app.screen is form and "not both" in form.fields["epochs"].error


@async_test
async def test_a_good_form_starts_the_lesson_with_its_options_rate_seed_and_budget():
    async with LearnApp(preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "linear-regression")
        form.fields["optimizer"].control.value = "Adam"
        type_into(form, "lr", "0.05")
        type_into(form, "seed", "7")
        type_into(form, "steps", "3")
        form.fields["lr"].control.focus()
        await pilot.press("enter")
        screen = await ready(pilot)
        assert isinstance(screen, TrainingScreen) and screen.lesson_id == "linear-regression"
        await wait_for(pilot, lambda: screen.frame is not None and screen.frame.progress is not None, what="a frame")
        trainer = screen.driver._run.trainer
        assert trainer.options["optimizer"] == "Adam" and trainer.lr == 0.05
        assert trainer.seed == 7 and trainer.max_steps == 3
        assert type(trainer.run.optimizers[0]).__name__ == "Adam"
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "finished", what="the 3-step budget")
        assert screen.frame.step == 3


def test_top_level_data_dir_is_accepted_and_misplaced_it_says_where_it_goes(tmp_path):
    command = cli.parse(["--data-dir", str(tmp_path)])
    assert command.opens_app and cli.app_settings(command) == {"lesson": None, "data_dir": str(tmp_path)}
    assert cli.main(["--data-dir", str(tmp_path), "list"]) == cli.EXIT_USAGE
    with pytest.raises(UsageError, match="learn-tui run LESSON --data-dir"):
        cli.app_settings(cli.parse(["--data-dir", str(tmp_path), "run", "mnist-cnn"]))
    run = cli.app_settings(cli.parse(["run", "mnist-cnn", "--data-dir", str(tmp_path)]))
    assert run["settings"].options == {"data_dir": str(tmp_path)}


@async_test
async def test_top_level_data_dir_is_the_data_folder_of_lessons_opened_from_the_picker(tmp_path):
    write_mnist(tmp_path / "MNIST" / "raw", train=64, test=20)
    settings = cli.app_settings(cli.parse(["--data-dir", str(tmp_path)]))
    async with LearnApp(preload_torch=False, **settings).run_test(size=SIZE) as pilot:
        option_list = pilot.app.screen.query_one(OptionList)
        option_list.highlighted = option_list.get_option_index("mnist-softmax")
        await pilot.pause()
        await pilot.press("enter")
        screen = await ready(pilot)
        assert screen.state == "paused" and screen.frame.options["data_dir"] == str(tmp_path)
        await pilot.press("escape")
        form = await open_form(pilot, "mnist-cnn")
        assert form.fields["data_dir"].control.value == str(tmp_path)
        await pilot.press("escape")
        option_list.highlighted = option_list.get_option_index("linear-regression")  # no data_dir: opens as ever
        await pilot.pause()
        await pilot.press("enter")
        assert (await ready(pilot)).state == "paused"


@async_test
async def test_an_mnist_lesson_without_data_shows_the_whole_advice_and_takes_a_folder(tmp_path, monkeypatch):
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/"])  # offline: the download fails at once
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    empty = tmp_path / "empty"
    async with LearnApp(preload_torch=False, show_speed=False, data_dir=str(empty)).run_test(size=(80, 24)) as pilot:
        option_list = pilot.app.screen.query_one(OptionList)
        option_list.highlighted = option_list.get_option_index("mnist-softmax")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, LessonForm), what="the options form")
        form = pilot.app.screen
        await wait_for(pilot, lambda: bool(form.fields), what="the form's fields")
        training = pilot.app.screen_stack[-2]
        assert training.state == "needs data" and "needs data" in status(training)
        advice = form.fields["data_dir"].note
        assert advice.startswith("MNIST not found in") and advice.endswith("at the folder that holds MNIST/raw/")
        assert advice == training.frame.message  # all of it, not three lines of a toast
        await pilot.pause(0.2)
        assert not pilot.app._notifications  # and no toast cut short beside it
        assert pilot.app.focused is form.fields["data_dir"].control
        folder = write_mnist(tmp_path / "digits", train=64, test=20)
        pilot.app.focused.value = str(folder)
        await pilot.press("enter")
        screen = await ready(pilot)
        assert screen is not training and screen.state == "paused"
        assert [type(s) for s in pilot.app.screen_stack] == [PickerScreen, TrainingScreen]
        await pilot.press("n")
        await wait_for(pilot, lambda: screen.frame.step == 1, what="one training step")
        assert math.isfinite(screen.frame.loss) and screen.frame.options["data_dir"] == str(folder)
