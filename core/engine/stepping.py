"""The trainer's stepping: each pull runs the lesson's code to its next ``yield`` and turns what it yields into one
event (a ``Progress`` record; a ``Diverged`` or ``Finished`` that ends the run).

``Stepping`` is the part of ``core.engine.trainer.Trainer`` that every event goes through: the pull (with this
run's random generators in place, ``turn``), the phase's bookkeeping (the step's counting, the loss history,
the divergence checks, the metrics), a crash, a divergence and the end. ``Trainer.reset`` sets the state below.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from core import yields
from core.base import rng
from core.base.events import Diverged, Finished, Progress
from core.base.i18n import pick
from core.base.status import Status
from core.engine.arrays import first_non_finite, plain
from core.engine.divergence import DivergenceWatch, diverged_message
from core.engine.history import History
from core.engine.snapshot import UpdateRatios, WeightTrail
from core.engine.trainer_words import say
from core.errors import DeviceError, LearnTuiError, LessonCrashed, UsageError, lesson_traceback
from core.lesson import Lesson
from core.phases import BACKWARD, EPOCH, EVAL, LOSS, STEP, UPDATE, Phase
from core.run import Run


class Stepping:
    # the run's state (``Trainer.__init__`` and ``Trainer.reset`` set it)
    lesson: Lesson
    generators: rng.OwnGenerators | None
    max_steps: int | None
    max_epochs: int | None
    progress: Progress
    status: Status
    step: int
    step_open: bool
    epoch_done: bool
    loss: float | None
    history: History
    evals: dict[str, History]
    metrics: dict[str, Any]
    ended: Finished | Diverged | None
    trail: WeightTrail
    run: Run
    _lr: float
    _gen: Any
    _divergence: DivergenceWatch
    _pending: Any
    _ratios: UpdateRatios

    # -- where the run stands -------------------------------------------------------------------
    @property
    def phase(self) -> Phase | None:
        return self.progress.phase

    @property
    def line(self) -> int:
        return self.progress.line

    @property
    def epoch(self) -> int:
        """The epoch of the latest event, from 1: what the status shows."""
        return self.progress.epoch

    @property
    def step_now(self) -> int:
        """The step the next event belongs to (one counting, ``core.base.events``): ``step`` + 1 in an open step."""
        return self.step + 1 if self.step_open else self.step

    # -- pulling events -------------------------------------------------------------------------
    def __iter__(self) -> Stepping:
        return self

    def __next__(self) -> Progress | Diverged | Finished:
        if self.ended is not None:
            raise StopIteration
        if self.max_steps is not None and self.step >= self.max_steps and not self.step_open:
            return self._finish("steps")
        if self._pending is not None:
            item, self._pending = self._pending, None
        else:
            item = self._pull()
            if item is None:
                limit = self.max_epochs is not None and self.run.epoch >= self.max_epochs
                return self._finish("epochs" if limit else "lesson")
        if isinstance(item, yields.Stopped):
            return self._diverge(item.reason, self.phase, self.line)
        try:
            return self._event(item)
        except yields.BadYield as exc:
            raise self._bad_yield(exc) from None

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold ``rng.LOCK`` while the lesson's code runs, with this run's own generators in place when it has
        them (``RunSettings.own_rng``: several runs side by side in one process)."""
        with rng.LOCK:
            if self.generators is not None:
                self.generators.take_turn()
            yield

    def prime(self) -> None:
        """Run the lesson's set-up up to its first ``yield`` without emitting an event, so its parameters
        can be shown (and data errors surface) before the learner presses a key."""
        if self._pending is None and self.phase is None and self.ended is None:
            self._pending = self._pull()

    def _pull(self) -> Any:
        """The next yielded item, None when the loop has ended (a bare ``yield`` is refused)."""
        try:
            with rng.LOCK:  # (turn()'s work, written out: this is every event's path)
                if self.generators is not None:
                    self.generators.take_turn()
                item = self._gen.send(None)
        except StopIteration:
            return None
        except LearnTuiError as exc:  # a typed error from the lesson's data code: already actionable
            if isinstance(exc, (UsageError, DeviceError)) and self._started:
                raise self._crashed(exc) from exc  # not a bad argument now: the lesson failed (exit 1, not 2)
            self._crash()
            raise exc
        except Exception as exc:
            bad = first_non_finite(self.run.watched) if self.step or self.step_open else None
            if bad is not None:
                return yields.Stopped(say("nan", name=bad, then=f"{type(exc).__name__}: {exc}"))
            raise self._crashed(exc) from exc
        if item is None:
            raise self._bad_yield(yields.BadYield(yields.say("bare")))
        return item

    @property
    def _started(self) -> bool:
        """The run is past its set-up (an event was shown, or the loop entered ``run.epochs()``): a UsageError
        raised from here on is the lesson failing, not an option given wrong (which the set-up refuses)."""
        return self.phase is not None or self.run.entered_epochs

    def _crashed(self, exc: Exception) -> LessonCrashed:
        self._crash()
        where = say("at step", step=self.step_now) if self.step or self.step_open else say("starting")
        return LessonCrashed(
            say("raised", lesson=self.lesson.id, kind=type(exc).__name__, where=where, exc=exc),
            details=lesson_traceback(exc, self.lesson.source_file),
        )

    def _bad_yield(self, exc: yields.BadYield) -> LessonCrashed:
        self._crash()
        return yields.bad_yield(self._gen, exc)

    def _crash(self) -> None:
        self.status = Status.CRASHED
        self.ended = Finished(self._record(self.phase, self.line, None), "crashed", {})

    def _record(self, phase: Phase | None, line: int, metrics: Mapping[str, Any] | None) -> Progress:
        epoch = self.run.epoch
        self.progress = Progress(
            self.status,
            phase,
            self.step_now,
            epoch if epoch > 1 else 1,
            line,
            self._lr,
            self.loss,
            metrics,
        )
        return self.progress

    def _event(self, item: Any) -> Progress | Diverged:
        frame = self._gen.gi_frame
        line = frame.f_lineno if frame is not None else 0
        # (the per-event path: a bare phase, the commonest yield, skips the checks of yields.split)
        phase, payload = (item, None) if type(item) is Phase else yields.split(item)
        self.status = Status.RUNNING
        self.epoch_done = False
        metrics = None
        if phase is LOSS:
            self.step_open = True
            loss = self.loss = yields.loss_value(payload)
            self.history.append(self.step + 1, loss)
            reason = self._divergence.loss(loss)
            if reason is not None:
                return self._diverge(reason, phase, line)
        elif phase is STEP or phase is EPOCH:
            if self.step_open:
                self.step += 1
                self.step_open = False
                reason = self._divergence.params(self.run.watched, phase is EPOCH)
                if reason is not None:
                    return self._diverge(reason, phase, line)
            self.epoch_done = phase is EPOCH
            if payload is not None:
                metrics = self._metrics(phase, payload)
        elif phase is EVAL:
            metrics = self._metrics(phase, {} if payload is None else payload)
            at = self.step_now  # an evaluation inside a step comes after its update: it belongs to that step
            for name, value in metrics.items():
                if isinstance(value, (int, float)):
                    self.evals.setdefault(name, History(recent=500, max_buckets=250)).append(at, value)
        else:
            self.step_open = True
            if phase is BACKWARD:
                self._ratios.backward_ran = True
                if payload is not None:
                    self.run.report_grads(yields.grad_values(payload, self.run.watched))
            elif phase is UPDATE:
                self._ratios.last_update = self.step + 1
                self.trail.note(self.run.watched)
            if self._ratios.wanted:
                self._ratios.note(phase, self.run.watched, self.step + 1)
        return self._record(phase, line, metrics)

    def _metrics(self, phase: Phase, payload: Any) -> dict[str, Any]:
        metrics = yields.metric_values(phase, payload, plain)
        self.metrics.update(metrics)
        return metrics

    def _diverge(self, reason: str, phase: Phase | None, line: int) -> Diverged:
        """The run stops itself, after ``phase`` at ``line``."""
        self.status = Status.DIVERGED
        at = self._record(phase, line, None)
        advice = pick(
            f"Lower the learning rate (it is {self._lr:g}: try {self._lr / 10:g} or lower).",
            f"请调低学习率（现在是 {self._lr:g}：试试 {self._lr / 10:g} 或更低）。",
        )
        self.ended = Diverged(at, reason, diverged_message(at.step, reason, advice))
        return self.ended

    def continue_after_divergence(self) -> None:
        """Carry on after a Diverged event (e.g. with a lower lr); the loss limit restarts from here."""
        if self.status == Status.DIVERGED:
            if self._gen.gi_frame is None:
                raise UsageError(say("no going on"))
            self.ended = None
            self.status = Status.RUNNING
            self._divergence.restart()

    def _finish(self, reason: str) -> Finished:
        self.status = Status.FINISHED
        at = self._record(self.phase, self.line, None)
        self.ended = Finished(at, reason, self.summary())
        return self.ended

    def summary(self) -> dict[str, Any]:
        """The lesson's key results as plain data (``loss``, and e.g. ``w``, ``accuracy``, ``prediction``)."""
        result: dict[str, Any] = {"loss": self.loss}
        result.update(self.metrics)
        if self.lesson.summarize is not None and self.status != Status.CRASHED:
            try:
                result.update({k: plain(v) for k, v in self.lesson.summarize(self.run).items()})
            except Exception as exc:
                raise LessonCrashed(
                    say("summary", lesson=self.lesson.id, kind=type(exc).__name__, exc=exc),
                    details=lesson_traceback(exc, self.lesson.source_file),
                ) from exc
        return result
