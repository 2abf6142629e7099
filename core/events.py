"""What the trainer yields: small, frozen, plain-data events.

Events never hold tensors: a UI in another thread may keep them as long as it likes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from core.phases import Phase


@dataclass(frozen=True, slots=True)
class PhaseEvent:
    """The lesson reached the end of ``phase``."""

    phase: Phase
    step: int  # steps (batches) completed so far
    epoch: int  # the epoch in progress, counting from 1
    loss: float | None  # the latest loss the lesson reported
    lr: float
    line: int  # line in the lesson's source file of the ``yield`` that produced this event
    metrics: Mapping[str, Any] | None = None  # plain floats / ints / strings sent with the phase


@dataclass(frozen=True, slots=True)
class Diverged:
    """Training stopped itself: the loss or a parameter blew up."""

    step: int
    epoch: int
    loss: float | None
    lr: float
    reason: str  # e.g. "loss is nan", "loss 3.2e+08 is 10000x the first loss", "parameter fc.weight is inf"
    message: str  # one line for the learner, suggesting a lower learning rate


@dataclass(frozen=True, slots=True)
class Finished:
    """The run reached its step/epoch budget, or the lesson's loop ended."""

    step: int
    epoch: int
    loss: float | None
    lr: float
    reason: str  # "steps", "epochs" or "lesson"
    summary: Mapping[str, Any] = field(default_factory=dict)


Event = PhaseEvent | Diverged | Finished
