"""Plain-data copies of parameters and gradients, taken in the trainer's thread at a yield point.

The UI never touches live tensors: it renders ``Snapshot`` objects, which hold only floats, ints,
strings and tuples. Reading gradients from another thread while training ran once corrupted the
heap of a prototype (``free(): corrupted unsorted chunks``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

import numpy as np

SMALL = 64  # tensors with at most this many elements are shown whole
PREVIEW = 6  # values shown of larger tensors
# Gradient flags (documented in docs/architecture.md): a gradient norm above EXPLODING is flagged as
# exploding; a non-zero norm below VANISHING times the parameter's norm (or below VANISHING when the
# parameter is all zeros) as vanishing. A gradient of exactly zero (just after zero_grad) is not flagged.
EXPLODING = 1e3
VANISHING = 1e-7


@dataclass(frozen=True, slots=True)
class Stats:
    mean: float
    std: float
    min: float
    max: float
    norm: float


@dataclass(frozen=True, slots=True)
class ParamSnapshot:
    name: str
    shape: tuple[int, ...]
    values: tuple[float, ...]  # every value when numel <= SMALL, else the first PREVIEW
    stats: Stats
    grad: tuple[float, ...] | None  # same rule as values; None when there is no gradient yet
    grad_stats: Stats | None
    update_ratio: float | None  # ||last update|| / ||parameter|| at the last measured update
    flag: str | None  # "exploding", "vanishing" or None

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def complete(self) -> bool:
        return self.numel <= SMALL


@dataclass(frozen=True, slots=True)
class Snapshot:
    step: int
    epoch: int
    phase: str | None
    line: int
    lr: float
    loss: float | None
    params: tuple[ParamSnapshot, ...]
    metrics: Mapping[str, Any]
    views: Mapping[str, Any]


def named_arrays(watched: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(name, tensor or array) for everything watched, modules expanded into their parameters."""
    for name, obj in watched.items():
        if hasattr(obj, "named_parameters"):
            for pname, param in obj.named_parameters():
                yield (f"{name}.{pname}" if name else pname), param
        else:
            yield name, obj


def to_numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):
        return value.detach().to("cpu").double().numpy()
    return np.asarray(value, dtype=np.float64)


def stats_of(value: Any) -> Stats:
    """mean, std, min, max and L2 norm, computed where the values live (no float64 copy of big tensors)."""
    if hasattr(value, "detach"):
        import torch

        tensor = value.detach()
        if tensor.numel() == 0:
            return Stats(0.0, 0.0, 0.0, 0.0, 0.0)
        tensor = tensor.float()
        std, mean = torch.std_mean(tensor, correction=0)
        low, high = torch.aminmax(tensor)
        numbers = torch.stack([mean, std, low, high, torch.linalg.vector_norm(tensor)]).tolist()
        return Stats(*numbers)
    array = np.asarray(value, dtype=np.float64)
    if array.size == 0:
        return Stats(0.0, 0.0, 0.0, 0.0, 0.0)
    return Stats(float(array.mean()), float(array.std()), float(array.min()), float(array.max()),
                 float(np.sqrt(np.square(array).sum())))


def _values(value: Any) -> tuple[float, ...]:
    if hasattr(value, "detach"):
        flat = value.detach().reshape(-1)
        return tuple(float(v) for v in (flat if flat.numel() <= SMALL else flat[:PREVIEW]).tolist())
    flat = np.asarray(value, dtype=np.float64).reshape(-1)
    return tuple(float(v) for v in (flat if flat.size <= SMALL else flat[:PREVIEW]))


def flag_for(grad_norm: float | None, param_norm: float) -> str | None:
    if grad_norm is None or grad_norm == 0.0:
        return None
    if not math.isfinite(grad_norm) or grad_norm > EXPLODING:
        return "exploding"
    if grad_norm < VANISHING * max(param_norm, 1.0):
        return "vanishing"
    return None


def snapshot_param(name: str, value: Any, update_ratio: float | None) -> ParamSnapshot:
    grad = getattr(value, "grad", None)
    stats = stats_of(value)
    grad_stats = stats_of(grad) if grad is not None else None
    return ParamSnapshot(
        name=name,
        shape=tuple(value.shape) if hasattr(value, "shape") else (),
        values=_values(value),
        stats=stats,
        grad=_values(grad) if grad is not None else None,
        grad_stats=grad_stats,
        update_ratio=update_ratio,
        flag=flag_for(grad_stats.norm if grad_stats else None, stats.norm),
    )


def first_non_finite(watched: Mapping[str, Any]) -> str | None:
    """The name of the first watched parameter holding nan or inf, else None."""
    for name, value in named_arrays(watched):
        if hasattr(value, "detach"):
            import torch

            if not bool(torch.isfinite(value.detach()).all()):
                return name
        elif not np.isfinite(np.asarray(value, dtype=np.float64)).all():
            return name
    return None


def plain(value: Any) -> Any:
    """A metric value as plain data: numbers as float/int, small tensors/arrays as floats/lists."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "detach"):
        value = value.detach().to("cpu")
        return float(value) if value.numel() == 1 else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.item() if value.size == 1 else value.tolist()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value)


def float_copy(value: Any) -> Any:
    """A detached float copy of a tensor (where it lives) or numpy array."""
    if hasattr(value, "detach"):
        return value.detach().float().clone()
    import numpy as np

    return np.array(value, dtype=np.float64)


def norm_of(value: Any) -> float:
    if hasattr(value, "detach"):
        import torch

        return float(torch.linalg.vector_norm(value))
    import numpy as np

    return float(np.linalg.norm(value))
