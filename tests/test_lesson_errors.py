"""A learner's lesson that yields the wrong thing: one line naming their file and line, never our traceback."""

import textwrap

import pytest

from core.base.events import Diverged, Progress
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import LessonCrashed
from core.front.cli import main

HEADER = """\
import numpy as np
import torch

from core.lesson import Lesson
from core.phases import EVAL, FORWARD, LOSS, STEP


def train(run):
    yield FORWARD
    yield LOSS, 1.0
"""
BAD_LINE = HEADER.count("\n") + 1  # the line of the yield under test
FOOTER = """

LESSON = Lesson(id="mistake", title="mistake", lecture=None, train=train, steps=5)
"""

# (the offending statement, what the message must say about it)
BAD_YIELDS = [
    ("yield LOSS, None", "yield LOSS carried None"),
    ('yield LOSS, "str"', "yield LOSS carried a str ('str')"),
    ("yield LOSS, torch.ones(3)", "3 elements"),
    ("yield LOSS", "yield LOSS carried None"),
    ("yield STEP, [1, 2, 3]", "yield STEP carried a list ([1, 2, 3]), not a dict of metrics"),
    ("yield EVAL, torch.ones(2)", "not a dict of metrics"),
    ("yield (1, 2, 3)", "yielded a tuple of 3 items"),
    ("yield", "yielded None (a bare yield)"),
    ('yield "forwrd"', "yielded a str ('forwrd')"),
    ('yield STEP, {"acc": torch.tensor(1 + 2j)}', "metric 'acc' of yield STEP"),
    ('yield EVAL, {"acc": np.complex128(1j)}', "metric 'acc' of yield EVAL"),
]


def lesson_file(tmp_path, body):
    path = tmp_path / "my_lesson.py"
    path.write_text(HEADER + textwrap.indent(body, "    ") + FOOTER)
    return path


def assert_no_internal_traceback(text):
    assert "Traceback" not in text
    for internal in ("trainer.py", "headless.py", "cli.py", "yields.py"):
        assert internal not in text


@pytest.mark.parametrize("statement, complaint", BAD_YIELDS)
def test_a_bad_yield_names_the_learners_file_and_line_through_the_trainer(tmp_path, statement, complaint):
    path = lesson_file(tmp_path, statement)
    trainer = Trainer(catalog.load(str(path)))
    with pytest.raises(LessonCrashed) as caught:
        list(trainer)
    message = str(caught.value)
    assert f"{path.resolve()}:{BAD_LINE}: " in message and complaint in message
    assert "a yield carries a phase" in message and "\n" not in message
    assert statement in caught.value.details  # the app's dialog and the CLI show the learner's own line
    assert_no_internal_traceback(caught.value.details)
    assert trainer.status == "crashed" and list(trainer) == []


@pytest.mark.parametrize("statement, complaint", BAD_YIELDS)
def test_a_bad_yield_exits_1_on_the_command_line_without_a_traceback(tmp_path, capsys, statement, complaint):
    path = lesson_file(tmp_path, statement)
    code = main(["run", str(path), "--headless"])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"my_lesson.py:{BAD_LINE}: " in err and complaint in err
    assert_no_internal_traceback(out + err)


def test_a_train_that_is_not_a_generator_says_it_must_yield(tmp_path, capsys):
    path = tmp_path / "plain.py"
    path.write_text(
        "from core.lesson import Lesson\n\n\ndef train(run):\n    return 3\n\n\n"
        'LESSON = Lesson(id="plain", title="plain", lecture=None, train=train)\n'
    )
    with pytest.raises(LessonCrashed, match="must be a generator function that yields phases") as caught:
        Trainer(catalog.load(str(path)))
    assert "plain.py:4: train(run) returned an int (3)" in str(caught.value)
    assert main(["run", str(path), "--headless"]) == 1
    out, err = capsys.readouterr()
    assert "plain.py:4" in err and "generator" in err
    assert_no_internal_traceback(out + err)


def test_a_loss_too_large_for_a_float_diverges_instead_of_finishing(tmp_path):
    path = lesson_file(tmp_path, "yield LOSS, 10 ** 400\nyield STEP")
    ended = [e for e in Trainer(catalog.load(str(path))) if not isinstance(e, Progress)]
    assert isinstance(ended[-1], Diverged) and "loss is inf" in ended[-1].message


def test_plain_metrics_pass_and_huge_whole_numbers_become_floats(tmp_path):
    path = lesson_file(tmp_path, 'yield STEP, {"n": 10 ** 400, "t": torch.tensor([1, 2]), "s": "ok"}')
    events = [e for e in Trainer(catalog.load(str(path))) if isinstance(e, Progress)]
    assert events[-1].metrics == {"n": float("inf"), "t": [1, 2], "s": "ok"}
