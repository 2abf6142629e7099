"""Small lessons built inline for core tests: fast, seeded, and independent of the course lessons."""

from __future__ import annotations

import torch

from core.lesson import Lesson, Option
from core.phases import BACKWARD, EPOCH, EVAL, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD


def shuffled_mlp_lesson(epochs: int = 3) -> Lesson:
    """An MLP with dropout on a shuffled DataLoader: every random state matters for an exact resume."""

    def train(run):
        generator = torch.Generator().manual_seed(123)
        x = torch.randn(40, 3, generator=generator)
        y = (x.sum(dim=1, keepdim=True) > 0).float()
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8, shuffle=True)
        model = torch.nn.Sequential(
            torch.nn.Linear(3, 8), torch.nn.ReLU(), torch.nn.Dropout(0.2), torch.nn.Linear(8, 1)
        )
        criterion = torch.nn.BCEWithLogitsLoss()
        optimizer = torch.optim.Adam(model.parameters(), lr=run.lr)
        run.watch(model, optimizer=optimizer)
        for epoch in run.epochs():
            for xb, yb in run.batches(loader):
                y_pred = model(xb)
                yield FORWARD
                loss = criterion(y_pred, yb)
                yield LOSS, loss
                optimizer.zero_grad()
                yield ZERO_GRAD
                loss.backward()
                yield BACKWARD
                optimizer.step()
                yield UPDATE
                yield STEP
            with torch.no_grad():
                accuracy = ((model(x) > 0).float() == y).float().mean()
            yield EVAL, {"accuracy": accuracy}
            yield EPOCH

    return Lesson(
        id="test-shuffled-mlp",
        title="test",
        lecture=None,
        train=train,
        lr=0.01,
        epochs=epochs,
        options=(Option("width", 8, "unused width"),),
    )


def manual_sgd_lesson() -> Lesson:
    """One weight learned by hand-written SGD: w -= lr * grad, as in lecture 3."""
    import numpy as np

    def train(run):
        xs, ys = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])
        w = np.array(1.0)
        run.watch(w=w)
        for epoch in run.epochs():
            loss = float(np.mean((xs * w - ys) ** 2))
            yield LOSS, loss
            grad = float(np.mean(2 * xs * (xs * w - ys)))
            run.state.grad = grad
            yield BACKWARD
            w -= run.lr * grad
            yield UPDATE
            yield EPOCH, {"w": w}

    return Lesson(id="test-manual-sgd", title="test", lecture=None, train=train, lr=0.01, epochs=50)


def crashing_lesson() -> Lesson:
    def train(run):
        yield FORWARD
        raise ZeroDivisionError("boom")

    return Lesson(id="test-crash", title="test", lecture=None, train=train, source_file=__file__)
