"""The phase markers a lesson's training loop ``yield``s.

A lesson loop is ordinary PyTorch code that yields at each phase boundary, *after* the phase's code
ran::

    y_pred = model(x)
    yield FORWARD
    loss = criterion(y_pred, y)
    yield LOSS, loss            # the loss travels with the LOSS phase
    optimizer.zero_grad()
    yield ZERO_GRAD
    loss.backward()
    yield BACKWARD
    optimizer.step()
    yield UPDATE
    yield STEP                  # one batch done (optionally: yield STEP, {"acc": ...})

``EPOCH`` ends an epoch (and the step in progress, so a full-batch lesson needs only ``EPOCH``), and
``EVAL`` reports evaluation metrics: ``yield EVAL, {"test_loss": ..., "accuracy": ...}``.
"""

from __future__ import annotations

import enum


class Phase(str, enum.Enum):
    FORWARD = "forward"
    LOSS = "loss"
    BACKWARD = "backward"
    UPDATE = "update"
    ZERO_GRAD = "zero_grad"
    STEP = "step"
    EPOCH = "epoch"
    EVAL = "eval"

    def __str__(self) -> str:  # "forward", not "Phase.FORWARD"
        return self.value


FORWARD = Phase.FORWARD
LOSS = Phase.LOSS
BACKWARD = Phase.BACKWARD
UPDATE = Phase.UPDATE
ZERO_GRAD = Phase.ZERO_GRAD
STEP = Phase.STEP
EPOCH = Phase.EPOCH
EVAL = Phase.EVAL

# The order a learner reads in the course: what "step one phase" walks through.
TRAINING_PHASES = (FORWARD, LOSS, BACKWARD, UPDATE, ZERO_GRAD)
