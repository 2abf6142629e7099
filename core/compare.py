"""``learn-tui compare LESSON --optimizer SGD,Adam --lr 0.01,0.1``: train variants of one lesson one after
another (same seed, same budget), then draw every loss curve on one chart and a table of the results.

Any lesson option and ``--lr`` may be a comma list; several lists give their product (at most
``MAX_VARIANTS``). Each variant is an ordinary headless run (``core.headless.start_trainer`` and
``train``): one that diverges or crashes is reported in its row and the others still run. ``--json``
prints one JSON object per variant (its results and its loss curve, at most ``CURVE_POINTS`` points)
and nothing else. Exit status: 0 all finished, 3 one diverged, 1 one failed, 130 ctrl+c (what ran is
printed first). Torch, plotext and rich are imported only when a comparison runs.
"""

from __future__ import annotations

import argparse
import itertools
import math
import shutil
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from core.errors import LearnTuiError, LessonCrashed, UsageError
from core.settings import RunSettings

MAX_VARIANTS = 32
CURVE_POINTS = 200  # points per loss curve in the JSON and on the chart
MARKERS = "123456789abcdefghijklmnopqrstuvw"  # one per variant: the chart's line and the table's row
COLORS = ("red", "green", "blue", "magenta", "cyan", "yellow", "orange", "gray")
LOG_SPAN = 100.0  # losses spanning more than two decades are drawn on a log scale


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", nargs="?", help="a lesson id (see learn-tui list) or a path to a lesson .py file")
    parser.add_argument("-h", "--help", action="store_true", help="show this help and the lesson's own options")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--steps", help="each variant stops after this many steps")
    budget.add_argument("--epochs", help="each variant stops after this many epochs")
    parser.add_argument("--lr", help="learning rates, e.g. 0.01 or 0.01,0.1 (default: the lesson's)")
    parser.add_argument("--seed", default="0", help="the random seed of every variant (default 0)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda", "auto"), help="where to train")
    parser.add_argument("--json", action="store_true", help="one JSON object per variant, with its loss curve")


@dataclass(frozen=True)
class Variant:
    label: str  # what differs from the other variants: "Adam", "lr=0.1", "hidden=8 lr=0.1"
    options: dict[str, Any]  # the lesson options given (every variant's own value of a list)
    lr: float | None  # None: the lesson's own


@dataclass
class Result:
    variant: Variant
    status: str  # finished, diverged, crashed, failed or interrupted
    lr: float | None = None
    steps: int = 0
    epochs: int = 0
    seconds: float = 0.0
    summary: dict[str, Any] = field(default_factory=dict)  # loss first, then the lesson's results
    curve: list[tuple[int, float]] = field(default_factory=list)
    message: str = ""


def comma_list(text: str, parse: Any) -> list[Any]:
    """``"SGD,adam"`` -> ``["SGD", "Adam"]``: each value parsed (a bad one is a UsageError), repeats dropped."""
    values = [parse(item) for item in str(text).split(",")]
    return list(dict.fromkeys(values))


def variants(lesson: Any, rest: list[str], lr: str | None) -> list[Variant]:
    """Every combination of the comma lists given (lesson options in the lesson's order, then --lr)."""
    from core.cli import lesson_option_text
    from core.lesson import parse_lr

    lesson.check_lr_given(lr)
    given = lesson_option_text(lesson, rest)
    lists = [(o.name, comma_list(given[o.name], o.parse)) for o in lesson.options if o.name in given]
    lists.append(("lr", comma_list(lr, parse_lr) if lr is not None else [None]))
    count = math.prod(len(choices) for _, choices in lists)
    if count > MAX_VARIANTS:
        sizes = " × ".join(f"{len(c)} {name}" for name, c in lists if len(c) > 1)
        raise UsageError(f"{sizes} make {count} variants, more than {MAX_VARIANTS}: shorten a list")
    varying = {name for name, choices in lists if len(choices) > 1}
    result = []
    for combination in itertools.product(*(choices for _, choices in lists)):
        chosen = dict(zip((name for name, _ in lists), combination))
        rate = chosen.pop("lr")
        parts = [label_part(lesson, name, chosen[name]) for name in chosen if name in varying]
        parts += [f"lr={rate:g}"] if "lr" in varying else []
        result.append(Variant(" ".join(parts) or lesson.id, chosen, rate))
    return result


def label_part(lesson: Any, name: str, value: Any) -> str:
    """A choice names itself ("Adam"); any other value says whose it is ("hidden=8")."""
    return str(value) if lesson.option(name).choices and isinstance(value, str) else f"{name}={value}"


class Quiet:
    """The progress output of a variant that shows none (not a terminal, or --json)."""

    def event(self, *_: Any) -> None:
        """Nothing to draw."""

    close = event


def run_variant(lesson: Any, variant: Variant, base: RunSettings, live: bool) -> Result:
    """One headless run of ``variant``, through ``core.headless``; its errors become its row. Its time
    counts from the loop's first ``yield`` (``prime``): the set-up and torch's one-off warm-up of the first
    forward (a second) are left out, so the first variant is not the slowest for nothing. A second
    ctrl+c (or one before the first step is done) ends it at once: status ``interrupted``."""
    from core import headless, progress_display
    from core.ctrl_c import StopAtStepBoundary
    from core.events import Diverged, Finished

    settings = RunSettings.of(base, options=variant.options, lr=variant.lr)
    started, trainer, ctrl_c = time.perf_counter(), None, StopAtStepBoundary()
    output: Any = Quiet()
    result = Result(variant, "interrupted")
    try:
        trainer = headless.start_trainer(lesson, settings)
        trainer.prime()
        started = time.perf_counter()
        if live:
            output = progress_display.ProgressDisplay(sys.stdout, trainer)
        with ctrl_c:
            ended = headless.train(trainer, output, ctrl_c)
        result.status = headless.ended_status(ended)
        result.summary = dict(ended.summary) if isinstance(ended, Finished) else results_so_far(trainer)
        if isinstance(ended, Diverged):
            result.message = f"diverged in step {ended.step}: {ended.reason}"
    except KeyboardInterrupt:
        result.message = "stopped at once"
    except LearnTuiError as exc:
        result.status = "crashed" if isinstance(exc, LessonCrashed) else "failed"
        result.message = exc.message
        if exc.details:
            print(exc.details.rstrip(), file=sys.stderr)
    finally:
        output.close()
    result.seconds = time.perf_counter() - started
    if trainer is not None:
        result.lr, result.steps, result.epochs = trainer.lr, trainer.step, max(trainer.run.epoch, 1)
        result.summary = result.summary or {"loss": trainer.loss}
        result.curve = downsample(trainer.history.points(), CURVE_POINTS)
    return result


def results_so_far(trainer: Any) -> dict[str, Any]:
    """A diverged or stopped run's summary; its loss alone when the lesson's ``summarize`` fails on it."""
    try:
        return trainer.summary()
    except LearnTuiError:
        return {"loss": trainer.loss}


def downsample(points: list[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
    """At most ``limit`` points, evenly spread, the first and the last kept."""
    if len(points) <= limit:
        return list(points)
    last = len(points) - 1
    return [points[round(i * last / (limit - 1))] for i in range(limit)]


def chart(title: str, results: list[Result], width: int, height: int, color: bool) -> str:
    """Every variant's loss against the step, marked with its marker; log scale when the losses span
    more than two decades (then only positive losses are drawn)."""
    import plotext as plt

    finite = [[(s, v) for s, v in r.curve if math.isfinite(v)] for r in results]
    every = [v for curve in finite for _, v in curve]
    positive = [v for v in every if v > 0]
    log = bool(positive) and max(positive) / min(positive) > LOG_SPAN
    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    for index, (result, curve) in enumerate(zip(results, finite)):
        shown = [(s, v) for s, v in curve if v > 0] if log else curve
        if shown:
            plt.plot(
                [s for s, _ in shown],
                [v for _, v in shown],
                label=result.variant.label,
                marker=MARKERS[index],
                color=COLORS[index % len(COLORS)] if color else "default",
            )
    if log:
        plt.yscale("log")
        low, high = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
        stride = max(1, math.ceil((high - low) / 6))
        ticks = [10.0**e for e in range(low, high + 1, stride)]
        plt.yticks(ticks, [f"{t:g}" for t in ticks])
    last = max((s for curve in finite for s, _ in curve), default=1)
    plt.xticks(range(1, last + 1) if last <= 10 else sorted({1 + round(i * (last - 1) / 4) for i in range(5)}))
    plt.title(f"{title}: loss per step{' (log scale)' if log else ''}")
    plt.xlabel("step")
    text = plt.build()
    return text if color else plt.uncolorize(text)


def metric_names(results: list[Result]) -> list[str]:
    """The results the table shows beside the loss: numbers, words and short lists (not a GPT's text)."""
    names: dict[str, None] = {}
    for result in results:
        for name, value in result.summary.items():
            short = (
                not isinstance(value, (dict, list, str))
                or (isinstance(value, list) and len(value) <= 4)
                or (isinstance(value, str) and "\n" not in value and len(value) <= 20)
            )
            if name != "loss" and short:
                names[name] = None
    return list(names)[:6]


def table(results: list[Result], out: TextIO) -> None:
    """The results, one row per variant; plain (no colour, no cursor codes) when ``out`` is not a terminal."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from core.headless import format_value

    terminal = out.isatty()
    metrics = metric_names(results)
    grid = Table(box=box.SIMPLE_HEAD, header_style="bold" if terminal else "", pad_edge=False, show_edge=False)
    for name in ["#", "variant", "status", "final loss", *metrics, "steps", "time"]:
        grid.add_column(name, justify="left" if name in ("variant", "status") else "right")
    for index, r in enumerate(results):
        cells = [r.summary.get(name) for name in ["loss", *metrics]]
        shown = ["-" if value is None else format_value(value) for value in cells]
        grid.add_row(MARKERS[index], r.variant.label, r.status, *shown, str(r.steps), f"{r.seconds:.2f} s")
    width = shutil.get_terminal_size().columns if terminal else 200
    Console(file=out, width=width, color_system="auto" if terminal else None, highlight=False).print(grid)


def json_record(lesson: Any, result: Result) -> dict[str, Any]:
    from core.headless import json_safe

    record = {
        "event": "variant",
        "lesson": lesson.id,
        "variant": result.variant.label,
        "options": lesson.config(result.variant.options),
        "lr": result.lr,
        "status": result.status,
        "steps": result.steps,
        "epochs": result.epochs,
        "seconds": round(result.seconds, 3),
        **result.summary,
        "curve": [[step, loss] for step, loss in result.curve],
    }
    if result.message:
        record["message"] = result.message
    return json_safe(record)


def progress_line(index: int, total: int, result: Result) -> str:
    """``[2/8] Adam: finished after 100 steps in 0.05 s, loss 0.0012``."""
    from core.headless import format_value

    loss = result.summary.get("loss")
    said = result.message or f"{result.status} after {result.steps} steps"
    tail = f", loss {format_value(loss)}" if loss is not None else ""
    return f"[{index}/{total}] {result.variant.label}: {said} in {result.seconds:.2f} s{tail}"


def run(command: Any) -> int:
    """``learn-tui compare``: check everything, run the variants, print the chart and the table (or JSON)."""
    import json

    from core import catalog
    from core.cli import EXIT_DIVERGED, EXIT_DONE, EXIT_FAILED, EXIT_INTERRUPTED, print_help
    from core.device import resolve_device
    from core.lesson import parse_count
    from core.sample_cli import parse_seed

    args, rest = command.args, command.rest
    if args.help:
        return print_help(command, "compare", "each may be a comma list: --name A,B")
    if args.lesson is None:
        raise UsageError("name a lesson: learn-tui compare LESSON --optimizer SGD,Adam (see learn-tui list)")
    steps = parse_count(args.steps, "--steps") if args.steps is not None else None
    epochs = parse_count(args.epochs, "--epochs") if args.epochs is not None else None
    base = RunSettings(seed=parse_seed(args.seed), device=args.device, steps=steps, epochs=epochs)
    lesson = catalog.load(args.lesson)
    todo = variants(lesson, list(rest), args.lr)
    resolve_device(args.device)  # a GPU the machine lacks is a bad argument, before any training
    live = not args.json and sys.stdout.isatty()
    if not args.json:
        budget = (
            f"{steps} steps"
            if steps
            else f"{epochs} epochs"
            if epochs
            else f"{lesson.steps} steps"
            if lesson.steps
            else f"{lesson.epochs} epochs"
        )
        print(
            f"comparing {len(todo)} variant{'s' * (len(todo) != 1)} of {lesson.id}, {budget} each, seed {base.seed}",
            flush=True,
        )
    results: list[Result] = []
    interrupted = False
    try:
        for index, variant in enumerate(todo, 1):
            result = run_variant(lesson, variant, base, live)
            results.append(result)
            if args.json:
                print(json.dumps(json_record(lesson, result)), flush=True)
            else:
                print(progress_line(index, len(todo), result), flush=True)
            if result.status in ("crashed", "failed") and args.json:
                print(f"learn-tui: {variant.label} {result.status}: {result.message}", file=sys.stderr)
            if result.status == "interrupted":
                interrupted = True
                break
    except KeyboardInterrupt:  # between two variants
        interrupted = True
    if interrupted:
        print(f"learn-tui: interrupted: {len(results)} of {len(todo)} variants ran", file=sys.stderr)
    if not args.json and results:
        width = max(60, min(shutil.get_terminal_size().columns, 120))
        print()
        print(chart(lesson.id, results, width, 20, color=live))
        table(results, sys.stdout)
    statuses = {r.status for r in results}
    return (
        EXIT_INTERRUPTED
        if interrupted
        else EXIT_FAILED
        if statuses & {"crashed", "failed"}
        else EXIT_DIVERGED
        if "diverged" in statuses
        else EXIT_DONE
    )
