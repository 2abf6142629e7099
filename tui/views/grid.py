"""The exhaustive search (view "grid", lesson linear-grid): the MSE of every candidate tried so far.

``--model wx``: a column chart of MSE against w, the parabola the course plots, with the best w and the
candidate being tried marked under it. ``--model wx+b``: a heat map of MSE over the (w, b) grid (shade
and colour, ░ low … █ high, on a log scale), the minimum marked ◆ and the latest candidate ●.
``render_grid(data, width, height)`` is a pure function of the view's plain data
(``{"model", "w", "b", "mse", "best"}``, one entry per candidate, w-major) and the room it has.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widget import Widget

from core.base.i18n import display_width, pick
from core.base.view_data import GridData, ViewError
from tui.formatting import number
from tui.widgets.data_view import failed
from tui.widgets.safe_panel import SafePanel

BLOCKS = " ▁▂▃▄▅▆▇█"  # eighths of a row, for the columns of the curve
SHADES = "░▒▓█"  # heat-map cells, lowest MSE first
PALETTE = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))  # viridis, low → high
BAR, BEST, NOW, DIM = "steel_blue1", "bold green", "bold yellow", "grey50"
BEST_CELL, NOW_CELL = "bold bright_white on red3", "bold black on yellow"
LABEL = 8  # columns for the y axis's labels
NOTHING_YET: GridData = {"model": "", "w": [], "b": [], "mse": [], "best": None}  # before the first data
MOST_CELL_WIDTH = 3  # a candidate may take up to this many columns while there are few of them


def render_grid(data: GridData | ViewError, width: int = 80, height: int = 24) -> Text:
    if not isinstance(data, dict):
        return Text(pick(f"grid view: unexpected data {data!r}", f"网格视图：意外的数据 {data!r}"), "red")
    if failed(data):
        return Text(pick(f"grid view unavailable: {data['error']}", f"网格视图无法显示：{data['error']}"), "red")
    ws, bs, mse = list(data.get("w") or []), list(data.get("b") or []), list(data.get("mse") or [])
    count = min(len(ws), len(mse))
    if count == 0:
        return Text(
            pick(
                "No candidates tried yet: press n to try the first one, or space to run the whole "
                "search.\nEach step computes the MSE of one candidate; this tab draws them all.",
                "还没有试过候选值：按 n 试第一个，或按空格运行整个搜索。\n"
                "每一步计算一个候选值的 MSE；这里把它们都画出来。",
            ),
            DIM,
        )
    best = data.get("best")
    if not isinstance(best, int) or not 0 <= best < count:
        best = min(range(count), key=lambda i: mse[i] if math.isfinite(mse[i]) else math.inf)
    if data.get("model") == "wx+b" or bs:
        bs = (bs + [0.0] * count)[:count]
        return heat_map(ws[:count], bs, mse[:count], best, max(width, 20), max(height, 8))
    return curve(ws[:count], mse[:count], best, max(width, 20), max(height, 6))


def bins(count: int, room: int) -> tuple[int, int]:
    """(items per bin, columns per bin) to fit ``count`` items in ``room`` columns."""
    per = max(1, math.ceil(count / max(room, 1)))
    return per, max(1, min(MOST_CELL_WIDTH, room // math.ceil(count / per)))


def title(text: str, more: str, width: int) -> str:
    """The first line: ``text``, and ``more`` when there is room for it."""
    return (text + more if display_width(text + more) <= width else text) + "\n"


def finite_max(values: Sequence[float]) -> float:
    return max((v for v in values if math.isfinite(v)), default=0.0)


def place(labels: list[tuple[int, str]], width: int) -> str:
    """A line with each (column, text) label written from its column, skipping any that would overlap."""
    line, end = [" "] * width, -1
    for column, text in sorted(labels):
        column = min(column, width - len(text))
        if column <= end or column < 0:
            continue
        line[column : column + len(text)] = list(text)
        end = column + len(text)
    return "".join(line).rstrip()


def curve(ws: list[float], mse: list[float], best: int, width: int, height: int) -> Text:
    """Columns of MSE against w (each column the lowest MSE of the candidates it stands for)."""
    count, now = len(ws), len(ws) - 1
    room = width - LABEL - 1
    per, cell = bins(count, room)
    columns = [(start, min(start + per, count)) for start in range(0, count, per)]
    lows = [min((mse[i] for i in range(a, b) if math.isfinite(mse[i])), default=math.inf) for a, b in columns]
    top = finite_max(mse) or 1.0  # every candidate's (a column shows its lowest): the axis covers what it names
    rows = max(height - 6, 2)
    out = Text()
    out.append(
        title(
            pick(
                f"MSE against w · {count} candidate{'s' * (count != 1)} tried",
                f"MSE 随 w 的变化 · 已试 {count} 个候选值",
            ),
            pick(" · the lowest point is the answer", " · 最低点就是答案"),
            width,
        ),
        "bold",
    )
    best_col, now_col = best // per, now // per
    for row in range(rows, 0, -1):  # top row first; each row holds 8 eighths
        label = number(top, 4) if row == rows else ("0" if row == 1 else "")
        out.append(f"{label:>{LABEL - 1}} {'┤' if label else '│'}", DIM)
        for index, low in enumerate(lows):
            eighths = 8 * rows if not math.isfinite(low) else round(low / top * 8 * rows)
            block = BLOCKS[max(0, min(8, eighths - 8 * (row - 1)))]
            style = BEST if index == best_col else NOW if index == now_col else BAR
            out.append(block * cell, style)
        out.append("\n")
    out.append(" " * LABEL + "└" + "─" * (len(columns) * cell) + "\n", DIM)
    every = math.ceil(10 / cell)  # about one label per 10 columns, and one under the last column
    last = len(columns) - 1
    ticks = [
        (cell * index, number(ws[b - 1] if index == last else ws[a], 4))
        for index, (a, b) in enumerate(columns)
        if index % every == 0 or index == last
    ]
    out.append(f"{'w →':>{LABEL - 1}}  " + place(ticks, room) + "\n", DIM)
    out.append_text(markers(LABEL + 1, cell, best_col, now_col))
    best_text = f"▲ {pick('best', '最优')} w {number(ws[best], 6)} (MSE {number(mse[best], 4)})"
    now_text = f"▲ {pick('now', '当前')} w {number(ws[now], 6)} (MSE {number(mse[now], 4)})"
    out.append(best_text, BEST)
    fits = display_width(best_text) + 5 + display_width(now_text) <= width
    out.append("  ·  " if fits else "\n", DIM)  # one each when narrow
    out.append(now_text, NOW)
    return out


def markers(indent: int, cell: int, best_col: int, now_col: int) -> Text:
    """▲ under the column of the candidate being tried (yellow) and under the best one (green)."""
    line = [" "] * (indent + cell * (max(best_col, now_col) + 1))
    spots = {now_col: NOW, best_col: BEST}  # (the best wins when both are in one column)
    for column in spots:
        line[indent + column * cell + cell // 2] = "▲"
    text = Text("".join(line).rstrip() + "\n")
    for column, style in spots.items():
        at = indent + column * cell + cell // 2
        text.stylize(style, at, at + 1)
    return text


def shade(value: float, top: float) -> tuple[str, str]:
    """A heat-map cell for ``value``: a shade character and a colour, on a log scale from 0 to ``top``
    (the MSE of a parabola's far side would otherwise leave one shade for the whole valley)."""
    if not math.isfinite(value):
        return "█", "red"
    level = math.log1p(max(value, 0.0)) / math.log1p(top) if top > 0 else 0.0
    level = min(max(level, 0.0), 1.0)
    spot = level * (len(PALETTE) - 1)
    low = min(int(spot), len(PALETTE) - 2)
    mix = spot - low
    rgb = tuple(round(a + (b - a) * mix) for a, b in zip(PALETTE[low], PALETTE[low + 1]))
    return SHADES[min(int(level * len(SHADES)), len(SHADES) - 1)], "#{:02x}{:02x}{:02x}".format(*rgb)


def heat_map(ws: list[float], bs: list[float], mse: list[float], best: int, width: int, height: int) -> Text:
    """MSE over the (w, b) grid: w across, b up; each cell the lowest MSE of the candidates it stands for."""
    count, now = len(ws), len(ws) - 1
    w_values, b_values = sorted(set(ws)), sorted(set(bs))
    w_index = {w: i for i, w in enumerate(w_values)}
    b_index = {b: i for i, b in enumerate(b_values)}
    per_w, cell = bins(len(w_values), width - LABEL - 1)
    per_b, _ = bins(len(b_values), max(height - 6, 2))
    columns, rows = math.ceil(len(w_values) / per_w), math.ceil(len(b_values) / per_b)
    cells: dict[tuple[int, int], float] = {}
    for w, b, value in zip(ws, bs, mse):
        key = (w_index[w] // per_w, b_index[b] // per_b)
        if value < cells.get(key, math.inf) or key not in cells:
            cells[key] = value
    top = finite_max(mse)
    best_key = (w_index[ws[best]] // per_w, b_index[bs[best]] // per_b)
    now_key = (w_index[ws[now]] // per_w, b_index[bs[now]] // per_b)
    out = Text()
    out.append(
        title(
            pick(
                f"MSE over (w, b) · {count} candidate{'s' * (count != 1)} tried",
                f"MSE 在 (w, b) 上 · 已试 {count} 个候选值",
            ),
            pick(" · ░ low … █ high MSE", " · ░ 低 … █ 高 MSE"),
            width,
        ),
        "bold",
    )
    out.append(f"{'b':>{LABEL - 1}}\n", DIM)
    labelled = {rows - 1, 0, best_key[1] if rows > 4 else 0}
    for row in range(rows - 1, -1, -1):  # the largest b on top
        label = "" if row not in labelled else number(bs[best] if row == best_key[1] else b_values[row * per_b], 4)
        out.append(f"{label:>{LABEL - 1}} {'┤' if label else '│'}", DIM)
        for column in range(columns):
            key = (column, row)
            if key == best_key:
                out.append("◆".ljust(cell), BEST_CELL)
            elif key == now_key:
                out.append("●".ljust(cell), NOW_CELL)
            elif key in cells:
                char, colour = shade(cells[key], top)
                out.append(char * cell, colour)
            else:
                out.append(" " * cell)
        out.append("\n")
    out.append(" " * LABEL + "└" + "─" * (columns * cell) + "\n", DIM)
    ticks = [(0, number(w_values[0], 4))]
    if columns > 1:
        ticks.append((columns * cell - 1, number(w_values[-1], 4)))
    if columns > 8:
        ticks.append((best_key[0] * cell, number(ws[best], 4)))
    out.append(f"{'w →':>{LABEL - 1}}  " + place(ticks, columns * cell) + "\n", DIM)
    out.append(" " * (LABEL + 1))
    for level in range(len(SHADES)):
        char, colour = shade(math.expm1(math.log1p(top) * (level + 0.5) / len(SHADES)), top)
        out.append(char * 2, colour)
    out.append(f" MSE 0 … {number(top, 4)} {pick('(log scale)', '（对数刻度）')}\n", DIM)
    out.append(
        f"◆ {pick('best', '最优')} w {number(ws[best], 6)}, b {number(bs[best], 6)} (MSE {number(mse[best], 4)})", BEST
    )
    out.append("  ·  ", DIM)
    out.append(
        f"● {pick('now', '当前')} w {number(ws[now], 6)}, b {number(bs[now], 6)} (MSE {number(mse[now], 4)})", NOW
    )
    return out


class GridView(SafePanel, Widget):
    """Shows the "grid" view; draws again only when the data or its size change."""

    DEFAULT_CSS = "GridView { height: 1fr; padding: 0 1; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._data: GridData | ViewError = NOTHING_YET
        self._drawn: tuple | None = None  # (data version, size) of the cached text
        self._version = 0
        self._text = Text()

    def show(self, data: GridData | ViewError) -> None:
        if self._version and (data is self._data or data == self._data):
            return
        self._data = data
        self._version += 1
        self.refresh()

    def render(self) -> Text:
        size = self.content_region.size
        key = (self._version, size)
        if key != self._drawn:
            self._text = render_grid(self._data, size.width, size.height)
            self._drawn = key
        return self._text


VIEW = GridView
