"""Where a run steered from the app stands: ``RunState``, the part of ``RunControl`` (``core/driver/requests.py``) that
the driver's loop reads and updates between two events.

It holds the trainer, whether the run moves and towards which goal (n, . and e), the lines of the last two yields,
the message for the learner, the break (b) and a line step's stop (i). It lives in the training thread.
"""

from __future__ import annotations

from dataclasses import replace
from types import FrameType
from typing import TYPE_CHECKING, Any

from core.base.events import Diverged, Finished, Progress
from core.base.i18n import pick
from core.base.rate import StepRate
from core.base.settings import RunSettings
from core.base.status import ENDED, Status
from core.checkpoint.errors import UnusableCheckpoint
from core.driver.frames import finished_message
from core.driver.records import LineStop, Notice, Unit
from core.engine import session
from core.engine.trainer import Trainer
from core.engine.until_watch import UntilWatch
from core.errors import DataError, LearnTuiError

if TYPE_CHECKING:
    from core.base.events import Event
    from core.lesson import Lesson


SAVE_KEY = "with ctrl+s"  # how the app saves a checkpoint: added where one is refused ("… save one from a run")


class RunState:
    def __init__(self, lesson: Lesson, settings: RunSettings, *, paused: bool, trainer: Trainer | None = None) -> None:
        """Build the first run (from ``settings.resume`` when given), unless ``trainer`` is one already built
        (headless ``--serve``); raises ``LearnTuiError``."""
        self.lesson = lesson
        self.settings = settings
        self.trainer: Trainer = trainer or self._new_trainer(dict(settings.options), settings.lr, settings.resume)
        self.running = not paused
        # ("phase", phases left), ("step", the step to reach) or ("epoch", epoch ends left): n, . and e
        self.goal: tuple[Unit, int] | None = None
        self.line = self.prev_line = 0  # the latest yield's line, and the one before it
        self.message = ""  # why the run stopped, or what just happened to it
        self.run_id = 0  # changes with every new run (reset, a checkpoint opened)
        self.rate = StepRate()
        self.last_saved: str | None = None  # the latest checkpoint written, offered by the open dialog
        self.needs_data = False  # the set-up stopped on a DataError: status "needs data", not "crashed"
        self.stop_when: UntilWatch | None = None  # b: the break, read where each step ends (None: no break)
        self.notices: list[Notice] = []  # said while training (a break that held): the driver sends them
        self.at_line: LineStop | None = None  # i: the line a line step stopped before (the lesson is mid-pull)
        self.line_frame: FrameType | None = None  # that line's frame (its locals: Variables), this thread only
        self.after_line = False  # the latest move was a line step: its frames carry only what is on screen

    def _new_trainer(self, options: dict[str, Any], lr: float | str | None, resume: str | None = None) -> Trainer:
        try:
            return session.start(self.lesson, replace(self.settings, options=options, lr=lr, resume=resume))
        except UnusableCheckpoint as exc:
            raise exc.saying(SAVE_KEY) from None

    # -- where the run stands ------------------------------------------------------------------------
    @property
    def moving(self) -> bool:
        return self.running or self.goal is not None

    @property
    def status(self) -> Status:
        status = Status(self.trainer.status)
        if status in ENDED:
            return Status.NEEDS_DATA if status == Status.CRASHED and self.needs_data else status
        return Status.RUNNING if self.moving else Status.PAUSED

    def prime(self) -> None:
        """Run the lesson's set-up to its first yield, so its parameters show (and data errors surface) at once."""
        try:
            self.trainer.prime()
        except LearnTuiError as exc:
            self.needs_data = isinstance(exc, DataError)
            self.stop_moving(str(exc))
            raise
        self.needs_data = False

    def stop_moving(self, message: str | None = None) -> None:
        self.running = False
        self.goal = None
        if message is not None:
            self.message = message
        self.rate.close(self.trainer.step)

    def note(self, event: Event) -> bool:
        """Record an event; False (and stop moving) when it ends or stops the run (Diverged, Finished)."""
        if isinstance(event, Progress):
            self.prev_line, self.line = self.line, event.line
            return self.stop_when is None or not self._break_held(event)
        if isinstance(event, (Diverged, Finished)):
            if self.trainer.line != self.line:  # a divergence stops right after the yield that showed it
                self.prev_line, self.line = self.line, self.trainer.line
            self.stop_moving(event.message if isinstance(event, Diverged) else finished_message(event))
            return False
        return True  # an event this app does not show: training goes on

    def _break_held(self, event: Progress) -> bool:
        """The break's condition held where this event ends a step: pause there, once (b sets another)."""
        assert self.stop_when is not None
        try:
            held = self.stop_when.event(event, self.trainer)
        except LearnTuiError as exc:  # a value that is not a number, a lesson without gradients
            self.stop_when = None
            self.stop_moving(pick(f"break removed: {exc}", f"断点已取消：{exc}"))
            self.notices.append(Notice(self.message, "error", title=pick("break", "断点")))
            return True
        if held is None:
            return False
        self.stop_when = None
        self.stop_moving(pick(f"break: {held.describe()}; paused", f"断点：{held.describe()}；已暂停"))
        self.notices.append(Notice(self.message, "warning", title=pick("break", "断点")))
        return True

    def reached(self, event: Event) -> bool:
        """True (and stop moving) when ``event`` completes the goal of n, . or e."""
        if self.goal is None or not isinstance(event, Progress):
            return False
        unit, value = self.goal
        if unit == "line":  # the line steps went as far as the next yield: stop at that phase
            done = self.after_line = True
        elif unit == "step":
            done = self.trainer.step >= value  # the step is complete
        elif unit == "epoch" and str(event.phase) != "epoch":
            done = False
        else:
            self.goal = (unit, value - 1)
            done = value <= 1
        if done:
            self.stop_moving()
        return done

    def _restart(self, message: str) -> None:
        self.after_line = False
        self.stop_moving(message)
        self.line = self.prev_line = 0
        self.rate.forget()
        self.run_id += 1
        self.prime()
