"""``learn-tui check``: run the learner's exercise file beside its reference lesson, on the same seed, data and
options, and compare them at every ``yield``: the phase, the loss, every watched value and gradient.

``compare(path)`` streams one ``Comparison`` per yield (the app can show each); ``check_file(path)`` runs it
to the first difference or the end of the budget. The two runs share the process's random generators, so
each side's generator state is put back before it runs and taken after (``core.rng``): the learner's shuffle
and dropout are the reference's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import LessonCrashed, UsageError
from core.exercises.diagnose import State, first_difference
from core.i18n import pick

DEFAULT_STEPS = 3


@dataclass(frozen=True)
class Comparison:
    """One yield of both runs: where the learner's run is, and what differs (None: it matches)."""

    step: int
    phase: str | None
    line: int  # the line of the learner's yield
    difference: str | None
    mine: State | None = None  # both sides' values, only where they differ (the app shows them)
    reference: State | None = None


@dataclass(frozen=True)
class CheckResult:
    file: str
    lesson: str
    level: int
    passed: bool
    phases: int  # phases that matched
    steps: int  # steps completed by both
    step: int | None = None  # where they differed
    phase: str | None = None
    line: int | None = None
    message: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def read_exercise(path: Path) -> tuple[str, int]:
    """The reference lesson and level an exercise file names (``EXERCISE_OF``, ``EXERCISE_LEVEL``), read with ast."""
    if not path.is_file():
        raise UsageError(f"no file at {path}; give the exercise file learn-tui exercise wrote")
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"), str(path))
    except SyntaxError as exc:
        raise UsageError(f"{path}, line {exc.lineno}: {exc.msg}; fix the syntax and check again") from None
    found: dict[str, Any] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1 or not isinstance(node.value, ast.Constant):
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id in ("EXERCISE_OF", "EXERCISE_LEVEL"):
            found[target.id] = node.value.value
    if not isinstance(found.get("EXERCISE_OF"), str) or not isinstance(found.get("EXERCISE_LEVEL"), int):
        raise UsageError(
            f"{path} is not an exercise file (no EXERCISE_OF = ...); make one with learn-tui exercise LESSON"
        )
    return found["EXERCISE_OF"], found["EXERCISE_LEVEL"]


def _state(trainer: Any, event: Any, arrays: list[tuple[str, Any]] | None = None) -> State:
    """The run's state at ``event``: its phase, step, line, loss, and a copy of every watched value and
    gradient (``arrays``: the watched values listed once for the run, else listed here)."""
    from core.events import Progress
    from core.snapshot import named_arrays, to_numpy

    at = event if isinstance(event, Progress) else getattr(event, "at", None)
    if at is None or event is None or not isinstance(event, Progress):
        phase = None
    else:
        phase = at.phase.name if at.phase is not None else None
    params, grads = {}, {}
    reported = trainer.run.reported_grads
    for name, value in arrays if arrays is not None else named_arrays(trainer.run.watched):
        params[name] = _copy(value, to_numpy)
        grad = value.grad if hasattr(value, "requires_grad") else reported.get(name)
        grads[name] = None if grad is None else _copy(grad, to_numpy)
    loss = at.loss if at is not None and phase == "LOSS" else None
    return State(phase, at.step if at else 0, at.line if at else 0, loss, params, grads)


def _copy(value: Any, to_numpy: Any) -> Any:
    """A numpy copy in the value's own precision (a float64 copy of every weight at every yield would cost
    more than the step itself on the course's small models)."""
    if hasattr(value, "detach"):
        try:
            return value.detach().cpu().numpy().copy()
        except TypeError:  # a dtype numpy lacks (bfloat16): through float64
            return to_numpy(value).copy()
    return np.array(value, copy=True)


def _add_locals(state: State, trainer: Any) -> None:
    """The loop's tensors' shapes and which carry a grad_fn: asked only where the runs differ."""
    import torch

    for name, value in trainer.loop_variables().items():
        if isinstance(value, torch.Tensor):
            state.shapes[name] = tuple(value.shape)
            if value.grad_fn is not None and value.dim() <= 1 and value.numel() == 1 and value.requires_grad:
                state.graphed.add(name)


def _generators() -> tuple:
    import random

    import numpy as np
    import torch

    return random, np.random, torch


def _capture() -> tuple:
    """Every generator's state, raw (cheaper per yield than ``core.rng.capture``, which is for checkpoints)."""
    if not _GENERATORS:
        _GENERATORS.extend(_generators())
    random, np_random, torch = _GENERATORS
    return random.getstate(), np_random.get_state(), torch.get_rng_state()


_GENERATORS: list = []


def _next_state(rng_state: tuple) -> None:
    random, np_random, torch = _GENERATORS
    random.setstate(rng_state[0])
    np_random.set_state(rng_state[1])
    torch.set_rng_state(rng_state[2])


def compare(path: Path, steps: int = DEFAULT_STEPS, seed: int = 0) -> Iterator[Comparison]:
    """One ``Comparison`` per yield of the learner's file, until the budget ends or they differ."""
    from core import catalog, rng

    reference_id, _ = read_exercise(path)
    reference = catalog.load(reference_id)
    mine = catalog.load_file(path)
    with rng.LOCK:  # a live run in the app waits, and finds the generators as it left them
        outer = _capture()
        try:
            yield from _compare(reference, mine, steps, seed)
        finally:
            _next_state(outer)


def _compare(reference: Any, mine: Any, steps: int, seed: int) -> Iterator[Comparison]:
    """The reference runs first and its state at every yield is kept; then the learner's file runs and is
    compared yield by yield. One after the other, each run draws the same random numbers it would alone."""
    from core.trainer import Trainer

    expected = list(_states(Trainer(reference, steps=steps, seed=seed)))
    ours = Trainer(mine, steps=steps, seed=seed)
    arrays = _Arrays(ours)
    before: State | None = None
    for index, (ref_event, ref_state) in enumerate(expected):
        try:
            my_event = next(ours, None)
        except LessonCrashed as exc:
            raise LessonCrashed(exc.message + _crash_cause(exc.message), exc.details) from None
        my_state = _state(ours, my_event, arrays.now())
        difference = first_difference(my_state, ref_state, before)
        if difference is not None:  # look at both loops' tensors there (the reference is run again to it)
            _add_locals(my_state, ours)
            _add_locals(ref_state, _reference_at(reference, steps, seed, index))
            difference = first_difference(my_state, ref_state, before)
        shown = (my_state, ref_state) if difference is not None else (None, None)
        yield Comparison(my_state.step, my_state.phase, my_state.line, difference, *shown)
        if difference is not None or not _goes_on(ref_event) or not _goes_on(my_event):
            return
        before = my_state


class _Arrays:
    """A run's watched values as (name, tensor or array), listed again only when the lesson watches more:
    listing a module's parameters at every yield would cost more than copying them."""

    def __init__(self, trainer: Any) -> None:
        self.watched = trainer.run.watched
        self.names: list[str] = []
        self.arrays: list[tuple[str, Any]] = []

    def now(self) -> list[tuple[str, Any]]:
        from core.snapshot import named_arrays

        if len(self.watched) != len(self.names):
            self.names, self.arrays = list(self.watched), list(named_arrays(self.watched))
        return self.arrays


def _goes_on(event: Any) -> bool:
    from core.events import Progress

    return isinstance(event, Progress)


def _states(trainer: Any) -> Iterator[tuple[Any, State]]:
    """(event, state) at every yield of a run, up to and including the event that ends it."""
    arrays = _Arrays(trainer)
    while True:
        event = next(trainer, None)
        yield event, _state(trainer, event, arrays.now())
        if not _goes_on(event):
            return


def _reference_at(reference: Any, steps: int, seed: int, index: int) -> Any:
    """A reference run paused at its yield number ``index`` (counting from 0)."""
    from core.trainer import Trainer

    trainer = Trainer(reference, steps=steps, seed=seed)
    for _ in range(index + 1):
        next(trainer, None)
    return trainer


def _crash_cause(message: str) -> str:
    if "leaf Variable that requires grad is being used in an in-place operation" in message:
        return pick(
            "; an in-place update of a weight is recorded in the graph: update it through `.data` or "
            "inside `with torch.no_grad():`",
            "；对权重的原地更新被记进了计算图：请通过 `.data` 或在 `with torch.no_grad():` 里更新",
        )
    return ""


def check_file(path: Path | str, steps: int = DEFAULT_STEPS, seed: int = 0) -> CheckResult:
    path = Path(path).expanduser()
    lesson, level = read_exercise(path)
    phases, done = 0, 0
    for item in compare(path, steps, seed):
        if item.difference is not None:
            where = pick(
                f"after {item.phase} at step {item.step} ({path.name}, line {item.line})",
                f"第 {item.step} 步 {item.phase} 之后（{path.name} 第 {item.line} 行）",
            )
            return CheckResult(
                str(path),
                lesson,
                level,
                False,
                phases,
                done,
                item.step,
                item.phase,
                item.line,
                f"{where}: {item.difference}",
            )
        if item.phase is not None:
            phases += 1
            done = item.step
    message = pick(
        f"all {phases} phases of {done} steps match the reference {lesson}",
        f"{done} 步共 {phases} 个阶段都与参考 {lesson} 一致",
    )
    return CheckResult(str(path), lesson, level, True, phases, done, message=message)
