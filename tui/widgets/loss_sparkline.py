"""The recent-loss sparkline above the panes, drawn as strips.

Textual's ``Sparkline`` draws through a rich renderable: every repaint of the screen re-renders it, one
segment and one colour blend per bar, then splits the result into lines again. While a run trains, it
changed at every frame and cost more of the UI thread than anything but the chart. This one builds its rows
once per new data (or new size) and paints them from the cache: the same bars (``▁▂▃▄▅▆▇█`` stacked over
its height, a bar per value while they fit, the highest of each bucket when they do not), the same colours
(the ``sparkline--min-color`` to ``sparkline--max-color`` blend of Textual's widget, whose CSS it keeps).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.renderables._blend_colors import blend_colors
from textual.strip import Strip
from textual.widgets import Sparkline

from tui.widgets.safe_panel import SafePanel

BARS = "▁▂▃▄▅▆▇█"


def column_peaks(values: Sequence[float], width: int) -> list[float]:
    """One value per column: the highest of each of ``width`` slices of ``values`` when there are more of
    them, each value over its share of the columns when there are fewer (as Textual's sparkline spreads them)."""
    count = len(values)
    buckets = [values[count * i // width : count * (i + 1) // width] for i in range(width)]
    peaks = [max(bucket) for bucket in buckets if bucket]
    step, index, columns = len(peaks) / width, 0.0, []
    for _ in range(width):
        columns.append(peaks[int(index)])
        index += step
    return columns


def sparkline_rows(
    values: Sequence[float], width: int, height: int, low: Color, high: Color, base: Style | None = None
) -> list[Strip]:
    """``height`` rows, top first, of bars for ``values`` coloured from ``low`` (smallest) to ``high``, over
    ``base`` (the widget's own style: its background)."""
    base = base or Style()
    if not values or width < 1:
        return [Strip.blank(width, base)] * (height - 1) + [
            Strip([Segment(BARS[0] * width, base + Style(color=low))], width)
        ]
    if len(values) == 1:
        return [Strip([Segment(BARS[-1] * width, base + Style(color=high))], width)] * height
    smallest = min(values)
    extent = max(values) - smallest or 1
    eighths = len(BARS) * height - 1
    ratios = [(peak - smallest) / extent for peak in column_peaks(values, width)]
    styles = [base + Style(color=blend_colors(low, high, ratio)) for ratio in ratios]
    rows = []
    for row in reversed(range(height)):
        bottom = row * len(BARS)
        segments = []
        for ratio, style in zip(ratios, styles):
            level = int(ratio * eighths)
            if level < bottom:
                segments.append(Segment(" ", base))
            else:
                segments.append(Segment(BARS[min(level - bottom, len(BARS) - 1)], style))
        rows.append(Strip(segments, width))
    return rows


class LossSparkline(SafePanel, Sparkline):
    """Textual's sparkline (same CSS, same ``data``), painted from rows built once per change."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rows: list[Strip] = []
        self._drawn: tuple | None = None

    def watch_data(self) -> None:
        self._drawn = None

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        key = (width, height, self.app.theme)
        if key != self._drawn:
            _, base = self.background_colors
            low = base + self.get_component_styles("sparkline--min-color").color
            high = base + self.get_component_styles("sparkline--max-color").color
            self._rows = sparkline_rows(
                list(self.data or ()), width, height, low.rich_color, high.rich_color, self.rich_style
            )
            self._drawn = key
        return self._rows[y] if y < len(self._rows) else Strip.blank(width, self.rich_style)
