"""The loss landscape (view "landscape", from ``core/pictures/landscape.py``): for y = w*x the loss against w, for
y = w*x + b a heat map of the loss over (w, b) (viridis on a log scale, dark low, with contour lines), the
minimum ◆, the path the optimizer walked and the current weights ●, which move at UPDATE.
``render_landscape(data, width, height)`` is a pure function of the view's plain data."""

from __future__ import annotations

import math
from functools import lru_cache

from rich.text import Text

from core.base.i18n import display_width as width_of
from core.base.i18n import is_chinese, pick
from core.base.view_data import LandscapeCurve, LandscapeData, LandscapeMap, ViewError
from tui.formatting import number
from tui.views.grid import PALETTE
from tui.widgets.cells import RGB, mix
from tui.widgets.data_view import failed, unavailable
from tui.widgets.picture_view import PictureView, Plot

CURVE, PATH, START = (70, 130, 200), (200, 140, 60), "grey70"
NOW, BEST, DIM = "bold yellow", "bold green", "grey50"
BANDS = 10  # contour lines of the heat map: where the log-scaled loss crosses a tenth
WHITE = (255, 255, 255)


@lru_cache(maxsize=512)
def viridis(level: int, contour: bool = False) -> RGB:
    """The heat map's colour for ``level`` in 0..255 (grid.py's palette: dark purple low, yellow high),
    lighter on a contour line."""
    spot = min(max(level, 0), 255) / 255 * (len(PALETTE) - 1)
    low = min(int(spot), len(PALETTE) - 2)
    colour = mix(PALETTE[low], PALETTE[low + 1], spot - low)
    return mix(colour, WHITE, 0.35) if contour else colour


def finite_segments(points: list[list[float]]) -> list[list[list[float]]]:
    """The path cut where a value is nan or inf (a diverged run), so each piece can be drawn."""
    pieces: list[list[list[float]]] = [[]]
    for point in points:
        if all(math.isfinite(v) for v in point):
            pieces[-1].append(point)
        elif pieces[-1]:
            pieces.append([])
    return [piece for piece in pieces if piece]


def thinned(path: list[list[float]], most: int) -> list[list[float]]:
    """At most ``most`` of the positions, evenly spread along the walk, its first and last kept."""
    if len(path) <= most:
        return path
    last = len(path) - 1
    return [path[round(i * last / (most - 1))] for i in range(most)] if most > 1 else path[-1:]


def draw_path(plot: Plot, path: list[list[float]]) -> None:
    """The walk as line segments, a · at each position (thinned to as many as can be told apart), ○ at
    its start (the current weights ● mark its end)."""
    for piece in finite_segments(path):
        plot.curve([p[0] for p in piece], [p[1] for p in piece], PATH)
        for x, y in thinned(piece, max(plot.columns // 2, 2)):
            plot.point(x, y, "·", PATH)
    if path and all(math.isfinite(v) for v in path[0][:2]):
        plot.point(path[0][0], path[0][1], "○", START)


def fill_map(plot: Plot, grid: list[list[float]]) -> None:
    """Every pixel the colour of its loss (log scale, the nearest grid value as ``boundary.sample`` takes
    it), lighter where a contour line passes."""
    finite = [v for row in grid for v in row if math.isfinite(v)]
    scale = math.log1p(max(max(finite, default=1.0), 1e-12))
    columns, pixels = plot.columns, 2 * plot.rows
    across = [round(column * (len(grid[0]) - 1) / max(columns - 1, 1)) for column in range(columns)]
    levels = []
    for row in range(pixels):
        values = grid[round(row * (len(grid) - 1) / max(pixels - 1, 1))]
        levels.append(
            [round(255 * math.log1p(max(values[i], 0.0)) / scale) if math.isfinite(values[i]) else 255 for i in across]
        )
    bands = [[min(level * BANDS // 256, BANDS - 1) for level in row] for row in levels]
    for row in range(pixels):
        below = bands[min(row + 1, pixels - 1)]
        here = bands[row]
        for column in range(columns):
            band = here[column]
            edge = band != here[min(column + 1, columns - 1)] or band != below[column]
            plot.canvas.pixel(column, row, viridis(levels[row][column], edge))


def path_notes(count: int) -> list[str]:
    """What ○· stands for, longest first (the legend takes the longest that fits)."""
    if is_chinese():
        return [
            f"○· 路径：{count} 个位置，每次更新后的权重",
            f"○· 路径：{count} 个位置，每次更新后",
            f"○· 路径：{count}",
        ]
    plural = "s" * (count != 1)
    notes = [f"○· path: {count} position{plural}, {note}" for note in PATH_NOTE]
    return notes + [f"○· path: {count}, each update", f"○· path: {count}"]


PATH_NOTE = ("the weights after each update", "after each update", "each update")


def legend(data: LandscapeCurve | LandscapeMap, names: str, width: int, roomy: bool) -> Text:
    """What ● and ◆ stand for (values), and how the path was recorded: two lines when there is room, else
    one, shortened until it fits."""
    *now, now_loss = data["now"]
    *best, best_loss = data["minimum"]

    def values(point: list[float]) -> str:
        return ", ".join(f"{name} {number(v, 4)}" for name, v in zip(names.split(), point))

    count = len(data.get("path") or [])
    notes = path_notes(count)
    loss = pick("loss", "损失")
    long = (
        pick("● now", "● 当前") + f" {values(now)} ({loss} {number(now_loss, 4)})",
        pick("◆ minimum", "◆ 最小值") + f" {values(best)} ({loss} {number(best_loss, 3)})",
    )
    short = (f"● {values(now)} ({loss} {number(now_loss, 4)})", f"◆ {values(best)}")
    if roomy:
        marks = long if width_of(long[0]) + width_of(long[1]) + 2 <= width else short
        note = next((n for n in notes if width_of(n) <= width), "")
    else:
        choices = [(m, n) for n in notes for m in (long, short)]
        marks, note = next(
            ((m, n) for m, n in choices if width_of(m[0]) + width_of(m[1]) + width_of(n) + 4 <= width), (short, "")
        )
    out = Text()
    out.append(marks[0], NOW)
    out.append("  ")
    out.append(marks[1], BEST)
    if note:
        out.append("\n" if roomy else "  ")
        out.append(note, DIM)
    return out


def heading(data: LandscapeCurve | LandscapeMap, what: str, width: int) -> Text:
    samples = data.get("samples", 0)
    mean = data.get("reduction") == "mean"
    if is_chinese():
        how = "求平均" if mean else "求和"
        more, less = f" · 平方误差，对 {samples} 个样本{how}", f" · {samples} 个样本{how}"
    else:
        how = "mean" if mean else "sum"
        more, less = f" · squared error, {how} over the {samples} samples", f" · {how} over {samples}"
    out = Text(what, "bold")
    out.append(more if width_of(what + more) <= width else less, DIM)
    out.append("\n")
    return out


def render_landscape(data: LandscapeData | ViewError, width: int = 80, height: int = 16) -> Text:
    if failed(data):
        return unavailable(pick("landscape", "损失曲面"), data)
    if "message" in data or data.get("kind") not in ("curve", "map"):
        default = pick("No landscape yet: it appears once the lesson starts.", "还没有损失曲面：课程开始后显示。")
        return Text(str(data.get("message", default)), DIM)
    roomy = height >= 14
    rows = max(height - (6 if roomy else 5), 4)
    out = Text()
    if data["kind"] == "curve":
        curve = data["loss"]
        top = max((v for v in curve if math.isfinite(v)), default=1.0)
        low, high = data["range"]
        plot = Plot((low, high, 0.0, top or 1.0), width, rows)
        step = (high - low) / max(len(curve) - 1, 1)
        for piece in finite_segments([[low + i * step, v] for i, v in enumerate(curve)]):
            plot.curve([p[0] for p in piece], [p[1] for p in piece], CURVE)
        draw_path(plot, data.get("path") or [])
        names = "w"
        out.append_text(heading(data, pick("loss against w", "损失随 w 的变化"), width))
    else:
        (w_low, w_high), (b_low, b_high) = data["box"]
        plot = Plot((w_low, w_high, b_low, b_high), width, rows)
        fill_map(plot, data["loss"])
        draw_path(plot, data.get("path") or [])
        names = "w b"
        out.append_text(heading(data, pick("loss over (w →, b ↑)", "损失在 (w →, b ↑) 上的分布"), width))
    best, now = data["minimum"], data["now"]
    plot.point(best[0], best[1], "◆", BEST)  # (w, loss) on the curve, (w, b) on the map
    if all(math.isfinite(v) for v in now):
        plot.point(now[0], now[1], "●", NOW)
    out.append_text(plot.text("w"))
    out.append_text(legend(data, names, width, roomy))
    return out


class LandscapeView(PictureView):
    def picture(self, data: LandscapeData | ViewError, width: int, height: int) -> Text:
        return render_landscape(data, width, height)


VIEW = LandscapeView
