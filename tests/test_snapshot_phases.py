"""What the Params/Grads tables rely on from a snapshot: the update/param ratio is the latest update's (or
marked stale with its step), and a gradient zero_grad removed reads differently from one never computed."""

import torch

from core.engine import catalog
from core.engine.snapshot import EVERY_UPDATE
from core.engine.trainer import Trainer
from core.lesson import Lesson
from core.phases import BACKWARD, EPOCH, LOSS, UPDATE, ZERO_GRAD


def params_of(trainer: Trainer) -> dict[str, torch.Tensor]:
    return {name: p.detach().clone() for name, p in trainer.run.watched[""].named_parameters()}


def test_the_ratio_after_three_steps_is_the_third_updates_even_when_no_snapshot_came_between():
    trainer = Trainer(catalog.load("logistic-regression"))
    trainer.snapshot()  # the Grads tab is open: it wants ratios; then three `n` presses before the next frame
    for _ in range(3):
        trainer.advance("step")
    ratios = {p.name: p for p in trainer.snapshot().params}

    plain = Trainer(catalog.load("logistic-regression"))  # the same run, measured by hand
    plain.advance("step")
    plain.advance("step")
    before = params_of(plain)
    plain.advance("step")
    after = params_of(plain)
    for name in ("linear.weight", "linear.bias"):
        expected = float(torch.linalg.vector_norm(after[name] - before[name]) / torch.linalg.vector_norm(after[name]))
        shown = ratios[name]
        assert abs(shown.update_ratio - expected) <= 1e-6 * max(expected, 1e-12), (name, shown.update_ratio, expected)
        assert shown.ratio_step == 3 and not shown.ratio_stale


def big_train(run):
    w = torch.zeros(EVERY_UPDATE + 1, requires_grad=True)
    run.watch(w=w)
    for _ in run.epochs():
        loss = ((w - 1.0) ** 2).mean()
        yield LOSS, loss
        loss.backward()
        yield BACKWARD
        with torch.no_grad():
            w -= run.lr * w.grad
        yield UPDATE
        w.grad = None
        yield ZERO_GRAD
        yield EPOCH


BIG = Lesson(id="big", title="Too big to measure every update", lecture=None, train=big_train, lr=0.1, epochs=50)


def test_a_big_models_ratio_from_an_earlier_step_is_marked_stale_with_its_step():
    trainer = Trainer(BIG)
    trainer.snapshot()
    trainer.advance("step")
    first = trainer.snapshot().params[0]
    assert first.ratio_step == 1 and not first.ratio_stale
    trainer.snapshot(ratios=False)  # nobody shows ratios while two more steps run
    trainer.advance("step")
    trainer.advance("step")
    later = trainer.snapshot().params[0]
    assert later.update_ratio == first.update_ratio and later.ratio_step == 1 and later.ratio_stale


def test_a_gradient_set_to_none_by_zero_grad_is_told_apart_from_none_yet():
    trainer = Trainer(BIG)
    trainer.advance("phase")  # LOSS
    fresh = trainer.snapshot().params[0]
    assert fresh.grad is None and not fresh.grad_cleared  # no backward yet
    trainer.advance("phase")  # BACKWARD
    assert trainer.snapshot().params[0].grad is not None
    trainer.advance("phase")  # UPDATE
    trainer.advance("phase")  # ZERO_GRAD: w.grad = None
    cleared = trainer.snapshot().params[0]
    assert cleared.grad is None and cleared.grad_cleared
    trainer.reset()
    trainer.advance("phase")
    assert not trainer.snapshot().params[0].grad_cleared
