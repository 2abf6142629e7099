"""Lecture 12 (rnn-hello): every cell type learns "hello" -> "ohlol" within 30 steps at the defaults,
the RNNCell version shows one character per FORWARD phase, and the view carries the hidden states."""

from __future__ import annotations

import pytest

from core.base.events import Progress
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import UsageError
from core.phases import EPOCH, FORWARD

CELLS = ("rnncell", "rnn", "embedding", "lstm", "gru")


@pytest.fixture(scope="module")
def lesson():
    return catalog.load("rnn-hello")


@pytest.mark.parametrize("cell", CELLS)
def test_each_cell_learns_ohlol_within_30_steps(lesson, cell):
    trainer = Trainer(lesson, options={"cell": cell}, seed=0)
    predictions = [e.metrics["prediction"] for e in trainer if isinstance(e, Progress) and e.phase is EPOCH]
    assert len(predictions) == 30 and "ohlol" in predictions
    assert predictions[0] != "ohlol"  # it starts untrained
    assert trainer.summary()["prediction"] == "ohlol"


def test_rnncell_predicts_one_character_per_forward_phase(lesson):
    trainer = Trainer(lesson, seed=0)
    grown = []
    for event in trainer:
        if event.phase is FORWARD:
            grown.append(len(trainer.snapshot().views["hidden_states"]["steps"]))
        if event.phase is EPOCH:
            break
    assert grown == [1, 2, 3, 4, 5]


def test_the_view_holds_the_hidden_state_per_time_step(lesson):
    for cell, units in (("rnncell", 4), ("gru", 8)):
        trainer = Trainer(lesson, options={"cell": cell}, seed=0)
        trainer.advance("step")
        trainer.advance("step")
        view = trainer.snapshot().views["hidden_states"]
        assert [s["input"] for s in view["steps"]] == list("hello")
        assert [s["target"] for s in view["steps"]] == list("ohlol")
        assert all(len(s["hidden"]) == units and len(s["probabilities"]) == 4 for s in view["steps"])
        assert [p[0] for p in view["predictions"]] == [1, 2]


def test_a_hidden_size_below_1_is_refused(lesson):
    with pytest.raises(UsageError, match="--hidden-size must be at least 1"):
        next(Trainer(lesson, options={"cell": "gru", "hidden_size": "0"}))


def test_init_small_divides_the_course_initial_weights_by_ten(lesson):
    def weights(init):
        trainer = Trainer(lesson, options={"init": init}, seed=5)
        trainer.advance("phase")  # built, nothing updated yet
        return {p.name: p.values for p in trainer.snapshot().params}

    course, small = weights("course"), weights("small")
    assert set(course) == {"rnncell.weight_ih", "rnncell.weight_hh", "rnncell.bias_ih", "rnncell.bias_hh"}
    for name in course:
        assert small[name] == pytest.approx([v / 10 for v in course[name]], abs=1e-7)
    assert max(abs(v) for values in course.values() for v in values) > 0.25
