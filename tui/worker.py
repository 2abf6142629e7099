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
from pathlib import Path
from typing import Any, Callable

from core.errors import LearnTuiError
from tui.formatting import plain_result
from tui.lr_ladder import next_rung
from tui.worker_messages import DriverFailure, DriverNotice, Frame, LessonLoaded, TrainingFrame

MIN_INTERVAL = 0.1  # seconds between frames while training: the screen refreshes at about 10 Hz
COST_FACTOR = 40  # a frame may cost the training thread at most 1/40 of the interval (snapshots of big models)
SPARKLINE_POINTS = 160
RATE_WINDOW = 0.5  # seconds over which steps/s is measured


class TrainingDriver:
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
        """Publish a frame now (e.g. a panel that needs a snapshot became visible)."""
        self._ask(self._publish)

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
        trainer = self.trainer
        try:
            prime = getattr(trainer, "prime", None)
            if prime is not None:
                prime()
            elif trainer._pending is None and trainer.ended is None and trainer.step == 0 and not trainer.step_open:
                trainer._pending = trainer._pull()  # what Trainer.from_checkpoint does after a resume
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

    # -- request handlers (worker thread) ------------------------------------------------------------
    def _can_move(self) -> bool:
        trainer = self.trainer
        if trainer.status == "diverged":
            trainer.continue_after_divergence()
            self._message = ""
        if trainer.status in ("finished", "crashed"):
            self._post(DriverNotice(f"the run has {trainer.status}: press r to start it again", "warning"))
            return False
        return True

    def _toggle(self) -> None:
        if self._moving:
            self._stop_moving()
        elif self._can_move():
            self._running = True
            self._rate_start = None
        self._publish()

    def _advance(self, unit: str) -> None:
        if not self._can_move():
            return
        kind, value = self._goal or (None, 0)
        self._running = False
        if unit == "step":
            self._goal = ("step", (value if kind == "step" else self.trainer.step) + 1)
        else:
            self._goal = (unit, (value if kind == unit else 0) + 1)
        self._rate_start = None

    def _nudge_lr(self, direction: int) -> None:
        self.trainer.lr = next_rung(self.trainer.lr, direction)
        self._publish()

    def _set_lr(self, value: Any) -> None:
        self.trainer.lr = value  # parse_lr: a bad value raises UsageError and keeps the old one
        self._publish()

    def _toggle_option(self, name: str) -> None:
        option, trainer = self.lesson.option(name), self.trainer
        value = not trainer.options[name]
        word = "on" if value else "off"
        if option.live:
            trainer.set_option(name, value)
            self._post(DriverNotice(f"{name} {word}"))
        else:
            options = {**trainer.options, name: value}
            self.trainer = self._new_trainer(options, trainer.lr)
            self._settings["options"] = options
            self._restart(f"{name} {word}: the run started again (this option is fixed during a run)")
        self._publish()

    def _reset(self) -> None:
        self.trainer.reset()
        self._restart("")
        self._publish()

    def _restart(self, message: str) -> None:
        self._stop_moving(message)
        self._line = self._prev_line = 0
        self._rate = None
        self._run_id += 1
        self._prime()

    def _save(self, path: str | None) -> None:
        trainer = self.trainer
        while trainer.step_open and trainer.ended is None:  # a checkpoint is taken between steps
            event = next(trainer, None)
            if event is None or not self._note(event):
                break
        target = path or str(Path("checkpoints") / f"{self.lesson.id}-step{trainer.step}.pt")
        saved = self.last_saved = trainer.save(target)
        self._post(DriverNotice(f"saved {saved} at step {trainer.step}; press o to open it later",
                                title="checkpoint saved"))
        self._publish()

    def _open(self, path: str) -> None:
        from core.trainer import Trainer

        settings = self._settings
        trainer = Trainer.from_checkpoint(path, self.lesson, device=settings["device"])
        self.trainer = trainer
        self._stop_moving(f"opened {path} at step {trainer.step}")
        self._line = self._prev_line = 0
        self._run_id += 1
        self._publish()

    def _call(self, action: str, argument: Any, description: str) -> None:
        result = self.trainer.call(action, argument)
        self._post(DriverNotice(plain_result(result), title=description))
        self._publish()

    # -- frames --------------------------------------------------------------------------------------
    def _state(self) -> str:
        trainer = self.trainer
        if trainer is None:
            return "failed" if self._failed else "loading"
        if trainer.status in ("finished", "diverged", "crashed"):
            return trainer.status
        return "running" if self._moving else "paused"

    def _close_rate_window(self) -> None:
        if self._rate_start is not None and self.trainer is not None:
            started, step = self._rate_start
            elapsed = time.perf_counter() - started
            if elapsed > 0.05 and self.trainer.step > step:
                self._rate = (self.trainer.step - step) / elapsed
        self._rate_start = None

    def _publish(self) -> None:
        if self._stopped:
            return
        now = time.perf_counter()
        trainer = self.trainer
        if trainer is None:
            self._post(TrainingFrame(Frame("failed" if self._failed else "loading", message=self._failed)))
            return
        moving = self._moving
        if moving:
            if self._rate_start is None:
                self._rate_start = (now, trainer.step)
            elif now - self._rate_start[0] >= RATE_WINDOW:
                self._close_rate_window()
                self._rate_start = (now, trainer.step)
        snapshot = None
        if not moving or self.wants_snapshot or self.wants_views:
            snapshot = self._snapshot(views=self.wants_views or not moving, ratios=self.wants_ratios or not moving)
        chart = self.wants_chart or not moving
        history = trainer.history
        frame = Frame(
            state=self._state(), step=trainer.step, epoch=max(trainer.run.epoch, 1), lr=trainer.lr,
            loss=trainer.loss, phase=str(trainer.phase) if trainer.phase else None, line=self._line,
            prev_line=self._prev_line, steps_per_s=self._rate, options=dict(trainer.options),
            metrics=dict(trainer.metrics), snapshot=snapshot, recent=tuple(history.values(SPARKLINE_POINTS)),
            losses=tuple(history.points()) if chart else None,
            evals={name: tuple(h.points()) for name, h in trainer.evals.items()} if chart else {},
            message=self._message, run_id=self._run_id)
        self._frame_pending = True
        self._post(TrainingFrame(frame))
        cost = time.perf_counter() - now
        self._interval = max(MIN_INTERVAL, COST_FACTOR * cost)
        self._next_frame = now + self._interval

    def _snapshot(self, views: bool, ratios: bool) -> Any:
        """``trainer.snapshot()``; without ``ratios`` the next update is not measured (for a big model that
        copy-and-compare of every parameter costs several times the snapshot itself)."""
        trainer = self.trainer
        snapshot = trainer.snapshot(views=views)
        if not ratios and hasattr(trainer, "_measure_update"):
            trainer._measure_update = False  # until Trainer.snapshot(ratios=False) exists
        return snapshot

    def _report(self, exc: LearnTuiError) -> None:
        if exc.details:
            self._post(DriverFailure(str(exc), exc.details, title=type(exc).__name__))
        else:
            self._post(DriverNotice(str(exc), "error"))

    def _post(self, message: Any) -> None:
        self._target.post_message(message)


FINISH_REASONS = {"steps": "reached its step budget", "epochs": "reached its epoch budget",
                  "lesson": "the lesson's loop ended", "crashed": "crashed"}


def finished_message(event: Any) -> str:
    """'finished after 1000 steps (reached its epoch budget): w 2, b 0.0002 · press r to train again'."""
    from tui.formatting import number

    results = [f"{key} {number(value)}" for key, value in event.summary.items()
               if key != "loss" and isinstance(value, (int, float, str)) and not isinstance(value, bool)]
    text = f"finished after {event.step} steps ({FINISH_REASONS.get(event.reason, event.reason)})"
    if results:
        text += ": " + ", ".join(results[:6])
    return text + " · press r to train again"
