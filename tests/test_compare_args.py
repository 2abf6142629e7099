"""``learn-tui run LESSON --compare OPTION=V1,V2`` (checked before the app opens), runs with their own random
generators side by side, and the ``compare`` command's chart: its legend off the curves, coinciding curves said."""

from __future__ import annotations

import pytest

from core.base.settings import RunSettings
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import UsageError
from core.front.cli import main
from core.front.compare_args import app_variants, side_by_side
from core.front.compare_report import coinciding
from tui.main import main as app_main


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("optimizer=SGD,Bogus", "--optimizer must be one of SGD, Adagrad"),
        ("optimizer=SGD", "give two or more values of optimizer"),
        ("momentum=0.1,0.9", "has no option --momentum"),
        ("optimizer", "--compare takes OPTION=V1,V2"),
        ("lr=0.1,-1", "learning rate must be greater than 0"),
    ],
)
def test_a_bad_compare_value_is_one_line_and_exit_2_before_the_app_opens(capsys, spec, said):
    code = app_main(["run", "linear-regression", "--compare", spec])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("learn-tui: error: ") and said in err and err.count("\n") == 1


def test_compare_is_refused_with_headless_and_with_the_option_given_twice(capsys):
    assert main(["run", "linear-regression", "--headless", "--compare", "optimizer=SGD,Adam"]) == 2
    assert "learn-tui compare LESSON" in capsys.readouterr().err
    assert app_main(["run", "linear-regression", "--optimizer", "Adam", "--compare", "optimizer=SGD,Adam"]) == 2
    assert "--optimizer is given twice" in capsys.readouterr().err


def test_variants_share_the_other_options_and_the_rate():
    lesson = catalog.load("simple-nn")
    found = app_variants(lesson, "hidden=2,8", ["--dataset", "circles"], 0.5)
    assert [v.label for v in found] == ["hidden=2", "hidden=8"]
    assert all(v.options["dataset"] == "circles" and v.lr == 0.5 for v in found)
    rates = side_by_side(lesson, "lr", "0.1,0.5", {"hidden": 8})
    assert [(v.label, v.lr, v.options) for v in rates] == [
        ("lr=0.1", 0.1, {"hidden": 8}),
        ("lr=0.5", 0.5, {"hidden": 8}),
    ]
    with pytest.raises(UsageError, match="more than 9"):
        side_by_side(lesson, "lr", ",".join(str(i / 10) for i in range(1, 12)))


def test_runs_with_their_own_generators_draw_what_they_would_alone_when_interleaved():
    """Runs built one after the other and pulled in turns (as the compare view's threads do) each start from
    the seed: without their own generators the second run's model is initialised from the first one's draws."""
    lesson = catalog.load("simple-nn")  # (random data and a random initialisation)

    def losses(trainers, steps=20):
        seen = [[] for _ in trainers]
        for _ in range(steps * 8):
            for trainer, out in zip(trainers, seen):
                event = next(trainer)
                if getattr(event, "phase", None) is not None and str(event.phase) == "step":
                    out.append(event.loss)
        return seen

    alone = [losses([Trainer(lesson, RunSettings(options={"hidden": h}))])[0] for h in (4, 8)]
    together = losses([Trainer(lesson, RunSettings(options={"hidden": h}, own_rng=True)) for h in (4, 8)])
    assert together == alone and alone[0][0] != alone[1][0]


def test_the_compare_chart_keeps_its_legend_off_the_curves_and_says_which_coincide(capsys):
    code = main(["compare", "linear-regression", "--optimizer", "SGD,ASGD,Adam", "--steps", "50"])
    out = capsys.readouterr().out
    assert code == 0
    canvas = out[out.index("┌") : out.index("┘")]
    assert "SGD" not in canvas and "Adam" not in canvas  # (plotext's legend sat in the canvas's corner)
    assert "1 SGD   2 ASGD   3 Adam" in out
    lines = [line for line in out.splitlines() if "coincides" in line]
    assert len(lines) == 1 and lines[0].startswith("ASGD coincides with SGD (max difference ")


def test_coinciding_says_only_curves_closer_than_a_row_and_the_largest_difference():
    sgd = [(1, 10.0), (2, 5.0), (3, 1.0)]
    assert coinciding([("SGD", sgd), ("ASGD", sgd)], log=False) == ["ASGD coincides with SGD (max difference 0)"]
    apart = [(1, 10.0), (2, 4.0), (3, 1.0)]
    assert coinciding([("SGD", sgd), ("Adam", apart)], log=False) == []
    near = [(1, 10.0), (2, 5.01), (3, 1.0)]
    assert coinciding([("SGD", sgd), ("Adam", apart), ("ASGD", near)], log=True) == [
        "ASGD coincides with SGD (max difference 0.01)"
    ]
