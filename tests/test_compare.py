"""``learn-tui compare``: the lecture-5 homework (every optimizer's loss curve on one chart) in one command."""

import json
import math
import re

import pytest
from conftest import REPO

from core.front.cli import main

OPTIMIZERS = ("SGD", "Adam", "Adagrad", "Adamax", "ASGD", "LBFGS", "RMSprop", "Rprop")
CTRL_C_LESSON = str(REPO / "tests" / "lesson_files" / "presses_ctrl_c.py")

CRASHING_LESSON = """
import torch

from core.lesson import Lesson, Option
from core.phases import EPOCH, LOSS


def train(run):
    w = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=run.lr)
    run.watch(w=w, optimizer=optimizer)
    for epoch in run.epochs():
        if run.options.crash and run.step == 2:
            raise RuntimeError("boom")
        loss = (w - 3).pow(2).sum()
        yield LOSS, loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        yield EPOCH


LESSON = Lesson(id="crashes", title="crashes on request", lecture=None, train=train, lr=0.1, epochs=5,
                options=(Option("crash", False, "raise in step 3"),))
"""


def compare(capsys, *argv):
    code = main(["compare", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def table_rows(out):
    """variant -> (status, final loss text) from the table below the chart."""
    table = out[out.index(" variant ") :]
    rows = {}
    for line in table.splitlines()[2:]:
        match = re.match(r"\s*\w\s+(.+?)\s{2,}(finished|diverged|crashed|failed|interrupted)\s+(\S+)", line)
        if match:
            rows[match[1]] = (match[2], match[3])
    return rows


def test_all_eight_optimizers_are_charted_and_tabled_with_a_finite_loss(capsys):
    code, out, err = compare(capsys, "linear-regression", "--optimizer", ",".join(OPTIMIZERS), "--steps", "30")
    assert code == 0, err
    assert out.startswith("comparing 8 variants of linear-regression, 30 steps each, seed 0\n")
    chart = out[out.index("loss per step") : out.index(" variant ")]
    for name in OPTIMIZERS:
        assert re.search(rf"\b{name}\b", chart), f"{name} missing from the chart's legend"
    rows = table_rows(out)
    assert list(rows) == list(OPTIMIZERS)
    assert all(status == "finished" and math.isfinite(float(loss)) for status, loss in rows.values())
    assert "\x1b" not in out  # plain text when stdout is not a terminal


def test_json_prints_one_object_per_variant_with_a_downsampled_curve(capsys):
    code, out, _ = compare(capsys, "linear-regression", "--optimizer", "SGD,Adam", "--steps", "300", "--json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]  # nothing but JSON on stdout
    assert [r["variant"] for r in records] == ["SGD", "Adam"]
    for record in records:
        assert record["status"] == "finished" and record["steps"] == 300
        assert record["options"]["optimizer"] == record["variant"]
        curve = record["curve"]
        assert len(curve) == 200 and curve[0][0] == 1 and curve[-1][0] == 300
        assert math.isfinite(record["loss"]) and "w" in record and "prediction" in record
    assert records[0]["loss"] != records[1]["loss"]  # each variant really ran with its own optimizer


def test_comma_lists_of_a_lesson_option_and_the_lr_give_their_product(capsys):
    code, out, _ = compare(capsys, "simple-nn", "--hidden", "2,8", "--lr", "0.1,0.5", "--steps", "3", "--json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["variant"] for r in records] == [
        "hidden=2 lr=0.1",
        "hidden=2 lr=0.5",
        "hidden=8 lr=0.1",
        "hidden=8 lr=0.5",
    ]
    assert [(r["options"]["hidden"], r["lr"]) for r in records] == [(2, 0.1), (2, 0.5), (8, 0.1), (8, 0.5)]


def test_choices_match_like_the_cli(capsys):
    code, out, _ = compare(capsys, "linear-regression", "--optimizer", "sgd,ADAM,adam", "--steps", "2", "--json")
    assert code == 0
    assert [json.loads(line)["variant"] for line in out.splitlines()] == ["SGD", "Adam"]


@pytest.mark.parametrize(
    "argv, says",
    [
        (["--optimizer", "SGD,Adamw"], "--optimizer must be one of"),
        (["--lr", "0.1,fast"], "learning rate must be a number"),
        (["--optimizer", ",".join(OPTIMIZERS), "--lr", "0.1,0.2,0.3,0.4,0.5"], "make 40 variants, more than 32"),
        (["--momentum", "0.9"], "does not take --momentum"),
        (["linear-grid", "--lr", "0.1,0.2"], "has no learning rate"),
    ],
)
def test_a_bad_value_exits_2_with_one_line_before_training(capsys, argv, says):
    lesson, argv = (argv[0], argv[1:]) if not argv[0].startswith("--") else ("linear-regression", argv)
    code, out, err = compare(capsys, lesson, *argv, "--steps", "2")
    assert code == 2 and out == ""
    [line] = err.splitlines()
    assert line.startswith("learn-tui: error: ") and says in line, line


def test_a_diverging_variant_is_marked_while_the_others_finish(capsys):
    code, out, _ = compare(capsys, "linear-regression", "--lr", "0.01,100,0.02", "--steps", "40")
    assert code == 3
    rows = table_rows(out)
    assert [status for status, _ in rows.values()] == ["finished", "diverged", "finished"]
    assert list(rows) == ["lr=0.01", "lr=100", "lr=0.02"]
    assert re.search(r"\[2/3\] lr=100: diverged in step \d+: loss is", out)


def test_a_crashing_variant_is_reported_and_the_others_still_run(capsys, tmp_path):
    lesson = tmp_path / "crashes.py"
    lesson.write_text(CRASHING_LESSON)
    code, out, err = compare(capsys, str(lesson), "--crash", "true,false")
    assert code == 1
    rows = table_rows(out)
    assert {name: status for name, (status, _) in rows.items()} == {"crash=True": "crashed", "crash=False": "finished"}
    assert rows["crash=False"][1] == "1.510"  # 9 * 0.8**8: the crash left the next variant's run untouched
    assert "RuntimeError: boom" in err  # the learner's traceback


def test_ctrl_c_stops_after_printing_what_finished(capsys):
    code, out, err = compare(capsys, CTRL_C_LESSON, "--ctrl-c-at", "9,3,8", "--steps", "6")
    assert code == 130
    rows = table_rows(out)
    assert [status for status, _ in rows.values()] == ["finished", "interrupted"]  # the third never started
    assert "interrupted: 2 of 3 variants ran" in err


def test_each_variant_is_the_run_that_learn_tui_run_would_train(capsys):
    """Same seed, same settings, same core: a variant's results are those of ``run --json``."""
    code, out, _ = compare(
        capsys, "linear-regression", "--optimizer", "SGD,Adam", "--lr", "0.05", "--steps", "50", "--json"
    )
    assert code == 0
    adam = [json.loads(line) for line in out.splitlines()][1]
    assert main(["run", "linear-regression", "--json", "--optimizer", "Adam", "--lr", "0.05", "--steps", "50"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (adam["loss"], adam["w"], adam["b"]) == (summary["loss"], summary["w"], summary["b"])
