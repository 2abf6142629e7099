"""Small lessons and helpers for the app's pilot tests (tests/test_app_*.py).

The lessons here are tiny and fast, and their code lives in this file, so a test can find the line of
each ``yield`` and check that the code panel highlights it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from core.errors import DataError, UsageError
from core.lesson import Control, Lesson, Option
from core.phases import BACKWARD, EPOCH, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD

HERE = Path(__file__).resolve()
BATCHES_PER_EPOCH = 3


def toy_train(run):
    x_data = torch.tensor([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]])
    y_data = 2 * x_data + 1
    w = torch.tensor([0.5], requires_grad=True)
    b = torch.tensor([0.0], requires_grad=True)
    run.watch(w=w, b=b)
    run.state.w, run.state.b = w, b
    for epoch in run.epochs():
        for x, y in run.batches(zip(x_data.split(2), y_data.split(2))):
            y_pred = x * w + b
            yield FORWARD
            loss = ((y_pred - y) ** 2).mean()
            yield LOSS, loss
            loss.backward()
            yield BACKWARD
            with torch.no_grad():
                w -= run.lr * w.grad
                b -= run.lr * b.grad
            yield UPDATE
            if run.options.zero_grad:
                w.grad.zero_()
                b.grad.zero_()
            yield ZERO_GRAD
            yield STEP
        yield EPOCH


def toy_predict(run, argument):
    try:
        x = float(argument)
    except (TypeError, ValueError):
        raise UsageError(f"type a number for x, like 7; got {argument!r}") from None
    return {"x": x, "y": round(run.state.w.item() * x + run.state.b.item(), 4)}


def toy_weights(run):
    return {"w": run.state.w.item(), "b": run.state.b.item()}


TOY = Lesson(
    id="toy",
    title="A toy linear model",
    lecture=3,
    train=toy_train,
    notes="# Toy lesson\n\nFits **y = 2x + 1**.",
    lr=0.01,
    epochs=100_000,
    options=(Option("zero_grad", True, "clear gradients after each update", live=True),),
    views={"weights": toy_weights},
    actions={"predict": toy_predict},
    controls=(
        Control("p", "Predict", "predict", prompt="Predict y for x ="),
        Control("z", "zero_grad", toggles="zero_grad", help="clear the gradients after each update, or not"),
    ),
    source_file=str(HERE),
)


def plain_train(run):
    w = torch.tensor([1.0], requires_grad=True)
    run.watch(w=w)
    for epoch in run.epochs():
        loss = (w * 3.0 - 6.0) ** 2
        yield LOSS, loss.sum()
        loss.sum().backward()
        with torch.no_grad():
            w -= run.lr * w.grad
            w.grad.zero_()
        yield EPOCH


PLAIN = Lesson(
    id="plain", title="No options", lecture=None, train=plain_train, lr=0.01, epochs=1000, source_file=str(HERE)
)


def crashing_train(run):
    w = torch.tensor([1.0], requires_grad=True)
    run.watch(w=w)
    for epoch in run.epochs():
        yield LOSS, (w * 2).sum()
        if run.step >= 2:
            _ = 1 / 0  # the bug the learner must see, with its line
        yield EPOCH


CRASHING = Lesson(
    id="crashing",
    title="Crashes at step 3",
    lecture=None,
    train=crashing_train,
    lr=0.01,
    epochs=10,
    source_file=str(HERE),
)


def missing_data_train(run):
    raise DataError("MNIST files missing in /nowhere/mnist; download them with torchvision or pass --data-dir")
    yield EPOCH  # unreachable: this makes the function a generator


MISSING_DATA = Lesson(
    id="missing-data", title="Data missing", lecture=None, train=missing_data_train, epochs=1, source_file=str(HERE)
)


def async_test(test: Callable) -> Callable:
    """Run an ``async def`` test in a fresh event loop (no pytest async plugin needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(test(*args, **kwargs))

    return run


def line_of(text: str, path: Path = HERE) -> int:
    """The 1-based line in ``path`` whose stripped text starts with ``text`` (the first one)."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip().startswith(text):
            return number
    raise AssertionError(f"{text!r} not in {path}")


async def wait_for(pilot: Any, predicate: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    """Let the app run until ``predicate()`` holds (the trainer works in a thread)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.02)


async def ready(pilot: Any, timeout: float = 60.0) -> Any:
    """Wait until the training screen has its lesson loaded and paused at the start; return the screen."""
    from tui.screens.training import TrainingScreen

    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, TrainingScreen) and pilot.app.screen.state not in ("loading",),
        timeout,
        "the lesson to load",
    )
    return pilot.app.screen


async def settle(pilot: Any, screen: Any) -> None:
    """Wait until the driver is idle and the screen has drawn a frame taken after that."""
    await wait_for(pilot, lambda: screen.driver.idle, what="the driver to settle")
    drawn = screen.frames_drawn
    screen.driver.refresh()
    await wait_for(pilot, lambda: screen.frames_drawn > drawn, what="a fresh frame")


def status(screen: Any) -> str:
    from tui.widgets.status_bar import StatusBar

    return screen.query_one(StatusBar).text


# TOY with a live option of every kind (its loop reads only zero_grad), and a fixed one: for the options dialog.
TUNABLE = dataclasses.replace(
    TOY,
    id="tunable",
    controls=(),
    options=(
        Option("zero_grad", True, "clear gradients after each update", live=True),
        Option("schedule", "cosine", "how the rate moves", choices=("cosine", "constant", "step"), live=True),
        Option("eval_every", 0, "also test every N steps (0: only after each epoch)", live=True),
        Option("temperature", 0.8, "sampling temperature", live=True),
        Option("prompt", "", "the text samples continue", live=True),
        Option("model", "linear", "linear or quadratic", choices=("linear", "quadratic")),
    ),
)
