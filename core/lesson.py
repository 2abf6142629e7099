"""What a lesson is: metadata, hyper-parameters, options, and a training loop written as a generator.

A lesson module defines ``LESSON = Lesson(...)``. Its ``id``, ``title`` and ``lecture`` must be
literals and its notes the module docstring, so the lesson picker can list lessons without importing
them (and torch): see ``core.catalog``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence

from core.errors import UsageError


@dataclass(frozen=True)
class Option:
    """A lesson-specific setting, given on the command line as ``--name VALUE``.

    ``live`` options can change while training runs (the trainer applies them between events);
    the others are fixed when a run starts (changing one resets the run). ``per_epoch`` marks a live
    option the loop reads once per epoch (a DataLoader's batch size): a checkpoint taken mid-epoch
    resumes that epoch with the value it started with, and the newer value from the next epoch.
    """

    name: str
    default: Any
    help: str
    choices: Sequence[Any] | None = None
    live: bool = False
    per_epoch: bool = False

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, value: Any) -> Any:
        """Turn a value (often a command-line string) into this option's type, or raise UsageError."""
        kind = type(self.default)
        if isinstance(value, str) and kind is not str and self.default is not None:
            text = value.strip()
            try:
                if kind is bool:
                    lowered = text.lower()
                    if lowered not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                        raise ValueError
                    value = lowered in ("1", "true", "yes", "on")
                elif kind is int:
                    value = int(text)
                elif kind is float:
                    value = float(text)
            except ValueError:
                raise UsageError(
                    f"{self.flag} expects {kind.__name__}, got {value!r}; e.g. {self.flag} {self.default}"
                ) from None
        if kind is float and isinstance(value, (int, float)) and not math.isfinite(value):
            raise UsageError(f"{self.flag} must be a finite number, got {value!r}")
        if self.choices is not None and value not in self.choices:
            names = ", ".join(str(c) for c in self.choices)
            raise UsageError(f"{self.flag} must be one of {names}; got {value!r}")
        return value


@dataclass(frozen=True)
class Control:
    """A lesson-specific key in the app: ``key`` runs ``Lesson.actions[action](run, argument)`` in the
    trainer's thread between events. With ``prompt``, the app first asks the learner for a line of text
    (the argument); otherwise the argument is None. The action returns plain data (or raises UsageError
    with a message for the learner); it may also change ``run.state``/``run.options`` that views read.
    """

    key: str
    description: str
    action: str
    prompt: str | None = None


@dataclass(frozen=True)
class Lesson:
    """One lesson. ``train(run)`` is the loop: ordinary PyTorch that yields at phase boundaries."""

    id: str
    title: str
    lecture: int | None  # the course lecture it follows (1-13); None for lessons beyond the course
    train: Callable[[Any], Iterator[Any]]
    notes: str = ""
    lr: float = 0.01
    epochs: int | None = None  # default budget; None = unbounded (then ``steps`` bounds it)
    steps: int | None = None
    options: tuple[Option, ...] = ()
    # Called in the trainer's thread when a run ends (and by snapshots) -> plain results for the summary.
    summarize: Callable[[Any], Mapping[str, Any]] | None = None
    # Extra plain-data views for the app (e.g. "digits", "samples"): name -> fn(run) -> plain data.
    views: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    # Actions the app can ask for between events: name -> fn(run, argument) -> plain data.
    actions: Mapping[str, Callable[[Any, Any], Any]] = field(default_factory=dict)
    # Keys the app binds for this lesson (shown in the key bar and the help screen).
    controls: tuple[Control, ...] = ()
    # Set when the loop computes its own learning rate from ``run.lr`` (e.g. warm-up + cosine decay);
    # otherwise the trainer writes ``run.lr`` into the optimizer's param groups. Such a loop reports the
    # rate it used with ``yield STEP, {"lr_now": lr}``: the app shows it beside ``run.lr``.
    schedules_lr: bool = False
    # Stop when the loss exceeds this multiple of max(first loss, 1); None turns the check off.
    divergence_factor: float | None = 1e4
    source_file: str = ""  # filled in by the catalog loader

    def option(self, name: str) -> Option:
        for opt in self.options:
            if opt.name == name:
                return opt
        known = ", ".join(o.flag for o in self.options) or "none"
        raise UsageError(f"lesson {self.id} has no option --{name.replace('_', '-')}; its options: {known}")

    def config(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The option values for a run: defaults, then ``overrides`` parsed and checked."""
        values = {opt.name: opt.default for opt in self.options}
        for name, value in (overrides or {}).items():
            values[name] = self.option(name).parse(value)
        return values


def parse_lr(value: Any) -> float:
    """A learning rate from text or a number, or UsageError saying what a valid one looks like."""
    text = str(value).strip()
    if not text:
        raise UsageError("type a learning rate, e.g. 0.01")
    try:
        lr = float(text)
    except ValueError:
        raise UsageError(f"learning rate must be a number like 0.01, got {text!r}") from None
    if not math.isfinite(lr):
        raise UsageError(f"learning rate must be finite, got {text!r}; try 0.01")
    if lr <= 0:
        raise UsageError(f"learning rate must be greater than 0, got {text!r}; try 0.01")
    return lr


def parse_count(value: Any, what: str) -> int:
    """A positive whole number (steps, epochs, batch size) or UsageError."""
    try:
        count = int(str(value).strip())
    except ValueError:
        raise UsageError(f"{what} must be a whole number like 100, got {value!r}") from None
    if count <= 0:
        raise UsageError(f"{what} must be at least 1, got {count}")
    return count
