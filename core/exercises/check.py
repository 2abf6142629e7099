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
import os
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
from core.exercises import budget, learner, record, time_limit, unversioned
from core.exercises.diagnose import Finding, State, find
from core.exercises.files import read_exercise

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
    lit: int | None = None  # the line that made what differs, where the file tells (else the yield's)


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
    line: int | None = None  # the line to look at: the one that made the difference, or the yield's
    message: str = ""
    epochs: int = 0  # the epochs the comparison reached

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


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
    path: Path,
    steps: int | None = None,
    seed: int = 0,
    reference_id: str = "",
    timeout: float | None = None,
    coverage: budget.Coverage | None = None,
) -> Iterator[Comparison]:
    """One ``Comparison`` per yield of the learner's file, until ``steps`` steps (None: ``budget``'s default) or a
    difference (``reference_id``: the lesson ``read_exercise`` found, when the caller read it already;
    ``timeout``: ``PHASE_SECONDS``'s stand-in; ``coverage``: filled in with how much was compared). Raises
    ``time_limit.TimedOut`` when a phase of the learner's file runs past its limit, ``learner.TodoLeft`` when it
    stops on a name a TODO still has to set."""

    base = PHASE_SECONDS if timeout is None else timeout
    reference = _reference(reference_id or read_exercise(path)[0])
    coverage = coverage if coverage is not None else budget.Coverage()
    coverage.wanted, coverage.lesson = steps, reference
    with time_limit.Watch(str(path.resolve()), base) as watch:
        mine = _timed(watch, base, path, functools.partial(catalog.load_file, path), LOADING)
        with rng.LOCK:  # a live run in the app waits, and finds the generators as it left them
            outer = _capture()
            try:
                code = getattr(reference.train, "__code__", None)  # the lesson's file, to scan as the learner's
                versions = code is not None and unversioned.versions_tell(Path(code.co_filename))
                sides = Sides(reference, mine, seed, Path(code.co_filename) if code is not None else None)
                yield from _compare(sides, coverage, versions, unversioned.versions_tell(path), watch)
            finally:
                _next_state(outer)


@dataclass(frozen=True)
class Sides:
    """The two lessons of one check, their seed, and the reference lesson's file."""

    reference: Any
    mine: Any
    seed: int
    reference_file: Path | None

    def trainer(self, lesson: Any) -> Trainer:
        return Trainer(lesson, seed=self.seed, **budget.trainer_budget(self.reference))


def _reference(lesson_id: str) -> Any:
    """The built-in lesson an exercise names (``catalog.load``), found and loaded once per version of its file:
    finding it reads every lesson's header, which costs more than checking a small lesson's first steps."""
    path = _lesson_file(lesson_id)
    return _loaded(path, os.stat(path).st_mtime_ns)


@functools.cache
def _lesson_file(lesson_id: str) -> str:
    return catalog.find(lesson_id).path


@functools.lru_cache(maxsize=4)
def _loaded(path: str, _mtime_ns: int) -> Any:
    return catalog.load_file(Path(path), builtin=True)


def forget_lessons() -> None:
    """Find and load the reference lesson again at the next check, as a fresh ``learn-tui check`` process does
    (``benchmarks/check.py`` times it so, beside a plain run that finds its lesson too)."""
    _lesson_file.cache_clear()
    _loaded.cache_clear()


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
    sides: Sides, coverage: budget.Coverage, ref_versions: bool, versions: bool, watch: time_limit.Watch
) -> Iterator[Comparison]:
    """The reference runs first and its values at every yield are recorded, with the time each phase took, up to
    the budget (``coverage``); then the learner's file runs and is compared with them yield by yield, in place
    (``record``), each phase within ``SLOWER`` times the reference's time or ``watch``'s least limit. One after
    the other, each run draws the same random numbers it would alone."""
    expected, took, start = [], [], time.perf_counter()
    for ref_record in record.records(sides.trainer(sides.reference), ref_versions):
        if isinstance(ref_record.event, Progress) and not coverage.seen(ref_record.step, ref_record.event.epoch):
            break
        expected.append(ref_record)
        took.append(time.perf_counter() - start)
        start = time.perf_counter()
        coverage.whole = not isinstance(ref_record.event, Progress)
    ours = sides.trainer(sides.mine)
    watched = record.Watched(ours)
    path, my_event, pull = Path(watch.filename), None, functools.partial(next, ours, None)
    limits = [max(watch.idle, SLOWER * seconds) for seconds in took]
    for index, ref in enumerate(expected):
        try:
            my_event = _timed(watch, limits[index], path, pull, my_event)
        except LessonCrashed as exc:
            left = learner.unfinished(path, exc.__cause__)
            if left is not None:
                raise left from None
            raise LessonCrashed(exc.message + learner.crash_cause(exc.message), exc.details) from None
        at = record.where(my_event)
        phase, step, line, _ = at
        found: Finding | None = None
        shown: tuple[State | None, State | None] = (None, None)
        if not record.matches(ours, at, watched, ref, versions):
            my_state, ref_state = record.live_state(ours, my_event, watched.now()), ref.state()
            # they matched at the yield before, so the reference's values there are the learner's too
            before = expected[index - 1].state() if index > 0 else None
            if find(my_state, ref_state, before) is not None:  # look at both loops' tensors, and the file's order
                record.add_locals(my_state, ours)
                record.add_locals(ref_state, _reference_at(sides, index))
                found = find(my_state, ref_state, before, learner.step_before_backward(path))
                shown = (my_state, ref_state)
        if found is not None:
            text, lit = found.text, learner.lit_line(found.kind, found.name, path, sides.reference_file, line)
            if found.kind == "sign":
                text += learner.losses_after(functools.partial(watch.call, limits[index], pull), expected, index)
            yield Comparison(step, phase, line, text + learner.still_todo(path, line), *shown, lit=lit)
            return
        yield Comparison(step, phase, line, None)
        if not _goes_on(ref.event) or not _goes_on(my_event):
            return


def _goes_on(event: Any) -> bool:
    return isinstance(event, Progress)


def _reference_at(sides: Sides, index: int) -> Any:
    """A reference run paused at its yield number ``index`` (counting from 0)."""
    trainer = sides.trainer(sides.reference)
    for _ in range(index + 1):
        next(trainer, None)
    return trainer


def check_file(path: Path | str, steps: int | None = None, seed: int = 0, timeout: float | None = None) -> CheckResult:
    """The learner's file against its reference over ``steps`` steps (None: ``budget``'s default): passed, or
    where they first part and why."""
    path = Path(path).expanduser()
    lesson, level = read_exercise(path)
    phases, done, coverage = 0, 0, budget.Coverage()
    try:
        for item in compare(path, steps, seed, lesson, timeout, coverage):
            if item.difference is not None:
                where = pick(
                    f"after {item.phase} at step {item.step} ({path.name}, line {item.lit or item.line})",
                    f"第 {item.step} 步 {item.phase} 之后（{path.name} 第 {item.lit or item.line} 行）",
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
                    item.lit or item.line,
                    pick(f"{where}: {item.difference}", f"{where}：{item.difference}"),
                )
            if item.phase is not None:
                phases += 1
                done = item.step
    except learner.TodoLeft as exc:
        return CheckResult(str(path), lesson, level, False, phases, done, line=exc.line, message=exc.message)
    except time_limit.TimedOut as exc:
        where = (
            pick(f"{path.name}, line {exc.stuck}: ", f"{path.name} 第 {exc.stuck} 行：")
            if exc.stuck is not None
            else ""
        )
        longer = pick(
            "; if it is only slow, give it longer: --timeout SECONDS", "；如果只是慢，可以放宽：--timeout 秒数"
        )
        return CheckResult(
            str(path), lesson, level, False, phases, done, line=exc.stuck, message=where + exc.message + longer
        )
    message = budget.passed_message(coverage, phases)
    return CheckResult(str(path), lesson, level, True, phases, done, message=message, epochs=coverage.epoch)
