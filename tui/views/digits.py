"""The digit viewer (view "digits"): a few images of the current batch drawn with half blocks, each
with its label against the model's prediction and the softmax probabilities as bars.

Each character cell shows two pixels: ``▀`` with the upper pixel's grey as foreground and the lower
one's as background, so a 28x28 digit takes 28 columns and 14 rows. The layout follows the tab's height so
that a digit is always whole: the probabilities below it where there is room (27 rows), else beside it
(14 rows), else the digit at half size (each cell the mean of 2×2 pixels: 7 rows). ``digit_rows`` and
``render_digits`` are pure functions of the view's plain data (also used by the misclassified gallery).
A line is a list of (text, style) parts; ``side_by_side`` joins panels of lines into one ``Text``
with one span per part, so a screen of digits costs a few milliseconds to build and draw.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from functools import lru_cache, partial
from typing import Any

from rich.cells import cell_len
from rich.color import Color
from rich.style import Style
from rich.text import Span, Text
from textual.widgets import Static

from core.base.i18n import pick
from core.base.view_data import DigitsData, ViewError
from tui.widgets.data_view import failed, unavailable
from tui.widgets.safe_panel import SafePanel

UPPER_HALF = "▀"
PANEL_WIDTH = 28  # columns of one digit (one per pixel)
GAP = 3  # columns between panels
BAR_WIDTH = 17
RIGHT, WRONG = Style(color="green", bold=True), Style(color="red", bold=True)

Part = tuple[str, Style | str | None]
Line = list[Part]


@lru_cache(maxsize=8192)
def pixel_pair_style(top: int, bottom: int) -> Style:
    """The style of one cell: the upper pixel's grey as foreground, the lower one's as background."""
    return Style(color=Color.from_rgb(top, top, top), bgcolor=Color.from_rgb(bottom, bottom, bottom))


def digit_rows(image: Sequence[Sequence[int]]) -> list[Line]:
    """An image (rows of grey levels 0..255) as half-block lines, two pixel rows per line; neighbouring
    cells of the same colours share one part (most of a digit is black)."""
    lines = []
    for row in range(0, len(image), 2):
        upper = image[row]
        lower = image[row + 1] if row + 1 < len(image) else [0] * len(upper)
        parts: Line = []
        style, count = None, 0
        for top, bottom in zip(upper, lower):
            cell = pixel_pair_style(int(top), int(bottom))
            if cell is not style and count:
                parts.append((UPPER_HALF * count, style))
                count = 0
            style, count = cell, count + 1
        if count:
            parts.append((UPPER_HALF * count, style))
        lines.append(parts)
    return lines


def verdict(label: int, prediction: int) -> Line:
    """'label 7 → predicted 7 ✓' in green, or the wrong prediction in red."""
    right = label == prediction
    return [
        (pick(f"label {label} → predicted ", f"标签 {label} → 预测 "), None),
        (f"{prediction} {'✓' if right else '✗'}", RIGHT if right else WRONG),
    ]


def probability_rows(probabilities: Sequence[float], label: int, prediction: int) -> list[Line]:
    """One bar per digit, '3 ██████░░░░  62.0%': the true digit's bar green, a wrong prediction's red."""
    lines: list[Line] = []
    for digit, p in enumerate(probabilities):
        filled = round(max(0.0, min(1.0, p)) * BAR_WIDTH)
        style = "green" if digit == label else ("red" if digit == prediction else "grey50")
        lines.append(
            [
                (f"{digit} ", None),
                ("█" * filled, style),
                ("░" * (BAR_WIDTH - filled), "grey23"),
                (f" {p * 100:5.1f}%", None),
            ]
        )
    return lines


def digit_panel(image, label: int, prediction: int, probabilities: Sequence[float] | None) -> list[Line]:
    lines = [verdict(label, prediction)] + digit_rows(image)
    if probabilities is not None:
        lines += probability_rows(probabilities, label, prediction)
    return lines


def halved(image: Sequence[Sequence[int]]) -> list[list[int]]:
    """The image at half size: each pixel the mean of a 2×2 block (a 28×28 digit becomes 14×14)."""
    rows = [list(row) + [0] * (len(row) % 2) for row in image]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    return [
        [(rows[r][c] + rows[r][c + 1] + rows[r + 1][c] + rows[r + 1][c + 1]) // 4 for c in range(0, len(rows[r]), 2)]
        for r in range(0, len(rows), 2)
    ]


def beside(left: list[Line], left_width: int, right: list[Line]) -> list[Line]:
    """Two columns of lines as one: ``left`` padded to ``left_width`` cells, two spaces, then ``right``."""
    lines = []
    for index in range(max(len(left), len(right))):
        part = left[index] if index < len(left) else []
        used = sum(cell_len(text) for text, _ in part)
        lines.append(
            list(part) + [(" " * (left_width - used + 2), None)] + (right[index] if index < len(right) else [])
        )
    return lines


def digit_beside(
    image, label: int, prediction: int, probabilities: Sequence[float] | None, half: bool = False
) -> list[Line]:
    """The digit (at half size with ``half``) with its verdict and probability bars to its right."""
    rows = digit_rows(halved(image) if half else image)
    text = [verdict(label, prediction)]
    if probabilities is not None:
        text += probability_rows(probabilities, label, prediction)
    return beside(rows, PANEL_WIDTH // 2 if half else PANEL_WIDTH, text)


# The layouts, roomiest first: (rows a panel needs, its width, half-size digit, the panel's lines).
BESIDE_WIDTH = PANEL_WIDTH + 2 + 2 + BAR_WIDTH + 7
LAYOUTS = (
    (1 + 14 + 10, PANEL_WIDTH, digit_panel),
    (14, BESIDE_WIDTH, digit_beside),
    (11, BESIDE_WIDTH - PANEL_WIDTH // 2, partial(digit_beside, half=True)),
)


def side_by_side(
    panels: list[list[Line]], width: int, header: Line | None = None, panel_width: int = PANEL_WIDTH
) -> Text:
    """Panels laid out left to right, wrapping into rows that fit ``width`` columns, after ``header``."""
    per_row = max(1, (width + GAP) // (panel_width + GAP))
    chunks: list[str] = []
    spans: list[Span] = []
    offset = 0

    def put(text: str, style: Any = None) -> None:
        nonlocal offset
        if style is not None and text:
            spans.append(Span(offset, offset + len(text), style))
        chunks.append(text)
        offset += len(text)

    for text, style in header or []:
        put(text, style)
    for start in range(0, len(panels), per_row):
        row = panels[start : start + per_row]
        if start or header:
            put("\n\n" if header and not start else "\n")
        for index in range(max(len(p) for p in row)):
            if index:
                put("\n")
            for column, panel in enumerate(row):
                used = 0
                for text, style in panel[index] if index < len(panel) else []:
                    text = text[: max(0, panel_width - used)] if column < len(row) - 1 else text
                    put(text, style)
                    used += cell_len(text)
                if column < len(row) - 1:
                    put(" " * (panel_width - used + GAP))
    return Text("".join(chunks), spans=spans)


def render_digits(data: DigitsData | ViewError, width: int = 80, height: int | None = None) -> Text:
    """The whole viewer for the view's data: {"images", "labels", "predictions", "probabilities"}, in the
    roomiest layout whose digits fit whole in ``height`` rows (the header only where there is room for it)."""
    if failed(data):
        return unavailable(pick("digit viewer", "数字查看器"), data)
    if not data.get("images"):
        return Text(
            pick(
                "No batch yet: the current batch's digits appear here once training starts.",
                "还没有批次：训练开始后，这里显示当前批次的数字。",
            ),
            "grey50",
        )
    fitting = [layout for layout in LAYOUTS if layout[1] <= width]  # (too narrow for bars beside: stacked)
    rows, panel_width, make = next(
        (layout for layout in fitting if height is None or layout[0] <= height), fitting[-1] if fitting else LAYOUTS[0]
    )
    panels = [
        make(image, label, prediction, probabilities)
        for image, label, prediction, probabilities in zip(
            data["images"], data["labels"], data["predictions"], data["probabilities"]
        )
    ]
    right = sum(label == prediction for label, prediction in zip(data["labels"], data["predictions"]))
    header: Line = [
        (
            pick(
                f"current batch: {right} of {len(panels)} shown digits predicted right",
                f"当前批次：显示的 {len(panels)} 个数字中预测对 {right} 个",
            ),
            "bold",
        )
    ]
    return side_by_side(panels, width, header if height is None or height >= rows + 2 else None, panel_width)


class DigitsView(SafePanel, Static):
    """Shows the "digits" view. The batch changes every step, so while training runs it redraws at most
    every ``MIN_REDRAW_S`` seconds (the latest data always gets drawn); unchanged data is not redrawn."""

    DEFAULT_CSS = "DigitsView { height: 1fr; padding: 0 1; }"
    MIN_REDRAW_S = 0.2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._data: Any = None
        self._drawn_at = -math.inf
        self._waiting = False  # a redraw is scheduled

    def show(self, data: DigitsData | ViewError) -> None:
        if data is self._data or data == self._data:
            return
        self._data = data
        if self._waiting:
            return
        wait = self._drawn_at + self.MIN_REDRAW_S - time.monotonic()
        if wait > 0:
            self._waiting = True
            self.set_timer(wait, self._draw)
        else:
            self._draw()

    def on_resize(self) -> None:
        if self._data is not None:
            self._draw()

    def _draw(self) -> None:
        self._waiting = False
        self._drawn_at = time.monotonic()
        self.update(render_digits(self._data, self.content_size.width or 80, self.content_size.height or None))


VIEW = DigitsView
