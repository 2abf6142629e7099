"""The base of the model pictures: a ``DataView`` laid out to its width and to the screen's height, and
``Plot``, a half-block canvas with axes in data coordinates (x across, y up) for the fit and sigmoid views."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text

from tui.formatting import number
from tui.widgets.cells import RGB, Canvas
from tui.widgets.data_view import DataView

LABEL = 7  # columns of the y axis's labels
AXIS = "grey50"


class PictureView(DataView):
    """Subclasses write ``picture(data, width, height)``; the height is what the screen leaves the tab. With
    ``fits_height`` the view fills its tab and is laid out to the rows the tab really has (drawn again when
    they change), not to the screen's height less ``CHROME``."""

    DEFAULT_CSS = "PictureView.-fills-height { height: 1fr; }"
    fits_width = True
    fits_height = False
    CHROME = 16  # rows of the screen around a tab's content (status, sparkline, code panel, tabs, key bar)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._height = 0  # the height the data were last laid out for
        if self.fits_height:
            self.add_class("-fills-height")

    def render_data(self, data: Any, width: int | None) -> Text:
        return self.picture(data, width or 80, self.rows())

    def rows(self) -> int:
        """The rows the picture may take: the tab's own (``fits_height``, once laid out), else an estimate."""
        if self.fits_height and self.content_size.height > 0:
            return self.content_size.height
        height = self.app.size.height - self.CHROME if self.is_mounted else 13
        return max(height, 8)

    def _draw(self) -> None:
        self._height = self.content_size.height
        super()._draw()

    def on_resize(self) -> None:
        size = self.content_size
        if self.fits_height and (size.width, size.height) != (self._width, self._height) and self.shown():
            self._draw()
        else:
            super().on_resize()

    def picture(self, data: Any, width: int, height: int) -> Text:
        raise NotImplementedError


def axis_label(value: float) -> str:
    """``value`` in at most LABEL - 1 characters (-0.8942 needs 7: it gets -0.894)."""
    for digits in (4, 3, 2, 1):
        if len(number(value, digits)) < LABEL:
            break
    return number(value, digits)


class Plot:
    """A canvas of ``width`` x ``height`` characters showing x in [x_low, x_high] and y in [y_low, y_high]."""

    def __init__(self, box: tuple[float, float, float, float], width: int, height: int) -> None:
        self.x_low, self.x_high, self.y_low, self.y_high = box
        self.canvas = Canvas(width - LABEL - 1, height)
        self.columns, self.rows = self.canvas.width, self.canvas.height

    def px(self, x: float) -> float:
        return (x - self.x_low) / ((self.x_high - self.x_low) or 1) * (self.columns - 1)

    def py(self, y: float) -> float:
        return (self.y_high - y) / ((self.y_high - self.y_low) or 1) * (2 * self.rows - 1)

    def curve(self, xs: list[float], ys: list[float], colour: RGB) -> None:
        for x0, y0, x1, y1 in zip(xs, ys, xs[1:], ys[1:]):
            self.canvas.line(self.px(x0), self.py(y0), self.px(x1), self.py(y1), colour)

    def point(self, x: float, y: float, char: str, colour: Any) -> None:
        self.canvas.mark(round(self.px(x)), round(self.py(y)) // 2, char, colour)

    def hline(self, y: float, colour: RGB) -> None:
        row = round(self.py(y))
        for column in range(self.columns):
            if column % 2 == 0:
                self.canvas.pixel(column, row, colour)

    def text(self, x_label: str = "x") -> Text:
        """The canvas framed by its y labels (top, bottom) and x labels (left, right)."""
        body = self.canvas.lines().split()
        out = Text()
        for row, line in enumerate(body[: self.rows]):
            label = axis_label(self.y_high) if row == 0 else axis_label(self.y_low) if row == self.rows - 1 else ""
            out.append(f"{label:>{LABEL - 1}} {'┤' if label else '│'}", AXIS)
            out.append_text(line)
            out.append("\n")
        out.append(" " * LABEL + "└" + "─" * self.columns + "\n", AXIS)
        left, right = number(self.x_low, 4), number(self.x_high, 4)
        middle = f"{x_label} →"
        gap = max(1, self.columns - len(left) - len(right) - cell_len(middle))  # (a CJK label: two a character)
        out.append(" " * (LABEL + 1) + left + " " * (gap // 2) + middle + " " * (gap - gap // 2) + right + "\n", AXIS)
        return out
