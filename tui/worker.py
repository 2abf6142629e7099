"""The training driver: the one thread that touches the Trainer.

The screen starts ``TrainingDriver.run`` in a Textual thread worker. Everything the learner asks for
(run, pause, step, learning rate, options, reset, save, open, lesson actions) is a request queued here
and applied between two events, in order. While training, the driver pulls events in a tight loop and
publishes a ``Frame`` (plain data, with a ``trainer.snapshot()`` taken here) at most once per refresh
interval, and only after the screen has drawn the previous one. Pausing is simply not pulling.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from typing import Any, Callable

from core.errors import LearnTuiError
from tui.worker_frames import MIN_INTERVAL, FramePublisher, finished_message
from tui.worker_messages import DriverFailure, DriverNotice, LessonLoaded
from tui.worker_requests import DriverRequests


class TrainingDriver(DriverRequests, FramePublisher):
    def __init__(self, target: Any, lesson: Any, *, options: dict | None = None, lr: Any = None, seed: int = 0,
                 device: str = "cpu", steps: Any = None, epochs: Any = None, resume: str | None = None,
                 paused: bool = True) -> None:
        self._target = target  # the screen that receives the messages
        self._lesson_ref = lesson  # an id, a path, or a Lesson object
        self._settings = {"options": dict(options or {}), "lr": lr, "seed": seed, "device": device,
                          "steps": steps, "epochs": epochs}
        self._resume = resume
        self.lesson: Any = None
        self.trainer: Any = None
        self._requests: deque[tuple[Callable[..., None], tuple]] = deque()
        self._cond = threading.Condition()
        self._stopped = False
        self._running = not paused
        self._goal: tuple[str, int] | None = None  # ("phase", left), ("step", target step), ("epoch", left)
        self._line = self._prev_line = 0
        self._message = ""
        self._run_id = 0
        self._failed = ""
        self.last_saved: str | None = None  # the latest checkpoint written, offered by the open dialog
        self._frame_pending = False
        self._next_frame = 0.0
        self._next_snapshot = 0.0  # while training, the time the next frame may carry a snapshot
        self._interval = MIN_INTERVAL
        self._rate: float | None = None
        self._rate_start: tuple[float, int] | None = None
        # Set by the screen: what the visible panels need in a frame.
        self.wants_snapshot = True
        self.wants_views = True
        self.wants_chart = True
        self.wants_ratios = True  # the update/parameter ratio column (gradient table)

    # -- requests, called from the UI thread ---------------------------------------------------------
    def _ask(self, handler: Callable[..., None], *args: Any) -> None:
        with self._cond:
            self._requests.append((handler, args))
            self._cond.notify()

    def toggle(self) -> None:
        self._ask(self._toggle)

    def advance(self, unit: str) -> None:
        self._ask(self._advance, unit)

    def nudge_lr(self, direction: int) -> None:
        self._ask(self._nudge_lr, direction)

    def set_lr(self, value: Any) -> None:
        self._ask(self._set_lr, value)

    def toggle_option(self, name: str) -> None:
        self._ask(self._toggle_option, name)

    def reset(self) -> None:
        self._ask(self._reset)

    def save(self, path: str | None = None) -> None:
        self._ask(self._save, path)

    def open(self, path: str) -> None:
        self._ask(self._open, path)

    def call(self, action: str, argument: Any, description: str) -> None:
        self._ask(self._call, action, argument, description)

    def refresh(self) -> None:
        """Publish a frame now, with a snapshot (e.g. a panel that needs one became visible)."""
        self._ask(self._publish_now)

    def _publish_now(self) -> None:
        self._next_snapshot = 0.0
        self._publish()

    def frame_done(self) -> None:
        """The screen drew the last frame: the next one may be sent."""
        self._frame_pending = False

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()

    @property
    def idle(self) -> bool:
        """Nothing queued and not training: the last frame shows where the run stands."""
        return not self._requests and not self._moving

    # -- the worker thread ---------------------------------------------------------------------------
    @property
    def _moving(self) -> bool:
        return self._running or self._goal is not None

    def run(self) -> None:
        try:
            if not self._start():
                return
            while True:
                with self._cond:
                    while not self._requests and not self._moving and not self._stopped:
                        self._cond.wait()
                    if self._stopped:
                        return
                self._apply_requests()
                if self._moving and self.trainer is not None:
                    self._train()
        except Exception as exc:  # a bug in the driver itself: say so, keep the app up
            self._post(DriverFailure(f"the training worker stopped: {type(exc).__name__}: {exc}",
                                     traceback.format_exc(), title="Internal error"))

    def _start(self) -> bool:
        from core.catalog import load
        from core.lesson import Lesson

        try:
            lesson = self._lesson_ref if isinstance(self._lesson_ref, Lesson) else load(self._lesson_ref)
            self.lesson = lesson
            self._post(LessonLoaded(lesson))
            self.trainer = self._new_trainer(self._settings["options"], self._settings["lr"])
        except LearnTuiError as exc:
            self._failed = str(exc)
            self._report(exc)
            self._publish()
            return False
        self._prime()
        self._publish()
        return True

    def _new_trainer(self, options: dict, lr: Any) -> Any:
        from core.trainer import Trainer

        settings = self._settings
        budget = {k: settings[k] for k in ("steps", "epochs") if settings[k] is not None}
        if self._resume is not None:
            path, self._resume = self._resume, None
            return Trainer.from_checkpoint(path, self.lesson, device=settings["device"], **budget)
        return Trainer(self.lesson, options=options, lr=lr, seed=settings["seed"], device=settings["device"],
                       steps=settings["steps"], epochs=settings["epochs"])

    def _prime(self) -> None:
        """Run the lesson's set-up to its first yield, so its parameters show (and data errors surface) at once."""
        try:
            self.trainer.prime()
        except LearnTuiError as exc:
            self._stop_moving(str(exc))
            self._report(exc)

    def _apply_requests(self) -> None:
        while True:
            with self._cond:
                if not self._requests or self._stopped:
                    return
                handler, args = self._requests.popleft()
            if self.trainer is None and handler is not self._publish:
                continue
            try:
                handler(*args)
            except LearnTuiError as exc:
                self._report(exc)
                self._publish()
            except Exception as exc:  # e.g. a lesson action with a bug: show its traceback, carry on
                self._post(DriverFailure(f"{type(exc).__name__}: {exc}", traceback.format_exc(),
                                         title="A lesson action failed"))
                self._publish()

    def _train(self) -> None:
        """Pull events until a request arrives, a goal is reached or the run ends; publish now and then."""
        trainer, requests, clock = self.trainer, self._requests, time.perf_counter
        while not requests and not self._stopped:
            try:
                event = next(trainer)
            except StopIteration:
                self._stop_moving()
                break
            except LearnTuiError as exc:  # LessonCrashed, DataError from the lesson's loop
                self._stop_moving(str(exc))
                self._report(exc)
                break
            if not self._note(event):
                break
            if self._goal is not None and self._goal_reached(event):
                self._stop_moving()
                break
            if not self._frame_pending and clock() >= self._next_frame:
                self._publish()
        self._publish()

    def _note(self, event: Any) -> bool:
        """Record an event; False (and stop moving) when it ends the run or stops it (Diverged, Finished)."""
        line = getattr(event, "line", None)
        if line is not None:
            self._prev_line, self._line = self._line, line
            return True
        if self.trainer.line != self._line:  # a divergence stops right after the yield that showed it
            self._prev_line, self._line = self._line, self.trainer.line
        self._stop_moving(getattr(event, "message", None) or finished_message(event))
        return False

    def _goal_reached(self, event: Any) -> bool:
        kind, value = self._goal
        if kind == "step":
            return event.step >= value
        if kind == "epoch" and str(event.phase) != "epoch":
            return False
        self._goal = (kind, value - 1)
        return value <= 1

    def _stop_moving(self, message: str | None = None) -> None:
        self._running = False
        self._goal = None
        if message is not None:
            self._message = message
        self._close_rate_window()

    def _report(self, exc: LearnTuiError) -> None:
        if exc.details:
            self._post(DriverFailure(str(exc), exc.details, title=type(exc).__name__))
        else:
            self._post(DriverNotice(str(exc), "error"))

    def _post(self, message: Any) -> None:
        self._target.post_message(message)

