"""The three MNIST lessons on small written IDX files, and mnist-cnn on the real data when it is present."""

from __future__ import annotations

import pytest
from test_mnist_data import real_mnist, synthetic_digits, write_mnist

from core.base.events import Finished, Progress
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import DataError, UsageError
from core.phases import EVAL, STEP

MNIST_LESSONS = ("mnist-softmax", "mnist-cnn", "mnist-advanced")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("mnist")
    write_mnist(root / "MNIST" / "raw", train=640, test=200)
    return str(root)


def evals(events):
    return [e.metrics for e in events if isinstance(e, Progress) and e.phase is EVAL]


def test_catalog_lists_the_three_lessons_by_lecture():
    infos = {info.id: info for info in catalog.catalog()}
    assert [infos[i].lecture for i in MNIST_LESSONS] == [9, 10, 11]
    assert all("course" in infos[i].notes for i in MNIST_LESSONS)  # notes say what the course used


def test_seeded_softmax_run_lowers_the_loss_and_reports_test_accuracy(data_dir):
    trainer = Trainer(catalog.load("mnist-softmax"), options={"data_dir": data_dir, "batch_size": 16}, epochs=2, seed=1)
    events = list(trainer)
    losses = [v for _, v in trainer.history.points()]
    assert len(losses) == 80  # 640 images / 16 per batch, 2 epochs
    assert sum(losses[-5:]) / 5 < 0.5 * sum(losses[:5]) / 5
    results = evals(events)
    assert len(results) == 2 and set(results[-1]) == {"test_loss", "accuracy"}
    assert results[-1]["accuracy"] > 0.9  # the synthetic digits are easy
    assert isinstance(events[-1], Finished) and events[-1].summary["test_accuracy"] == results[-1]["accuracy"]
    again = Trainer(catalog.load("mnist-softmax"), options={"data_dir": data_dir, "batch_size": 16}, epochs=2, seed=1)
    list(again)
    assert [v for _, v in again.history.points()] == losses  # the seed fixes init and shuffling


def test_confusion_counts_sum_to_the_evaluated_samples(data_dir):
    trainer = Trainer(catalog.load("mnist-cnn"), options={"data_dir": data_dir}, epochs=1)
    assert trainer.snapshot().views["confusion"] == []
    result = evals(trainer)[-1]
    snapshot = trainer.snapshot()
    matrix = snapshot.views["confusion"]
    assert len(matrix) == 10 and all(len(row) == 10 for row in matrix)
    assert sum(map(sum, matrix)) == 200
    _, labels = synthetic_digits(200, 2)
    assert [sum(row) for row in matrix] == [int((labels == d).sum()) for d in range(10)]
    right = sum(matrix[i][i] for i in range(10))
    assert right / 200 == pytest.approx(result["accuracy"])
    gallery = snapshot.views["misclassified"]
    assert gallery["total"] == 200 - right and gallery["evaluated"] == 200
    assert all(item["label"] != item["prediction"] for item in gallery["items"])


def test_eval_every_tests_during_the_epoch(data_dir):
    trainer = Trainer(catalog.load("mnist-softmax"), options={"data_dir": data_dir, "eval_every": 4}, epochs=1)
    steps = [trainer.step_now for e in trainer if isinstance(e, Progress) and e.phase is EVAL]
    assert steps == [4, 8, 10]  # every 4 steps, then after the epoch's 10th (last) batch
    assert trainer.evals["accuracy"].count == 3


def test_learning_rate_decays_over_the_epochs_and_follows_the_learners_lr(data_dir):
    trainer = Trainer(catalog.load("mnist-cnn"), options={"data_dir": data_dir}, epochs=2, lr=0.2)
    rates = [e.metrics["lr_now"] for e in trainer.advance("epoch") if e.phase is STEP]
    assert len(rates) == 10 and rates[0] == 0.2 and rates == sorted(rates, reverse=True)
    trainer.lr = 0.02  # halfway through the budget: cos(pi / 2) halves it
    step = [e for e in trainer.advance("step") if isinstance(e, Progress) and e.phase is STEP][0]
    assert step.metrics["lr_now"] == pytest.approx(0.01)
    by_steps = Trainer(catalog.load("mnist-cnn"), options={"data_dir": data_dir}, steps=12, lr=0.2)
    rates = [e.metrics["lr_now"] for e in by_steps if isinstance(e, Progress) and e.phase is STEP]
    assert len(rates) == 12 and rates[0] == 0.2 and rates == sorted(rates, reverse=True) and rates[-1] < 0.01
    fixed = Trainer(catalog.load("mnist-cnn"), options={"data_dir": data_dir, "schedule": "constant"}, epochs=1, lr=0.2)
    assert {e.metrics["lr_now"] for e in fixed if isinstance(e, Progress) and e.phase is STEP} == {0.2}


def test_a_batch_size_below_one_is_refused_with_the_fix(data_dir):
    with pytest.raises(UsageError, match="--batch-size must be at least 1, got 0; e.g. --batch-size 64"):
        Trainer(catalog.load("mnist-softmax"), options={"data_dir": data_dir, "batch_size": "0"}, steps=1)


def test_digit_view_shows_the_current_batch_as_plain_lists(data_dir):
    trainer = Trainer(catalog.load("mnist-softmax"), options={"data_dir": data_dir}, steps=3)
    assert trainer.snapshot().views["digits"]["images"] == []
    list(trainer)
    view = trainer.snapshot().views["digits"]
    assert len(view["images"]) == 8 and len(view["images"][0]) == 28 and len(view["images"][0][0]) == 28
    assert all(type(v) is int and 0 <= v <= 255 for row in view["images"][0] for v in row)
    images, labels = synthetic_digits(640, 1)
    known = {bytes(bytearray(img.flatten())): int(lab) for img, lab in zip(images, labels)}
    for image, label in zip(view["images"], view["labels"]):
        assert known[bytes(bytearray(v for row in image for v in row))] == label
    for probabilities, prediction in zip(view["probabilities"], view["predictions"]):
        assert len(probabilities) == 10 and sum(probabilities) == pytest.approx(1, abs=1e-3)
        assert probabilities[prediction] == max(probabilities)


@pytest.mark.parametrize("model", ["inception", "resnet"])
def test_advanced_networks_train_on_28x28_digits(data_dir, model):
    trainer = Trainer(catalog.load("mnist-advanced"), options={"data_dir": data_dir, "model": model}, steps=4)
    events = list(trainer)
    assert trainer.step == 4 and isinstance(events[-1], Finished)
    assert trainer.loss is not None and trainer.loss < 10


def test_checkpoint_resume_continues_like_an_uninterrupted_run(data_dir, tmp_path):
    lesson = catalog.load("mnist-cnn")
    whole = Trainer(lesson, options={"data_dir": data_dir}, steps=14, seed=5)
    list(whole)
    first = Trainer(lesson, options={"data_dir": data_dir}, steps=14, seed=5)  # interrupted after 7 steps
    for _ in range(7):
        first.advance("step")
    first.save(tmp_path / "cnn.pt")
    resumed = Trainer.from_checkpoint(tmp_path / "cnn.pt", lesson, steps=14)
    list(resumed)
    assert resumed.loss == pytest.approx(whole.loss, rel=1e-5)


def test_a_checkpoint_saved_after_the_epochs_test_resumes_without_repeating_it(data_dir, tmp_path):
    lesson = catalog.load("mnist-softmax")
    whole = Trainer(lesson, options={"data_dir": data_dir}, epochs=2, seed=3)
    list(whole)
    first = Trainer(lesson, options={"data_dir": data_dir}, epochs=2, seed=3)
    while first.phase is not EVAL:
        first.advance("phase")
    resumed = Trainer.from_checkpoint(first.save(tmp_path / "softmax.pt"), lesson)
    list(resumed)
    assert resumed.evals["accuracy"].points() == whole.evals["accuracy"].points()
    assert resumed.loss == pytest.approx(whole.loss, rel=1e-5)


def test_missing_data_stops_the_run_with_the_data_error(tmp_path, monkeypatch):
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/"])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    trainer = Trainer(catalog.load("mnist-cnn"), options={"data_dir": str(tmp_path / "none")}, steps=1)
    with pytest.raises(DataError, match="MNIST not found"):
        next(trainer)
    assert trainer.status == "crashed"


@pytest.mark.slow
def test_one_epoch_of_the_cnn_on_real_mnist_passes_95_percent(shared_data):
    trainer = Trainer(catalog.load("mnist-cnn"), options={"data_dir": str(real_mnist(shared_data))}, epochs=1)
    result = evals(trainer)[-1]
    assert result["accuracy"] > 0.95
    assert sum(map(sum, trainer.snapshot().views["confusion"])) == 10000
