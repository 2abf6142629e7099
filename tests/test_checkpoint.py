"""Checkpoints: a resumed run continues bit for bit; bad files give clear errors and change nothing."""

import os

import pytest
import torch
from lessons_for_tests import crashing_lesson, manual_sgd_lesson, shuffled_mlp_lesson

from core.base.events import Progress
from core.checkpoint.errors import MidStep
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import CheckpointError, LessonCrashed
from core.phases import LOSS


def losses(trainer, steps=None):
    out = []
    for event in trainer:
        if isinstance(event, Progress) and event.phase is LOSS:
            out.append(event.loss)
    return out


@pytest.mark.parametrize("stop_after", [3, 5, 7])  # mid-epoch, at an epoch's last batch, mid-epoch 2
def test_resume_mid_epoch_matches_the_uninterrupted_run(tmp_path, stop_after):
    full = losses(Trainer(shuffled_mlp_lesson(), seed=3))
    first = Trainer(shuffled_mlp_lesson(), seed=3)
    for _ in range(stop_after):
        first.advance("step")
    path = first.save(tmp_path / "run.pt")
    resumed = Trainer.from_checkpoint(path, shuffled_mlp_lesson())
    assert resumed.step == stop_after and resumed.history.count == stop_after
    assert losses(resumed) == full[stop_after:]  # exact floats: bit for bit on CPU


def test_resume_at_an_epoch_boundary_and_of_a_numpy_lesson(tmp_path):
    full = losses(Trainer(shuffled_mlp_lesson(), seed=1))
    first = Trainer(shuffled_mlp_lesson(), seed=1)
    first.advance("epoch")
    resumed = Trainer.from_checkpoint(first.save(tmp_path / "a.pt"), shuffled_mlp_lesson())
    assert losses(resumed) == full[5:]

    full = losses(Trainer(manual_sgd_lesson()))
    first = Trainer(manual_sgd_lesson())
    for _ in range(10):
        first.advance("step")
    resumed = Trainer.from_checkpoint(first.save(tmp_path / "b.pt"), manual_sgd_lesson())
    assert losses(resumed) == full[10:]


def test_resume_keeps_lr_history_and_budget(tmp_path):
    trainer = Trainer(catalog.load("linear-regression"), epochs=50)
    for _ in range(20):
        trainer.advance("step")
    trainer.lr = 0.02
    resumed = Trainer.from_checkpoint(trainer.save(tmp_path / "c.pt"), catalog.load("linear-regression"))
    assert resumed.lr == 0.02 and resumed.max_epochs == 50
    assert resumed.history.points() == trainer.history.points()
    assert list(resumed)[-1].epoch == 50


def test_saving_mid_step_is_refused_with_what_to_do(tmp_path):
    trainer = Trainer(shuffled_mlp_lesson())
    trainer.advance("phase")
    with pytest.raises(MidStep, match="finish this step first$"):  # the app adds its key (press n)
        trainer.save(tmp_path / "x.pt")
    assert not (tmp_path / "x.pt").exists()
    crashed = Trainer(crashing_lesson())
    with pytest.raises(LessonCrashed):
        crashed.advance("step")  # it crashes in the middle of its first step: finishing that step is no fix
    with pytest.raises(CheckpointError, match="^this run crashed; fix the lesson and reset before saving$"):
        crashed.save(tmp_path / "x.pt")


def test_the_write_is_atomic(tmp_path, monkeypatch):
    trainer = Trainer(shuffled_mlp_lesson())
    trainer.advance("step")
    path = tmp_path / "run.pt"
    trainer.save(path)
    good = path.read_bytes()

    def broken_save(obj, handle):
        handle.write(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", broken_save)
    trainer.advance("step")
    with pytest.raises(CheckpointError, match="could not write"):
        trainer.save(path)
    assert path.read_bytes() == good  # the old checkpoint survives a failed write
    assert os.listdir(tmp_path) == ["run.pt"]  # no temporary file left behind


def test_corrupt_missing_and_foreign_files_are_explained(tmp_path):
    lesson = shuffled_mlp_lesson()
    with pytest.raises(CheckpointError, match="no checkpoint at"):
        Trainer.from_checkpoint(tmp_path / "none.pt", lesson)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"\x00garbage" * 10)
    with pytest.raises(CheckpointError, match="not a learn-tui checkpoint"):
        Trainer.from_checkpoint(junk, lesson)
    truncated = tmp_path / "cut.pt"
    trainer = Trainer(lesson)
    trainer.advance("step")
    trainer.save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:200])
    with pytest.raises(CheckpointError, match="damaged"):
        Trainer.from_checkpoint(truncated, lesson)
    other = tmp_path / "other.pt"
    manual = Trainer(manual_sgd_lesson())
    manual.advance("step")
    manual.save(other)
    with pytest.raises(CheckpointError, match="learn-tui run test-manual-sgd --resume"):
        Trainer.from_checkpoint(other, lesson)


def test_a_checkpoint_that_does_not_fit_leaves_the_current_run_untouched(tmp_path):
    good = Trainer(catalog.load("linear-regression"))
    good.advance("step")
    path = tmp_path / "lr.pt"
    good.save(path)
    state = torch.load(path, weights_only=True)
    state["watched"][""]["state"]["linear.weight"] = torch.zeros(3, 3)  # as if saved from another model
    torch.save(state, path)
    expected = losses(Trainer(shuffled_mlp_lesson(), seed=5))[1:]
    current = Trainer(shuffled_mlp_lesson(), seed=5)
    current.advance("step")
    with pytest.raises(CheckpointError, match="does not fit"):
        Trainer.from_checkpoint(path, catalog.load("linear-regression"))
    assert losses(current) == expected  # same numbers, random state included


def test_a_checkpoint_taken_right_after_an_evaluation_does_not_repeat_it(tmp_path):
    full = Trainer(shuffled_mlp_lesson(), seed=2)
    for _ in full:
        pass
    first = Trainer(shuffled_mlp_lesson(), seed=2)
    first.advance("step")
    while first.phase != "eval":
        first.advance("phase")
    resumed = Trainer.from_checkpoint(first.save(tmp_path / "e.pt"), shuffled_mlp_lesson())
    for _ in resumed:
        pass
    assert resumed.evals["accuracy"].points() == full.evals["accuracy"].points()


@pytest.mark.parametrize("unit", ["epoch", "step"])  # saved right after an epoch ended, and mid-epoch
def test_a_reopened_checkpoint_shows_the_epoch_it_was_saved_in(tmp_path, unit):
    first = Trainer(shuffled_mlp_lesson(), seed=2)
    first.advance("epoch")
    first.advance(unit)
    shown = (first.step, first.epoch, first.snapshot().progress.epoch)
    resumed = Trainer.from_checkpoint(first.save(tmp_path / "e.pt"), shuffled_mlp_lesson())
    assert (resumed.step, resumed.epoch, resumed.snapshot().progress.epoch) == shown
