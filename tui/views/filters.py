"""The first convolution of the MNIST CNNs (view "filters"): each filter's weights (blue < 0 < red), and
under it the feature map it makes of the digit the digit viewer shows first (relu(max-pool(conv)),
bright: strong response), so you see which strokes each filter picks out.
``render_filters(data, width)`` is a pure function of the view's plain data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.containers import Lines
from rich.text import Text

from core.base.i18n import display_width, pad, pick
from core.base.view_data import FiltersData, ViewError
from tui.widgets.cells import Canvas, diverging, grey
from tui.widgets.data_view import failed, unavailable
from tui.widgets.picture_view import PictureView

DIM = "grey50"
GAP = 1


def image_canvas(grid: Sequence[Sequence[float]], colour: Any, scale: float, columns: int) -> Lines:
    """A grid of values drawn ``columns`` characters wide (nearest-neighbour scaling), half-block rows."""
    rows = max(1, round(len(grid) * columns / len(grid[0]) / 2))
    canvas = Canvas(columns, rows)
    for y in range(2 * rows):
        for x in range(columns):
            value = grid[min(len(grid) - 1, y * len(grid) // (2 * rows))][
                min(len(grid[0]) - 1, x * len(grid[0]) // columns)
            ]
            canvas.pixel(x, y, colour(value, scale))
    return canvas.lines().split()


def render_filters(data: FiltersData | ViewError, width: int = 80) -> Text:
    if failed(data):
        return unavailable(pick("filters", "卷积核"), data)
    filters = data.get("filters") or []
    if not filters:
        return Text(pick("No model yet.", "还没有模型。"), DIM)
    maps = data.get("maps") or []
    unit = 12 if not maps else len(maps[0][0])  # a map's width in characters: one per pixel
    per_row = max(1, (width - unit - GAP) // (unit + GAP))
    out = Text()
    shape = "×".join(map(str, data.get("shape", [])))
    layer, label = data.get("layer", "conv"), data.get("label")
    title = pick(
        f"{layer}: {len(filters)} filters {shape}, blue < 0 < red",
        f"{layer}：{len(filters)} 个卷积核 {shape}，蓝 < 0 < 红",
    )
    more = (
        pick(
            f"; under each, its feature map of the input digit (label {label})",
            f"；每个下方是它对输入数字的特征图（标签 {label}）",
        )
        if maps
        else pick("; the feature maps of a digit appear with the first batch", "；第一个批次后显示一个数字的特征图")
    )
    out.append(title, "bold")
    out.append((more if display_width(title + more) <= width else "") + "\n", DIM)
    image = data.get("image")
    digit = image_canvas(image, grey, 255, unit) if image else None
    for start in range(0, len(filters), per_row):
        chunk = range(start, min(start + per_row, len(filters)))
        tiles = [image_canvas(filters[i], diverging, data.get("filter_scale") or 1, unit) for i in chunk]
        lead = unit + GAP if digit else 0
        out.append(
            (pad(pick("input", "输入"), lead) if digit and start == 0 else " " * lead)
            + " ".join(f"f{i + 1:<{unit - 1}}" for i in chunk)
            + "\n",
            DIM,
        )
        rows = [tiles]
        if maps:
            rows.append([image_canvas(maps[i], grey, data["map_scale"][i] or 1, unit) for i in chunk])
        for band, row_tiles in enumerate(rows):
            for line in range(max(len(t) for t in row_tiles)):
                if digit:
                    left = digit if start == 0 else Lines()
                    index = line + (len(rows[0][0]) if band else 0)
                    out.append_text(left[index] if index < len(left) else Text(" " * unit))
                    out.append(" " * GAP)
                for index, tile in enumerate(row_tiles):
                    out.append_text(tile[line] if line < len(tile) else Text(" " * unit))
                    out.append(" " * GAP if index < len(row_tiles) - 1 else "\n")
    out.rstrip()
    return out


class FiltersView(PictureView):
    def picture(self, data: FiltersData | ViewError, width: int, height: int) -> Text:
        return render_filters(data, width)


VIEW = FiltersView
