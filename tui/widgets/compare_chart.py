"""The compare view's board: every variant's loss curve on one chart, live, a legend above it (plotext's own
would sit on the curves), a line for each curve drawn over another (``compare_report.coinciding``), and a
table beside it of each variant's state, step, latest loss and best loss. The selected variant is marked ▶.

The chart is the Loss chart's canvas (``LossPlot``: thinned points, round ticks, strips rebuilt only when the
data changed), each variant in a colour of its own; like ``learn-tui compare``, it is on a log scale when the
losses span more than two decades. The data comes from each variant's frames (plain data, never tensors).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from core.base.i18n import pick
from core.base.status import Status
from core.driver.frames import Frame
from core.front.compare_report import LOG_SPAN, coinciding
from tui import chart_ticks
from tui.formatting import number as format_loss
from tui.widgets.loss_chart import LossPlot, step_ticks, thin
from tui.widgets.plot_strips import cells
from tui.widgets.safe_panel import SafePanel
from tui.widgets.status_bar import state_word

Points = tuple[tuple[int, float], ...]
COLORS = (
    (0, 130, 200),
    (230, 25, 75),
    (60, 180, 75),
    (245, 130, 48),
    (145, 30, 180),
    (70, 200, 220),
    (240, 50, 230),
    (170, 200, 40),
    (150, 110, 70),
)


@dataclass
class Line:
    """One variant as the board shows it."""

    label: str
    color: tuple[int, int, int]
    points: Points = ()
    state: Status = Status.LOADING
    step: int = 0
    loss: float | None = None
    best: float | None = None
    run_id: int = -1

    @property
    def style(self) -> str:
        return "rgb({},{},{})".format(*self.color)

    def seen(self, frame: Frame) -> bool:
        """Take a frame's numbers; True when the curve changed."""
        if frame.run_id != self.run_id:  # a reset: a new curve
            self.run_id, self.points, self.best = frame.run_id, (), None
        self.state, self.step, self.loss = frame.state, frame.step, frame.loss
        seen = [v for v in (*frame.recent, *(v for _, v in frame.losses or ())) if math.isfinite(v)]
        if seen:
            self.best = min(seen) if self.best is None else min(self.best, *seen)
        if frame.losses is not None and frame.losses != self.points:
            self.points = frame.losses
            return True
        return False


class CompareChart(LossPlot):
    """Every variant's curve, each in its colour (the legend and the table name them)."""

    lines: Sequence[Line] = ()
    log_scale = False

    def show_lines(self, lines: Sequence[Line]) -> None:
        self.lines = lines
        positive = [v for line in lines for _, v in line.points if math.isfinite(v) and v > 0]
        self.log_scale = bool(positive) and max(positive) / min(positive) > LOG_SPAN
        self.draw((), {}, self.log_scale)

    def _fill(self, losses: object, evals: Mapping[str, object], log: bool) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        most = max(2 * self.size.width, 40)
        steps, values = [], []
        for line in self.lines:
            xs, ys = thin(line.points, most, positive=log)
            if xs:
                plt.plot(xs, ys, marker="braille", color=line.color)
                steps += xs
                values += ys
        compact = self.size.height < 14
        rows = max(self.size.height - (3 if compact else 5), 2)
        ticks, labels = chart_ticks.axis(values, max(rows // 2 + 1, 2), log)
        if len(ticks) >= 2:
            bottom, top = (math.log10(ticks[0]), math.log10(ticks[-1])) if log else (ticks[0], ticks[-1])
            plt.ylim(bottom, top)
            plt.yticks(ticks, labels)
        if log and steps:
            plt.yscale("log")
        if steps:
            ticks_x = step_ticks(min(steps), max(steps), max(self.size.width // 10, 2))
            plt.xticks(list(ticks_x), [str(tick) for tick in ticks_x])
            if not compact:
                plt.xlabel(cells(pick("step", "步")))  # (cells: plotext counts a CJK character as one cell)
                plt.title(cells(pick("loss (log scale)", "损失（对数坐标）") if log else pick("loss", "损失")))
        else:
            plt.title(cells(pick("no loss yet: press n to step every variant", "还没有损失：按 n 让每个变体走一步")))


class CompareBoard(SafePanel, Vertical):
    """Legend, chart and the note on coinciding curves, with the table beside them."""

    DEFAULT_CSS = """
    CompareBoard { height: 1fr; }
    CompareBoard #compare-legend { height: auto; }
    CompareBoard #compare-note { height: auto; color: $warning; }
    CompareBoard Horizontal { height: 1fr; }
    CompareBoard CompareChart { width: 1fr; height: 1fr; }
    CompareBoard #compare-table { width: 44; height: auto; padding: 0 0 0 1; }
    """

    def __init__(self, labels: Sequence[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines = [Line(label, COLORS[index % len(COLORS)]) for index, label in enumerate(labels)]
        self.selected = 0
        self.note = ""  # the coinciding curves, said in words

    def compose(self) -> ComposeResult:
        yield Static(self._legend(), id="compare-legend")
        with Horizontal():
            with Vertical():
                yield CompareChart(id="compare-chart")
                yield Static("", id="compare-note", markup=False)
            yield Static(self._table(), id="compare-table")

    def seen(self, index: int, frame: Frame) -> None:
        """Variant ``index``'s latest frame: the table always, the chart when its curve changed."""
        line = self.lines[index]
        if line.seen(frame) and self.is_mounted:
            chart = self.query_one(CompareChart)
            chart.show_lines(self.lines)
            note = "\n".join(coinciding([(x.label, x.points) for x in self.lines], chart.log_scale))
            if note != self.note:
                self.note = note
                self.query_one("#compare-note", Static).update(note)
        self._show_table()

    def select(self, index: int) -> None:
        self.selected = index
        if self.is_mounted:
            self.query_one("#compare-legend", Static).update(self._legend())
            self._show_table()

    def _show_table(self) -> None:
        """Redrawn in place: its size is fixed (a row per variant), so no relayout (up to 4 frames/s per variant)."""
        if self.is_mounted:
            table = self.query_one("#compare-table", Static)
            table.styles.height = len(self.lines) + 1
            table.update(self._table(), layout=False)

    def _legend(self) -> Text:
        text = Text()
        for index, line in enumerate(self.lines):
            mark = "▶" if index == self.selected else " "
            text.append(f"{mark}{index + 1} ", style="bold" if index == self.selected else "")
            text.append("━━ ", style=line.style)
            text.append(f"{line.label}   ", style="bold" if index == self.selected else "")
        return text

    def _table(self) -> Table:
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", padding=(0, 1, 0, 0))
        headings = ("", pick("variant", "变体"), pick("state", "状态"), pick("step", "步"))
        for index, name in enumerate(headings + (pick("loss", "损失"), pick("best", "最佳"))):
            table.add_column(name, justify="left" if index < 3 else "right")
        for index, line in enumerate(self.lines):
            mark = "▶" if index == self.selected else " "
            table.add_row(
                Text(f"{mark}{index + 1}", style="bold" if index == self.selected else ""),
                Text(line.label, style=line.style),
                state_word(str(line.state)),
                str(line.step),
                format_loss(line.loss, 3) if line.loss is not None else "-",
                format_loss(line.best, 3) if line.best is not None else "-",
            )
        return table
