"""A tensor, a numpy array or a number, alike: the parameters a watched module holds, a value as plain data, a float
copy, its norm and size, and which watched parameter went non-finite.

A tensor is read where it lives (``.detach()``), anything else through numpy: the snapshot, the trainer, the
divergence check, the pictures of the model and the stop conditions share these.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np


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
    if isinstance(value, np.generic):  # before the float test: np.float64 is a float subclass
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "detach"):
        value = value.detach().to("cpu")
        return float(value) if value.numel() == 1 else value.tolist()
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
    return np.array(value, dtype=np.float64)


def norm_of(value: Any) -> float:
    if hasattr(value, "detach"):
        import torch

        return float(torch.linalg.vector_norm(value))
    return float(np.linalg.norm(value))


def size_of(value: Any) -> int:
    """How many values a tensor, array or number holds (no copy)."""
    return value.numel() if hasattr(value, "numel") else int(np.size(value))
