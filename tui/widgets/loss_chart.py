"""The full loss chart (plotext): train loss, plus the lesson's evaluation curves, with a log-scale toggle.

Losses share the left axis; other evaluation metrics (accuracy, a fraction 0..1) use the right one.
Points come from the core's bounded history, thinned to about two per column before plotting.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox
from textual_plotext import PlotextPlot

Points = Sequence[tuple[int, float]]


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


class LossPlot(PlotextPlot):
    """The plotext canvas; ``draw`` replaces its data. Building a plotext chart costs tens of milliseconds,
    so a repaint for any other reason (a relayout, a resize to the same size) reuses the last one."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._drawn: tuple | None = None  # (version, size, theme) of the cached chart
        self._version = 0
        self._cached = None

    def render(self):
        key = (self._version, self.size, self.app.theme)
        if key != self._drawn:
            self._cached, self._drawn = super().render(), key
        return self._cached

    def draw(self, losses: Points, evals: Mapping[str, Points], log: bool) -> None:
        self._version += 1
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        most = max(2 * self.size.width, 40)
        xs, ys = thin(losses, most, positive=log)
        empty = not xs
        if xs:
            plt.plot(xs, ys, label="train loss", marker="braille")
        for name, points in evals.items():
            is_loss = "loss" in name
            ex, ey = thin(points, most, positive=log and is_loss)
            if ex:
                empty = False
                plt.plot(ex, ey, label=name, marker="hd" if is_loss else "dot",
                         yside="left" if is_loss else "right")
        if log:
            plt.yscale("log")
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
