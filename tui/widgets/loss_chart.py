"""The full loss chart (plotext): train loss, plus the lesson's evaluation curves, with a log-scale toggle.

Losses share the left axis; other evaluation metrics (accuracy, a fraction 0..1) use the right one, and
with two axes each legend entry says which, "(left)" or "(right)". Each series has its own marker and
colour; the step axis is labelled with whole step numbers, the value axes with round ones
(``tui/chart_ticks.py``); a short chart leaves out its title and the word "step" to keep rows for data. Points come from
the core's bounded history, thinned to about two per column before plotting. Runs kept as references (``c`` on
the training screen) are drawn first, in faint colours, each labelled by what differed from the current run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from contextlib import contextmanager

import plotext._utility as plotext_utility
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.strip import Strip
from textual.widgets import Checkbox
from textual_plotext import PlotextPlot

from core.base.i18n import pick
from tui import chart_ticks
from tui.formatting import metric_words
from tui.widgets.plot_strips import cells, figure_strips
from tui.widgets.safe_panel import SafePanel

Points = Sequence[tuple[int, float]]
TRAIN_COLOR = (0, 130, 200)  # blue
# The evaluation series, in the lesson's order: a marker and a colour each, none like the train loss's.
EVAL_MARKERS = ("•", "x", "+", "*", "o", "#")
EVAL_COLORS = ((230, 25, 75), (245, 130, 48), (145, 30, 180), (60, 180, 75), (240, 50, 230), (0, 128, 128))
# Kept runs (at most five), faint: greys and muted tints, none as bright as the current run's blue.
REFERENCE_COLORS = ((150, 150, 150), (150, 120, 90), (100, 140, 150), (150, 110, 150), (120, 150, 100))
LIMIT = 1e30  # the largest value drawn as it is (a diverged loss can be far larger)
NICE_STEPS = (1, 2, 2.5, 5)  # tick spacings, times a power of ten (2.5 only from 25 on: ticks are whole steps)


def thin(points: Points, most: int, positive: bool = False) -> tuple[list[int], list[float]]:
    """Every k-th finite point (and the last), at most about ``most`` of them; values beyond ``LIMIT`` (and,
    with ``positive``, below 1 / ``LIMIT``) are drawn at that edge: plotext draws an empty chart around them."""
    low = 1 / LIMIT if positive else -LIMIT
    kept = [(x, min(max(y, low), LIMIT)) for x, y in points if math.isfinite(y) and (y > 0 or not positive)]
    if not kept:
        return [], []
    stride = max(1, math.ceil(len(kept) / max(most, 2)))
    chosen = kept[::stride]
    if chosen[-1] is not kept[-1]:
        chosen.append(kept[-1])
    return [x for x, _ in chosen], [y for _, y in chosen]


def step_ticks(first: int, last: int, most: int) -> list[int]:
    """Whole step numbers to label an axis from ``first`` to ``last``: multiples of 1, 2, 5, 10, 20, 25, 50,
    100, … (the smallest such spacing that gives at most ``most`` ticks)."""
    first, last = int(math.ceil(first)), int(math.floor(last))
    if last <= first:
        return [first]
    scale = 1
    while True:
        for nice in NICE_STEPS:
            spacing = nice * scale
            if spacing != int(spacing):
                continue
            spacing = int(spacing)
            if (last - first) // spacing + 1 <= max(most, 2):
                return list(range(-(-first // spacing) * spacing, last + 1, spacing))  # (from a multiple)
        scale *= 10


def series_style(index: int, name: str) -> dict:
    """How evaluation series ``index`` (named ``name``) is drawn: losses on the left axis, others on the right."""
    return {
        "label": metric_words(name),
        "marker": EVAL_MARKERS[index % len(EVAL_MARKERS)],
        "color": EVAL_COLORS[index % len(EVAL_COLORS)],
        "yside": "left" if "loss" in name else "right",
    }


def fraction_limits(values: Sequence[float]) -> tuple[float, float] | None:
    """The right axis's range for metrics that are fractions (accuracy): around the values, with a margin,
    but never below 0 nor above 1; None when some value lies outside [0, 1] (plotext's own range then)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite or min(finite) < 0 or max(finite) > 1:
        return None
    low, high = min(finite), max(finite)
    margin = max(high - low, 0.05) * 0.1
    return max(0.0, low - margin), min(1.0, high + margin)


class LossPlot(SafePanel, PlotextPlot):
    """The plotext canvas; ``draw`` sets its data. A chart is built (``tui/widgets/plot_strips.py``: plotext's
    matrix straight to strips) only when its data, size or theme changed; any other repaint (a relayout, a
    resize to the same size, the rest of the screen changing) reuses the strips.

    The figure is filled afresh before each build: plotext turns the stored values into their logarithms in
    place when it builds a log-scale chart, so a second build (after a resize or a theme change) took the log
    of the logs and crashed on a legend with no points left."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._drawn: tuple | None = None  # (version, size, theme) of the built strips
        self._version = 0
        self._strips: list[Strip] = []
        self._series: tuple[Points, Mapping[str, Points], bool] = ((), {}, False)
        self.references: Sequence[tuple[str, Points]] = ()  # (label, loss points) of each kept run

    def render_line(self, y: int) -> Strip:
        width, strips = self.size.width, self.strips()
        strip = strips[y] if y < len(strips) else Strip.blank(width)
        return strip.crop_extend(0, width, None) if strip.cell_length != width else strip

    def render(self) -> Text:
        """The chart as text (what ``render_line`` paints, line by line)."""
        return Text("\n").join(Text.assemble(*((s.text, s.style or "") for s in strip)) for strip in self.strips())

    def strips(self) -> list[Strip]:
        key = (self._version, self.size, self.app.theme)
        if key != self._drawn:
            self._fill(*self._series)
            width, height = self.size
            plt = self.plt
            plt.plotsize(width, height)
            plt._set_size(width, height)  # noqa: SLF001 (as PlotextPlot.render: plotsize alone may not resize)
            plt.theme(self._get_plotext_theme_name(self.app.theme))
            with plain_legend():
                self._strips, self._drawn = figure_strips(plt), key
        return self._strips

    def draw(self, losses: Points, evals: Mapping[str, Points], log: bool) -> None:
        self._series = (losses, evals, log)
        self._version += 1
        self.refresh()

    def draw_references(self, references: Sequence[tuple[str, Points]]) -> None:
        self.references = tuple(references)
        self._version += 1
        self.refresh()

    def _fill(self, losses: Points, evals: Mapping[str, Points], log: bool) -> None:
        """Give plotext the points for the current width (only positive ones on a log scale) and round
        ticks for each value axis (``tui/chart_ticks.py``)."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        most = max(2 * self.size.width, 40)
        xs, ys = thin(losses, most, positive=log)
        styles = [series_style(index, name) for index, name in enumerate(evals)]
        two_axes = any(style["yside"] == "right" for style in styles)
        steps, sides = list(xs), {"left": list(ys), "right": []}
        for index, (label, points) in enumerate(self.references):
            rx, ry = thin(points, most, positive=log)
            if rx:
                steps += rx
                sides["left"] += ry
                plt.plot(
                    rx,
                    ry,
                    label=cells(on_side(label, "left") if two_axes else label),
                    marker="braille",
                    color=REFERENCE_COLORS[index % len(REFERENCE_COLORS)],
                )
        if xs:
            train = pick("train loss", "训练损失")
            label = on_side(train, "left") if two_axes else train
            plt.plot(xs, ys, label=cells(label), marker="braille", color=TRAIN_COLOR)
        for style, points in zip(styles, evals.values()):
            ex, ey = thin(points, most, positive=log and style["yside"] == "left")
            if ex:
                steps += ex
                sides[style["yside"]] += ey
                plt.plot(
                    ex,
                    ey,
                    **(
                        style
                        | {"label": cells(on_side(style["label"], style["yside"]) if two_axes else style["label"])}
                    ),
                )
        empty = not steps
        compact = self.size.height < 14  # (a short chart keeps its rows for the data: no title, no "step")
        rows = max(self.size.height - (3 if compact else 5), 2)  # (the canvas: less box, ticks, labels)
        self._value_axis(sides["left"], "left", max(rows // 2 + 1, 2), log)
        self._value_axis(sides["right"], "right", max(rows // 2 + 1, 2), False)
        if log and not empty:  # (plotext fails to build an empty chart on a log scale)
            plt.yscale("log")
        if steps:  # whole step numbers, as many as the width holds
            ticks = step_ticks(min(steps), max(steps), max(self.size.width // 10, 2))
            plt.xticks(list(ticks), [str(tick) for tick in ticks])
        if not compact:
            plt.xlabel(cells(pick("step", "步")))
        if empty:
            plt.title(cells(pick("no loss yet: press n to take a step", "还没有损失：按 n 走一步")))
        elif not compact:
            plt.title(cells(pick("loss (log scale)", "损失（对数坐标）") if log else pick("loss", "损失")))

    def _value_axis(self, values: list[float], side: str, most: int, log: bool) -> None:
        """Round ticks on one value axis, its range from the lowest to the highest tick; a fraction
        (accuracy) keeps to 0..1."""
        limits = fraction_limits(values) if side == "right" else None
        if limits:  # (plotext pads its range: an accuracy of 0.98 would get an axis reaching 1.4)
            ticks = [t for t in chart_ticks.linear_ticks(*limits, most) if 0 <= t <= 1] or list(limits)
            labels = [chart_ticks.tick_label(t) for t in ticks]
        else:
            ticks, labels = chart_ticks.axis(values, most, log)
        if len(ticks) < 2:
            return
        bottom, top = (math.log10(ticks[0]), math.log10(ticks[-1])) if log else (ticks[0], ticks[-1])
        yside = 1 if side == "left" else 2  # (plotext's numbers for its two axes, as its stubs type them)
        self.plt.ylim(bottom, top, yside=yside)
        self.plt.yticks(ticks, labels, yside=yside)


@contextmanager
def plain_legend():
    """plotext marks each legend entry's axis with ``L`` or ``⅃``, which nobody reads; the labels say
    "(left)"/"(right)" instead, so the marks are blanked while a chart is built."""
    saved = dict(plotext_utility.side_symbols)
    plotext_utility.side_symbols.update({key: " " for key in saved})
    try:
        yield
    finally:
        plotext_utility.side_symbols.update(saved)


def log_label(on: bool) -> str:
    """The checkbox's label says its state in words: its box looks the same on and off in plain text."""
    return pick(f"log scale: {'on' if on else 'off'} (g)", f"对数坐标：{'开' if on else '关'} (g)")


def on_side(label: str, side: str) -> str:
    """A legend entry with its axis: ``test loss (left)``, ``测试损失（左）``."""
    return pick(f"{label} ({side})", f"{label}（{'左' if side == 'left' else '右'}）")


class LossChart(SafePanel, Vertical):
    """The plot and its log-scale checkbox (``g`` on the training screen toggles it too)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.log_scale = False
        self._data: tuple[Points, Mapping[str, Points]] = ((), {})

    def compose(self) -> ComposeResult:
        yield Checkbox(log_label(self.log_scale), self.log_scale, id="log-scale", compact=True)
        yield LossPlot(id="loss-plot")

    def show(self, losses: Points, evals: Mapping[str, Points]) -> None:
        self._data = (losses, evals)
        self.query_one(LossPlot).draw(losses, evals, self.log_scale)

    def show_references(self, references: Sequence[tuple[str, Points]]) -> None:
        """Kept runs' loss curves, each with its label, drawn faint behind the current run's."""
        self.query_one(LossPlot).draw_references(references)

    def toggle_log(self) -> None:
        self.query_one(Checkbox).value = not self.log_scale

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.log_scale = event.value
        event.checkbox.label = log_label(event.value)
        self.show(*self._data)
