"""The training driver: the one thread that touches the Trainer while a learner steers it.

``Driver`` implements ``DriverApi`` (``core/driver/api.py``): everything the learner asks for (run, pause, step,
learning rate, options, reset, save, open, lesson actions) is a request queued here and applied between two
events, in order, by the run's ``RunControl`` (``core/driver/requests.py``: its method of the request's name).
While training, the driver pulls events in a tight loop and emits a frame (``core/driver/frames.py``: plain data,
with a ``trainer.snapshot()`` taken here) at most once per refresh interval, and only after the last one was drawn
(``frame_done``). Pausing is not pulling.

Two loops pull the run: ``run``, the app's (in its thread worker: it waits for the learner, whatever the run's
state), and ``core/front/headless.py``'s ``train``, every headless run's, which takes the events of ``events``
when the run is served (``--serve``): they end with the run.

What it emits goes to ``sink``: a ``Frame``, or a record of ``core/driver/records.py``. A request that
passes ``reply_to`` gets an ``Answer`` carrying it back (the app's dialogs; a request number on the wire).
"""

from __future__ import annotations

import contextlib
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any

from core.base.events import Progress
from core.base.i18n import pick
from core.base.settings import RunSettings
from core.base.status import ENDED, Status
from core.driver import api
from core.driver.api import DriverApi, Sink
from core.driver.frames import Frame, FrameBuilder, Needs
from core.driver.records import ActionDone, Answer, Failure, LessonReady, LineStop, Notice
from core.driver.request_queue import Queued, RequestQueue
from core.engine.catalog import load
from core.engine.line_step import LineTrace, where
from core.errors import LearnTuiError
from core.lesson import Lesson

if TYPE_CHECKING:
    from core.base.events import Event
    from core.driver.requests import RunControl
    from core.engine.trainer import Trainer


class StopLineStepping(BaseException):
    """Raised in the lesson's frame when the driver stops while a line step waits: it unwinds the pull (a
    BaseException, so neither the trainer nor a lesson's ``except Exception`` takes it for the lesson's error)."""


class Driver(DriverApi):
    def __init__(
        self,
        sink: Sink,
        lesson: str | Lesson,
        settings: RunSettings | None = None,
        *,
        paused: bool = True,
        trainer: Trainer | None = None,
    ) -> None:
        """``lesson``: an id, a path, or a Lesson; ``trainer``: the run, when it is built already (headless
        ``--serve``)."""
        self._sink = sink
        self._lesson_ref = lesson
        self._settings = settings or RunSettings()
        self._paused = paused
        self._trainer = trainer
        self.lesson: Lesson | None = None
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
        return self._queue.stopped

    @property
    def idle(self) -> bool:
        return not self._queue.items and not self._moving

    def request(self, name: str, args: dict[str, Any], reply_to: Any = None) -> None:
        """Applied by ``RunControl``'s method of that name (tests/test_driver_api.py checks each one's arguments)."""
        self._ask(api.what(name, args), lambda run: getattr(run, name)(**args), reply_to)

    def resume(self) -> None:
        """Train on unless the run moves already (the last client of a served run left; ctrl+c while paused)."""
        self._ask("run", lambda run: run.resume())

    def refresh(self) -> None:
        self._ask("refresh", lambda run: self._frames.snapshot_now())

    def frame_done(self) -> None:
        self._frames.pending = False

    def stop(self) -> None:
        self._queue.stop()

    def _ask(self, what: str, apply: Callable[[RunControl], Notice | ActionDone | None], reply_to: Any = None) -> None:
        self._queue.put(Queued(what, apply, reply_to))

    # -- the training thread -------------------------------------------------------------------------
    @property
    def _moving(self) -> bool:
        return self._run is not None and self._run.moving

    def run(self) -> None:
        """The app's loop: apply the learner's requests, train while the run moves, wait while it does not (an
        ended run waits for a reset), until ``stop``."""
        try:
            if not self._start():
                return
            while self._queue.wait(self._moving):
                self._apply_queued()
                if self._moving:
                    with contextlib.suppress(LearnTuiError):  # (reported: the run shows why, and waits for a reset)
                        deque(self._train(), maxlen=0)
        except Exception as exc:  # a bug in the driver itself: say so, keep the app up
            self._sink(
                Failure(
                    pick(
                        f"the training worker stopped: {type(exc).__name__}: {exc}",
                        f"训练线程停止了：{type(exc).__name__}：{exc}",
                    ),
                    traceback.format_exc(),
                    title=pick("Internal error", "内部错误"),
                )
            )

    def events(self, tick: float = 0.2) -> Iterator[Event | None]:
        """The run's events, for the loop of a headless run that is served (``headless.train``): between two, the
        learner's requests are applied and a frame is published when due; while the run is paused, ``None`` every
        ``tick`` seconds (that loop checks ctrl+c then). They end with the run (finished, diverged: nobody waits
        for a reset) or ``stop``; the lesson's own error is reported, then raised."""
        if not self._start():
            return
        while self._queue.wait(self._moving, tick):
            self._apply_queued()
            if self._moving:
                yield from self._train()
            else:
                yield None
            if self._ended():
                return

    def _ended(self) -> bool:
        return self._run is not None and Status(self._run.trainer.status) in ENDED

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

    def _apply_queued(self) -> None:
        while (request := self._queue.pop()) is not None:
            self._apply(request)

    def _apply(self, request: Queued) -> None:
        """Apply one request; report its notice or its error (to whoever asked, when they wait for it)."""
        error = ""
        try:
            if self._run is None:
                error = pick("the lesson is not loaded", "课程还没有加载")
            elif (notice := request.apply(self._run)) is not None:
                self._sink(notice)
        except LearnTuiError as exc:
            error = str(exc)
            if request.reply_to is None or exc.details:
                self._report(exc)
        except Exception as exc:  # e.g. a lesson action with a bug: show its traceback, carry on
            error = f"{type(exc).__name__}: {exc}"
            self._sink(
                Failure(error, traceback.format_exc(), title=pick(f"{request.what}: failed", f"{request.what}：失败"))
            )
        if request.reply_to is not None:
            self._sink(Answer(request.what, error, request.reply_to))
        if not self._moving:  # (a moving run's frames come from the training loop)
            self._publish()

    def _train(self) -> Iterator[Event]:
        """The moving run's events, until a request arrives, a goal is reached or the run ends; a frame now and
        then, and one at the end. The lesson's error (LessonCrashed, DataError from its loop) is reported, then
        raised."""
        run, queue, frames, clock = self._run, self._queue, self._frames, time.perf_counter
        assert run is not None
        trainer, requests, last = run.trainer, queue.items, None
        while not requests and not queue.stopped:
            try:
                event = next(trainer) if run.goal is None or run.goal[0] != "line" else self._line_pull(trainer)
            except StopLineStepping:  # the driver stops (the app quits) while a line step waits for a key
                return
            except StopIteration:
                run.stop_moving()
                break
            except LearnTuiError as exc:
                run.stop_moving(str(exc))
                self._report(exc)
                self._publish()
                raise
            if type(event) is Progress and run.goal is None and run.stop_when is None:  # what note() does for it
                run.prev_line, run.line = run.line, event.line
            elif not run.note(event) or run.reached(event):
                last = event
                break
            yield event
            if not frames.pending and clock() >= frames.next_at:
                self._publish()
        self._publish()
        if last is not None:
            yield last  # (after its frame: a headless run's loop ends at the run's last event)

    # -- i: one source line at a time (core/engine/line_step.py) ---------------------------------------------
    def _line_pull(self, trainer: Trainer) -> Event:
        """Pull the next event line by line: ``_line_stop`` waits before each line of the lesson's own code."""
        try:
            with LineTrace([trainer.lesson.source_file], self._line_stop):
                return next(trainer)
        finally:
            self._leave_line()

    def _line_stop(self, frame: FrameType) -> bool:
        """Before a line of the lesson runs (this thread, inside the pull): show it, then apply the learner's
        requests until one moves the run. True: on to the next line (i); False: run freely (., n, e, space)."""
        run = self._run
        assert run is not None
        run.at_line, run.line_frame = LineStop(*where(frame)), frame
        run.goal = None  # paused here, between two lines
        self._publish()
        while True:
            if not self._queue.wait(False):
                raise StopLineStepping
            self._apply_queued()  # (a reset, open or save is refused here: the pull is half done)
            if run.moving:
                stepping = run.goal is not None and run.goal[0] == "line"
                if not stepping:
                    self._leave_line()
                return stepping

    def _leave_line(self) -> None:
        if self._run is not None:
            self._run.at_line = self._run.line_frame = None

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
