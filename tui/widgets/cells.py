"""A picture made of half-block cells: each character shows two square pixels (``▀``, the upper one's colour
as foreground, the lower one's as background), with characters (points, labels) drawn over it.

The model pictures (``tui/views/{fit,sigmoid,boundary,filters}.py``) draw into a ``Canvas`` and append its
``lines()`` to their ``Text``; runs of equal cells share one span, so a 100x30 picture costs about a millisecond.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color
from rich.style import Style
from rich.text import Text

RGB = tuple[int, int, int]
NEGATIVE, POSITIVE = (33, 102, 172), (214, 96, 77)  # diverging colours: blue below 0, red above
CLASS0, CLASS1 = (8, 119, 189), (245, 147, 34)  # TensorFlow Playground's blue and orange


@lru_cache(maxsize=16384)
def pair_style(top: RGB | None, bottom: RGB | None) -> Style:
    return Style(color=Color.from_rgb(*top) if top else None, bgcolor=Color.from_rgb(*bottom) if bottom else None)


@lru_cache(maxsize=4096)
def mark_style(colour: str | RGB, background: RGB | None, bold: bool) -> Style:
    back = Style(bgcolor=Color.from_rgb(*background) if background else None, bold=bold or None)
    if isinstance(colour, tuple):
        return Style(color=Color.from_rgb(*colour)) + back
    return Style.parse(colour) + back


def mix(a: RGB, b: RGB, amount: float) -> RGB:
    amount = min(max(amount, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * amount),
        round(a[1] + (b[1] - a[1]) * amount),
        round(a[2] + (b[2] - a[2]) * amount),
    )


def diverging(value: float, scale: float) -> RGB:
    """Blue for negative values, red for positive ones, black at 0, full colour at ``±scale``."""
    if scale <= 0:
        return (0, 0, 0)
    return mix((0, 0, 0), POSITIVE if value > 0 else NEGATIVE, abs(value) / scale)


def grey(value: float, scale: float) -> RGB:
    level = round(255 * min(max(value / scale, 0.0), 1.0)) if scale > 0 else 0
    return (level, level, level)


@lru_cache(maxsize=65536)
def _coarse(colour: RGB) -> RGB:
    """Colours rounded to steps of 8, so a picture uses few distinct styles (each one costs to build)."""
    return (colour[0] & ~7, colour[1] & ~7, colour[2] & ~7)


class Canvas:
    """``width`` x ``height`` characters: ``width`` x 2*``height`` pixels, (0, 0) at the top left."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = max(width, 1), max(height, 1)
        self.pixels: list[list[RGB | None]] = [[None] * self.width for _ in range(2 * self.height)]
        self.marks: dict[tuple[int, int], tuple[str, str | RGB, bool]] = {}

    def pixel(self, x: int, y: int, colour: RGB) -> None:
        if 0 <= x < self.width and 0 <= y < 2 * self.height:
            self.pixels[y][x] = colour if colour is None else _coarse(colour)

    def line(self, x0: float, y0: float, x1: float, y1: float, colour: RGB) -> None:
        """A straight line between two pixel positions (may lie partly outside)."""
        steps = int(max(abs(x1 - x0), abs(y1 - y0), 1) * 2)
        for i in range(steps + 1):
            t = i / steps
            self.pixel(round(x0 + (x1 - x0) * t), round(y0 + (y1 - y0) * t), colour)

    def mark(self, column: int, row: int, char: str, colour: str | RGB, bold: bool = True) -> None:
        """A character over the cell at (column, row): a point, an axis label."""
        if 0 <= column < self.width and 0 <= row < self.height:
            self.marks[(column, row)] = (char, colour, bold)

    def text(self, column: int, row: int, words: str, colour: str | RGB = "grey70") -> None:
        for offset, char in enumerate(words):
            self.mark(column + offset, row, char, colour, bold=False)

    def lines(self, indent: str = "") -> Text:
        out = Text()
        for row in range(self.height):
            upper, lower = self.pixels[2 * row], self.pixels[2 * row + 1]
            out.append(indent)
            run_style: Style | None = None
            run: list[str] = []
            for column in range(self.width):
                mark = self.marks.get((column, row))
                if mark is not None:
                    char, colour, bold = mark
                    style = mark_style(colour, upper[column] or lower[column], bold)
                else:
                    top, bottom = upper[column], lower[column]
                    char = " " if top is None and bottom is None else "▀"
                    style = pair_style(top, bottom) if char == "▀" else pair_style(None, None)
                if style is not run_style and run:
                    out.append("".join(run), run_style)
                    run = []
                run_style = style
                run.append(char)
            if run:
                out.append("".join(run), run_style)
            out.append("\n")
        return out
