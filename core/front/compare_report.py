"""What ``learn-tui compare`` prints: one chart with every variant's loss curve, a table of the results,
a progress line per variant, or (``--json``) one JSON object per variant. Plotext and rich are imported
only when a comparison prints."""

from __future__ import annotations

import math
import shutil
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from core.base.i18n import pick
from core.front.report import format_value, json_safe

if TYPE_CHECKING:
    from core.front.compare import Result

Points = Sequence[tuple[int, float]]
MARKERS = "123456789abcdefghijklmnopqrstuvw"  # one per variant: the chart's line and the table's row
COLORS = ("red", "green", "blue", "magenta", "cyan", "yellow", "orange", "gray")
LOG_SPAN = 100.0  # losses spanning more than two decades are drawn on a log scale
COINCIDE = 0.02  # curves closer than this part of the value axis (half a row of a 20-row chart) hide each other


def downsample(points: list[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
    """At most ``limit`` points, evenly spread, the first and the last kept."""
    if len(points) <= limit:
        return list(points)
    last = len(points) - 1
    return [points[round(i * last / (limit - 1))] for i in range(limit)]


def chart(title: str, results: list[Result], width: int, height: int, color: bool) -> str:
    """Every variant's loss against the step, marked with its marker; log scale when the losses span
    more than two decades (then only positive losses are drawn). The legend goes under the chart (plotext's
    own sits on the curves), with a line for each curve drawn over another (``coinciding``)."""
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
    scale = pick(" (log scale)", "（对数刻度）") if log else ""
    plt.title(pick(f"{title}: loss per step{scale}", f"{title}：每步的损失{scale}"))
    plt.xlabel(pick("step", "步"))
    text = plt.build()
    text = text if color else plt.uncolorize(text)
    legend = "   ".join(f"{MARKERS[i]} {r.variant.label}" for i, r in enumerate(results))
    said = coinciding([(r.variant.label, curve) for r, curve in zip(results, finite)], log)
    return "\n".join([text, legend, *said])


def coinciding(curves: Sequence[tuple[str, Points]], log: bool) -> list[str]:
    """ "ASGD coincides with SGD (max difference 2.7e-05)" for each curve that lies on an earlier one: at every
    step both have, closer than ``COINCIDE`` of the value axis (log or linear, as drawn), so the chart shows
    one of them only. The difference said is the largest between their losses."""

    def scaled(value: float) -> float:
        return math.log10(value) if log else value

    drawn = [{s: v for s, v in points if math.isfinite(v) and (v > 0 or not log)} for _, points in curves]
    values = [scaled(v) for curve in drawn for v in curve.values()]
    span = max(values) - min(values) if values else 0.0
    said: list[str] = []
    for later in range(1, len(curves)):
        for earlier in range(later):
            shared = sorted(drawn[later].keys() & drawn[earlier].keys())
            if len(shared) < 2:
                continue
            a, b = drawn[later], drawn[earlier]
            apart = max(abs(scaled(a[s]) - scaled(b[s])) for s in shared)
            if apart <= COINCIDE * span:
                difference = max(abs(a[s] - b[s]) for s in shared)
                said.append(
                    pick(
                        f"{curves[later][0]} coincides with {curves[earlier][0]} (max difference {difference:.2g})",
                        f"{curves[later][0]} 与 {curves[earlier][0]} 的曲线重合（最大差 {difference:.2g}）",
                    )
                )
                break
    return said


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

    terminal = out.isatty()
    metrics = metric_names(results)
    grid = Table(box=box.SIMPLE_HEAD, header_style="bold" if terminal else "", pad_edge=False, show_edge=False)
    headings = {
        "variant": pick("variant", "变体"),
        "status": pick("status", "状态"),
        "final loss": pick("final loss", "最终损失"),
    }
    headings |= {"steps": pick("steps", "步数"), "time": pick("time", "用时")}
    for name in ["#", "variant", "status", "final loss", *metrics, "steps", "time"]:
        grid.add_column(headings.get(name, name), justify="left" if name in ("variant", "status") else "right")
    for index, r in enumerate(results):
        cells = [r.summary.get(name) for name in ["loss", *metrics]]
        shown = ["-" if value is None else format_value(value) for value in cells]
        seconds = pick(f"{r.seconds:.2f} s", f"{r.seconds:.2f} 秒")
        grid.add_row(MARKERS[index], r.variant.label, status_word(r.status), *shown, str(r.steps), seconds)
    width = shutil.get_terminal_size().columns if terminal else 200
    Console(file=out, width=width, color_system="auto" if terminal else None, highlight=False).print(grid)


def json_record(lesson: Any, result: Result) -> dict[str, Any]:
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
    loss = result.summary.get("loss")
    said = result.message or pick(
        f"{result.status} after {result.steps} steps", f"{result.steps} 步后{status_word(result.status)}"
    )
    tail = pick(f", loss {format_value(loss)}", f"，损失 {format_value(loss)}") if loss is not None else ""
    return pick(
        f"[{index}/{total}] {result.variant.label}: {said} in {result.seconds:.2f} s{tail}",
        f"[{index}/{total}] {result.variant.label}：{said}（{result.seconds:.2f} 秒）{tail}",
    )


STATUS_WORDS = {"finished": "完成", "diverged": "发散", "crashed": "崩溃", "failed": "失败", "interrupted": "中断"}
STATUS_WORDS |= {"stopped": "停下"}


def status_word(status: str) -> str:
    """A variant's status (``finished``, ``diverged``, ...) in the chosen language; JSON keeps the English."""
    return pick(status, STATUS_WORDS.get(status, status))
