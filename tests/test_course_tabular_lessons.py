"""Lectures 7 and 8 (multi-input, dataloader): the learner's CSV drives the model's size, bad CSVs stop
the run with one line, held-out accuracy is reported, and the DataLoader's batches behave as the notes
say: shuffle off repeats the order, shuffle on draws a new one, keys apply from the next epoch, and a
checkpoint resumes mid-epoch with the same batches."""

from __future__ import annotations

import json

import pytest
import torch

from core.base.events import Finished, Progress
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import DataError, UsageError
from core.phases import EVAL


@pytest.fixture(scope="module")
def multi_input():
    return catalog.load("multi-input")


@pytest.fixture(scope="module")
def dataloader():
    return catalog.load("dataloader")


def csv_file(tmp_path, rows, name="mine.csv"):
    path = tmp_path / name
    path.write_text("\n".join(",".join(str(v) for v in row) for row in rows) + "\n")
    return path


def shapes(trainer):
    return {p.name: p.shape for p in trainer.snapshot().params}


def test_layer_sizes_follow_the_csv_feature_count(multi_input, tmp_path):
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(60, 3, generator=generator) * 100  # raw units: auto scaling standardises them
    rows = [[*map(float, r), int(r[0] > 50)] for r in x.tolist()]
    trainer = Trainer(multi_input, options={"csv": str(csv_file(tmp_path, rows))}, epochs=300)
    assert isinstance(list(trainer)[-1], Finished)
    assert shapes(trainer)["linear1.weight"] == (6, 3) and shapes(trainer)["linear3.weight"] == (1, 4)
    summary = trainer.summary()
    assert summary["layers"] == "3-6-4-1" and summary["train_accuracy"] > 0.9


def test_a_bad_csv_stops_the_run_with_the_data_error(multi_input, dataloader, tmp_path):
    bad = csv_file(tmp_path, [[1, 2, 0], [3, "x", 1]])
    for lesson in (multi_input, dataloader):
        with pytest.raises(DataError, match="row 2, column 2"):
            next(Trainer(lesson, options={"csv": str(bad)}))


def test_held_out_fold_reports_test_loss_and_accuracy(multi_input, shared_data):
    diabetes = shared_data / "course" / "diabetes.csv.gz"
    trainer = Trainer(multi_input, options={"csv": str(diabetes), "holdout_fold": 2}, seed=1, epochs=1000)
    evals = [e for e in trainer if isinstance(e, Progress) and e.phase is EVAL]
    assert len(evals) == 1000 and set(evals[-1].metrics) == {"train_accuracy", "test_loss", "test_accuracy"}
    # both accuracies are charted per epoch, to compare them (the notes' sign of overfitting)
    assert len(trainer.evals["train_accuracy"].points()) == len(trainer.evals["test_accuracy"].points()) > 100
    summary = trainer.summary()
    assert summary["train_rows"] + summary["held_out_rows"] == 759 and summary["held_out_rows"] in (151, 152, 153)
    assert summary["test_accuracy"] > 0.7  # the majority class alone gets 65 %
    assert json.loads(json.dumps(summary)) == summary


def test_the_built_in_table_is_learned_close_to_its_true_rule(multi_input):
    trainer = Trainer(multi_input, options={"holdout_fold": 1})
    list(trainer)
    assert trainer.summary()["test_accuracy"] > 0.75  # the true rule gets about 0.83


def test_a_momentum_outside_0_to_1_is_refused(multi_input):
    with pytest.raises(UsageError, match="--momentum must be at least 0 and below 1"):
        next(Trainer(multi_input, options={"momentum": "1.5"}))


def test_no_held_out_fold_means_only_training_accuracy(multi_input):
    events = list(Trainer(multi_input, epochs=3))
    evals = [e for e in events if isinstance(e, Progress) and e.phase is EVAL]
    assert len(evals) == 3 and all(set(e.metrics) == {"train_accuracy"} for e in evals)


def test_dataset_length_and_item_shapes(dataloader, shared_data):
    module = __import__("core.lessons.dataloader", fromlist=["DiabetesDataset"])
    dataset = module.DiabetesDataset(str(shared_data / "course" / "diabetes.csv.gz"))
    assert len(dataset) == 759
    x, y, index = dataset[5]
    assert x.shape == (8,) and y.shape == (1,) and index == 5 and y.item() in (0.0, 1.0)
    assert len(module.DiabetesDataset("")) == 759  # the built-in table


def batch_rows(trainer, steps):
    """The rows of each of the next ``steps`` batches, as the app's batch view shows them."""
    seen = []
    for _ in range(steps):
        trainer.advance("step")
        view = trainer.snapshot().views["batch"]
        seen.append((view["epoch"], view["iteration"], tuple(view["rows"])))
    return seen


def by_epoch(seen):
    epochs = {}
    for epoch, _iteration, rows in seen:
        epochs.setdefault(epoch, []).append(rows)
    return epochs


def test_shuffle_off_repeats_the_order_and_on_draws_a_new_one(dataloader):
    fixed = by_epoch(batch_rows(Trainer(dataloader, options={"shuffle": False}, epochs=2), 48))
    assert fixed[1] == fixed[2] and fixed[1][0] == tuple(range(32)) and len(fixed[1]) == 24
    shuffled = by_epoch(batch_rows(Trainer(dataloader, epochs=2), 48))
    assert shuffled[1] != shuffled[2] and sorted(sum(shuffled[1], ())) == list(range(759))
    assert sorted(sum(shuffled[2], ())) == list(range(759))


def test_keys_change_batch_size_and_shuffle_from_the_next_epoch(dataloader):
    trainer = Trainer(dataloader, options={"shuffle": False}, epochs=2)
    batch_rows(trainer, 3)
    assert trainer.call("set_batch_size", "100") == {"batch_size": 100, "from_epoch": 2}
    assert trainer.call("toggle_shuffle") == {"shuffle": True, "from_epoch": 2}
    assert trainer.options["batch_size"] == 100 and trainer.options["shuffle"] is True  # saved in checkpoints
    assert trainer.snapshot().views["batch"]["next"] == {"batch_size": 100, "shuffle": True}
    rest = by_epoch(batch_rows(trainer, 21 + 8))
    assert len(rest[1]) == 21 and all(len(rows) in (32, 23) for rows in rest[1])  # epoch 1 keeps its loader
    assert [len(rows) for rows in rest[2]] == [100] * 7 + [59] and rest[2][0] != tuple(range(100))


def test_bad_batch_sizes_are_refused_in_one_line(dataloader):
    trainer = Trainer(dataloader)
    trainer.advance("step")
    for text, expected in (("0", "at least 1"), ("abc", "whole number"), ("", "whole number"), ("5000", "759 rows")):
        with pytest.raises(UsageError, match=expected):
            trainer.call("set_batch_size", text)
    assert trainer.options["batch_size"] == 32
    with pytest.raises(UsageError, match="--batch-size must be at least 1"):
        next(Trainer(dataloader, options={"batch_size": "0"}))


def test_a_checkpoint_resumes_mid_epoch_with_the_same_batches(dataloader, tmp_path):
    original = Trainer(dataloader, epochs=3)
    batch_rows(original, 24 + 5)  # into epoch 2
    path = original.save(tmp_path / "mid.ckpt")
    expected = batch_rows(original, 10)
    resumed = Trainer.from_checkpoint(path, dataloader)
    assert batch_rows(resumed, 10) == expected
    assert resumed.loss == pytest.approx(original.loss)


def test_a_checkpoint_after_a_key_changed_the_batch_size_finishes_the_epoch_as_it_began(dataloader, tmp_path):
    original = Trainer(dataloader, epochs=3)
    batch_rows(original, 24 + 5)  # into epoch 2, batches of 32
    original.call("set_batch_size", "100")  # from epoch 3
    path = original.save(tmp_path / "changed.ckpt")
    expected = batch_rows(original, 19 + 3)  # the rest of epoch 2, then epoch 3 in batches of 100
    assert [len(rows) for _, _, rows in expected[:19]] == [32] * 18 + [23]
    assert [len(rows) for _, _, rows in expected[19:]] == [100] * 3
    resumed = Trainer.from_checkpoint(path, dataloader)
    assert resumed.snapshot().views["batch"]["next"]["batch_size"] == 100
    # keys pressed during the resumed epoch still wait for the next one: shuffle off, then on again
    assert resumed.call("toggle_shuffle") == {"shuffle": False, "from_epoch": 3}
    assert resumed.call("toggle_shuffle") == {"shuffle": True, "from_epoch": 3}
    assert batch_rows(resumed, 19 + 3) == expected
    assert resumed.loss == original.loss
