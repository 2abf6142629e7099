"""The step-wise trainer: drives a lesson's generator and is itself an iterator of events.

Pulling one event runs the lesson's code up to its next ``yield``; not pulling is pausing. Between
events the caller may read and set ``lr``, change live options, take a ``snapshot()`` (plain data,
never live tensors), ``advance()`` by a phase, a step or an epoch, ``reset()`` or save a checkpoint.
All of it happens in the thread that pulls: a UI drives the trainer from one worker thread.
"""

from __future__ import annotations

import math
import time
from typing import Any, Mapping

from core import rng
from core.device import resolve_device
from core.errors import LearnTuiError, LessonCrashed, UsageError, lesson_traceback
from core.events import Diverged, Finished, PhaseEvent
from core.history import History
from core.lesson import Lesson, parse_count, parse_lr
from core.phases import EPOCH, EVAL, LOSS, STEP, BACKWARD, UPDATE, Phase
from core.run import Run
from core.snapshot import Snapshot, first_non_finite, float_copy, named_arrays, norm_of, plain, snapshot_param

# The loss is checked for nan/inf every step (it is a float already). The parameters, which cost a pass over
# every weight, are checked at each epoch's end and otherwise at most once per PARAM_CHECK_SECONDS.
PARAM_CHECK_SECONDS = 1.0


class Trainer:
    def __init__(self, lesson: Lesson, *, options: Mapping[str, Any] | None = None, lr: Any = None,
                 seed: int = 0, device: str = "cpu", steps: Any = None, epochs: Any = None) -> None:
        self.lesson = lesson
        self.options = lesson.config(options)
        self._lr = parse_lr(lr) if lr is not None else lesson.lr
        self.seed = int(seed)
        self.device = resolve_device(device)
        if steps is not None and epochs is not None:
            raise UsageError("give either --steps or --epochs, not both")
        self.max_steps = parse_count(steps, "--steps") if steps is not None else None
        self.max_epochs = parse_count(epochs, "--epochs") if epochs is not None else None
        if steps is None and epochs is None:
            self.max_steps, self.max_epochs = lesson.steps, lesson.epochs
        self._gen = None
        self.reset()

    # -- the learning rate ----------------------------------------------------------------------
    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: Any) -> None:
        self._lr = parse_lr(value)  # raises UsageError and keeps the old value
        self._apply_lr()

    def _apply_lr(self) -> None:
        if not self.lesson.schedules_lr:
            for optimizer in self.run.optimizers:
                for group in optimizer.param_groups:
                    group["lr"] = self._lr

    def set_option(self, name: str, value: Any) -> None:
        """Change a live option between events (it takes effect where the loop next reads it)."""
        option = self.lesson.option(name)
        if not option.live:
            raise UsageError(f"--{option.flag[2:]} can't change during a run; reset with the new value")
        self.options[name] = option.parse(value)
        self.run._set_option(name, self.options[name])

    # -- starting over --------------------------------------------------------------------------
    def reset(self, seed: int | None = None, resume: dict | None = None) -> None:
        """Start the lesson again from scratch (same lr and options), optionally with a new seed."""
        if self._gen is not None:
            self._gen.close()
        if seed is not None:
            self.seed = int(seed)
        rng.seed_all(self.seed)
        self.step = 0
        self.loss: float | None = None
        self.history = History()
        self.evals: dict[str, History] = {}
        self.metrics: dict[str, Any] = {}
        self.phase: Phase | None = None
        self.line = 0
        self.status = "ready"  # ready, running, finished, diverged, crashed
        self.ended: Finished | Diverged | None = None
        self.step_open = False  # phases ran since the last completed step
        self.epoch_done = False  # the last event closed an epoch
        self.last_epoch = 1  # the epoch of the latest event: what the status shows
        self._loss_limit: float | None = None
        self._param_check = time.perf_counter()
        self._pending: Any = None
        self._measure_update = False
        self._before_update: dict[str, Any] = {}
        self.update_ratios: dict[str, float] = {}
        self.run = Run(self, dict(self.options), self.device, resume)
        self._gen = self.lesson.train(self.run)

    # -- pulling events -------------------------------------------------------------------------
    def __iter__(self) -> "Trainer":
        return self

    def __next__(self) -> PhaseEvent | Diverged | Finished:
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
        return self._event(item)

    def prime(self) -> None:
        """Run the lesson's set-up up to its first ``yield`` without emitting an event, so its parameters
        can be shown (and data errors surface) before the learner presses a key."""
        if self._pending is None and self.phase is None and self.ended is None:
            self._pending = self._pull()

    def _pull(self) -> Any:
        try:
            return self._gen.send(None)
        except StopIteration:
            return None
        except LearnTuiError as exc:  # a typed error from the lesson's data code: already actionable
            self._crash()
            raise exc
        except Exception as exc:
            self._crash()
            where = f" at step {self.step + 1}" if self.step or self.step_open else " while starting"
            raise LessonCrashed(f"lesson {self.lesson.id} raised {type(exc).__name__}{where}: {exc}",
                                details=lesson_traceback(exc, self.lesson.source_file)) from exc

    def _crash(self) -> None:
        self.status = "crashed"
        self.ended = Finished(self.step, self.run.epoch, self.loss, self._lr, "crashed", {})

    def _event(self, item: Any) -> PhaseEvent | Diverged:
        phase, payload = item if type(item) is tuple else (item, None)
        if type(phase) is not Phase:
            phase = self._coerce(phase)
        frame = self._gen.gi_frame
        self.line = frame.f_lineno if frame is not None else 0
        self.phase = phase
        self.status = "running"
        self.epoch_done = False
        metrics = None
        if phase is LOSS:
            self.step_open = True
            loss = self.loss = payload.item() if hasattr(payload, "item") else float(payload)
            self.history.append(self.step + 1, loss)
            if self._loss_limit is None:
                factor = self.lesson.divergence_factor
                self._loss_limit = math.inf if factor is None else factor * max(abs(loss), 1.0)
            if not loss <= self._loss_limit:  # also true for nan
                return self._diverge(f"loss is {loss:.4g}" if math.isfinite(loss) else f"loss is {loss}")
        elif phase is STEP or phase is EPOCH:
            if self.step_open:
                self.step += 1
                self.step_open = False
                if phase is EPOCH or time.perf_counter() - self._param_check > PARAM_CHECK_SECONDS:
                    self._param_check = time.perf_counter()
                    bad = first_non_finite(self.run.watched)
                    if bad is not None:
                        return self._diverge(f"parameter {bad} holds nan or inf")
            self.epoch_done = phase is EPOCH
            if payload:
                metrics = self._metrics(payload)
        elif phase is EVAL:
            metrics = self._metrics(payload or {})
            at = self.eval_step()
            for name, value in metrics.items():
                if isinstance(value, (int, float)):
                    self.evals.setdefault(name, History(recent=500, max_buckets=250)).append(at, value)
        else:
            self.step_open = True
            if self._measure_update:
                if phase is BACKWARD:
                    self._before_update = {n: float_copy(v) for n, v in named_arrays(self.run.watched)}
                elif phase is UPDATE and self._before_update:
                    self._measure_ratios()
        self.last_epoch = max(self.run.epoch, 1)
        return PhaseEvent(phase, self.step, self.last_epoch, self.loss, self._lr, self.line, metrics)

    def _coerce(self, phase: Any) -> Phase:
        try:
            return Phase(phase)
        except ValueError:
            self._crash()
            names = ", ".join(p.name for p in Phase)
            raise LessonCrashed(f"lesson {self.lesson.id} yielded {phase!r} at line {self.line}; "
                                f"yield a phase ({names}), optionally with a value: yield LOSS, loss") from None

    def _metrics(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        metrics = {str(k): plain(v) for k, v in payload.items()}
        self.metrics.update(metrics)
        return metrics

    def _measure_ratios(self) -> None:
        for name, value in named_arrays(self.run.watched):
            before = self._before_update.get(name)
            if before is not None:
                after = float_copy(value)
                norm = norm_of(after)
                self.update_ratios[name] = norm_of(after - before) / norm if norm else 0.0
        self._before_update = {}
        self._measure_update = False

    def _diverge(self, reason: str) -> Diverged:
        self.status = "diverged"
        message = (f"training diverged in step {self.step + 1}: {reason}. Lower the learning rate "
                   f"(it is {self._lr:g}: try {self._lr / 10:g} or lower), then reset or continue.")
        self.ended = Diverged(self.step, max(self.run.epoch, 1), self.loss, self._lr, reason, message)
        return self.ended

    def continue_after_divergence(self) -> None:
        """Carry on after a Diverged event (e.g. with a lower lr); the loss limit restarts from here."""
        if self.status == "diverged":
            self.ended = None
            self.status = "running"
            self._loss_limit = None

    def _finish(self, reason: str) -> Finished:
        self.status = "finished"
        self.ended = Finished(self.step, max(self.run.epoch, 1), self.loss, self._lr, reason, self.summary())
        return self.ended

    # -- moving by a unit -----------------------------------------------------------------------
    def eval_step(self) -> int:
        """The step an evaluation yielded now follows: an evaluation inside a step comes after its update."""
        return self.step + 1 if self.step_open else self.step

    def advance(self, unit: str = "step") -> list[PhaseEvent | Diverged | Finished]:
        """Pull events up to the end of one ``phase``, ``step`` or ``epoch`` (or the end of the run)."""
        if unit not in ("phase", "step", "epoch"):
            raise ValueError(f"unit must be phase, step or epoch, not {unit!r}")
        start, events = self.step, []
        for event in self:
            events.append(event)
            if not isinstance(event, PhaseEvent) or unit == "phase":
                break
            if unit == "step" and event.step > start:
                break
            if unit == "epoch" and event.phase is EPOCH:
                break
        return events

    # -- reading the state ----------------------------------------------------------------------
    def snapshot(self, views: bool = True, ratios: bool = True) -> Snapshot:
        """A plain-data copy of every watched parameter and gradient, and the lesson's views.

        ``ratios`` asks the trainer to measure the update-to-parameter ratio at the next update (a copy
        of every weight then): leave it off when nobody shows it."""
        self._measure_update = ratios
        params = tuple(snapshot_param(name, value, self.update_ratios.get(name))
                       for name, value in named_arrays(self.run.watched))
        shown = {}
        if views:
            for name, view in self.lesson.views.items():
                try:
                    shown[name] = view(self.run)
                except Exception as exc:  # a view is read-only: report it, don't stop training
                    shown[name] = {"error": f"{type(exc).__name__}: {exc}"}
        return Snapshot(self.step, self.last_epoch, str(self.phase) if self.phase else None, self.line,
                        self._lr, self.loss, params, dict(self.metrics), shown)

    def summary(self) -> dict[str, Any]:
        """The lesson's key results as plain data (``loss``, and e.g. ``w``, ``accuracy``, ``prediction``)."""
        result: dict[str, Any] = {"loss": self.loss}
        result.update(self.metrics)
        if self.lesson.summarize is not None and self.status != "crashed":
            try:
                result.update({k: plain(v) for k, v in self.lesson.summarize(self.run).items()})
            except Exception as exc:
                raise LessonCrashed(f"lesson {self.lesson.id}'s summary raised {type(exc).__name__}: {exc}",
                                    details=lesson_traceback(exc, self.lesson.source_file)) from exc
        return result

    def call(self, action: str, argument: Any = None) -> Any:
        """Run one of the lesson's actions (e.g. predict a typed name) between events."""
        if action not in self.lesson.actions:
            raise UsageError(f"lesson {self.lesson.id} has no action {action!r}")
        return self.lesson.actions[action](self.run, argument)

    # -- checkpoints ----------------------------------------------------------------------------
    def save(self, path: Any) -> str:
        from core.checkpoint import save_checkpoint

        return save_checkpoint(self, path)

    @classmethod
    def from_checkpoint(cls, path: Any, lesson: Lesson, device: str = "cpu", **kwargs: Any) -> "Trainer":
        from core.checkpoint import resume_trainer

        return resume_trainer(cls, path, lesson, device, **kwargs)
