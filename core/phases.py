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
``EVAL`` reports evaluation metrics: ``yield EVAL, {"test_loss": ..., "accuracy": ...}``. A lesson that
computes gradients by hand reports them with ``BACKWARD``: ``yield BACKWARD, {"w": grad}``.

**Which orders are allowed.** Each yield follows the code it names, so the order is the course code's own,
and the trainer accepts any order of the training phases within a step: it only needs ``LOSS`` (or any
training phase) to open a step and ``STEP`` or ``EPOCH`` to close it. The lessons use three, each as its
lecture writes it:

- ``ZERO_GRAD`` first (``optimizer.zero_grad()`` before the forward pass): the MNIST lessons, as lecture 9;
- ``ZERO_GRAD`` after ``LOSS``, before ``BACKWARD`` (the order above): most lessons and char-gpt (nanoGPT);
- ``ZERO_GRAD`` last, after ``UPDATE`` (``w.grad.data.zero_()``): autograd, as lecture 4.

An ``EVAL`` inside a step comes after its ``UPDATE`` and before its ``STEP`` (so a checkpoint, taken between
steps, never falls between an update and its evaluation); it belongs to that step (``core.base.events``).
``TRAINING_PHASES`` names the training phases; the trainer enforces no order among them.
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

# The phases a step is made of (lessons order them as their course code does: see the module's docstring).
TRAINING_PHASES = (FORWARD, LOSS, BACKWARD, UPDATE, ZERO_GRAD)
