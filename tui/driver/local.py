"""The app's training driver: ``core.driver.Driver`` (the one driver, shared with ``learn-tui run --serve``)
with a sink that posts its records to the screen as Textual messages.

The screen starts ``TrainingDriver.run`` in a Textual thread worker and calls its request methods (toggle,
advance, set_lr, ...) from the UI thread. A dialog that asks for something passes itself as ``reply_to``: it
gets a ``RequestDone`` saying whether it was applied, or why not (it shows that line and stays open).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.base.settings import RunSettings
from core.driver.driver import Driver
from core.driver.frames import Frame
from core.driver.records import ActionDone, Answer, Failure, LessonReady, Notice
from tui.driver.messages import DriverFailure, DriverNotice, LessonLoaded, RequestDone, TrainingFrame
from tui.formatting import plain_result

if TYPE_CHECKING:
    from textual.message import Message
    from textual.message_pump import MessagePump

    from core.lesson import Lesson


def to_message(record: Any) -> Message:
    """The Textual message for one of the driver's records (an ``Answer`` is posted to its dialog instead)."""
    if isinstance(record, Frame):
        return TrainingFrame(record)
    if isinstance(record, Notice):
        return DriverNotice(record.text, record.severity, record.title)
    if isinstance(record, ActionDone):
        return DriverNotice(plain_result(record.result), title=record.title)
    if isinstance(record, Failure):
        return DriverFailure(record.message, record.details, record.title)
    if isinstance(record, LessonReady):
        return LessonLoaded(record.lesson)
    if isinstance(record, Answer):
        return RequestDone(record.what, record.error)
    raise TypeError(f"the driver sent {type(record).__name__}, which the app does not know")


class TrainingDriver(Driver):
    def __init__(
        self, target: MessagePump, lesson: str | Lesson, settings: RunSettings | None = None, *, paused: bool = True
    ) -> None:
        """``target`` (the screen) receives the frames and notices; ``lesson``: an id, a path, or a Lesson."""
        self._target = target
        super().__init__(self._post, lesson, settings, paused=paused)

    def _post(self, record: Any) -> None:
        pump = record.reply_to if isinstance(record, Answer) else self._target
        pump.post_message(to_message(record))
