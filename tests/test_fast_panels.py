"""The chart and the sparkline paint from strips they build themselves (cheaper than rich's renderables, see
their modules); what a learner sees must be cell for cell what plotext and Textual's sparkline draw."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.color import Color
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.renderables.sparkline import Sparkline as TextualSparkline
from textual_plotext.plot import Plot

from tui.widgets.loss_sparkline import sparkline_rows
from tui.widgets.plot_strips import figure_strips

LOW, HIGH = Color.from_rgb(20, 60, 100), Color.from_rgb(0, 130, 200)


def cells(lines: list[list[Segment]]) -> list[list[tuple[str, Color | None]]]:
    """Each cell's character and foreground colour, line by line."""
    return [[(char, (segment.style or Style()).color) for segment in line for char in segment.text] for line in lines]


def looks(lines: list[list[Segment]]) -> list[list[tuple]]:
    """Each cell's character, colours and boldness, line by line."""
    return [
        [
            (char, style.color, style.bgcolor, bool(style.bold))
            for segment in line
            for style in [segment.style or Style()]
            for char in segment.text
        ]
        for line in lines
    ]


def textual_rows(values: list[float], width: int, height: int) -> list[list[Segment]]:
    console = Console(width=width, color_system="truecolor", legacy_windows=False)
    renderable = TextualSparkline(values, width=width, height=height, min_color=LOW, max_color=HIGH)
    return list(Segment.split_lines(console.render(renderable, console.options.update(width=width))))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=0, max_size=80),
    st.integers(min_value=1, max_value=50),
    st.integers(min_value=1, max_value=3),
)
def test_the_sparkline_draws_the_bars_and_colours_of_textuals_sparkline(values, width, height):
    ours = [list(strip) for strip in sparkline_rows(values, width, height, LOW, HIGH)]
    theirs = [row + [(" ", None)] * (width - len(row)) for row in cells(textual_rows(values, width, height))]
    assert cells(ours) == theirs  # (an empty sparkline's upper rows: blank cells there, no cells in Textual's)


def a_figure(log: bool) -> Plot:
    figure = Plot()
    figure.plotsize(70, 20)
    figure.plot(list(range(1, 200)), [2.3 * math.exp(-s / 60) + 0.05 for s in range(1, 200)], marker="braille")
    figure.plot([50, 100, 150], [1.0, 0.6, 0.4], marker="x", color=(230, 25, 75), label="test loss")
    figure.title("loss")
    if log:
        figure.yscale("log")
    return figure


def test_the_chart_strips_hold_what_plotexts_ansi_text_says_cell_for_cell():
    for log in (False, True):
        expected = Text.from_ansi(a_figure(log).build())
        console = Console(width=70, color_system="truecolor", legacy_windows=False)
        wanted = list(Segment.split_lines(expected.render(console)))
        ours = [list(strip) for strip in figure_strips(a_figure(log))]
        assert len(ours) == len(wanted) == 20
        assert looks(ours) == looks(wanted)
        assert any("\u2800" < char <= "\u28ff" for row in looks(ours) for char, *_ in row)  # (the curve is there)
