"""What the trainer yields: ``Progress``, one small frozen record per ``yield`` of the lesson, and the two
ends of a run, ``Diverged`` and ``Finished``, which carry the ``Progress`` of where they happened.

The same record is what headless mode prints (``core.front.headless.progress_record``) and what the app's frames
carry to the status bar. Records never hold tensors: a UI in another thread may keep them as long as it likes.

**One counting.** ``step`` is the step the event belongs to, counting from 1: while a step is open (after
its ``FORWARD``, ``LOSS``, ... and an ``EVAL`` yielded after its update) it is that step's number; at
``STEP``/``EPOCH`` the step just completed. So a loss that diverges in the third step says ``step 3``
everywhere (the status bar, the notice, headless lines, JSON), and a checkpoint saved there, after the
step is finished, is named ``step3``. Before the first step it is 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.base.status import Status
from core.phases import Phase


@dataclass(frozen=True, slots=True)
class Progress:
    """The lesson reached the end of ``phase``; what the run looks like there."""

    status: Status  # the trainer's: ready, running, finished, diverged or crashed
    phase: Phase | None  # None before the first yield
    step: int  # the step this event belongs to (see the module's docstring); 0 before the first
    epoch: int  # the epoch in progress, counting from 1
    line: int  # line in the lesson's source file of the ``yield`` that produced this event
    lr: float
    loss: float | None  # the latest loss the lesson reported
    metrics: Mapping[str, Any] | None = None  # plain numbers / text sent with this phase (STEP, EPOCH, EVAL)

    def closes_step(self, last_step: int) -> bool:
        """This is the ``STEP`` or ``EPOCH`` that completed a step (an ``EPOCH`` right after a ``STEP`` is not)."""
        return (self.phase is Phase.STEP or self.phase is Phase.EPOCH) and self.step != last_step


@dataclass(frozen=True, slots=True)
class Diverged:
    """Training stopped itself: the loss or a parameter blew up, at ``at``."""

    at: Progress
    reason: str  # e.g. "loss is nan", "loss is 3.2e+08", "parameter fc.weight holds nan or inf"
    message: str  # one line for the learner, suggesting a lower learning rate

    @property
    def step(self) -> int:
        return self.at.step

    @property
    def loss(self) -> float | None:
        return self.at.loss

    @property
    def lr(self) -> float:
        return self.at.lr


@dataclass(frozen=True, slots=True)
class Finished:
    """The run reached its step/epoch budget, or the lesson's loop ended (or crashed), at ``at``."""

    at: Progress
    reason: str  # "steps", "epochs", "lesson" or "crashed"
    summary: Mapping[str, Any] = field(default_factory=dict)

    @property
    def step(self) -> int:
        return self.at.step

    @property
    def epoch(self) -> int:
        return self.at.epoch


Event = Progress | Diverged | Finished
