"""linear-regression with LBFGS: stepping phase by phase shows the phases that really run, each lit on the
LBFGS branch's own code (LBFGS needs a closure, so its zero_grad and backward happen inside step)."""

from __future__ import annotations

import inspect

import pytest

from core.base.events import Progress
from core.engine import catalog
from core.engine.trainer import Trainer
from core.lessons import linear_regression
from core.phases import EPOCH, FORWARD, LOSS, UPDATE

SOURCE, FIRST = inspect.getsourcelines(linear_regression.train)


def line_holding(text: str) -> int:
    return FIRST + next(i for i, line in enumerate(SOURCE) if text in line)


def test_lbfgs_steps_through_forward_loss_update_epoch_on_its_own_branch():
    trainer = Trainer(catalog.load("linear-regression"), options={"optimizer": "LBFGS"}, epochs=2)
    events = [trainer.advance("phase")[-1] for _ in range(8)]
    assert [e.phase for e in events] == [FORWARD, LOSS, UPDATE, EPOCH] * 2
    branch = range(line_holding("else:  # LBFGS"), FIRST + len(SOURCE))
    lines = [e.line for e in events[:4]]
    assert all(line in branch for line in lines) and lines == sorted(lines)  # no line of the other branch lit
    assert "optimizer.step(closure)" in SOURCE[lines[2] - FIRST - 1]  # the code that ran just before UPDATE
    assert events[1].loss == pytest.approx(44.3605194)  # the loss before the first step, as before
    assert events[5].loss < events[1].loss and all(isinstance(e, Progress) for e in events)
