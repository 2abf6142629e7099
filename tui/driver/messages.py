"""What the training driver sends to the screen and its dialogs, as Textual messages: the driver's records
(``core/driver/records.py``, ``core/driver/frames.py``: plain data only, never live tensors) wrapped.

``TrainingFrame`` is posted at most once per refresh interval and replaces a frame still waiting in
the queue (``can_replace``), so a slow screen skips frames instead of falling behind. The messages are
dataclasses (Textual's ``Message`` initialises itself in ``__post_init__``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from core.driver.frames import Frame
from core.driver.records import Severity

if TYPE_CHECKING:
    from core.lesson import Lesson


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
