"""The app's training driver: ``core.driver.Driver`` (the one driver, shared with ``learn-tui run --serve``)
with a sink that posts its records to the screen as Textual messages.

The screen starts ``TrainingDriver.run`` in a Textual thread worker and calls its request methods (toggle,
advance, set_lr, ...: ``core/driver/api.py``) from the UI thread. A dialog that asks for something passes itself
as ``reply_to``: it gets a ``RequestDone`` saying whether it was applied, or why not (it shows that line and stays
open). ``local_driver`` is how a training view of a lesson in this process gets its driver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from core.base.settings import RunSettings
from core.driver.driver import Driver
from core.driver.records import Answer
from tui.driver.messages import DriverRecord, RequestDone

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from core.driver.api import Record
    from core.lesson import Lesson


class TrainingDriver(Driver):
    def __init__(
        self, target: MessagePump, lesson: str | Lesson, settings: RunSettings | None = None, *, paused: bool = True
    ) -> None:
        """``target`` (the screen) receives the frames and notices; ``lesson``: an id, a path, or a Lesson."""
        self._target = target
        super().__init__(self._post, lesson, settings, paused=paused)

    def _post(self, record: Record) -> None:
        if isinstance(record, Answer):  # (to the dialog that asked)
            record.reply_to.post_message(RequestDone(record.what, record.error))
        else:
            self._target.post_message(DriverRecord(record))


def local_driver(
    lesson: str | Lesson, settings: RunSettings | None = None, *, paused: bool = True
) -> Callable[[MessagePump], TrainingDriver]:
    """A ``TrainingScreen``'s driver for ``lesson`` in this process, made for the screen it posts to."""
    return lambda screen: TrainingDriver(screen, lesson, settings, paused=paused)
