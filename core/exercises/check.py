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


def _state(trainer: Any, event: Any) -> State:
    from core.events import Progress
    from core.snapshot import named_arrays, to_numpy

    at = event if isinstance(event, Progress) else getattr(event, "at", None)
    if at is None or event is None or not isinstance(event, Progress):
        phase = None
    else:
        phase = at.phase.name if at.phase is not None else None
    params, grads = {}, {}
    reported = trainer.run.reported_grads
    for name, value in named_arrays(trainer.run.watched):
        params[name] = to_numpy(value).copy()
        grad = getattr(value, "grad", None) if hasattr(value, "requires_grad") else reported.get(name)
        grads[name] = None if grad is None else to_numpy(grad).copy()
    loss = at.loss if at is not None and phase == "LOSS" else None
    return State(phase, at.step if at else 0, at.line if at else 0, loss, params, grads)


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


def _next(trainer: Any, rng_state: tuple) -> tuple[Any, tuple]:
    _next_state(rng_state)
    event = next(trainer, None)
    return event, _capture()


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
    from core.events import Progress
    from core.trainer import Trainer

    theirs = Trainer(reference, steps=steps, seed=seed)
    rng_theirs = _capture()
    ours = Trainer(mine, steps=steps, seed=seed)
    rng_ours = _capture()
    before: State | None = None
    while True:
        ref_event, rng_theirs = _next(theirs, rng_theirs)
        try:
            my_event, rng_ours = _next(ours, rng_ours)
        except LessonCrashed as exc:
            raise LessonCrashed(exc.message + _crash_cause(exc.message), exc.details) from None
        ref_state, my_state = _state(theirs, ref_event), _state(ours, my_event)
        difference = first_difference(my_state, ref_state, before)
        if difference is not None:
            _add_locals(my_state, ours)
            _add_locals(ref_state, theirs)
            difference = first_difference(my_state, ref_state, before)
        shown = (my_state, ref_state) if difference is not None else (None, None)
        yield Comparison(my_state.step, my_state.phase, my_state.line, difference, *shown)
        if difference is not None or not isinstance(ref_event, Progress) or not isinstance(my_event, Progress):
            return
        before = my_state


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
