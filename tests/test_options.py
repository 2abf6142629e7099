"""Lesson options: types and ranges are checked in one line before the lesson runs."""

import pytest

from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import LessonFileError, UsageError
from core.front.cli import main
from core.lesson import Lesson, Option
from core.phases import LOSS, STEP


def test_a_value_below_min_or_above_max_is_one_line_naming_the_bound():
    hidden = Option("hidden", 16, "units", min=1, max=4096)
    with pytest.raises(UsageError) as low:
        hidden.parse("-3")
    assert str(low.value) == "--hidden must be at least 1, got -3; e.g. --hidden 16"
    with pytest.raises(UsageError, match="--hidden must be at most 4096, got 5000"):
        hidden.parse(5000)
    assert hidden.parse("1") == 1 and hidden.parse("4096") == 4096  # the bounds are inclusive
    noise = Option("noise", 0.1, "spread", min=0)
    with pytest.raises(UsageError, match="--noise must be at least 0, got -0.5"):
        noise.parse("-0.5")
    assert noise.parse(0) == 0.0 and isinstance(noise.parse(2), float)


@pytest.mark.parametrize(
    "option, value, expected",
    [
        (Option("shuffle", True, "b"), 1, "--shuffle expects true or false, got 1"),
        (Option("shuffle", True, "b"), None, "--shuffle expects true or false"),
        (Option("size", 8, "n"), 3.5, "--size expects a whole number, got 3.5"),
        (Option("size", 8, "n"), True, "--size expects a whole number, got True"),
        (Option("rate", 0.5, "r"), True, "--rate expects float, got True"),
        (Option("rate", 0.5, "r"), [1], "--rate expects float"),
        (Option("name", "x", "s"), 3, "--name expects str, got 3"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(option, value, expected):
    with pytest.raises(UsageError, match=expected.replace("[", r"\[")):
        option.parse(value)


def test_bounds_are_for_numbers_and_must_hold_the_default():
    with pytest.raises(UsageError, match="bound numbers"):
        Option("cell", "gru", "kind", min=1)
    with pytest.raises(UsageError, match="must be at least 1, got 0"):
        Option("size", 0, "n", min=1)


def test_describe_range_is_ready_for_the_help():
    assert Option("p", 0.5, "", min=0, max=1).describe_range == "0 to 1"
    assert Option("n", 2, "", min=1).describe_range == "at least 1"
    assert Option("n", 2, "", max=9).describe_range == "at most 9"
    assert Option("n", 2, "").describe_range == ""


def test_a_live_option_changed_mid_run_is_checked_too():
    def train(run):
        while True:
            yield LOSS, 1.0
            yield STEP

    lesson = Lesson(
        id="t", title="t", lecture=None, train=train, steps=3, options=(Option("every", 2, "n", live=True, min=0),)
    )
    trainer = Trainer(lesson)
    with pytest.raises(UsageError, match="--every must be at least 0, got -1"):
        trainer.set_option("every", "-1")
    assert trainer.options["every"] == 2


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["run", "simple-nn", "--hidden", "-3"], "--hidden must be at least 1, got -3"),
        (["run", "simple-nn", "--noise", "1e300"], "--noise must be at most 10, got 1e+300"),
        (["run", "rnn-hello", "--hidden-size", "100000000"], "--hidden-size must be at most 1024, got 100000000"),
        (["run", "rnn-names", "--n-layers", "0"], "--n-layers must be at least 1, got 0"),
        (["run", "mnist-softmax", "--eval-every", "-5"], "--eval-every must be at least 0, got -5"),
    ],
)
def test_built_in_lessons_refuse_out_of_range_options_with_exit_2(capsys, argv, expected):
    assert main(argv + ["--headless"]) == 2
    out, err = capsys.readouterr()
    assert expected in err and err.count("\n") == 1 and "Traceback" not in out + err


def test_a_lesson_file_with_a_bad_bound_is_reported_while_loading(tmp_path):
    path = tmp_path / "bounds.py"
    path.write_text(
        "from core.lesson import Lesson, Option\n\n\ndef train(run):\n    yield from ()\n\n\n"
        'LESSON = Lesson(id="b", title="b", lecture=None, train=train,\n'
        '                options=(Option("cell", "gru", "kind", max=3),))\n'
    )
    with pytest.raises(LessonFileError, match="min= and max= bound numbers"):
        catalog.load(str(path))
