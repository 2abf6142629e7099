"""What the training drivers send to the screen and its dialogs, as Textual messages.

``DriverRecord`` carries any of the driver's records (``core/driver/api.py``: ``Record``, plain data only, never
live tensors) to the screen, which dispatches on the record's type. A frame is posted at most once per refresh
interval and replaces a frame still waiting in the queue (``can_replace``), so a slow screen skips frames instead
of falling behind. ``RequestDone`` is a dialog's answer. The messages are dataclasses (Textual's ``Message``
initialises itself in ``__post_init__``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from core.driver.api import Record
from core.driver.frames import Frame


@dataclass
class DriverRecord(Message):
    """A ``Frame``, ``LessonReady``, ``Notice``, ``ActionDone`` or ``Failure`` for the training view."""

    record: Record

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(self.record, Frame) and isinstance(message, DriverRecord) and isinstance(message.record, Frame)
        )


@dataclass
class RequestDone(Message):
    """The answer to a dialog that asked the driver for something (a learning rate, an option, a lesson
    action, a checkpoint to open): ``error`` is empty when it was applied, else the one line saying why not,
    which the dialog shows while it stays open."""

    what: str  # what was asked: an option's name, an action's, "lr", "open"
    error: str = ""
