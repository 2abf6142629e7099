"""simple-nn's picture (view "boundary"), as TensorFlow Playground draws it: the network's p(class 1) over
the input plane (blue 0 … orange 1, paler near 0.5, so the boundary is where the colours meet), the
training points (·) and the held-out test points (●) in their class's colour, and below it a small map of
what each neuron of the first hidden layer responds to (bright: active).
``render_boundary(data, width, height)`` is a pure function of the view's plain data; ``drawn_at`` says
which map cell a point is drawn in, so a test can check the picture against the accuracy."""

from __future__ import annotations

from functools import lru_cache

from rich.console import Console
from rich.text import Text

from core.base.i18n import display_width, pick
from core.base.view_data import BoundaryData, ViewError
from tui.widgets.cells import CLASS0, CLASS1, Canvas, grey, mix
from tui.widgets.data_view import failed, unavailable
from tui.widgets.picture_view import PictureView

DIM = "grey50"
BACKGROUND = (28, 28, 28)
POINT0, POINT1 = (90, 180, 255), (255, 190, 90)  # the points, brighter than the map under them
NEURON_SIZES = ((12, 3), (8, 2), (6, 2))  # (columns, rows) of one neuron's map, the largest first
MIN_SHARE = 0.4  # of the tab's rows, kept for the decision boundary when the neurons' maps go below it


@lru_cache(maxsize=256)
def shade(percent: int) -> tuple[int, int, int]:
    """The map's colour for p(class 1) in percent: deeper the surer, grey at 50."""
    if percent >= 50:
        return mix(BACKGROUND, mix(CLASS1, (0, 0, 0), 0.25), (percent - 50) / 50)
    return mix(BACKGROUND, mix(CLASS0, (0, 0, 0), 0.25), (50 - percent) / 50)


def drawn_at(point: list[float], box: list[list[float]], columns: int, rows: int) -> tuple[int, int]:
    """(column, pixel row) of ``point`` on a picture of ``columns`` x ``rows`` pixels (top row: largest y)."""
    (x_low, x_high), (y_low, y_high) = box
    column = round((point[0] - x_low) / (x_high - x_low) * (columns - 1))
    row = round((y_high - point[1]) / (y_high - y_low) * (rows - 1))
    return min(max(column, 0), columns - 1), min(max(row, 0), rows - 1)


def sample(grid: list[list[int]], column: int, row: int, columns: int, rows: int) -> int:
    """The grid value under pixel (column, row) of a columns x rows picture (the nearest grid point)."""
    return grid[round(row * (len(grid) - 1) / max(rows - 1, 1))][
        round(column * (len(grid[0]) - 1) / max(columns - 1, 1))
    ]


def boundary_canvas(data: BoundaryData, width: int, height: int) -> Canvas:
    canvas = Canvas(width, height)
    grid, box = data["probability"], data["box"]
    pixels = 2 * canvas.height
    for row in range(pixels):
        for column in range(canvas.width):
            canvas.pixel(column, row, shade(sample(grid, column, row, canvas.width, pixels)))
    for points, char in ((data.get("train") or [], "·"), (data.get("test") or [], "●")):
        for x, y, label in points:
            column, row = drawn_at([x, y], box, canvas.width, pixels)
            canvas.mark(column, row // 2, char, POINT1 if label else POINT0)
    return canvas


def caption(count: int, shown: int, width: int) -> str:
    """What the small maps are, in one line of ``width`` at most (how many of them, when not all fit)."""
    if shown < count:
        texts = [
            pick(
                f"first hidden layer: {shown} of {count} neurons (bright: active)",
                f"第一个隐藏层：{count} 个神经元中的 {shown} 个（亮：激活）",
            ),
            pick(f"{shown} of {count} neurons", f"{count} 个神经元中的 {shown} 个"),
        ]
    else:
        texts = [
            pick(
                f"first hidden layer: {count} neurons, each over the same plane (bright: active)",
                f"第一个隐藏层：{count} 个神经元，各画在同一平面上（亮：激活）",
            ),
            pick(
                f"first hidden layer: {count} neurons (bright: active)", f"第一个隐藏层：{count} 个神经元（亮：激活）"
            ),
            pick(f"first hidden layer: {count} neurons", f"第一个隐藏层：{count} 个神经元"),
        ]
    return next((text for text in texts if display_width(text) <= width), texts[-1])


def maps_fitting(count: int, width: int, rows: int, size: tuple[int, int]) -> int:
    """How many neuron maps of ``size`` (columns, rows) fit in ``width`` x ``rows`` under their caption."""
    columns, height = size
    per_row = max(1, (width + 1) // (columns + 1))
    return min(count, per_row * max((rows - 1) // (height + 1), 0))


def neuron_maps(data: BoundaryData, width: int, size: tuple[int, int] = NEURON_SIZES[0], shown: int = -1) -> Text:
    """The first ``shown`` (all: -1) neurons' maps, each ``size`` (columns, rows), as many a row as fit."""
    maps = data.get("neurons") or []
    shown = len(maps) if shown < 0 else shown
    columns, rows = size
    per_row = max(1, (width + 1) // (columns + 1))
    out = Text()
    out.append(caption(len(maps), shown, width) + "\n", DIM)
    for start in range(0, shown, per_row):
        canvases = []
        for grid in maps[start : min(start + per_row, shown)]:
            canvas = Canvas(columns, rows)
            for row in range(2 * rows):
                for column in range(columns):
                    canvas.pixel(column, row, grey(sample(grid, column, row, columns, 2 * rows), 100))
            canvases.append(canvas.lines().split())
        out.append(" ".join(f"h{i + 1:<{columns - 1}}" for i in range(start, start + len(canvases))) + "\n", DIM)
        for line in range(rows):
            for index, lines in enumerate(canvases):
                out.append_text(lines[line])
                out.append(" " if index < len(canvases) - 1 else "\n")
    return out


def title() -> Text:
    out = Text()
    out.append(pick("p(class 1) over the inputs: ", "输入平面上的 p(类别 1)："), "bold")
    out.append(pick("blue 0", "蓝 0"), "bold #5ab4ff")
    out.append(" … ")
    out.append(pick("orange 1", "橙 1"), "bold #ffbe5a")
    out.append(pick(" · ● test points  · training points", " · ● 测试点  · 训练点"), DIM)
    return out


def render_boundary(data: BoundaryData | ViewError, width: int = 80, height: int = 16) -> Text:
    """The map over the rows it has, and the neurons' maps: below it when they leave it at least
    ``MIN_SHARE`` of the rows (smaller maps first), else beside a square map (as many as fit)."""
    if failed(data):
        return unavailable(pick("boundary", "决策边界"), data)
    if not data.get("probability"):
        return Text(
            pick(
                "No network yet: the decision boundary appears once the lesson starts.",
                "还没有网络：课程开始后，这里显示决策边界。",
            ),
            DIM,
        )
    lines = title().wrap(Console(width=max(width, 1)), max(width, 1))  # wrapped here: its rows counted
    out = Text("\n").join(lines)
    out.append("\n")
    rest = height - len(lines)
    count = len(data.get("neurons") or [])
    for size in NEURON_SIZES if count else ():
        rows = rest - maps_rows(count, width, size)
        if rows >= max(6, round(rest * MIN_SHARE)):
            out.append_text(boundary_canvas(data, max(width - 1, 10), rows).lines())
            out.append_text(neuron_maps(data, width, size))
            out.rstrip()
            return out
    rows = max(rest, 6)
    if not count:
        out.append_text(boundary_canvas(data, max(width - 1, 10), rows).lines())
        out.rstrip()
        return out
    square = min(max(2 * rows, 10), width // 2)  # half-block pixels are square: 2 columns a row
    side = width - square - 2
    size = max(NEURON_SIZES, key=lambda size: (maps_fitting(count, side, rows, size), size))
    picture = boundary_canvas(data, square, rows).lines().split()
    maps = neuron_maps(data, side, size, maps_fitting(count, side, rows, size)).split()
    for index, line in enumerate(picture):
        out.append_text(line)
        if index < len(maps):
            out.append("  ")
            out.append_text(maps[index])
        out.append("\n")
    out.rstrip()
    return out


def maps_rows(count: int, width: int, size: tuple[int, int]) -> int:
    """The rows all ``count`` maps of ``size`` take below the picture, their caption included."""
    per_row = max(1, (width + 1) // (size[0] + 1))
    return 1 + -(-count // per_row) * (size[1] + 1)


class BoundaryView(PictureView):
    fits_height = True

    def picture(self, data: BoundaryData | ViewError, width: int, height: int) -> Text:
        return render_boundary(data, width, height)


VIEW = BoundaryView
