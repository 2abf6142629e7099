"""What the training worker sends to the screen: plain data only, never live tensors.

``TrainingFrame`` is posted at most once per refresh interval and replaces a frame still waiting in
the queue (``can_replace``), so a slow screen skips frames instead of falling behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from textual.message import Message


@dataclass(frozen=True)
class Frame:
    """Everything the training view shows, as of one moment in the run."""

    state: str  # loading, running, paused, finished, diverged, crashed
    step: int = 0
    epoch: int = 0
    lr: float = 0.0
    loss: float | None = None
    phase: str | None = None
    line: int = 0  # line of the latest yield in the lesson's source
    prev_line: int = 0  # line of the yield before it (the code between them just ran)
    steps_per_s: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    metrics: Mapping[str, Any] = field(default_factory=dict)
    snapshot: Any = None  # core.snapshot.Snapshot, or None when no table/view needed one
    recent: tuple[float, ...] = ()  # the latest losses, for the sparkline
    losses: tuple[tuple[int, float], ...] | None = None  # the loss history for the chart (None: not sent)
    evals: Mapping[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)
    message: str = ""  # why the run stopped (diverged, finished, crashed), for the message line
    run_id: int = 0  # changes on reset / opening a checkpoint: the screen forgets per-run state


class TrainingFrame(Message):
    def __init__(self, frame: Frame) -> None:
        super().__init__()
        self.frame = frame

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TrainingFrame)


class LessonLoaded(Message):
    """The lesson module was imported (torch is loaded): its code, notes, views and controls are known."""

    def __init__(self, lesson: Any) -> None:
        super().__init__()
        self.lesson = lesson


class DriverNotice(Message):
    """A one-line result for the learner: a checkpoint saved, a rejected value, an action's answer."""

    def __init__(self, text: str, severity: str = "information", title: str = "") -> None:
        super().__init__()
        self.text = text
        self.severity = severity
        self.title = title


class DriverFailure(Message):
    """An error the learner should read in full (a lesson file's traceback, or a bug)."""

    def __init__(self, message: str, details: str = "", title: str = "Error") -> None:
        super().__init__()
        self.message = message
        self.details = details
        self.title = title
