"""The first lessons (lectures 2, 3, 4, 6 and the simple network) give the results the course promises.

Each test runs a lesson headless through the Trainer and checks what a learner relies on: the grid
finds w = 2, autograd's gradients match the ones worked out by hand, learning rates and the
zero_grad switch act exactly as the notes say, and seeds and checkpoints repeat a run exactly.
"""

from __future__ import annotations

import inspect
import json

import pytest
import torch

from core.base.events import Finished, Progress
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import UsageError
from core.phases import BACKWARD, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD

LECTURES = {"linear-grid": 2, "gradient-descent": 3, "autograd": 4, "logistic-regression": 6, "simple-nn": None}
X_DATA, Y_DATA = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models run fastest on one thread; several on a busy 2-core machine wait on each other."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def finish(trainer: Trainer) -> Finished:
    events = list(trainer)
    assert isinstance(events[-1], Finished), events[-1]
    return events[-1]


def step_losses(trainer: Trainer, steps: int) -> list[float]:
    """Advance ``steps`` steps (or to the end); the loss each LOSS phase reported, in order."""
    losses = []
    for _ in range(steps):
        events = trainer.advance("step")
        losses += [e.loss for e in events if isinstance(e, Progress) and e.phase is LOSS]
        if events and not isinstance(events[-1], Progress):
            break
    return losses


def params(trainer: Trainer) -> dict:
    return {p.name: p for p in trainer.snapshot().params}


def test_catalog_metadata_matches_the_imported_lessons():
    infos = {info.id: info for info in catalog.catalog()}
    for lesson_id, lecture in LECTURES.items():
        lesson = catalog.load(lesson_id)
        info = infos[lesson_id]
        assert (info.title, info.lecture) == (lesson.title, lesson.lecture)
        assert lesson.id == lesson_id and lesson.lecture == lecture
        assert info.notes == inspect.cleandoc(lesson.notes)
        assert info.notes.count("\n\n") >= 2, f"{lesson_id}: notes should be a few paragraphs"


def test_summaries_are_plain_json():
    for lesson_id in LECTURES:
        trainer = Trainer(catalog.load(lesson_id), steps=3)
        summary = finish(trainer).summary
        assert json.loads(json.dumps(summary)) == summary
        assert summary["loss"] is not None


def test_grid_finds_w_2_with_mse_0_and_draws_the_parabola():
    trainer = Trainer(catalog.load("linear-grid"))
    seen = []
    for event in trainer:
        if isinstance(event, Progress) and event.phase is STEP:
            w = event.metrics["w"]
            mse = sum((x * w - y) ** 2 for x, y in zip(X_DATA, Y_DATA)) / 3
            assert event.loss == pytest.approx(mse, rel=1e-12, abs=1e-12)
            seen.append((w, event.loss))
    assert trainer.status == "finished" and trainer.step == 100  # np.arange(0.0, 10.0, 0.1), no divergence stop
    assert seen[0] == (0.0, pytest.approx(56 / 3))
    assert min(seen, key=lambda s: s[1])[0] == 2.0
    assert seen[-1][1] > 100  # the MSE rises again past the minimum
    summary = trainer.summary()
    assert summary["best_w"] == 2.0 and summary["loss"] == pytest.approx(0.0, abs=1e-20)
    assert trainer.metrics["best_w"] == 2.0
    assert summary["w"] == pytest.approx(9.9) == seen[-1][0]  # where the loop ended, not the best w


def test_grid_homework_finds_w_2_and_b_0():
    trainer = Trainer(catalog.load("linear-grid"), options={"model": "wx+b"})
    summary = finish(trainer).summary
    assert trainer.step == 100 * 41
    assert (summary["best_w"], summary["best_b"]) == (2.0, 0.0)
    assert (summary["w"], summary["b"]) == (pytest.approx(9.9), pytest.approx(2.0))  # the last candidate
    assert summary["loss"] == pytest.approx(0.0, abs=1e-20)
    view = trainer.snapshot().views["grid"]
    assert len(view["w"]) == len(view["b"]) == len(view["mse"]) == 4100
    assert (view["w"][view["best"]], view["b"][view["best"]]) == (2.0, 0.0)


def test_grid_range_options_and_bad_ranges():
    lesson = catalog.load("linear-grid")
    trainer = Trainer(lesson, options={"w_start": "1.0", "w_stop": "3.0", "w_step": "0.5"})
    summary = finish(trainer).summary
    assert trainer.step == 4 and summary["best_w"] == 2.0
    for bad, hint in (({"w_step": 0}, "--w-step"), ({"w_stop": -1.0}, "--w-stop"), ({"w_step": 1e-9}, "--w-step")):
        with pytest.raises(UsageError, match=hint) as error:
            list(Trainer(lesson, options=bad))
        assert "\n" not in str(error.value)


def test_grid_refuses_a_learning_rate_in_one_line(capsys):
    """A grid search has no learning rate: ``--lr`` is refused (headless and app alike), exit 2."""
    import tui.main

    for argv in (["run", "linear-grid", "--headless", "--lr", "0.1"], ["run", "linear-grid", "--lr", "0.1"]):
        assert tui.main.main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert "linear-grid has no learning rate" in err and "drop --lr" in err and "\n" not in err
    assert not catalog.load("linear-grid").uses_lr and catalog.load("gradient-descent").uses_lr


def test_grid_resumed_mid_sweep_gives_the_same_sweep(tmp_path):
    lesson = catalog.load("linear-grid")
    full = Trainer(lesson)
    step_losses(full, 30)
    rest = step_losses(full, 1000)
    part = Trainer(lesson)
    step_losses(part, 30)
    resumed = Trainer.from_checkpoint(part.save(tmp_path / "grid.pt"), lesson)
    assert step_losses(resumed, 1000) == rest
    assert resumed.summary() == full.summary()
    assert resumed.snapshot().views["grid"] == full.snapshot().views["grid"]


def test_gradient_descent_first_step_follows_the_analytic_gradient():
    trainer = Trainer(catalog.load("gradient-descent"))
    phases = [e.phase for e in trainer.advance("step")]
    assert phases[:4] == [FORWARD, LOSS, BACKWARD, UPDATE]
    assert trainer.loss == pytest.approx(14 / 3)  # mean of (1-2)^2, (2-4)^2, (3-6)^2
    assert trainer.metrics["grad"] == pytest.approx(-28 / 3)  # mean of 2x(xw - y) at w = 1
    assert params(trainer)["w"].values[0] == pytest.approx(1 + 0.01 * 28 / 3)


@pytest.mark.parametrize("method", ["gd", "sgd"])
def test_gradient_descent_reaches_w_2(method):
    trainer = Trainer(catalog.load("gradient-descent"), options={"method": method})
    summary = finish(trainer).summary
    assert trainer.step == (100 if method == "gd" else 300)
    assert summary["w"] == pytest.approx(2.0, abs=1e-3)
    assert summary["prediction"] == pytest.approx(8.0, abs=4e-3)


@pytest.mark.parametrize(
    "lesson_id, options, grad_key",
    [
        ("gradient-descent", {"method": "sgd"}, "grad"),
        ("gradient-descent", {"method": "gd"}, "grad"),
        ("autograd", {}, "grad_w"),
    ],
)
def test_lr_set_between_steps_scales_the_next_update(lesson_id, options, grad_key):
    lesson = catalog.load(lesson_id)
    slow, fast = Trainer(lesson, options=options), Trainer(lesson, options=options)
    for trainer in (slow, fast):
        step_losses(trainer, 4)
    w_before = params(slow)["w"].values[0]
    assert params(fast)["w"].values[0] == w_before
    fast.lr = 0.02
    step_losses(slow, 1)
    step_losses(fast, 1)
    assert fast.metrics[grad_key] == slow.metrics[grad_key] != 0  # the same gradient
    slow_delta = params(slow)["w"].values[0] - w_before
    fast_delta = params(fast)["w"].values[0] - w_before
    assert slow_delta == pytest.approx(-0.01 * slow.metrics[grad_key], rel=1e-5)
    assert fast_delta == pytest.approx(2 * slow_delta, rel=1e-5)


def test_autograd_demo_gives_x_grad_two_thirds():
    trainer = Trainer(catalog.load("autograd"))
    phases = [trainer.advance("phase")[0].phase for _ in range(2)]
    assert phases == [FORWARD, BACKWARD] and trainer.step == 0
    demo = params(trainer)["demo_x"]
    assert demo.values == (1.0, 2.0, 3.0)
    assert demo.grad == pytest.approx([2 / 3] * 3)
    assert trainer.run.state.demo_x.grad.tolist() == pytest.approx([2 / 3] * 3)
    assert params(trainer)["w"].grad is None  # training has not started


@pytest.mark.parametrize("variant", ["per-sample", "summed"])
def test_autograd_learns_w_2(variant):
    trainer = Trainer(catalog.load("autograd"), options={"variant": variant})
    summary = finish(trainer).summary
    assert summary["w"] == pytest.approx(2.0, abs=1e-3)
    assert summary["prediction"] == pytest.approx(8.0, abs=4e-3)


def test_autograd_per_sample_gradient_is_the_analytic_one_and_zeroed():
    trainer = Trainer(catalog.load("autograd"))
    w = 1.0
    for k in range(6):
        phases = [e.phase for e in trainer.advance("step") if isinstance(e, Progress)]
        assert phases[-5:] == [LOSS, BACKWARD, UPDATE, ZERO_GRAD, STEP]
        x, y = X_DATA[k % 3], Y_DATA[k % 3]
        assert trainer.metrics["grad_w"] == pytest.approx(2 * x * (x * w - y), rel=1e-5)
        assert params(trainer)["w"].grad == (0.0,)
        w = params(trainer)["w"].values[0]


def test_autograd_without_zero_grad_accumulates_the_running_sum():
    trainer = Trainer(catalog.load("autograd"))
    trainer.set_option("zero_grad", False)  # what the app's z key does
    w, running_sum = 1.0, 0.0
    for k in range(8):
        phases = [e.phase for e in trainer.advance("step") if isinstance(e, Progress)]
        assert ZERO_GRAD not in phases
        x, y = X_DATA[k % 3], Y_DATA[k % 3]
        running_sum += 2 * x * (x * w - y)  # this step's own gradient, at the w it started from
        snap = params(trainer)["w"]
        assert snap.grad[0] == pytest.approx(running_sum, rel=1e-5)
        assert snap.values[0] == pytest.approx(w - 0.01 * running_sum, rel=1e-5)  # the update used the sum
        w = snap.values[0]
    trainer.set_option("zero_grad", True)
    step_losses(trainer, 1)
    assert params(trainer)["w"].grad == (0.0,)
    w = params(trainer)["w"].values[0]
    step_losses(trainer, 1)
    x, y = X_DATA[9 % 3], Y_DATA[9 % 3]
    assert trainer.metrics["grad_w"] == pytest.approx(2 * x * (x * w - y), rel=1e-5)


def test_autograd_quadratic_homework_learns_towards_y_2x():
    trainer = Trainer(catalog.load("autograd"), options={"model": "quadratic"})
    summary = finish(trainer).summary
    assert set(summary) >= {"w1", "w2", "b", "prediction"}
    assert trainer.history.values()[-1] < trainer.history.values()[0] / 100
    assert 7.5 < summary["prediction"] < 9.0


@pytest.mark.parametrize("zero_grad", [True, False])
def test_autograd_checkpoint_resumes_exactly(tmp_path, zero_grad):
    lesson = catalog.load("autograd")
    full = Trainer(lesson, epochs=10)
    full.set_option("zero_grad", zero_grad)
    step_losses(full, 7)
    rest = step_losses(full, 100)
    part = Trainer(lesson, epochs=10)
    part.set_option("zero_grad", zero_grad)
    step_losses(part, 7)  # mid-epoch: epoch 3, one sample done
    resumed = Trainer.from_checkpoint(part.save(tmp_path / "autograd.pt"), lesson)
    assert resumed.step == 7 and resumed.options["zero_grad"] is zero_grad
    first = [e.phase for e in resumed.advance("step")]
    assert first[0] is FORWARD and first.count(BACKWARD) == 1  # the demo is not shown again
    assert [resumed.loss] + step_losses(resumed, 100) == rest
    assert params(resumed)["w"] == params(full)["w"]


def test_logistic_regression_predicts_a_pass_after_4_hours():
    trainer = Trainer(catalog.load("logistic-regression"))
    summary = finish(trainer).summary
    assert trainer.step == 1000
    losses = trainer.history.values()
    assert losses[-1] < losses[0] and all(b <= a + 1e-6 for a, b in zip(losses, losses[1:]))
    assert summary["prediction"] > 0.5
    assert summary["w"] > 0 and summary["b"] < 0
    assert 2.0 < summary["pass_hours"] < 3.0
    with torch.no_grad():
        assert summary["prediction"] == pytest.approx(
            torch.sigmoid(torch.tensor(4 * summary["w"] + summary["b"])).item()
        )


def test_logistic_regression_stops_when_the_sigmoid_saturates_but_not_on_a_fast_rate_that_learns():
    from core.base.events import Diverged

    saturated = Trainer(catalog.load("logistic-regression"), lr=10)
    ended = [e for e in saturated if isinstance(e, (Diverged, Finished))]
    assert isinstance(ended[-1], Diverged) and ended[-1].step < 10  # caught early, before sticking at the cap
    assert ended[-1].loss > 20 * 2.4 and "Lower the learning rate (it is 10: try 1 or lower)" in ended[-1].message
    fast = Trainer(catalog.load("logistic-regression"), lr=3)  # its loss peaks at ~22, then learns
    assert isinstance(finish(fast), Finished) and 2.0 < fast.summary()["pass_hours"] < 3.0


@pytest.mark.parametrize("lesson_id", ["logistic-regression", "simple-nn"])
def test_same_seed_same_losses(lesson_id):
    lesson = catalog.load(lesson_id)
    first = step_losses(Trainer(lesson, seed=5), 40)
    again = step_losses(Trainer(lesson, seed=5), 40)
    other = step_losses(Trainer(lesson, seed=6), 40)
    assert len(first) == 40 and first == again
    assert other != first


@pytest.mark.parametrize("dataset, baseline_at_most", [("moons", 0.9), ("xor", 0.8)])
def test_simple_nn_beats_the_linear_baseline(dataset, baseline_at_most):
    trainer = Trainer(catalog.load("simple-nn"), options={"dataset": dataset})
    summary = finish(trainer).summary
    assert summary["accuracy"] >= 0.95
    assert summary["baseline_accuracy"] <= baseline_at_most
    accuracy = trainer.evals["accuracy"].values()
    assert len(accuracy) == 30 and accuracy[-1] == summary["accuracy"]
    assert set(trainer.evals["baseline_accuracy"].values()) == {summary["baseline_accuracy"]}


def test_simple_nn_checkpoint_mid_epoch_resumes_exactly(tmp_path):
    lesson = catalog.load("simple-nn")
    full = Trainer(lesson, seed=2, epochs=3)
    step_losses(full, 20)
    rest = step_losses(full, 1000)
    part = Trainer(lesson, seed=2, epochs=3)
    step_losses(part, 20)
    assert (part.run.epoch, part.run.batch) == (2, 7)  # 13 mini-batches of 32 in each epoch of 400
    resumed = Trainer.from_checkpoint(part.save(tmp_path / "nn.pt"), lesson)
    assert step_losses(resumed, 1000) == rest
    assert resumed.evals["accuracy"].values() == full.evals["accuracy"].values()
    assert resumed.summary() == full.summary()


def test_simple_nn_rejects_bad_sizes_in_one_line():
    lesson = catalog.load("simple-nn")
    with pytest.raises(UsageError, match="--batch-size") as error:
        list(Trainer(lesson, options={"batch_size": 0}))
    assert "\n" not in str(error.value)
