"""What a lesson is: metadata, hyper-parameters, options, and a training loop written as a generator.

A lesson module defines ``LESSON = Lesson(...)``. Its ``id``, ``title`` and ``lecture`` must be
literals and its notes the module docstring, so the lesson picker can list lessons without importing
them (and torch): see ``core.engine.catalog``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.base.i18n import pick
from core.base.views import check_name
from core.errors import UsageError


@dataclass(frozen=True)
class Option:
    """A lesson-specific setting, given on the command line as ``--name VALUE``.

    ``live`` options can change while training runs (the trainer applies them between events);
    the others are fixed when a run starts (changing one resets the run). ``per_epoch`` marks a live
    option the loop reads once per epoch (a DataLoader's batch size): a checkpoint taken mid-epoch
    resumes that epoch with the value it started with, and the newer value from the next epoch.
    ``min`` and ``max`` bound a number option (inclusive), so ``--hidden -3`` is refused before the
    lesson runs, in one line. ``check(value, run)`` tests a typed value further and raises ``UsageError``
    saying why it won't do (char-gpt's temperature above 0, its prompt in the characters of its text):
    ``run`` is the run whose option it is, or None before there is one (the command line, the app's form);
    a check that needs the run (the text it read) passes without one, and the lesson checks the value again
    once it has what the check needs (``run.check_option(name)``). ``parse`` is the one check of a value,
    wherever it comes from: the command line, the app's forms, a lesson's action, an attached app.
    """

    name: str
    default: Any
    help: str
    choices: Sequence[Any] | None = None
    live: bool = False
    per_epoch: bool = False
    min: float | None = None
    max: float | None = None
    check: Callable[[Any, Any], None] | None = None

    def __post_init__(self) -> None:
        if self.check is not None:
            self.check(self.default, None)
        if self.min is None and self.max is None:
            return
        if type(self.default) not in (int, float):
            raise UsageError(
                f"Option({self.name!r}): min= and max= bound numbers; its default is {type(self.default).__name__}"
            )
        self._check_range(self.default)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def describe_range(self) -> str:
        """``at least 1``, ``at most 10``, ``0 to 1``, or empty: for the options' help."""
        low, high = _number(self.min), _number(self.max)
        if self.min is not None and self.max is not None:
            return f"{low} to {high}"
        return f"at least {low}" if self.min is not None else f"at most {high}" if self.max is not None else ""

    def _check_range(self, value: Any) -> None:
        if self.min is not None and value < self.min:
            bound = pick(f"at least {_number(self.min)}", f"至少为 {_number(self.min)}")
        elif self.max is not None and value > self.max:
            bound = pick(f"at most {_number(self.max)}", f"最多为 {_number(self.max)}")
        else:
            return
        example = f"{self.flag} {self.default}"
        raise UsageError(
            pick(
                f"{self.flag} must be {bound}, got {_number(value)}; e.g. {example}",
                f"{self.flag} {bound}，收到 {_number(value)}；例如 {example}",
            )
        )

    def _typed(self, value: Any) -> Any:
        """``value`` as the default's type (an integral float for an int; text for a path), or UsageError."""
        kind = type(self.default)
        if kind is str and isinstance(value, os.PathLike):
            return os.fspath(value)
        if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if kind is int and isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
            return value
        expected = (
            pick("true or false", "true 或 false")
            if kind is bool
            else pick("a whole number", "整数")
            if kind is int
            else kind.__name__
        )
        example = f"{self.flag} {self.default}"
        raise UsageError(
            pick(
                f"{self.flag} expects {expected}, got {value!r}; e.g. {example}",
                f"{self.flag} 需要{expected}，收到 {value!r}；例如 {example}",
            )
        )

    def parse(self, value: Any, run: Any = None) -> Any:
        """Turn a value (often a command-line string) into this option's type, checked (its type, choices,
        range and ``check``, given ``run`` when there is one), or raise UsageError saying what to give."""
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
                example = f"{self.flag} {self.default}"
                raise UsageError(
                    pick(
                        f"{self.flag} expects {kind.__name__}, got {value!r}; e.g. {example}",
                        f"{self.flag} 需要 {kind.__name__}，收到 {value!r}；例如 {example}",
                    )
                ) from None
        if self.default is not None:
            value = self._typed(value)
        if kind is float and not math.isfinite(value):
            raise UsageError(
                pick(f"{self.flag} must be a finite number, got {value!r}", f"{self.flag} 必须是有限数，收到 {value!r}")
            )
        if self.choices is not None and value not in self.choices and isinstance(value, str):
            same = [c for c in self.choices if isinstance(c, str) and c.casefold() == value.strip().casefold()]
            value = same[0] if len(same) == 1 else value  # "adam" is "Adam"; an ambiguous name stays wrong
        if self.choices is not None and value not in self.choices:
            names = ", ".join(str(c) for c in self.choices)
            raise UsageError(
                pick(
                    f"{self.flag} must be one of {names}; got {value!r}",
                    f"{self.flag} 必须是 {names} 之一；收到 {value!r}",
                )
            )
        self._check_range(value)
        if self.check is not None:
            self.check(value, run)
        return value


@dataclass(frozen=True)
class Control:
    """A lesson-specific key in the app, of one of two kinds:

    - ``action``: the key runs ``Lesson.actions[action](run, argument)`` in the trainer's thread between
      events. With ``prompt``, the app first asks the learner for a line of text (the argument; the dialog
      stays open and shows the action's ``UsageError`` until the text is accepted); otherwise the argument is
      None. The action returns plain data (shown to the learner); it may change ``run.state``/``run.options``.
    - ``toggles``: the key turns a boolean option on and off (autograd's ``z`` for ``zero_grad``). A ``live``
      option changes where the loop next reads it; any other restarts the run with the new value.

    ``description`` is the key's word in the key bar; ``help`` its sentence in the help screen (the
    description when empty).
    """

    key: str
    description: str
    action: str = ""
    prompt: str | None = None
    toggles: str | None = None
    help: str = ""

    def __post_init__(self) -> None:
        if bool(self.action) == bool(self.toggles):
            raise UsageError(
                f"Control({self.key!r}) needs exactly one of action= (a name in "
                "Lesson.actions) or toggles= (a boolean option's name)"
            )
        if self.toggles and self.prompt is not None:
            raise UsageError(f"Control({self.key!r}) toggles {self.toggles}: a toggle asks nothing, drop prompt=")


@dataclass(frozen=True)
class PlainView:
    """A view of the lesson's own data, drawn as text (pretty-printed) rather than as one of the app's
    pictures: ``views={"line": PlainView(line_view)}``. Any other view must be one the app draws
    (``core.base.views.VIEWS``: "fit", "digits", ...), so a misspelt name is refused, not shown as text."""

    compute: Callable[[Any], Any]  # compute(run) -> plain data

    def __call__(self, run: Any) -> Any:
        return self.compute(run)


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
    # Called in the trainer's thread by Trainer.summary() (when a run ends) -> plain results for the summary.
    summarize: Callable[[Any], Mapping[str, Any]] | None = None
    # Tabs for the app: name -> fn(run) -> plain data. The name is a view the app draws ("digits", "fit"; its
    # data's type in core.base.views), or any name for a PlainView(fn) (its data shown as text).
    views: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    # Actions the app can ask for between events: name -> fn(run, argument) -> plain data.
    actions: Mapping[str, Callable[[Any, Any], Any]] = field(default_factory=dict)
    # Keys the app binds for this lesson (shown in the key bar and the help screen).
    controls: tuple[Control, ...] = ()
    # Set when the loop computes its own learning rate from ``run.lr`` (e.g. warm-up + cosine decay);
    # otherwise the trainer writes ``run.lr`` into the optimizer's param groups. Such a loop reports the
    # rate it used with ``yield STEP, {"lr_now": lr}``: the app shows it beside ``run.lr``.
    schedules_lr: bool = False
    # False for a loop that has no learning rate (linear-grid tries every candidate): the app shows no lr
    # and offers no lr keys, and ``--lr`` is refused. ``lr`` is then unused.
    uses_lr: bool = True
    # Stop when the loss exceeds this multiple of max(first loss, 1); None turns the check off.
    divergence_factor: float | None = 1e4
    source_file: str = ""  # filled in by the catalog loader

    def __post_init__(self) -> None:
        for name, compute in self.views.items():
            if not isinstance(compute, PlainView):
                check_name(name, f"lesson {self.id}")

    def option(self, name: str) -> Option:
        for opt in self.options:
            if opt.name == name:
                return opt
        known = ", ".join(o.flag for o in self.options) or "none"
        raise UsageError(f"lesson {self.id} has no option --{name.replace('_', '-')}; its options: {known}")

    def check_lr_given(self, lr: Any) -> None:
        """Refuse a learning rate given to a lesson that has none (``--lr`` for linear-grid), in one line."""
        if lr is not None and not self.uses_lr:
            raise UsageError(f"lesson {self.id} has no learning rate (its loop uses none); drop --lr")

    def config(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The option values for a run: defaults, then ``overrides`` parsed and checked."""
        values = {opt.name: opt.default for opt in self.options}
        for name, value in (overrides or {}).items():
            values[name] = self.option(name).parse(value)
        return values


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
