"""``learn-tui compare LESSON --optimizer SGD,Adam --lr 0.01,0.1``: train variants of one lesson one after
another (same seed, same budget), then draw every loss curve on one chart and a table of the results.

Any lesson option and ``--lr`` may be a comma list; several lists give their product (at most
``MAX_VARIANTS``: ``core/front/compare_args.py`` makes them, for the app's compare view too). Each variant is
an ordinary headless run (``core.front.headless.start_trainer`` and
``train``): one that diverges or crashes is reported in its row and the others still run. ``--json``
prints one JSON object per variant (its results and its loss curve, at most ``CURVE_POINTS`` points)
and nothing else. Exit status: 0 all finished, 3 one diverged, 1 one failed, 130 ctrl+c (what ran is
printed first). Torch, plotext and rich are imported only when a comparison runs.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from core.base.device import resolve_device
from core.base.events import Diverged, Finished
from core.base.exits import EXIT_DIVERGED, EXIT_DONE, EXIT_FAILED, EXIT_INTERRUPTED
from core.base.i18n import pick
from core.base.parse import parse_count, parse_seed
from core.base.settings import RunSettings
from core.engine import catalog
from core.errors import LearnTuiError, LessonCrashed, UsageError
from core.front import headless
from core.front import progress as progress_display
from core.front.args import print_help
from core.front.compare_args import Variant, variants
from core.front.compare_report import chart, downsample, json_record, progress_line, status_word, table
from core.front.ctrl_c import StopAtStepBoundary

CURVE_POINTS = 200  # points per loss curve in the JSON and on the chart


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


class Quiet:
    """The progress output of a variant that shows none (not a terminal, or --json)."""

    def event(self, *_: Any) -> None:
        """Nothing to draw."""

    close = event


def run_variant(lesson: Any, variant: Variant, base: RunSettings, live: bool) -> Result:
    """One headless run of ``variant``, through ``core.front.headless``; its errors become its row. Its time
    counts from the loop's first ``yield`` (``prime``): the set-up and torch's one-off warm-up of the first
    forward (a second) are left out, so the first variant is not the slowest for nothing. A second
    ctrl+c (or one before the first step is done) ends it at once: status ``interrupted``."""

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
            result.message = pick(
                f"diverged in step {ended.step}: {ended.reason}", f"在第 {ended.step} 步发散：{ended.reason}"
            )
    except KeyboardInterrupt:
        result.message = pick("stopped at once", "已立即停止")
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


def run(command: Any) -> int:
    """``learn-tui compare``: check everything, run the variants, print the chart and the table (or JSON)."""
    import json

    args, rest = command.args, command.rest
    if args.help:
        return print_help(
            command, "compare", pick("each may be a comma list: --name A,B", "每个都可以是逗号分隔的列表：--name A,B")
        )
    if args.lesson is None:
        raise UsageError(
            pick(
                "name a lesson: learn-tui compare LESSON --optimizer SGD,Adam (see learn-tui list)",
                "请指定课程：learn-tui compare LESSON --optimizer SGD,Adam（见 learn-tui list）",
            )
        )
    steps = parse_count(args.steps, "--steps") if args.steps is not None else None
    epochs = parse_count(args.epochs, "--epochs") if args.epochs is not None else None
    base = RunSettings(seed=parse_seed(args.seed), device=args.device, steps=steps, epochs=epochs)
    lesson = catalog.load(args.lesson)
    todo = variants(lesson, list(rest), args.lr)
    resolve_device(args.device)  # a GPU the machine lacks is a bad argument, before any training
    live = not args.json and sys.stdout.isatty()
    if not args.json:
        count, unit = (steps, "steps") if steps else (epochs, "epochs") if epochs else (lesson.steps, "steps")
        if not count:
            count, unit = lesson.epochs, "epochs"
        budget = pick(f"{count} {unit}", f"{count} {'步' if unit == 'steps' else '轮'}")
        print(
            pick(
                f"comparing {len(todo)} variant{'s' * (len(todo) != 1)} of {lesson.id}, "
                f"{budget} each, seed {base.seed}",
                f"比较 {lesson.id} 的 {len(todo)} 个变体，每个 {budget}，种子 {base.seed}",
            ),
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
                print(f"learn-tui: {variant.label} {status_word(result.status)}: {result.message}", file=sys.stderr)
            if result.status == "interrupted":
                interrupted = True
                break
    except KeyboardInterrupt:  # between two variants
        interrupted = True
    if interrupted:
        print(
            pick(
                f"learn-tui: interrupted: {len(results)} of {len(todo)} variants ran",
                f"learn-tui：已中断：{len(todo)} 个变体中运行了 {len(results)} 个",
            ),
            file=sys.stderr,
        )
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
