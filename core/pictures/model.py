"""Pictures of the models as plain data, for the lessons' views (``tui/views/{fit,sigmoid,boundary,weights}.py``).

Each function reads the model's current parameters (a view runs at a yield point, so after FORWARD,
LOSS or BACKWARD it shows the weights before the update, and the picture changes at UPDATE) and returns
its view's data (``core.base.views``: lists and floats, never tensors). Each costs at most one batched
forward pass under ``torch.no_grad()``.
"""

from __future__ import annotations

from typing import Any

import torch

from core.base.view_data import BoundaryData, FitData, Matrix, SigmoidData, WeightsData
from core.engine.arrays import named_arrays

FAINT_LINES = 5  # earlier lines (or curves) kept, drawn faint
GRID = (72, 40)  # boundary heat map: points across, points up
NEURON_GRID = (24, 16)  # each hidden neuron's small map
MAX_MATRIX = 4096  # values of a parameter drawn as colour cells


def loop_value(run: Any, name: str) -> Any:
    """A variable of the lesson's training loop (its data, e.g. ``x_data``), read at a yield point; once the
    loop has ended, the value last seen (None if it never was)."""
    seen = run.state.__dict__.setdefault("_loop_values", {})
    value = run.loop_variables().get(name)
    if value is not None:
        seen[name] = value
    return seen.get(name)


def labelled(x: Any, y: Any) -> list:
    """[[x, y], ...] of two column tensors; [] when the data are not known (the loop ended unseen)."""
    return [] if x is None or y is None else rounded(torch.cat([x, y], dim=1).tolist())


def rounded(values: list, digits: int = 6) -> list:
    return [rounded(v, digits) if isinstance(v, list) else float(f"{v:.{digits}g}") for v in values]


def remember(run: Any, key: str, value: list) -> list:
    """The earlier distinct values of ``key`` (oldest first, at most FAINT_LINES), then note ``value``."""
    seen = getattr(run.state, key, None)
    if seen is None:
        seen = []
        setattr(run.state, key, seen)
    if not seen or seen[-1] != value:
        seen.append(value)
        del seen[: -FAINT_LINES - 1]
    return [old for old in seen if old != value][-FAINT_LINES:]


def line_fit(run: Any, linear: torch.nn.Linear, x: torch.Tensor, y: torch.Tensor) -> FitData:
    """Linear regression: the points, the current line y = w*x + b, and the earlier lines."""
    w, b = linear.weight.item(), linear.bias.item()
    line = rounded([w, b])
    return {"points": labelled(x, y), "line": line, "previous": remember(run, "fit_lines", line), "step": run.eval_step}


def sigmoid_curve(
    run: Any, model: torch.nn.Module, linear: torch.nn.Linear, x: torch.Tensor, y: torch.Tensor, samples: int = 64
) -> SigmoidData:
    """Logistic regression: the points (hours, passed), p(pass) along the hours, and where p crosses 0.5."""
    low, high = 0.0, (float(x.max()) if x is not None else 3.0) + 2.0
    hours = torch.linspace(low, high, samples).unsqueeze(1)
    with torch.no_grad():
        probability = model(hours).squeeze(1).tolist()
    w, b = linear.weight.item(), linear.bias.item()
    curve = rounded(probability, 4)
    return {
        "points": labelled(x, y),
        "x_range": [low, high],
        "curve": curve,
        "previous": remember(run, "sigmoid_curves", curve),
        "w": rounded([w])[0],
        "b": rounded([b])[0],
        "threshold": None if w == 0 else rounded([-b / w])[0],
    }


def bounds(points: torch.Tensor, margin: float = 0.15) -> list[list[float]]:
    """[[x low, x high], [y low, y high]] around the points, with a margin."""
    low, high = points.min(dim=0).values, points.max(dim=0).values
    pad = (high - low).clamp(min=1e-3) * margin
    return [[float(low[i] - pad[i]), float(high[i] + pad[i])] for i in range(2)]


def grid_points(box: list[list[float]], columns: int, rows: int) -> torch.Tensor:
    """Cell centres of a columns x rows grid over ``box``, row by row from the top (largest y) down."""
    xs = torch.linspace(box[0][0], box[0][1], columns)
    ys = torch.linspace(box[1][1], box[1][0], rows)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([grid_x.reshape(-1), grid_y.reshape(-1)], dim=1)


def percent(values: torch.Tensor, columns: int) -> list[list[int]]:
    return (values * 100).round().to(torch.int64).reshape(-1, columns).tolist()


def decision_boundary(
    model: torch.nn.Module,
    first: torch.nn.Linear,
    activation: Any,
    train: tuple[torch.Tensor, torch.Tensor],
    test: tuple[torch.Tensor, torch.Tensor],
) -> BoundaryData:
    """A 2-input classifier: p(class 1) over the plane (percent, rows from the top), the train and test
    points with their labels, and each first-layer neuron's activation over the plane (scaled to 0..100)."""
    if train[0] is None:  # the loop ended before the view saw its data: the test points only
        train = test[0][:0], test[1][:0]
    points = torch.cat([train[0], test[0]]).detach().cpu()
    box = bounds(points)
    columns, rows = GRID
    device = first.weight.device
    with torch.no_grad():
        probability = model(grid_points(box, columns, rows).to(device)).reshape(-1).cpu()
        small = activation(first(grid_points(box, *NEURON_GRID).to(device))).cpu()  # points x neurons
    top = small.abs().amax(dim=0).clamp(min=1e-6)
    neurons = [percent(small[:, i] / top[i], NEURON_GRID[0]) for i in range(small.shape[1])]
    return {
        "box": rounded(box),
        "size": [columns, rows],
        "probability": percent(probability, columns),
        "train": [
            rounded(p, 4) + [int(label)] for p, label in zip(train[0].cpu().tolist(), train[1].reshape(-1).tolist())
        ],
        "test": [
            rounded(p, 4) + [int(label)] for p, label in zip(test[0].cpu().tolist(), test[1].reshape(-1).tolist())
        ],
        "neurons": neurons,
        "neuron_size": list(NEURON_GRID),
    }


def weight_matrices(run: Any) -> WeightsData:
    """Every watched parameter of at most MAX_MATRIX values as rows of values (a vector is one row), with
    its gradient: for colour cells where every value can be read."""
    matrices: list[Matrix] = []
    for name, value in named_arrays(run.watched):
        if not isinstance(value, torch.Tensor) or value.numel() > MAX_MATRIX or value.dim() > 2:
            continue
        rows = value.detach().reshape(1, -1) if value.dim() < 2 else value.detach()
        grad = value.grad.detach().reshape(rows.shape) if value.grad is not None else None
        matrices.append(
            {
                "name": name,
                "shape": list(value.shape),
                "values": rounded(rows.cpu().tolist()),
                "grads": None if grad is None else rounded(grad.cpu().tolist()),
            }
        )
    return {"matrices": matrices, "step": run.eval_step}
