"""One side of a check at one yield, as plain numpy copies (``State``), what differs there (``Finding``), and
how values are compared (``close``, ``grads_close``) and shown in a message (``short``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

RTOL, ATOL = 1e-5, 1e-7
SHOWN_VALUES = 6  # values of one tensor a message shows; bigger ones show their first values


def short(value: Any) -> str:
    """A value as a message shows it: a number, or its first ``SHOWN_VALUES`` values."""
    if value is None:
        return "None"
    array = np.asarray(value, dtype=np.float64).ravel()
    shown = ", ".join(f"{v:.6g}" for v in array[:SHOWN_VALUES])
    return f"[{shown}{', …' if array.size > SHOWN_VALUES else ''}]" if array.size != 1 else shown


@dataclass(frozen=True)
class Finding:
    """What differs, in one sentence, and what kind of difference it is (``check`` lights the line that made
    it for ``loss`` and ``shape``, the ``optimizer.step()`` line for ``order``, and looks further for ``sign``)."""

    text: str
    kind: str  # phase, watch, loss, shape, graph, zero, grad, summed, order, unchanged, sign, rate, param
    name: str = ""


@dataclass
class State:
    """One side at one yield: its phase, step, line, loss, and copies of every watched value and gradient."""

    phase: str | None
    step: int
    line: int
    loss: float | None
    params: dict[str, np.ndarray] = field(default_factory=dict)
    grads: dict[str, np.ndarray | None] = field(default_factory=dict)
    shapes: dict[str, tuple] = field(default_factory=dict)  # the loop's tensors' shapes, by name
    graphed: set = field(default_factory=set)  # loop tensors that carry a grad_fn (not leaves)


SMALL = 64  # elements up to which comparing two arrays' bytes beats ``np.array_equal``'s set-up


def close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if type(a) is float and type(b) is float and a == b:
        return True
    a, b = np.asarray(a), np.asarray(b)
    if a.size <= SMALL and a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes():
        return True  # a small lesson's values, at every yield: the cheapest test first
    if a.shape == b.shape and np.array_equal(a, b):  # the usual case: the same code, the same numbers
        return True
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))


def zero(g: Any) -> bool:
    return g is None or not np.any(np.asarray(g))


def grads_close(a: Any, b: Any) -> bool:
    """Two gradients match: close, or both cleared (``None`` after ``zero_grad()``, zeros after ``zero_()`` or
    ``zero_grad(set_to_none=False)``: the next ``backward()`` gives the same gradient either way)."""
    return close(a, b) or (zero(a) and zero(b))
