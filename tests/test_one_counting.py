"""One counting everywhere (issue 13): the step a divergence happened in, evaluations inside a step, headless
lines and JSON all give the same number; and the resume hints of issue 11 (budget reached, --seed, a file)."""

from __future__ import annotations

import json

import pytest

from core.base.events import Diverged, Progress
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import LessonCrashed
from core.front.cli import main
from core.lesson import Lesson
from core.phases import BACKWARD, EVAL, FORWARD, LOSS, STEP, UPDATE

TINY_LESSON = """
import numpy as np
from core.lesson import Lesson
from core.phases import FORWARD, LOSS, STEP


def train(run):
    w = np.array([1.0])
    run.watch(w=w)
    for epoch in run.epochs():
        for x in run.batches([1.0, 2.0]):
            yield FORWARD
            yield LOSS, float((w[0] * x - 2 * x) ** 2)
            w -= run.lr * 2 * x * (w[0] * x - 2 * x)
            yield STEP


LESSON = Lesson(id="polyfit", title="A lesson file", lecture=None, notes="", train=train, lr=0.01, steps=3)
"""


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_divergence_names_the_same_step_in_the_record_the_message_and_headless(capsys):
    trainer = Trainer(catalog.load("linear-regression"), lr=1)
    events = list(trainer)
    ended = events[-1]
    assert isinstance(ended, Diverged) and ended.at.step == events[-2].step == trainer.step + 1
    assert f"diverged in step {ended.step}:" in ended.message
    code, out, err = run_cli(capsys, "run", "linear-regression", "--headless", "--lr", "1")
    assert code == 3 and f"diverged in step {ended.step} in" in out and f"diverged in step {ended.step}:" in err
    code, out, _ = run_cli(capsys, "run", "linear-regression", "--json", "--lr", "1")
    records = [json.loads(line) for line in out.splitlines()]
    assert records[-1]["steps"] == ended.step - 1 and f"in step {ended.step}:" in records[-1]["message"]
    assert [r["step"] for r in records if r["event"] == "step"] == list(range(1, ended.step))


def eval_inside_a_step(run):
    w = run.state.w = __import__("numpy").array([0.0])
    run.watch(w=w)
    for epoch in run.epochs():
        for x in run.batches([1.0, 2.0, 3.0]):
            yield FORWARD
            yield LOSS, float((w[0] - x) ** 2)
            w += 0.1
            yield UPDATE
            yield EVAL, {"w_now": float(w[0])}  # after the update, before STEP: it belongs to this step
            yield STEP


def test_an_evaluation_inside_a_step_reports_that_step_in_the_record_the_chart_and_json(capsys, tmp_path):
    lesson = Lesson(id="evals", title="evals", lecture=None, notes="", train=eval_inside_a_step, lr=0.1, steps=3)
    trainer = Trainer(lesson)
    events = [e for e in trainer if isinstance(e, Progress)]
    evals = [e.step for e in events if e.phase is EVAL]
    assert evals == [e.step for e in events if e.phase is STEP] == [1, 2, 3]
    assert [step for step, _ in trainer.evals["w_now"].points()] == [1, 2, 3]
    path = tmp_path / "evals.py"
    path.write_text(
        "import numpy\nfrom core.lesson import Lesson\nfrom core.phases import *\n"
        + __import__("inspect").getsource(eval_inside_a_step)
        + 'LESSON = Lesson(id="evals", title="e", lecture=None, notes="", train=eval_inside_a_step, '
        "lr=0.1, steps=3)\n"
    )
    code, out, _ = run_cli(capsys, "run", str(path), "--json")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [(r["event"], r["step"]) for r in records[:-1]] == [
        ("eval", 1),
        ("step", 1),
        ("eval", 2),
        ("step", 2),
        ("eval", 3),
        ("step", 3),
    ]


def test_gradient_descent_shows_its_hand_computed_gradient_in_the_grads_data():
    trainer = Trainer(catalog.load("gradient-descent"))
    phases = [e.phase for e in trainer.advance("phase") + trainer.advance("phase") + trainer.advance("phase")]
    assert phases == [FORWARD, LOSS, BACKWARD]
    (w,) = trainer.snapshot().params
    # the course's gradient at w = 1 on x = [1, 2, 3], y = 2x: mean of 2x(xw - y) = -28/3
    assert w.name == "w" and w.grad == pytest.approx((-28 / 3,)) and w.grad_stats.norm == pytest.approx(28 / 3)


def test_a_gradient_for_a_name_that_is_not_watched_names_the_lesson_line():
    def train(run):
        run.watch(w=__import__("numpy").zeros(2))
        for epoch in run.epochs():
            yield LOSS, 1.0
            yield BACKWARD, {"v": 1.0}

    trainer = Trainer(Lesson(id="bad", title="bad", lecture=None, notes="", train=train, lr=0.1, steps=2))
    with pytest.raises(LessonCrashed, match=r"yield BACKWARD named 'v', which is not a watched tensor or array"):
        list(trainer)


def test_resuming_a_checkpoint_at_its_budget_says_so_and_offers_more_steps(capsys, tmp_path):
    saved = str(tmp_path / "a.pt")
    assert run_cli(capsys, "run", "linear-regression", "--headless", "--steps", "4", "--save", saved)[0] == 0
    code, out, err = run_cli(capsys, "run", "linear-regression", "--headless", "--resume", saved)
    assert code == 0 and f"{saved} already reached its budget of 4 steps" in err and "add --steps 8 to train on" in err
    code, out, err = run_cli(capsys, "run", "linear-regression", "--headless", "--resume", saved, "--steps", "6")
    assert code == 0 and "after 6 steps" in out and "already reached" not in err


def test_a_seed_given_with_resume_is_refused_in_one_line(capsys, tmp_path):
    saved = str(tmp_path / "a.pt")
    run_cli(capsys, "run", "linear-regression", "--headless", "--steps", "2", "--save", saved)
    code, _, err = run_cli(capsys, "run", "linear-regression", "--headless", "--resume", saved, "--seed", "3")
    assert code == 2 and "--seed can't change a resumed run" in err and len(err.strip().splitlines()) == 1


def test_a_checkpoint_of_a_lesson_file_names_that_file_in_its_hint(capsys, tmp_path):
    lesson_file = tmp_path / "polyfit.py"
    lesson_file.write_text(TINY_LESSON)
    saved = str(tmp_path / "p.pt")
    assert run_cli(capsys, "run", str(lesson_file), "--headless", "--save", saved)[0] == 0
    code, _, err = run_cli(capsys, "run", "linear-regression", "--headless", "--resume", saved)
    assert code == 2 and f"learn-tui run {lesson_file} --resume {saved}" in err
    assert run_cli(capsys, "run", str(lesson_file), "--headless", "--resume", saved, "--steps", "4")[0] == 0
