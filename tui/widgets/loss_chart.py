"""The full loss chart (plotext): train loss, plus the lesson's evaluation curves, with a log-scale toggle.

Losses share the left axis; other evaluation metrics (accuracy, a fraction 0..1) use the right one. Each
series has its own marker and colour; the step axis is labelled with whole step numbers. Points come from
the core's bounded history, thinned to about two per column before plotting.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox
from textual_plotext import PlotextPlot

Points = Sequence[tuple[int, float]]
TRAIN_COLOR = (0, 130, 200)  # blue
# The evaluation series, in the lesson's order: a marker and a colour each, none like the train loss's.
EVAL_MARKERS = ("•", "x", "+", "*", "o", "#")
EVAL_COLORS = ((230, 25, 75), (245, 130, 48), (145, 30, 180), (60, 180, 75), (240, 50, 230), (0, 128, 128))
NICE_STEPS = (1, 2, 2.5, 5)  # tick spacings, times a power of ten (2.5 only from 25 on: ticks are whole steps)


def thin(points: Points, most: int, positive: bool = False) -> tuple[list[int], list[float]]:
    """Every k-th finite point (and the last), at most about ``most`` of them."""
    kept = [(x, y) for x, y in points if math.isfinite(y) and (y > 0 or not positive)]
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
    return {"label": name.replace("_", " "), "marker": EVAL_MARKERS[index % len(EVAL_MARKERS)],
            "color": EVAL_COLORS[index % len(EVAL_COLORS)], "yside": "left" if "loss" in name else "right"}


def fraction_limits(values: Sequence[float]) -> tuple[float, float] | None:
    """The right axis's range for metrics that are fractions (accuracy): around the values, with a margin,
    but never below 0 nor above 1; None when some value lies outside [0, 1] (plotext's own range then)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite or min(finite) < 0 or max(finite) > 1:
        return None
    low, high = min(finite), max(finite)
    margin = max(high - low, 0.05) * 0.1
    return max(0.0, low - margin), min(1.0, high + margin)


class LossPlot(PlotextPlot):
    """The plotext canvas; ``draw`` replaces its data. Building a plotext chart costs tens of milliseconds,
    so a repaint for any other reason (a relayout, a resize to the same size) reuses the last one."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._drawn: tuple | None = None  # (version, size, theme) of the cached chart
        self._version = 0
        self._cached = None
        self._steps: tuple[int, int] | None = None  # the first and last step plotted

    def render(self):
        key = (self._version, self.size, self.app.theme)
        if key != self._drawn:
            if self._steps:  # for the width the chart is built at (a hidden tab's plot has none when drawn)
                ticks = step_ticks(*self._steps, max(self.size.width // 10, 2))
                self.plt.xticks(ticks, [str(tick) for tick in ticks])
            self._cached, self._drawn = super().render(), key
        return self._cached

    def draw(self, losses: Points, evals: Mapping[str, Points], log: bool) -> None:
        self._version += 1
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        most = max(2 * self.size.width, 40)
        xs, ys = thin(losses, most, positive=log)
        steps, fractions = list(xs), []
        if xs:
            plt.plot(xs, ys, label="train loss", marker="braille", color=TRAIN_COLOR)
        for index, (name, points) in enumerate(evals.items()):
            style = series_style(index, name)
            ex, ey = thin(points, most, positive=log and style["yside"] == "left")
            if ex:
                steps += ex
                plt.plot(ex, ey, **style)
                if style["yside"] == "right":
                    fractions += ey
        limits = fraction_limits(fractions)
        if limits:  # (plotext pads its range: an accuracy of 0.98 would get an axis reaching 1.4)
            plt.ylim(*limits, yside="right")
        empty = not steps
        if log and not empty:  # (plotext fails to build an empty chart on a log scale)
            plt.yscale("log")
        self._steps = (min(steps), max(steps)) if steps else None
        plt.xlabel("step")
        plt.title("no loss yet: press n to take a step" if empty else ("loss (log scale)" if log else "loss"))
        self.refresh()


class LossChart(Vertical):
    """The plot and its log-scale checkbox (``g`` on the training screen toggles it too)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.log_scale = False
        self._data: tuple[Points, Mapping[str, Points]] = ((), {})

    def compose(self) -> ComposeResult:
        yield Checkbox("log scale (g)", self.log_scale, id="log-scale", compact=True)
        yield LossPlot(id="loss-plot")

    def show(self, losses: Points, evals: Mapping[str, Points]) -> None:
        self._data = (losses, evals)
        self.query_one(LossPlot).draw(losses, evals, self.log_scale)

    def toggle_log(self) -> None:
        self.query_one(Checkbox).value = not self.log_scale

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.log_scale = event.value
        self.show(*self._data)
