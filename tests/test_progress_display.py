"""The headless run's progress (core/front/progress.py): rich's bar with elapsed time and the time left
on a terminal, plain lines elsewhere, and a steps/s measured over recent wall time."""

from __future__ import annotations

import io
from types import SimpleNamespace

import torch

from core.base.events import Progress
from core.base.rate import StepRate, format_rate
from core.base.status import Status
from core.engine.trainer import Trainer
from core.front import progress
from core.front.progress import ProgressDisplay, progress_line
from core.lesson import Lesson
from core.phases import EPOCH, LOSS, STEP


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def step(number: int) -> Progress:
    return Progress(Status.RUNNING, STEP, number, 1, 10, 0.01, 0.5 / number, {})


def test_on_a_terminal_the_bar_shows_elapsed_time_and_time_left():
    out = Terminal()
    display = ProgressDisplay(out, SimpleNamespace(max_epochs=None, max_steps=4, step=0))
    for number in range(1, 5):
        display.event(step(number))
    display.close()
    text = out.getvalue()
    assert "4/4" in text and "0:00:00" in text and "left" in text and "loss 0.125" in text
    assert "[" not in text.replace("\x1b[", "")  # rich's bar, not the hand-drawn [####....]


def test_elsewhere_progress_is_plain_lines():
    out = io.StringIO()
    display = ProgressDisplay(out, SimpleNamespace(max_epochs=None, max_steps=4, step=0))
    display.event(step(1))
    display.close()
    assert out.getvalue().startswith("step 1  epoch 1  loss 0.5  lr 0.01") and "\x1b" not in out.getvalue()


def test_steps_per_second_follow_the_recent_pace_not_the_whole_run():
    rate = StepRate()
    rate.tick(0.0, 0)
    rate.tick(10.0, 1)  # a slow start: one step in ten seconds
    for tenth in range(1, 51):  # then 40 steps/s for five seconds
        value = rate.tick(10.0 + tenth / 10, 1 + 4 * tenth)
    assert value is not None and 39 < value < 41


def test_a_headless_line_writes_steps_per_second_as_the_apps_status_bar_does():
    assert [format_rate(rate) for rate in (None, 0.1834, 2.4, 43.21, 150.4)] == [
        "– steps/s",
        "0.183 steps/s",
        "2.4 steps/s",
        "43.2 steps/s",
        "150 steps/s",
    ]
    assert progress_line(step(1), 150.4).endswith("lr 0.01  150 steps/s")
    assert progress_line(step(1), None).endswith("lr 0.01  - steps/s")  # a plain line's unknowns are ASCII dashes


def four_batch_train(run):
    w = torch.zeros(1, requires_grad=True)
    run.watch(w=w)
    batches = [torch.full((2,), float(i)) for i in range(4)]  # a list: its len() is the epoch's batch count
    for epoch in run.epochs():
        for x in run.batches(batches):
            loss = ((x * w - x) ** 2).mean()
            yield LOSS, loss
            loss.backward()
            with torch.no_grad():
                w -= run.lr * w.grad
                w.grad.zero_()
            yield STEP
        yield EPOCH


FOUR_BATCHES = Lesson(id="four-batches", title="Four batches an epoch", lecture=None, train=four_batch_train, lr=0.1)


def test_an_epoch_budget_moves_with_the_batches_of_the_epoch(monkeypatch):
    """``--epochs 1`` of a long epoch: the bar counts the batches done out of the DataLoader's len(), so it
    and the time left move from the first step on instead of showing 1/1 epochs from the start."""
    monkeypatch.setattr(progress, "REDRAW_INTERVAL", 0.0)
    trainer = Trainer(FOUR_BATCHES, epochs=2)
    display = ProgressDisplay(Terminal(), trainer)
    (task,) = display.bar.tasks
    done = [task.completed]
    for event in trainer:
        if isinstance(event, Progress):
            display.event(event)
            if event.phase is STEP:
                done.append(task.completed)
    display.close()
    assert done == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0] and task.total == 2
