"""What the training driver sends to the screen and its dialogs: plain data only, never live tensors.

``TrainingFrame`` is posted at most once per refresh interval and replaces a frame still waiting in
the queue (``can_replace``), so a slow screen skips frames instead of falling behind. The messages are
dataclasses (Textual's ``Message`` initialises itself in ``__post_init__``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from textual.message import Message

from core.events import Progress
from core.status import Status

if TYPE_CHECKING:
    from core.lesson import Lesson
    from core.snapshot import Snapshot

Severity = Literal["information", "warning", "error"]


NOTHING_YET = Progress(Status.READY, None, 0, 1, 0, 0.0, None)


@dataclass(frozen=True)
class Frame:
    """Everything the training view shows, as of one moment in the run: the trainer's latest ``Progress``
    (step, epoch, phase, line, lr, loss, metrics: the same record headless mode prints) and what only the
    app shows around it."""

    state: Status  # the driver's: paused or running, or the run's end; loading or failed before a run
    progress: Progress = NOTHING_YET
    prev_line: int = 0  # line of the yield before the latest (the code between them just ran)
    steps_per_s: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # the lesson's option values (bool, int, str...)
    metrics: Mapping[str, Any] = field(default_factory=dict)  # every metric so far (the latest of each)
    snapshot: Snapshot | None = None  # None when no visible table or view needed one
    recent: tuple[float, ...] = ()  # the latest losses, for the sparkline
    losses: tuple[tuple[int, float], ...] | None = None  # the loss history for the chart (None: not sent)
    evals: Mapping[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)
    message: str = ""  # why the run stopped (diverged, finished, crashed), for the message line
    run_id: int = 0  # changes on reset / opening a checkpoint: the screen forgets per-run state

    # The record's fields, read where they are shown (the status bar, the code panel).
    @property
    def step(self) -> int:
        return self.progress.step

    @property
    def epoch(self) -> int:
        return self.progress.epoch

    @property
    def lr(self) -> float:
        return self.progress.lr

    @property
    def loss(self) -> float | None:
        return self.progress.loss

    @property
    def phase(self) -> str | None:
        return str(self.progress.phase) if self.progress.phase is not None else None

    @property
    def line(self) -> int:
        return self.progress.line


@dataclass
class TrainingFrame(Message):
    frame: Frame

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TrainingFrame)


@dataclass
class LessonLoaded(Message):
    """The lesson module was imported (torch is loaded): its code, notes, views and controls are known."""

    lesson: Lesson


@dataclass
class DriverNotice(Message):
    """A one-line result for the learner: a checkpoint saved, a rejected value, an action's answer."""

    text: str
    severity: Severity = "information"
    title: str = ""


@dataclass
class DriverFailure(Message):
    """An error the learner should read in full (a lesson file's traceback, or a bug)."""

    message: str
    details: str = ""
    title: str = "Error"


@dataclass
class RequestDone(Message):
    """The answer to a dialog that asked the driver for something (a learning rate, an option, a lesson
    action, a checkpoint to open): ``error`` is empty when it was applied, else the one line saying why not,
    which the dialog shows while it stays open."""

    what: str  # what was asked: an option's name, an action's, "lr", "open"
    error: str = ""
