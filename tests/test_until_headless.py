"""``learn-tui run LESSON --headless --until EXPR``: a refused condition runs nothing (exit 2, one line naming where);
a condition on the loss, the step, a metric, the gradient norm (overall and per parameter) or nan stops the run
at the first step where it holds (exit 0, the condition printed), and ``--save`` saves there, resumably."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from conftest import REPO

from core.base.i18n import set_language
from core.engine.catalog import load
from core.engine.trainer import Trainer
from core.engine.until_watch import norms_of
from core.errors import UsageError
from core.front.cli import app_settings, main, parse
from core.phases import BACKWARD

SHUFFLED = str(REPO / "tests" / "lesson_files" / "presses_ctrl_c.py")  # 4 epochs of 5 steps, accuracy after each

NAN_GRADIENT = """
import torch
from core.lesson import Lesson
from core.phases import BACKWARD, EPOCH, LOSS, UPDATE


def train(run):
    w = torch.tensor([1.0], requires_grad=True)
    run.watch(w=w)
    for epoch in run.epochs():
        x = torch.tensor([0.0 if epoch == 3 else 1.0])
        loss = (w * x).abs().sqrt().sum()  # finite; at x = 0 its gradient is inf * 0 = nan
        yield LOSS, loss
        w.grad = None
        loss.backward()
        yield BACKWARD
        if torch.isfinite(w.grad).all():  # a step whose gradient is not finite is skipped (as GradScaler does)
            with torch.no_grad():
                w -= run.lr * w.grad
        yield UPDATE
        yield EPOCH


LESSON = Lesson(id="nan-gradient", title="nan gradient", lecture=None, train=train, lr=0.01, epochs=6)
"""


def run_cli(capsys, *argv):
    code = main(["run", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run_cli(capsys, *argv, "--json")
    return code, [json.loads(line) for line in out.splitlines()], err


def steps(records):
    return [r for r in records if r["event"] == "step"]


@pytest.mark.parametrize(
    ("condition", "position"),
    [
        ("loss.real < 1", 5),  # attribute access
        ("__import__('os').system('touch x') < 1", 17),
        ("open('x') < 1", 1),  # a call other than grad_norm / metric
        ("import os", 1),
        ("loss < < 1", 8),  # bad syntax
        ("loss <", 7),
    ],
)
def test_a_refused_condition_exits_2_naming_where_and_nothing_runs(capsys, tmp_path, condition, position):
    saved = tmp_path / "run.pt"
    code, out, err = run_cli(capsys, "linear-regression", "--json", "--until", condition, "--save", saved)
    assert code == 2 and out == "" and not saved.exists()  # not one step: no record, no checkpoint
    [line] = err.splitlines()
    assert line.startswith(f"learn-tui: error: --until {condition!r}: ")
    assert f"at character {position}" in line or (position > len(condition) and "at its end" in line)


def test_until_is_for_headless_runs_and_not_with_serve(capsys):
    with pytest.raises(UsageError, match="press b"):  # what the app's command line says (tui.main)
        app_settings(parse(["run", "linear-regression", "--until", "loss < 1"]))
    code, _, err = run_cli(capsys, "linear-regression", "--headless", "--serve", "0", "--until", "loss < 1")
    assert code == 2 and "--until and --serve" in err


def test_a_loss_condition_stops_at_the_first_step_where_it_holds(capsys):
    code, records, err = run_json(capsys, "linear-regression", "--until", "loss < 0.5")
    losses = [r["loss"] for r in steps(records)]
    assert code == 0 and losses[-1] < 0.5 and all(loss >= 0.5 for loss in losses[:-1])
    summary = records[-1]
    assert summary["status"] == "stopped" and summary["until"] == "loss < 0.5" and summary["steps"] == len(losses)
    assert f"stopped: loss < 0.5 held at step {len(losses)} (loss = " in err


def test_a_step_condition_and_the_part_of_an_or_that_held(capsys):
    code, out, _ = run_cli(capsys, "linear-regression", "--headless", "--until", "loss < 1e-9 or step >= 7")
    first = out.splitlines()[-2]
    assert code == 0 and first.startswith("linear-regression: stopped after 7 steps in ")
    assert first.endswith(": step >= 7 held at step 7 (loss = " + first.split("(loss = ")[1])


def test_a_metric_reported_after_an_epoch_stops_the_run_where_it_was_reported(capsys):
    _, straight, _ = run_json(capsys, SHUFFLED)
    evals = [r for r in straight if r["event"] == "eval"]
    first_rise = next(r for r in evals if r["accuracy"] > evals[0]["accuracy"])
    threshold = (first_rise["accuracy"] + evals[0]["accuracy"]) / 2
    code, records, err = run_json(capsys, SHUFFLED, "--until", f"accuracy > {threshold}")
    assert code == 0 and records[-1]["status"] == "stopped"
    assert steps(records)[-1]["step"] == first_rise["step"] == records[-1]["steps"]  # not one step later
    assert records[-2] == first_rise  # the evaluation that made it hold is the last record before the summary
    assert 'reported no "accuracy" by step 1' in err  # it comes after an epoch: said once, and waited for


def test_an_unknown_metric_is_named_with_a_close_match_and_the_run_finishes(capsys):
    code, records, err = run_json(capsys, SHUFFLED, "--until", "acuracy > 0.5", "--steps", 6)
    assert code == 0 and records[-1]["status"] == "finished" and records[-1]["steps"] == 6
    first, last = err.splitlines()
    assert 'reported no "acuracy" by step 1 (so far: loss, step, epoch, lr)' in first
    assert "'acuracy > 0.5' never held in 6 steps" in last
    assert 'never reported "acuracy"; did you mean accuracy?' in last  # (it had reported accuracy by then)


def gradient_norms_at_backward(lesson_id, count):
    """Each step's gradient norms, overall and per parameter, read independently: right after backward."""
    trainer, norms = Trainer(load(lesson_id)), []
    for event in trainer:
        if event.phase is BACKWARD:
            model = trainer.run.watched[""]
            per = {name: torch.linalg.vector_norm(p.grad).item() for name, p in model.named_parameters()}
            norms.append((math.sqrt(sum(v * v for v in per.values())), per))
        if len(norms) == count:
            return norms
    return norms


@pytest.mark.parametrize(
    ("condition", "pick"),
    [
        ("grad_norm < 3", lambda overall, per: overall < 3),
        ('grad_norm("linear.bias") < 1', lambda overall, per: per["linear.bias"] < 1),
    ],
)
def test_a_gradient_norm_condition_stops_where_the_steps_gradient_says(capsys, condition, pick):
    norms = gradient_norms_at_backward("linear-regression", 400)
    expected = next(index for index, (overall, per) in enumerate(norms, 1) if pick(overall, per))
    code, records, err = run_json(capsys, "linear-regression", "--until", condition)
    assert code == 0 and records[-1]["steps"] == expected and condition in err


def test_a_hand_computed_gradient_counts_as_the_parameters(capsys):
    """gradient-descent yields its gradient by hand and reports it as a metric too: the two agree."""
    code, records, _ = run_json(capsys, "gradient-descent", "--until", 'grad_norm("w") < 0.5')
    summary = records[-1]
    assert code == 0 and summary["status"] == "stopped" and abs(summary["grad"]) < 0.5
    code, earlier, _ = run_json(capsys, "gradient-descent", "--steps", summary["steps"] - 1)
    assert abs(earlier[-1]["grad"]) >= 0.5


def test_an_unknown_parameter_is_refused_before_the_first_step(capsys):
    code, out, err = run_cli(capsys, "linear-regression", "--json", "--until", 'grad_norm("linear.weigth") > 1')
    assert code == 2 and out == ""
    assert 'has no parameter "linear.weigth" (its parameters: linear.weight, linear.bias)' in err
    assert "did you mean linear.weight?" in err


def test_a_lesson_without_gradients_is_told_so(capsys):
    code, _, err = run_cli(capsys, "linear-grid", "--headless", "--until", "grad_norm > 1")
    assert code == 2 and "lesson linear-grid had no gradient at step 1" in err


def test_nan_stops_at_the_step_whose_gradient_went_nan(capsys, tmp_path):
    lesson = tmp_path / "nan_gradient.py"
    lesson.write_text(NAN_GRADIENT)
    code, records, err = run_json(capsys, lesson, "--until", "nan")
    assert code == 0 and records[-1]["status"] == "stopped" and records[-1]["steps"] == 3
    assert "nan held at step 3 (nan: the gradient of w)" in err
    code, records, _ = run_json(capsys, lesson, "--until", "not nan and step >= 3")
    assert records[-1]["steps"] == 4


def test_save_saves_where_it_stopped_and_the_checkpoint_resumes_into_the_same_run(capsys, tmp_path):
    saved = tmp_path / "run.pt"
    _, straight, _ = run_json(capsys, SHUFFLED)
    code, first, err = run_json(capsys, SHUFFLED, "--until", "step >= 7", "--save", saved)
    assert code == 0 and first[-1]["steps"] == 7 and saved.is_file()
    assert f"saved checkpoint {saved}; continue with: " in err and f"--resume {saved}" in err
    code, resumed, _ = run_json(capsys, SHUFFLED, "--resume", saved)
    assert code == 0 and resumed[-1]["status"] == "finished"
    assert first[:-1] + resumed[:-1] == straight[:-1]  # every loss and evaluation, bit for bit
    assert resumed[-1]["loss"] == straight[-1]["loss"] and resumed[-1]["w0"] == straight[-1]["w0"]


def test_the_stop_is_said_in_chinese(capsys):
    set_language("zh")
    try:
        code, out, _ = run_cli(capsys, "linear-regression", "--headless", "--until", "step >= 3")
    finally:
        set_language(None)
    assert code == 0 and "linear-regression：3 步后停下" in out and "第 3 步：step >= 3 成立" in out


def test_norms_name_what_holds_nan_or_inf_and_a_huge_finite_value_is_not_nan():
    huge = torch.full((10,), 1e20)  # its float32 norm overflows to inf: the values themselves are finite
    norms, bad = norms_of([("huge", huge), ("inf", torch.tensor([1.0, math.inf])), ("numpy", np.array([np.nan]))])
    assert math.isinf(norms["huge"]) and math.isinf(norms["inf"]) and math.isnan(norms["numpy"])
    assert sorted(bad) == ["inf", "numpy"]


def test_under_torchrun_every_process_stops_at_the_same_step_and_rank_0_saves_there(tmp_path):
    """val_loss is rank 0's alone (it evaluates, every 3 steps here): the others stop where it says."""
    from tests.test_ddp import TINY, launch, write_words

    text, saved = write_words(tmp_path / "words.txt"), tmp_path / "two.pt"
    argv = ["--steps", "30", "--text", str(text), "--batch-size", "2", "--save", str(saved), *TINY]
    done = launch("run", "char-gpt", "--json", "--nproc", "2", "--until", "val_loss < 1000", *argv, timeout=300)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records[-1]["status"] == "stopped" and records[-1]["steps"] == 3 and "--nproc 2 --resume" in done.stderr
    assert done.stderr.count("saved checkpoint") == 1 and torch.load(saved, weights_only=True)["step"] == 3
