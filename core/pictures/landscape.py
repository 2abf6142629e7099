"""The loss landscape of a linear model with one or two weights, as plain data (view "landscape", lessons
gradient-descent, autograd and linear-regression; ``tui/views/landscape.py`` draws it).

For y = w*x the loss over a range of w (a curve), for y = w*x + b the loss over a grid of (w, b) (a heat
map); with the minimum, the current weights and the path the optimizer walked. The loss is the squared
error of the model over the lesson's data (its loop's ``x_data`` and ``y_data``), computed in numpy from
those values alone: the live parameters and their gradients are only read, never changed.

The view runs at a yield point, so the current weights (the marker) move at UPDATE, not before. The path
is the trainer's record of the weights after every update (``run.weight_trail``, kept for a model of a few
weights: the latest ones), after the weights the view saw before them (the first, where the walk started, always
kept); without it, the weights each call saw (``run.state.landscape_path``: every update while stepping, a sample
while running fast).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from core.base.i18n import pick
from core.base.view_data import LandscapeData
from core.engine.arrays import named_arrays, to_numpy
from core.pictures.model import loop_value

PATH_POINTS = 500  # the positions kept: the first and the most recent
CURVE_POINTS = 121  # values of w on the curve
MAP_SIZE = (112, 48)  # (w, b) values of the heat map, across and up: a pixel each at 120x36
MARGIN = 1.2  # the range reaches this much past the path point farthest from the minimum
SMALLEST_HALF_SPAN = 0.5  # so a path that starts at the minimum still shows the valley around it


def squared_error(ws: np.ndarray, bs: np.ndarray, x: np.ndarray, y: np.ndarray, reduction: str) -> np.ndarray:
    """The loss of y_pred = w*x + b at every (w, b) of two same-shaped arrays: summed or mean over the samples."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = ((ws[..., None] * x + bs[..., None] - y) ** 2).sum(axis=-1)
    return total / len(x) if reduction == "mean" else total


def minimum(x: np.ndarray, y: np.ndarray, with_bias: bool) -> list[float]:
    """The weights of the lowest loss (least squares): [w] or [w, b]."""
    if with_bias:
        solution = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)[0]
        return [round(float(solution[0]), 10), round(float(solution[1]), 10)]  # 2.0, not 1.999999999999999
    return [round(float(x @ y / (x @ x)), 10) if x @ x else 0.0]


def axis_range(values: list[float], centre: float) -> list[float]:
    """[low, high] centred on the minimum and wide enough for every finite value (the path), with a margin."""
    far = max((abs(v - centre) for v in values if math.isfinite(v)), default=0.0)
    half = max(far * MARGIN, SMALLEST_HALF_SPAN)
    return [centre - half, centre + half]


def note_path(run: Any, point: list[float], names: list[str]) -> list[list[float]]:
    """The weights after every update when the trainer keeps them (a tiny model), else
    ``run.state.landscape_path`` with ``point`` added when the weights moved since the last one noted."""
    path = run.state.__dict__.setdefault("landscape_path", [])
    if not path or path[-1] != point:
        path.append(point)
        if len(path) > PATH_POINTS:  # the latest, and always the first: where the walk started
            del path[1 : len(path) - PATH_POINTS + 1]
    trail = run.weight_trail(*names) if hasattr(run, "weight_trail") else None
    if not trail:
        return path
    # a long run's trail holds only its latest updates: before them, the positions the view saw (its start first)
    recent = {tuple(p) for p in trail}
    whole = [*(p for p in path if tuple(p) not in recent), *trail]
    return whole if whole[-1] == point else [*whole, point]


def current(run: Any, name: str) -> float | None:
    """The first value of the watched parameter ``name`` (None: the lesson watches none of that name)."""
    for watched, value in named_arrays(run.watched):
        if watched == name:
            return float(to_numpy(value).reshape(-1)[0])
    return None


def landscape(run: Any, w_name: str, b_name: str | None, reduction: str) -> LandscapeData:
    """The view's data: see the module's docstring. A model without such weights gets a message."""
    w = current(run, w_name)
    b = current(run, b_name) if b_name else 0.0
    if w is None or b is None:
        names = ", ".join(name for name, _ in named_arrays(run.watched)) or pick("none yet", "（还没有）")
        return {
            "message": pick(
                f"the landscape is drawn for y = w*x (+ b); this model's weights are: {names}",
                f"损失曲面只为 y = w*x (+ b) 画出；这个模型的权重是：{names}",
            )
        }
    xs, ys = loop_value(run, "x_data"), loop_value(run, "y_data")
    if xs is None or ys is None:
        return {
            "message": pick(
                "no data yet: the landscape appears once the training loop has its x_data and y_data",
                "还没有数据：训练循环有了 x_data 和 y_data 后显示损失曲面",
            )
        }
    x, y = to_numpy(xs).reshape(-1), to_numpy(ys).reshape(-1)
    best = minimum(x, y, b_name is not None)
    if b_name is None:
        path = note_path(run, [w], [w_name])
        low, high = axis_range([p[0] for p in path], best[0])
        ws = np.linspace(low, high, CURVE_POINTS)
        path_ws = np.array([p[0] for p in path])
        path_loss = squared_error(path_ws, np.zeros_like(path_ws), x, y, reduction)
        best_loss, now_loss = squared_error(np.array([best[0], w]), np.zeros(2), x, y, reduction).tolist()
        return {
            "kind": "curve",
            "range": [low, high],
            "reduction": reduction,
            "samples": len(x),
            "loss": squared_error(ws, np.zeros_like(ws), x, y, reduction).tolist(),
            "minimum": [best[0], best_loss],
            "now": [w, now_loss],
            "path": np.stack([path_ws, path_loss], axis=1).tolist(),
        }
    path = note_path(run, [w, b], [w_name, b_name])
    box = [axis_range([p[0] for p in path], best[0]), axis_range([p[1] for p in path], best[1])]
    columns, rows = MAP_SIZE
    grid_b, grid_w = np.meshgrid(
        np.linspace(box[1][1], box[1][0], rows), np.linspace(box[0][0], box[0][1], columns), indexing="ij"
    )  # rows from the top (largest b) down
    best_loss, now_loss = squared_error(np.array([best[0], w]), np.array([best[1], b]), x, y, reduction).tolist()
    return {
        "kind": "map",
        "box": box,
        "size": [columns, rows],
        "reduction": reduction,
        "samples": len(x),
        "loss": squared_error(grid_w, grid_b, x, y, reduction).tolist(),
        "minimum": [*best, best_loss],
        "now": [w, b, now_loss],
        "path": [list(p) for p in path],
    }


def loss_landscape(w: str = "w", b: str | None = None, reduction: str = "mean") -> Callable[[Any], LandscapeData]:
    """A lesson's view for the model y = w*x (+ b): ``w`` and ``b`` name its watched weights,
    ``reduction`` ("mean" or "sum") is how its loss adds up the samples' squared errors."""

    def landscape_view(run: Any) -> LandscapeData:
        return landscape(run, w, b, reduction)

    return landscape_view
