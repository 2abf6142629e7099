"""The step-wise trainer: events, stepping units, the live learning rate, divergence, snapshots."""

import math
from pathlib import Path

import pytest
from lessons_for_tests import crashing_lesson, manual_sgd_lesson, shuffled_mlp_lesson

from core.base.events import Diverged, Finished, Progress
from core.engine import catalog
from core.engine.snapshot import Snapshot
from core.engine.trainer import Trainer
from core.errors import LessonCrashed, UsageError
from core.lesson import Lesson
from core.phases import BACKWARD, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD


def test_one_step_walks_the_phases_in_the_lessons_order_with_source_lines():
    lesson = catalog.load("linear-regression")
    trainer = Trainer(lesson)
    events = trainer.advance("step")
    assert [e.phase for e in events] == [FORWARD, LOSS, ZERO_GRAD, BACKWARD, UPDATE, "epoch"]
    assert [e.step for e in events] == [1, 1, 1, 1, 1, 1]  # one counting: every event of step 1 says 1
    source = Path(lesson.source_file).read_text().splitlines()
    assert all(source[e.line - 1].strip().startswith("yield") for e in events)
    assert source[events[1].line - 1].strip() == "yield LOSS, loss"


def test_advance_by_phase_step_and_epoch():
    trainer = Trainer(shuffled_mlp_lesson())
    assert len(trainer.advance("phase")) == 1 and trainer.step == 0
    trainer.advance("step")
    assert trainer.step == 1
    last = trainer.advance("epoch")[-1]
    assert last.phase == "epoch" and trainer.step == 5  # 40 samples in batches of 8
    assert trainer.evals["accuracy"].count == 1


def test_setting_lr_between_steps_scales_the_next_manual_update_exactly():
    trainer = Trainer(manual_sgd_lesson())
    trainer.advance("step")
    w = trainer.run.watched["w"]
    trainer.advance("phase"), trainer.advance("phase")  # loss, then the gradient at the current w
    before, grad = float(w), trainer.run.state.grad
    trainer.lr = 0.03
    trainer.advance("phase")  # the update
    assert float(w) - before == pytest.approx(-0.03 * grad, rel=1e-12)
    assert trainer.snapshot().progress.lr == 0.03


def test_setting_lr_reaches_the_optimizer_before_its_next_step():
    trainer = Trainer(shuffled_mlp_lesson())
    trainer.advance("step")
    trainer.lr = 0.5
    assert [g["lr"] for g in trainer.run.optimizers[0].param_groups] == [0.5]


@pytest.mark.parametrize("bad", ["abc", "-1", "0", "nan", "inf", "1e999", ""])
def test_a_bad_learning_rate_is_refused_and_the_old_one_kept(bad):
    trainer = Trainer(manual_sgd_lesson())
    with pytest.raises(UsageError):
        trainer.lr = bad
    assert trainer.lr == 0.01


def test_same_seed_same_losses_other_seed_other_losses():
    def losses(seed):
        trainer = Trainer(shuffled_mlp_lesson(), seed=seed)
        return [e.loss for e in trainer if isinstance(e, Progress) and e.phase is LOSS]

    assert losses(7) == losses(7)
    assert losses(7) != losses(8)


def test_linear_regression_at_lr_1_is_caught_diverging():
    trainer = Trainer(catalog.load("linear-regression"), lr=1.0)
    ended = [e for e in trainer if not isinstance(e, Progress)]
    assert len(ended) == 1 and isinstance(ended[0], Diverged)
    assert trainer.status == "diverged" and trainer.step < 10
    assert "lower the learning rate" in ended[0].message.lower() and "0.1" in ended[0].message


def test_after_divergence_a_lower_lr_and_continue_converges():
    trainer = Trainer(catalog.load("linear-regression"), lr=1.0, epochs=400)
    for _ in trainer:
        pass
    trainer.lr = 0.001
    trainer.continue_after_divergence()
    ended = [e for e in trainer if not isinstance(e, Progress)]
    assert isinstance(ended[-1], Finished) and math.isfinite(trainer.loss)


def test_nan_loss_diverges_with_the_step_named():
    def train(run):
        yield LOSS, 1.0
        yield STEP
        yield LOSS, float("nan")
        yield STEP

    ended = list(Trainer(Lesson(id="t", title="t", lecture=None, train=train)))[-1]
    assert isinstance(ended, Diverged) and "step 2" in ended.message and "nan" in ended.reason


@pytest.mark.parametrize(
    "budget, message",
    [
        ({"steps": 0}, "steps must be at least 1, got 0"),
        ({"epochs": "x"}, "epochs must be a whole number like 100, got 'x'"),
        ({"steps": 3, "epochs": 1}, "a run's budget is steps or epochs, not both"),
    ],
)
def test_a_bad_budget_is_refused_in_the_runs_terms_not_the_command_lines(budget, message):
    """The command line and the app's form check a budget first and name their own flag or field."""
    with pytest.raises(UsageError) as caught:
        Trainer(shuffled_mlp_lesson(), **budget)
    assert str(caught.value) == message


def test_budget_in_steps_and_epochs():
    trainer = Trainer(shuffled_mlp_lesson(), steps=7)
    ended = list(trainer)[-1]
    assert isinstance(ended, Finished) and ended.reason == "steps" and trainer.step == 7
    trainer = Trainer(shuffled_mlp_lesson(), epochs=2)
    ended = list(trainer)[-1]
    assert ended.reason == "epochs" and trainer.step == 10 and ended.epoch == 2


def test_snapshot_is_plain_data_with_values_grads_and_update_ratio():
    trainer = Trainer(catalog.load("linear-regression"))
    trainer.advance("step")
    trainer.snapshot()  # asks the trainer to measure the next update
    trainer.advance("step")
    snapshot = trainer.snapshot()
    assert isinstance(snapshot, Snapshot)
    weight = next(p for p in snapshot.params if p.name == "linear.weight")
    assert weight.shape == (1, 1) and len(weight.values) == 1 and len(weight.grad) == 1
    assert weight.update_ratio is not None and weight.update_ratio > 0

    def plain(value):
        if isinstance(value, (tuple, list)):
            return all(plain(v) for v in value)
        if isinstance(value, dict):
            return all(plain(v) for v in value.values())
        if hasattr(value, "__slots__") and not isinstance(value, (str, bytes)):
            return all(plain(getattr(value, s)) for s in value.__slots__)
        return value is None or isinstance(value, (int, float, str))

    assert plain(snapshot)


def test_large_tensors_are_summarised_not_copied_whole():
    trainer = Trainer(shuffled_mlp_lesson())
    trainer.advance("step")
    first = next(p for p in trainer.snapshot().params if p.name == "0.weight")
    assert first.shape == (8, 3) and len(first.values) == 24  # 24 <= 64: shown whole
    assert first.stats.norm > 0 and first.grad_stats is not None


def test_a_crashing_loop_is_reported_with_its_own_traceback_and_the_run_stops():
    trainer = Trainer(crashing_lesson())
    trainer.advance("phase")
    with pytest.raises(LessonCrashed) as caught:
        next(trainer)
    assert "ZeroDivisionError" in str(caught.value) and "boom" in str(caught.value)
    assert "lessons_for_tests.py" in caught.value.details and "raise ZeroDivisionError" in caught.value.details
    assert "trainer.py" not in caught.value.details
    assert list(trainer) == [] and trainer.status == "crashed"


def test_yielding_something_that_is_not_a_phase_is_explained():
    def train(run):
        yield "forwrd"

    with pytest.raises(LessonCrashed, match="a yield carries a phase"):
        next(Trainer(Lesson(id="t", title="t", lecture=None, train=train)))


def test_reset_starts_over_with_the_current_lr():
    trainer = Trainer(shuffled_mlp_lesson())
    first = [e.loss for e in trainer.advance("epoch") if e.phase is LOSS]
    trainer.reset()
    assert trainer.step == 0 and trainer.history.count == 0
    assert [e.loss for e in trainer.advance("epoch") if e.phase is LOSS] == first


def test_live_options_change_between_events_and_fixed_ones_refuse():
    trainer = Trainer(shuffled_mlp_lesson())
    with pytest.raises(UsageError, match="^option width is fixed during a run; start a new run"):
        trainer.set_option("width", 4)
    with pytest.raises(UsageError, match="no option"):
        trainer.set_option("nope", 1)


def test_prime_builds_the_model_without_emitting_or_losing_an_event():
    trainer = Trainer(shuffled_mlp_lesson(), seed=4)
    trainer.prime()
    assert trainer.snapshot().params and trainer.step == 0 and trainer.phase is None
    primed = [e.loss for e in trainer if isinstance(e, Progress) and e.phase is LOSS]
    assert primed == [
        e.loss for e in Trainer(shuffled_mlp_lesson(), seed=4) if isinstance(e, Progress) and e.phase is LOSS
    ]
