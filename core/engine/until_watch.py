"""Watching a run for a stop condition (``core/engine/until.py``): headless ``--until`` and the app's break (b).

``UntilWatch.event(event, trainer)`` sees every event of the run and reads the condition once per completed
step, at the event that closes it (``STEP``, or ``EPOCH`` in a lesson whose step is an epoch), and again at an
``EVAL`` yielded between that step and the next (an evaluation after an epoch's last step), on that step's
values: its record (loss, step, epoch, lr), the lesson's metrics as last reported (an evaluation's accuracy
holds until the next evaluation) and, only when the condition reads them, the gradient norms and the nan check.

When the gradient norm is taken: at the step's ``BACKWARD`` (its last one), right after ``loss.backward()``. That
is the step's gradient before a clip, an update or a ``zero_grad`` at the step's end can change it, the norm
``clip_grad_norm_`` returns and training logs show. A lesson that yields no ``BACKWARD`` (an LBFGS closure) is
read at the step's end, as its gradients stand then. A gradient the lesson computed by hand (``yield BACKWARD,
{"w": grad}``) counts as the parameter's. A lesson with no gradient at all (a grid search) is refused at its
first step. None of this costs anything without a condition: the trainer knows nothing of it.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core import distributed
from core.base.events import Progress
from core.base.i18n import pick
from core.engine.arrays import first_non_finite, named_arrays
from core.engine.until import RECORD, Condition
from core.errors import UsageError
from core.phases import BACKWARD, EVAL


@dataclass(frozen=True)
class Held:
    """Where a condition held: the event that closed the step, the parts that held, the values they read."""

    at: Progress
    condition: str
    held: str  # the parts of the condition that held ("loss < 0.1"), or that another process's did
    values: Mapping[str, float | None] = field(default_factory=dict)
    why_nan: str = ""  # what was nan or inf, when nan held ("the gradient of fc.weight")

    @property
    def step(self) -> int:
        return self.at.step

    def describe(self) -> str:
        """``loss < 0.1 held at step 42 (loss = 0.0987)``, in the chosen language."""
        shown = ", ".join(f"{name} = {_number(value)}" for name, value in self.values.items())
        if self.why_nan:
            shown = ", ".join(filter(None, [pick(f"nan: {self.why_nan}", f"nan：{self.why_nan}"), shown]))
        return pick(
            f"{self.held} held at step {self.step}" + (f" ({shown})" if shown else ""),
            f"第 {self.step} 步：{self.held} 成立" + (f"（{shown}）" if shown else ""),
        )


class UntilWatch:
    def __init__(
        self,
        condition: Condition,
        start_step: int,
        source: str = "--until",
        tell: Callable[[str], None] | None = None,
        shared: bool = False,
    ) -> None:
        """``start_step``: the run's step now (the next one completed is read first); ``source`` names the
        condition in messages (``--until``, ``break``); ``tell`` gets a note for the learner (a metric not reported
        yet); ``shared``: several processes (torchrun) agree at each step's end whether any one's condition held,
        so that all stop at the same step (rank 0 alone evaluates: a condition that an evaluation after a step
        made hold stops them at the end of the next step)."""
        self.condition, self.source, self.tell, self.shared = condition, source, tell, shared
        self.wants_grads = condition.grads or condition.nan
        self.last_step = start_step  # the step last read
        self.norms: dict[str, float] | None = None  # the gradient norms of the step in progress
        self.bad_grads: list[str] = []  # its gradients that hold nan or inf
        self.norms_step = -1
        self.steps_read = 0
        self.started = False  # the first step was read (and what only it can tell was checked)
        self.seen: set[str] = set()  # the metrics the condition asked for that were there
        self.pending: Held | None = None  # (shared) held at an evaluation after a step: agreed at the next step's end

    def check(self, trainer: Any) -> None:
        """Before the first step: the parameters named in ``grad_norm("...")`` are the lesson's (its set-up is run to
        its first yield to know them); else a ``UsageError`` naming them."""
        if not self.condition.params:
            return
        trainer.prime()
        self._check_params(trainer, at_step=False)

    def event(self, event: Progress, trainer: Any) -> Held | None:
        """Every event of the run, in order: where the step it closes makes the condition hold, a ``Held``."""
        if self.wants_grads and event.phase is BACKWARD:
            (self.norms, self.bad_grads), self.norms_step = gradient_norms(trainer.run), event.step
        if event.closes_step(self.last_step):
            self.last_step = event.step
        elif not (event.phase is EVAL and event.step == self.last_step and not trainer.step_open):
            return None  # (an evaluation right after the step it belongs to: the step is read again, with it)
        if self.wants_grads and self.norms_step != event.step:  # no BACKWARD in this step: as they stand now
            (self.norms, self.bad_grads), self.norms_step = gradient_norms(trainer.run), event.step
        reading = StepReading(event, trainer, self.norms, self.bad_grads, self.source)
        if not self.started:
            self.started = True
            self._first_step(trainer, reading)
        self.steps_read += event.phase is not EVAL
        held = self._held(event, reading) or self.pending
        if not self.shared:
            return held
        if event.phase is EVAL:  # (rank 0 alone evaluates: the processes agree where a step ends, the next one)
            self.pending = held
            return None
        self.pending = None
        if distributed.any_rank(held is not None) and held is None:
            return Held(
                event, self.condition.text, pick("the condition held in another process", "另一个进程的条件成立")
            )
        return held

    def _held(self, event: Progress, reading: StepReading) -> Held | None:
        held = self.condition.held_parts(reading) if self.condition.holds(reading) else []
        self.seen |= reading.seen
        if not held:
            return None
        values = {text: value(reading) for text, value in self.condition.values}
        return Held(event, self.condition.text, " or ".join(held), values, reading.why_nan)

    def _first_step(self, trainer: Any, reading: StepReading) -> None:
        if self.condition.params:
            self._check_params(trainer, at_step=True)
        if self.condition.grads and not reading.norms:
            step, lesson = reading.event.step, trainer.lesson.id
            raise UsageError(
                pick(
                    f"{self.source} reads the gradient norm, but lesson {lesson} had no gradient at step "
                    f"{step} (no watched parameter has a .grad, nor did it yield BACKWARD with one)",
                    f"{self.source} 读取梯度范数，但课程 {lesson} 在第 {step} 步没有梯度"
                    "（被观察的参数都没有 .grad，课程也没有带着梯度 yield BACKWARD）",
                )
            )
        missing = sorted(self.condition.metrics - set(trainer.metrics))
        if missing and self.tell is not None:
            known = [*RECORD, *trainer.metrics]
            self.tell(
                pick(
                    f"{self.source}: lesson {trainer.lesson.id} has reported no {_names(missing)} by step "
                    f"{reading.event.step} (so far: {', '.join(known)}){_close(missing, known)}; the parts that "
                    "read it hold only once it is reported",
                    f"{self.source}：到第 {reading.event.step} 步，课程 {trainer.lesson.id} 还没有报告 "
                    f"{_names(missing)}（目前有：{', '.join(known)}）{_close(missing, known, '；是不是 {}？')}；"
                    "报告之前，用到它的条件不成立",
                )
            )

    def _check_params(self, trainer: Any, at_step: bool) -> None:
        names = [name for name, _ in named_arrays(trainer.run.watched)]
        if not names and not at_step:
            return  # the lesson watches its parameters later: checked at its first step
        unknown = sorted(self.condition.params - set(names))
        if unknown:
            lesson, listed = trainer.lesson.id, ", ".join(names)
            raise UsageError(
                pick(
                    f"{self.source}: lesson {lesson} has no parameter {_names(unknown)} (its parameters: "
                    f"{listed or 'none'}){_close(unknown, names)}",
                    f"{self.source}：课程 {lesson} 没有参数 {_names(unknown)}（它的参数：{listed or '无'}）"
                    f"{_close(unknown, names, '；是不是 {}？')}",
                )
            )

    def never_held(self, trainer: Any) -> str:
        """The note for a run that ended without the condition holding."""
        unseen, known = sorted(self.condition.metrics - self.seen), list(trainer.metrics)
        why = pick(
            f" (lesson {trainer.lesson.id} never reported {_names(unseen)}{_close(unseen, known)})" if unseen else "",
            f"（课程 {trainer.lesson.id} 从未报告 {_names(unseen)}{_close(unseen, known, '；是不是 {}？')}）"
            if unseen
            else "",
        )
        return pick(
            f"{self.source} {self.condition.text!r} never held in {self.steps_read} steps{why}",
            f"{self.source} {self.condition.text!r} 在 {self.steps_read} 步中从未成立{why}",
        )


class StepReading:
    """The values of the step ``event`` closed, as the condition reads them (``core.engine.until.Reading``)."""

    def __init__(
        self, event: Progress, trainer: Any, norms: dict[str, float] | None, bad_grads: list[str], source: str
    ) -> None:
        """``norms``: the step's gradient norms (None: not read); ``bad_grads``: the gradients holding nan or inf."""
        self.event, self.trainer, self.norms, self.bad_grads, self.source = event, trainer, norms, bad_grads, source
        self.seen: set[str] = set()
        self.why_nan = ""

    def record(self, name: str) -> float | None:
        return self._number(name, getattr(self.event, name))

    def metric(self, name: str) -> float | None:
        metrics = self.trainer.metrics
        if name not in metrics:
            return None
        self.seen.add(name)
        return self._number(name, metrics[name])

    def grad_norm(self, param: str | None) -> float | None:
        if not self.norms:
            return None
        if param is None:
            return math.sqrt(math.fsum(norm * norm for norm in self.norms.values()))
        return self.norms.get(param, 0.0)  # a parameter without a gradient (not used in this step)

    def nan(self) -> bool:
        """Some value of the step is nan or inf: the loss, a metric, a gradient or a parameter."""
        numbers = {"loss": self.event.loss, **self.trainer.metrics}
        for name, value in numbers.items():
            if isinstance(value, (int, float)) and not math.isfinite(value):
                self.why_nan = name
                return True
        if self.bad_grads:
            self.why_nan = pick(f"the gradient of {self.bad_grads[0]}", f"{self.bad_grads[0]} 的梯度")
            return True
        _, bad = norms_of(named_arrays(self.trainer.run.watched))
        self.why_nan = pick(f"parameter {bad[0]}", f"参数 {bad[0]}") if bad else ""
        return bool(bad)

    def _number(self, name: str, value: Any) -> float | None:
        if value is None or isinstance(value, (int, float)):
            return None if value is None else float(value)
        kind, shown, step = type(value).__name__, str(value)[:40], self.event.step
        raise UsageError(
            pick(
                f"{self.source} compares {name}, but at step {self.event.step} it is {kind} {shown!r}, not a number",
                f"{self.source} 比较 {name}，但它在第 {step} 步是 {kind} {shown!r}，不是数",
            )
        )


def gradient_norms(run: Any) -> tuple[dict[str, float], list[str]]:
    """``norms_of`` each watched parameter's gradient (those without one left out): ``.grad``, else the gradient
    the lesson reported by hand."""
    reported, grads = run.reported_grads, []
    for name, value in named_arrays(run.watched):
        grad = getattr(value, "grad", None)
        if grad is None:
            grad = reported.get(name)
        if grad is not None:
            grads.append((name, grad))
    return norms_of(grads)


def norms_of(arrays: Iterable[tuple[str, Any]]) -> tuple[dict[str, float], list[str]]:
    """The L2 norm of each tensor or array, one copy to the CPU per device (a pass over the values, far cheaper
    than ``isfinite``'s), and the names of those holding nan or inf: a norm that is not finite, confirmed (the
    float32 norm of finite values above ~1e19 overflows to inf)."""
    norms: dict[str, float] = {}
    values: dict[str, Any] = {}
    on_devices: dict[Any, list[tuple[str, Any]]] = {}
    for name, value in arrays:
        values[name] = value
        if hasattr(value, "detach"):
            import torch  # (torch is loaded by now: the lesson made the tensor)

            tensor = value.detach()
            wide = torch.float32 if tensor.dtype in (torch.float16, torch.bfloat16) else None
            on_devices.setdefault(tensor.device, []).append((name, torch.linalg.vector_norm(tensor, dtype=wide)))
        else:
            import numpy as np

            norms[name] = float(np.linalg.norm(np.asarray(value, dtype=np.float64)))
    for pairs in on_devices.values():
        import torch

        numbers = torch.stack([norm.double() for _, norm in pairs]).tolist()
        norms.update({name: number for (name, _), number in zip(pairs, numbers, strict=True)})
    bad = [name for name, norm in norms.items() if not math.isfinite(norm)]
    return norms, [name for name in bad if first_non_finite({name: values[name]}) is not None]


def _number(value: float | None) -> str:
    if value is None:
        return pick("not reported yet", "尚未报告")
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


def _names(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _close(wanted: list[str], known: list[str], words: str = "; did you mean {}?") -> str:
    """``; did you mean train_accuracy?`` for the first name with a close match."""
    for name in wanted:
        match = difflib.get_close_matches(name, known, n=1)
        if match:
            return words.format(match[0])
    return ""
