"""A plotext chart as Textual strips, without the ANSI round trip.

``PlotextPlot.render`` asks plotext for the chart as one ANSI string (a string built character by
character) and hands it to ``Text.from_ansi``, which parses it back into styled text that Textual then lays
out line by line: two thirds of a chart redraw went to writing and reading that string. plotext keeps the
chart as a matrix of characters and their three colours (foreground, style, background) before it writes
it, so the strips are built from the matrix directly: one segment per run of cells of one look, each look's
rich ``Style`` read once from the very ANSI codes plotext would have written (same colours, same bold).
"""

from __future__ import annotations

import functools
from typing import Any

import plotext._utility as plotext_utility
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

FILLER = "\ue000"  # stands in plotext's matrix for the second cell of a wide (CJK) character; dropped when drawn


def cells(text: str) -> str:
    """A label for plotext, which gives every character one cell: each wide character followed by a ``FILLER``,
    so that plotext places it in two cells and ``matrix_strips`` draws it there (the columns stay aligned)."""
    return "".join(c + FILLER if cell_len(c) == 2 else c for c in text)


@functools.lru_cache(maxsize=512)
def cell_style(foreground: Any, style: Any, background: Any) -> Style:
    """The rich style of cells plotext paints with these colours (decoded from plotext's own codes)."""
    text = Text.from_ansi(plotext_utility.colors_to_ansi(foreground, style, background) + "x")
    styles = [span.style for span in text.spans if span.start == 0]
    return Style.combine(s if isinstance(s, Style) else Style.parse(s) for s in styles) if styles else Style()


def matrix_strips(matrix: Any) -> list[Strip]:
    """Rows of a built plotext matrix (``figure.monitor.matrix``), top row first, as strips."""
    strips = []
    for row in reversed(range(matrix.rows)):
        markers, foreground, style, background = (
            matrix.marker[row],
            matrix.fullground[row],
            matrix.style[row],
            matrix.background[row],
        )
        looks = list(zip(foreground, style, background))
        segments, start = [], 0
        for col in range(1, len(looks) + 1):
            if col == len(looks) or looks[col] != looks[start]:
                segments.append(Segment("".join(markers[start:col]).replace(FILLER, ""), cell_style(*looks[start])))
                start = col
        strips.append(Strip(segments, len(looks)))
    return strips


def figure_strips(figure: Any) -> list[Strip]:
    """Build a plotext figure (a ``textual_plotext`` ``Plot``: plotext's figure class) into strips: what
    ``figure.build()`` does, less writing the ANSI string."""
    figure._set_sizes()  # noqa: SLF001 (plotext's build() is these two calls and the ANSI writing we skip)
    figure._build_matrix()  # noqa: SLF001
    return matrix_strips(figure.monitor.matrix)
