"""Weight matrices as colour cells (view "weights", multi-input and dataloader): one cell per value, blue
negative … red positive, the value written in the cell when there is room. Every value can be read:
the arrow keys (when the tab has the focus) or the mouse move a cursor over the cells, and the line
under the matrices gives the value under it in full, with its gradient.
``render_weights(data, width, cursor)`` is a pure function of the view's plain data."""

from __future__ import annotations

from typing import Any

from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.binding import Binding

from core.base.i18n import pick
from core.base.view_data import ViewError, WeightsData
from tui.formatting import number
from tui.widgets.cells import diverging
from tui.widgets.data_view import failed, unavailable
from tui.widgets.picture_view import PictureView

DIM, CURSOR = "grey50", Style(reverse=True, bold=True)
NAME = 18  # columns of the matrix names


def cells(data: WeightsData) -> list[tuple[int, int, int]]:
    """Every value's (matrix, row, column), in reading order: what the cursor walks."""
    return [
        (m, r, c)
        for m, matrix in enumerate(data.get("matrices") or [])
        for r, row in enumerate(matrix["values"])
        for c in range(len(row))
    ]


def render_weights(data: WeightsData | ViewError, width: int = 80, cursor: int = 0) -> Text:
    if failed(data):
        return unavailable(pick("weights", "权重"), data)
    matrices = data.get("matrices") or []
    if not matrices:
        return Text(
            pick("No weights yet: they appear once the lesson builds its model.", "还没有权重：课程建好模型后显示。"),
            DIM,
        )
    widest = max(len(row) for m in matrices for row in m["values"])
    cell = max(1, min(6, (width - NAME - 1) // widest))
    scale = max((abs(v) for m in matrices for row in m["values"] for v in row), default=1.0) or 1.0
    spots = cells(data)
    cursor = min(max(cursor, 0), len(spots) - 1)
    at = spots[cursor]
    out = Text()
    out.append(
        pick(
            f"one cell a value: blue < 0 < red (±{number(scale, 3)}) · arrows or mouse: read any value\n",
            f"每格一个值：蓝 < 0 < 红（±{number(scale, 3)}）· 方向键或鼠标：读出任一值\n",
        ),
        DIM,
    )
    for m, matrix in enumerate(matrices):
        shape = "×".join(map(str, matrix["shape"]))
        for r, row in enumerate(matrix["values"]):
            label = matrix["name"] if r == 0 else f"  {shape}" if r == 1 else ""
            if len(matrix["values"]) == 1:
                label = f"{label} ({shape})" if len(label) + len(shape) + 3 <= NAME - 1 else label
            out.append(f"{label[: NAME - 1]:<{NAME}}", "bold" if r == 0 else DIM)
            for c, value in enumerate(row):
                colour = diverging(value, scale)
                text = f"{value:+.2f}"[: cell - 1].rjust(cell - 1) + " " if cell >= 5 else " " * cell
                fg = "white" if sum(colour) < 300 else "black"
                style = CURSOR if (m, r, c) == at else Style(color=fg, bgcolor=Color.from_rgb(*colour))
                out.append(text, style)
            out.append("\n")
    matrix = matrices[at[0]]
    index = f"[{at[1]}, {at[2]}]" if len(matrix["shape"]) == 2 else f"[{at[2]}]"
    value = matrix["values"][at[1]][at[2]]
    grads = matrix.get("grads")
    grad = grads[at[1]][at[2]] if grads else None
    out.append(f"▶ {matrix['name']}{index} = {number(value)}", "bold")  # (a 6th digit differs between CPUs)
    out.append(f"   grad {number(grad)}" if grad is not None else "   grad None", "yellow")
    out.append(pick(f"   step {data.get('step', 0)}", f"   第 {data.get('step', 0)} 步"), DIM)
    return out


class WeightsView(PictureView, can_focus=True):
    """Shows the "weights" view; the arrow keys move the cursor while it has the focus (it takes it when
    its tab opens; ``[``/``]`` still switch tabs)."""

    DEFAULT_CSS = "WeightsView { height: auto; padding: 0 1; } WeightsView:focus { border-left: thick $accent; }"
    BINDINGS = [
        Binding("left", "move(0, -1)", "Prev value", show=False),
        Binding("right", "move(0, 1)", "Next value", show=False),
        Binding("up", "move(-1, 0)", "Row up", show=False),
        Binding("down", "move(1, 0)", "Row down", show=False),
    ]

    cursor = 0

    def on_show(self) -> None:
        self.focus()

    def picture(self, data: WeightsData | ViewError, width: int, height: int) -> Text:
        return render_weights(data, width, self.cursor)

    def action_move(self, rows: int, columns: int) -> None:
        spots = [] if failed(self._data) else cells(self._data)
        if not spots:
            return
        m, r, c = spots[min(self.cursor, len(spots) - 1)]
        target = (m, r + rows, c) if rows else (m, r, c + columns)
        if target in spots:
            self.cursor = spots.index(target)
        elif rows:  # past a matrix's last row: the next (or previous) matrix
            others = [i for i, (m2, _, _) in enumerate(spots) if m2 == m + rows]
            self.cursor = (others[0] if rows > 0 else others[-1]) if others else self.cursor
        else:
            self.cursor = min(max(self.cursor + columns, 0), len(spots) - 1)
        self._draw()

    def on_mouse_move(self, event: Any) -> None:
        """Hovering a cell puts the cursor on it."""
        spots = [] if failed(self._data) else cells(self._data)
        if not spots:
            return
        matrices = self._data["matrices"]
        widest = max(len(row) for m in matrices for row in m["values"])
        cell = max(1, min(6, (self._width - NAME - 1) // widest))
        line, column = event.y - 1, (event.x - 1 - NAME) // cell  # 1: the header line, the padding
        for m, matrix in enumerate(matrices):
            if 0 <= line < len(matrix["values"]):
                if (m, line, column) in spots:
                    self.cursor = spots.index((m, line, column))
                    self._draw()
                return
            line -= len(matrix["values"])


VIEW = WeightsView
