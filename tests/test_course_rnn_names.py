"""Lecture 13 (rnn-names): packing padded batches gives each name the output it gets alone, the
prompt action answers a typed name with its top countries (and refuses an empty name or characters
the model never saw, in one line), and every epoch ends with a test evaluation."""

from __future__ import annotations

import re

import pytest
import torch

from core.base.events import Progress
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import UsageError
from core.lessons.rnn_names import RNNClassifier, make_tensors
from core.phases import EVAL
from tui.views.name_predictions import render_name_predictions

NAMES = ["Nakamura", "Li", "Schwarzenegger", "Abe", "Kowalski", "Ng"]  # mixed lengths, longest not first


@pytest.fixture(scope="module")
def lesson():
    return catalog.load("rnn-names")


@pytest.mark.parametrize("bidirectional", [True, False])
def test_padding_and_packing_give_each_name_its_output_alone(bidirectional):
    torch.manual_seed(0)
    classifier = RNNClassifier(128, 16, 5, n_layers=2, bidirectional=bidirectional).eval()
    countries = torch.arange(len(NAMES))
    inputs, seq_lengths, target = make_tensors(NAMES, countries)
    assert seq_lengths.tolist() == sorted((len(n) for n in NAMES), reverse=True)
    assert (inputs == 0).any()  # the shorter names are padded
    with torch.no_grad():
        batched = classifier(inputs, seq_lengths)
        for row, index in enumerate(target.tolist()):
            alone_inputs, alone_lengths, _ = make_tensors([NAMES[index]], torch.tensor([index]))
            alone = classifier(alone_inputs, alone_lengths)[0]
            assert torch.allclose(batched[row], alone, atol=1e-5), NAMES[index]


def test_make_tensors_keeps_each_name_with_its_country():
    inputs, seq_lengths, target = make_tensors(NAMES, torch.arange(len(NAMES)))
    for row, index in enumerate(target.tolist()):
        name = NAMES[index]
        assert seq_lengths[row] == len(name)
        assert "".join(chr(c) for c in inputs[row, : len(name)].tolist()) == name


@pytest.fixture(scope="module")
def trained(lesson):
    trainer = Trainer(lesson, seed=0, epochs=3)
    events = list(trainer)
    return trainer, events


def test_every_epoch_ends_with_a_test_evaluation(trained):
    trainer, events = trained
    evals = [e for e in events if isinstance(e, Progress) and e.phase is EVAL]
    assert len(evals) == 3 and set(evals[0].metrics) == {"test_loss", "accuracy"}
    first, last = evals[0].metrics, evals[-1].metrics
    assert 1 / 18 < last["accuracy"] <= 1 and last["test_loss"] < first["test_loss"]
    view = trainer.snapshot().views["name_predictions"]
    assert len(view["per_country"]) == 18 and view["accuracy"] == trainer.summary()["test_accuracy"]


def test_a_typed_name_gets_its_top_countries_with_probabilities(trained):
    trainer, _ = trained
    notice = trainer.call("predict", "  Nakamura ")
    query = trainer.snapshot().views["name_predictions"]["query"]
    top = query["top"]
    assert query["name"] == "Nakamura" and len(top) == 3 and notice.startswith(f"Nakamura at step {trainer.step}: ")
    probabilities = [entry["probability"] for entry in top]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < sum(probabilities) <= 1.0 + 1e-6
    assert {entry["country"] for entry in top} <= set(trainer.run.state.trainset.country_list)
    assert trainer.call("predict", "Müller").startswith("Muller at step")  # accents are folded as in the data


def percentages(text):
    return re.findall(r"(\w+) +(?:[█░]+ +)?(\d+\.\d%)", text)


def test_the_notice_and_the_tab_show_the_same_percentages(lesson):
    """Paused after a typed name, the notice and the Name predictions tab read the same numbers, also
    when the name was typed mid-step and the update has run since (the tab asks the model as it is)."""
    trainer = Trainer(lesson, seed=0, options={"hidden_size": "16", "n_layers": "1"})
    trainer.advance("step")
    for _ in range(2):
        trainer.advance("phase")  # FORWARD, LOSS of step 2: the model is still step 1's
    early = trainer.call("predict", "Nakamura")
    tab = render_name_predictions(trainer.snapshot().views["name_predictions"]).plain
    assert percentages(early) and percentages(early) == percentages(tab)
    trainer.advance("step")  # the update ran: the tab shows the new model, as p would now
    tab = render_name_predictions(trainer.snapshot().views["name_predictions"]).plain
    assert percentages(tab) == percentages(trainer.call("predict", "Nakamura")) != percentages(early)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "type a name"),
        ("   ", "type a name"),
        (None, "type a name"),
        ("李", "'李'"),
        ("R2-D2", "'2-'"),
        ("Nakamura!", "'!'"),
    ],
)
def test_bad_names_are_refused_in_one_line(trained, text, message):
    trainer, _ = trained
    with pytest.raises(UsageError) as caught:
        trainer.call("predict", text)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_name_before_the_model_exists_asks_for_a_step(lesson):
    with pytest.raises(UsageError, match="not built yet"):
        Trainer(lesson).call("predict", "Abe")


def test_unidirectional_option_builds_a_one_way_gru(lesson):
    trainer = Trainer(lesson, options={"bidirectional": "false", "hidden_size": "8", "n_layers": "1"}, steps=1)
    list(trainer)
    shapes = {p.name: p.shape for p in trainer.snapshot().params}
    assert shapes["fc.weight"] == (18, 8) and "gru.weight_ih_l0_reverse" not in shapes


@pytest.mark.slow
def test_course_names_reach_80_percent(lesson, shared_data):
    trainer = Trainer(lesson, options={"data": str(shared_data / "course")}, seed=0, epochs=4)
    list(trainer)
    assert trainer.summary()["test_accuracy"] >= 0.78


def test_a_checkpoint_resumes_mid_epoch_with_the_same_losses(lesson, tmp_path):
    original = Trainer(lesson, options={"hidden_size": "16", "batch_size": "128"}, seed=3, epochs=2)
    for _ in range(13):  # into the second epoch (11 batches of 128 per epoch)
        original.advance("step")
    path = original.save(tmp_path / "names.ckpt")
    expected = [original.advance("step")[-1].loss for _ in range(4)]
    resumed = Trainer.from_checkpoint(path, lesson)
    assert [resumed.advance("step")[-1].loss for _ in range(4)] == pytest.approx(expected, abs=1e-6)


def test_a_typed_name_is_classified_again_as_the_model_learns(lesson):
    trainer = Trainer(lesson, seed=0, epochs=2)
    trainer.advance("step")
    trainer.call("predict", "Nakamura")
    asked = trainer.snapshot().views["name_predictions"]["query"]
    trainer.advance("epoch")
    later = trainer.snapshot().views["name_predictions"]["query"]
    assert later["name"] == "Nakamura" and later["step"] == trainer.step > asked["step"]
    assert later["top"] != asked["top"]  # today's model's answer, not the one from step 1
