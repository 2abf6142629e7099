"""The training driver: the one thread that touches the Trainer while a learner steers it.

``Driver.run`` runs in a thread of its own (the app's thread worker) or in the main thread (headless
``--serve``). Everything the learner asks for (run, pause, step, learning rate, options, reset, save, open,
lesson actions) is a request queued here and applied between two events, in order, by the run's
``RunControl`` (``core/driver/requests.py``). While training, the driver pulls events in a tight loop and
emits a frame (``core/driver/frames.py``: plain data, with a ``trainer.snapshot()`` taken here) at most
once per refresh interval, and only after the last one was drawn (``frame_done``). Pausing is not pulling.

What it emits goes to ``sink``: a ``Frame``, or a record of ``core/driver/records.py``. A request that
passes ``reply_to`` gets an ``Answer`` carrying it back (the app's dialogs; a request number on the wire).
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from core.base.events import Progress
from core.base.settings import RunSettings
from core.base.status import ENDED, Status
from core.driver.frames import Frame, FrameBuilder, Needs
from core.driver.records import ActionDone, Answer, Failure, LessonReady, Notice, Unit
from core.engine.catalog import load
from core.errors import LearnTuiError
from core.lesson import Lesson

if TYPE_CHECKING:
    from core.base.events import Event
    from core.driver.requests import RunControl
    from core.engine.trainer import Trainer
    from core.lesson import Lesson

Sink = Callable[[Any], None]  # receives a Frame, LessonReady, Notice, ActionDone, Failure or Answer


class Request(NamedTuple):
    what: str  # for the learner: "lr", an option's name, an action's description
    apply: Callable[[RunControl], Notice | ActionDone | None]
    reply_to: Any  # whoever waits for the answer (an Answer comes back), or None: errors become notices


class RequestQueue:
    """Requests from other threads, taken in order by the training thread; ``stop`` ends that thread."""

    def __init__(self) -> None:
        self.items: deque[Request] = deque()
        self.stopped = False
        self._cond = threading.Condition()

    def put(self, request: Request) -> None:
        with self._cond:
            self.items.append(request)
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self.stopped = True
            self._cond.notify()

    def wait(self, moving: bool, timeout: float | None = None) -> bool:
        """Sleep until there is a request (or, when ``moving``, not at all; or ``timeout``); False once stopped."""
        with self._cond:
            if not self.items and not moving and not self.stopped:
                self._cond.wait(timeout)
            return not self.stopped

    def pop(self) -> Request | None:
        with self._cond:
            return self.items.popleft() if self.items and not self.stopped else None


class Driver:
    def __init__(
        self,
        sink: Sink,
        lesson: str | Lesson,
        settings: RunSettings | None = None,
        *,
        paused: bool = True,
        trainer: Trainer | None = None,
        until_end: bool = False,
        observe: Callable[[Event], None] | None = None,
        idle: Callable[[], None] | None = None,
    ) -> None:
        """``lesson``: an id, a path, or a Lesson. Headless ``--serve`` passes its built ``trainer``, and
        ``until_end`` (return when the run finishes, diverges or crashes instead of waiting for a reset),
        ``observe`` (called with every event: the headless printing) and ``idle`` (called about 5 times a
        second while paused: ctrl+c)."""
        self._sink = sink
        self._lesson_ref = lesson
        self._settings = settings or RunSettings()
        self._paused = paused
        self._trainer = trainer
        self._until_end = until_end
        self._observe = observe
        self._idle = idle
        self.lesson: Lesson | None = None
        self.error: LearnTuiError | None = None  # with ``until_end``: what crashed the run
        self._run: RunControl | None = None  # built in the training thread once the lesson is imported
        self._queue = RequestQueue()
        self._frames = FrameBuilder()
        self._failed = ""  # why the lesson could not be loaded or its run built

    # -- called from other threads -------------------------------------------------------------------
    @property
    def needs(self) -> Needs:
        return self._frames.needs

    @needs.setter
    def needs(self, needs: Needs) -> None:
        """What the visible panels need in a frame (the screen sets it when the tab changes)."""
        self._frames.needs = needs

    @property
    def last_saved(self) -> str | None:
        return self._run.last_saved if self._run is not None else None

    @property
    def trainer(self) -> Trainer | None:
        """The run's current trainer (a reset or an opened checkpoint replaces it)."""
        return self._run.trainer if self._run is not None else self._trainer

    @property
    def stopped(self) -> bool:
        """The training thread ends (at the next event), or has ended."""
        return self._queue.stopped

    @property
    def idle(self) -> bool:
        """Nothing queued and not training: the last frame shows where the run stands."""
        return not self._queue.items and not self._moving

    def toggle(self) -> None:
        self._ask("run/pause", lambda run: run.toggle())

    def resume(self) -> None:
        self._ask("run", lambda run: run.resume())

    def advance(self, unit: Unit) -> None:
        self._ask(unit, lambda run: run.advance(unit))

    def nudge_lr(self, direction: int) -> None:
        self._ask("lr", lambda run: run.nudge_lr(direction))

    def set_lr(self, value: float | str, reply_to: Any = None) -> None:
        self._ask("lr", lambda run: run.set_lr(value), reply_to)

    def set_option(self, name: str, value: Any, reply_to: Any = None) -> None:
        self._ask(name, lambda run: run.set_option(name, value), reply_to)

    def toggle_option(self, name: str) -> None:
        self._ask(name, lambda run: run.toggle_option(name))

    def reset(self) -> None:
        self._ask("reset", lambda run: run.reset())

    def save(self, path: str | None = None) -> None:
        self._ask("save", lambda run: run.save(path))

    def open(self, path: str, reply_to: Any = None) -> None:
        self._ask("open", lambda run: run.open(path), reply_to)

    def call(self, action: str, argument: str | None, description: str, reply_to: Any = None) -> None:
        self._ask(description, lambda run: run.call(action, argument, description), reply_to)

    def set_break(self, text: str, reply_to: Any = None) -> None:
        self._ask("break", lambda run: run.set_break(text), reply_to)

    def refresh(self) -> None:
        """Send a frame with a snapshot and the history (e.g. a panel that needs one became visible)."""
        self._ask("refresh", lambda run: self._frames.snapshot_now())

    def frame_done(self) -> None:
        """The last frame was drawn (or sent): the next one may be built."""
        self._frames.pending = False

    def stop(self) -> None:
        self._queue.stop()

    def _ask(self, what: str, apply: Callable[[RunControl], Notice | ActionDone | None], reply_to: Any = None) -> None:
        self._queue.put(Request(what, apply, reply_to))

    # -- the training thread -------------------------------------------------------------------------
    @property
    def _moving(self) -> bool:
        return self._run is not None and self._run.moving

    def run(self) -> None:
        wait = 0.2 if self._idle is not None else None
        try:
            if not self._start():
                return
            while self._queue.wait(self._moving, wait):
                while (request := self._queue.pop()) is not None:
                    self._apply(request)
                if self._moving:
                    self._train()
                elif self._idle is not None:
                    self._idle()
                if self._until_end and self._ended():
                    self._queue.stop()
        except Exception as exc:  # a bug in the driver itself: say so, keep the app up
            self._sink(
                Failure(
                    f"the training worker stopped: {type(exc).__name__}: {exc}",
                    traceback.format_exc(),
                    title="Internal error",
                )
            )

    def _ended(self) -> bool:
        return self._run is not None and (self.error is not None or Status(self._run.trainer.status) in ENDED)

    def _start(self) -> bool:
        from core.driver.requests import RunControl  # (the engine, in the training thread: never the UI's)

        try:
            ref = self._lesson_ref
            lesson = self.lesson = ref if isinstance(ref, Lesson) else load(ref)
            self._sink(LessonReady(lesson))
            self._run = RunControl(lesson, self._settings, paused=self._paused, trainer=self._trainer)
        except LearnTuiError as exc:
            self._failed = str(exc)
            self._report(exc)
            self._publish()
            return False
        try:
            self._run.prime()
        except LearnTuiError as exc:
            self._report(exc)
        self._publish()
        return True

    def _apply(self, request: Request) -> None:
        """Apply one request; report its notice or its error (to whoever asked, when they wait for it)."""
        error = ""
        try:
            if self._run is None:
                error = "the lesson is not loaded"
            elif (notice := request.apply(self._run)) is not None:
                self._sink(notice)
        except LearnTuiError as exc:
            error = str(exc)
            if request.reply_to is None or exc.details:
                self._report(exc)
        except Exception as exc:  # e.g. a lesson action with a bug: show its traceback, carry on
            error = f"{type(exc).__name__}: {exc}"
            self._sink(Failure(error, traceback.format_exc(), title=f"{request.what}: failed"))
        if request.reply_to is not None:
            self._sink(Answer(request.what, error, request.reply_to))
        if not self._moving:  # (a moving run's frames come from the training loop)
            self._publish()

    def _train(self) -> None:
        """Pull events until a request arrives, a goal is reached or the run ends; publish now and then."""
        run, queue, frames, clock, observe = self._run, self._queue, self._frames, time.perf_counter, self._observe
        assert run is not None
        trainer, requests = run.trainer, queue.items
        while not requests and not queue.stopped:
            try:
                event = next(trainer)
            except StopIteration:
                run.stop_moving()
                break
            except LearnTuiError as exc:  # LessonCrashed, DataError from the lesson's loop
                run.stop_moving(str(exc))
                self.error = exc
                self._report(exc)
                break
            if observe is not None:
                observe(event)
            if type(event) is Progress and run.goal is None and run.stop_when is None:  # what note() does for it
                run.prev_line, run.line = run.line, event.line
            elif not run.note(event) or run.reached(event):
                break
            if not frames.pending and clock() >= frames.next_at:
                self._publish()
        self._publish()

    def _publish(self) -> None:
        if self._queue.stopped:
            return
        if self._run is None:
            state = Status.FAILED if self._failed else Status.LOADING
            self._sink(Frame(state, message=self._failed))
            return
        while self._run.notices:  # said while training (a break that held), before the frame that shows it
            self._sink(self._run.notices.pop(0))
        self._sink(self._frames.build(self._run))
        self._frames.sent()

    def _report(self, exc: LearnTuiError) -> None:
        if exc.details:
            self._sink(Failure(str(exc), exc.details, title=type(exc).__name__))
        else:
            self._sink(Notice(str(exc), "error"))
