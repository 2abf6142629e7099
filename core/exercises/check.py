"""``learn-tui check``: run the learner's exercise file beside its reference lesson, on the same seed, data and
options, and compare them at every ``yield``: the phase, the loss, every watched value and gradient.

``compare(path)`` streams one ``Comparison`` per yield (the app can show each); ``check_file(path)`` runs it
to the first difference or the end of the budget. Each phase of the learner's file has a time limit
(``PHASE_SECONDS``, or ``SLOWER`` times the reference's time for it if longer; ``time_limit``): a file that
never reaches its next yield is stopped with ``TimedOut``, naming the line it was stuck at. The two runs share
the process's random generators, so each side's generator state is put back before it runs and taken after
(``core.base.rng``): the learner's shuffle and dropout are the reference's.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.base import rng
from core.base.events import Progress
from core.base.i18n import pick
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import LessonCrashed
from core.exercises import record, time_limit, unversioned
from core.exercises.diagnose import State, first_difference
from core.exercises.files import read_exercise

DEFAULT_STEPS = 3
PHASE_SECONDS = 30.0  # the least time one phase of the learner's file gets (learn-tui check --timeout)
SLOWER = 20  # ... or this many times the reference's time for the same phase, when that is longer


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

    import torch

    return random, np.random, torch


def _capture() -> tuple:
    """Every generator's state, raw (cheaper per yield than ``core.base.rng.capture``, which is for checkpoints)."""
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


def compare(
    path: Path, steps: int = DEFAULT_STEPS, seed: int = 0, reference_id: str = "", timeout: float | None = None
) -> Iterator[Comparison]:
    """One ``Comparison`` per yield of the learner's file, until the budget ends or they differ (``reference_id``:
    the lesson ``read_exercise`` found, when the caller read it already; ``timeout``: ``PHASE_SECONDS``'s
    stand-in). Raises ``time_limit.TimedOut`` when a phase of the learner's file runs past its limit."""

    base = PHASE_SECONDS if timeout is None else timeout
    reference = catalog.load(reference_id or read_exercise(path)[0])
    with time_limit.Watch(str(path.resolve()), base) as watch:
        mine = _timed(watch, base, path, functools.partial(catalog.load_file, path), LOADING)
        with rng.LOCK:  # a live run in the app waits, and finds the generators as it left them
            outer = _capture()
            try:
                code = getattr(reference.train, "__code__", None)  # the lesson's file, to scan as the learner's
                versions = code is not None and unversioned.versions_tell(Path(code.co_filename))
                yield from _compare(reference, mine, steps, seed, versions, unversioned.versions_tell(path), watch)
            finally:
                _next_state(outer)


LOADING = object()  # (``_timed``'s ``after`` while the learner's file is imported)


def _timed(watch: time_limit.Watch, seconds: float, path: Path, fn: Callable[[], Any], after: Any) -> Any:
    """``fn()`` (the learner's code) within ``seconds``; else ``TimedOut`` saying what the file has not done
    after ``after``: its last yield's event (None: before the first), or ``LOADING``."""
    try:
        return watch.call(seconds, fn)
    except time_limit.Expired as exc:
        what = pick("has not finished loading", "没有加载完") if after is LOADING else _heading_for(after)
        raise time_limit.timed_out(seconds, what, path, time_limit.stuck_line(exc, watch.filename)) from None


def _heading_for(event: Any) -> str:
    """What the learner's file has not reached yet, after ``event`` (its last yield; None: before the first)."""
    phase, step, line, _ = record.where(event) if event is not None else (None, 0, 0, None)
    if phase is None:
        return pick("has not reached its first yield", "没有到达第一个 yield")
    return pick(
        f"has not reached its next yield after line {line} ({phase} at step {step})",
        f"在第 {line} 行（第 {step} 步 {phase}）之后没有到达下一个 yield",
    )


def _compare(
    reference: Any, mine: Any, steps: int, seed: int, ref_versions: bool, versions: bool, watch: time_limit.Watch
) -> Iterator[Comparison]:
    """The reference runs first and its values at every yield are recorded, with the time each phase took; then
    the learner's file runs and is compared with them yield by yield, in place (``record``), each phase within
    ``SLOWER`` times the reference's time or ``watch``'s least limit. One after the other, each run draws the
    same random numbers it would alone."""
    expected, took, start = [], [], time.perf_counter()
    for ref_record in record.records(Trainer(reference, steps=steps, seed=seed), ref_versions):
        expected.append(ref_record)
        took.append(time.perf_counter() - start)
        start = time.perf_counter()
    ours = Trainer(mine, steps=steps, seed=seed)
    watched = record.Watched(ours)
    path, my_event, pull = Path(watch.filename), None, functools.partial(next, ours, None)
    limits = [max(watch.idle, SLOWER * seconds) for seconds in took]
    for index, ref in enumerate(expected):
        try:
            my_event = _timed(watch, limits[index], path, pull, my_event)
        except LessonCrashed as exc:
            raise LessonCrashed(exc.message + _crash_cause(exc.message), exc.details) from None
        at = record.where(my_event)
        phase, step, line, _ = at
        difference: str | None = None
        shown: tuple[State | None, State | None] = (None, None)
        if not record.matches(ours, at, watched, ref, versions):
            my_state, ref_state = record.live_state(ours, my_event, watched.now()), ref.state()
            # they matched at the yield before, so the reference's values there are the learner's too
            before = expected[index - 1].state() if index > 0 else None
            difference = first_difference(my_state, ref_state, before)
            if difference is not None:  # look at both loops' tensors there (the reference is run again to it)
                _add_locals(my_state, ours)
                _add_locals(ref_state, _reference_at(reference, steps, seed, index))
                difference = first_difference(my_state, ref_state, before)
                shown = (my_state, ref_state)
        yield Comparison(step, phase, line, difference, *shown)
        if difference is not None or not _goes_on(ref.event) or not _goes_on(my_event):
            return


def _goes_on(event: Any) -> bool:
    return isinstance(event, Progress)


def _reference_at(reference: Any, steps: int, seed: int, index: int) -> Any:
    """A reference run paused at its yield number ``index`` (counting from 0)."""
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


def check_file(
    path: Path | str, steps: int = DEFAULT_STEPS, seed: int = 0, timeout: float | None = None
) -> CheckResult:
    path = Path(path).expanduser()
    lesson, level = read_exercise(path)
    phases, done = 0, 0
    try:
        for item in compare(path, steps, seed, lesson, timeout):
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
    except time_limit.TimedOut as exc:
        where = f"{path.name}, line {exc.stuck}: " if exc.stuck is not None else ""
        longer = pick(
            "; if it is only slow, give it longer: --timeout SECONDS", "；如果只是慢，可以放宽：--timeout 秒数"
        )
        return CheckResult(
            str(path), lesson, level, False, phases, done, line=exc.stuck, message=where + exc.message + longer
        )
    message = pick(
        f"all {phases} phases of {done} steps match the reference {lesson}",
        f"{done} 步共 {phases} 个阶段都与参考 {lesson} 一致",
    )
    return CheckResult(str(path), lesson, level, True, phases, done, message=message)
