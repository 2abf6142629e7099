"""The compare view's driver: one ``core.driver.Driver`` per variant (``learn-tui run LESSON --compare
optimizer=SGD,Adam``), each its own run from the same seed, behind the one ``DriverApi`` the training view uses.

Each variant's driver trains in a thread of its own, with its own random generators (``RunSettings.own_rng``), so
each run draws what it would draw alone. Their records reach the screen as ``VariantRecord``s, which say whose
they are; the screen draws the selected variant's frames in the training view's panels and every variant's
loss in the compare chart. What a request does (written in the help and README):

- ``space`` runs or pauses every variant together, so the curves stay comparable: pausing pauses those that
  run; running runs those paused (and the selected one, whatever its state: it says why it can't). A run that
  finished or diverged stays so until ``r``.
- ``n``, ``.``, ``e`` step every variant; ``r`` resets every variant (same seed); ``b`` sets the break on each.
- ``i`` (one source line), the learning rate, options, lesson actions and ``ctrl+s`` go to the selected variant.

Frames are paced per variant (``frame_done_of``): a variant's next frame waits until its last was drawn. The
selected variant's frames carry what the visible panels need; the others' only their loss history.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual.message import Message

from core.base.status import Status
from core.driver.api import DriverApi, Record
from core.driver.driver import Driver
from core.driver.frames import Frame, Needs
from core.driver.records import Answer
from tui.driver.messages import RequestDone

if TYPE_CHECKING:
    from collections.abc import Sequence

    from textual.message_pump import MessagePump

    from core.base.settings import RunSettings
    from core.lesson import Lesson

EVERY = frozenset({"advance", "reset", "set_break"})  # requests every variant gets (but advance by a line)
BACKGROUND = Needs(chart=True, snapshot=False, views=False, ratios=False)  # what a variant not shown needs


@dataclass
class VariantRecord(Message):
    """A record of variant ``index``'s driver (a frame, its lesson, a notice, a failure)."""

    index: int
    record: Record

    def can_replace(self, message: Message) -> bool:
        """A frame still queued gives way to the same variant's next one."""
        return (
            isinstance(self.record, Frame)
            and isinstance(message, VariantRecord)
            and message.index == self.index
            and isinstance(message.record, Frame)
        )


class CompareDriver(DriverApi):
    def __init__(
        self, target: MessagePump, lesson: Lesson, runs: Sequence[RunSettings], *, paused: bool = True
    ) -> None:
        """``target`` (the screen) receives every variant's records; ``runs``: each variant's settings."""
        self._target = target
        self.drivers = [
            Driver(functools.partial(self._post, index), lesson, replace(settings, own_rng=True), paused=paused)
            for index, settings in enumerate(runs)
        ]
        self.states = [Status.LOADING] * len(self.drivers)  # each variant's latest state (from its frames)
        self.selected = 0
        self._needs = Needs()

    def _post(self, index: int, record: Record) -> None:
        """In variant ``index``'s thread: to the dialog that asked, or to the screen."""
        if isinstance(record, Answer):
            record.reply_to.post_message(RequestDone(record.what, record.error))
            return
        if isinstance(record, Frame):
            self.states[index] = record.state
        self._target.post_message(VariantRecord(index, record))

    @property
    def current(self) -> Driver:
        return self.drivers[self.selected]

    def select(self, index: int) -> None:
        """Show variant ``index``: its frames get what the panels need, and a whole one comes now."""
        self.selected = index
        self.needs = self._needs
        self.current.refresh()

    # -- DriverApi ---------------------------------------------------------------------------------------
    @property
    def needs(self) -> Needs:
        return self._needs

    @needs.setter
    def needs(self, needs: Needs) -> None:
        self._needs = needs
        for index, driver in enumerate(self.drivers):
            driver.needs = replace(needs, chart=True) if index == self.selected else BACKGROUND

    @property
    def stopped(self) -> bool:
        return all(driver.stopped for driver in self.drivers)

    @property
    def idle(self) -> bool:
        return all(driver.idle for driver in self.drivers)

    @property
    def last_saved(self) -> str | None:
        return self.current.last_saved

    def run(self) -> None:
        """Every variant's driver in a thread of its own (the first in this one) until ``stop``."""
        threads = [
            threading.Thread(target=driver.run, name=f"compare variant {index + 1}", daemon=True)
            for index, driver in enumerate(self.drivers[1:], 1)
        ]
        for thread in threads:
            thread.start()
        try:
            self.drivers[0].run()
        finally:
            for thread in threads:
                thread.join()

    def stop(self) -> None:
        for driver in self.drivers:
            driver.stop()

    def frame_done(self) -> None:
        self.current.frame_done()

    def frame_done_of(self, index: int) -> None:
        self.drivers[index].frame_done()

    def refresh(self) -> None:
        self.current.refresh()

    def request(self, name: str, args: dict[str, Any], reply_to: Any = None) -> None:
        if name == "toggle":
            self._toggle_together()
        elif name in EVERY and args.get("unit") != "line":
            for index, driver in enumerate(self.drivers):
                driver.request(name, args, reply_to if index == self.selected else None)
        else:
            self.current.request(name, args, reply_to)

    def _toggle_together(self) -> None:
        """Pause every variant that runs, or run every paused one (and the selected one: it says why not)."""
        run = self.states[self.selected] != Status.RUNNING
        for index, driver in enumerate(self.drivers):
            state = self.states[index]
            if index == self.selected or state == (Status.PAUSED if run else Status.RUNNING):
                driver.toggle()
                if state in (Status.PAUSED, Status.RUNNING):  # (until its next frame says so: space twice)
                    self.states[index] = Status.RUNNING if run else Status.PAUSED
