"""How numbers look on screen: short, stable widths, nan/inf spelled out."""

from __future__ import annotations

import math
from typing import Any, Iterable


def number(value: float | None, digits: int = 4) -> str:
    """``0.1234``, ``1.235e+08``, ``nan``; a dash for a value not known yet."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    return f"{value:.{digits}g}"


def lr(value: float) -> str:
    """A learning rate as a person types it: ``0.01``, ``0.003``, ``1e-05``."""
    return f"{value:g}"


def values(items: Iterable[float], digits: int = 5) -> str:
    """A short list of numbers: ``1.9934`` alone, else ``[0.1, -0.3, ...]``."""
    items = list(items)
    if len(items) == 1:
        return number(items[0], digits)
    return "[" + ", ".join(number(v, digits) for v in items) + "]"


def shape(dims: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in dims) if dims else "scalar"


def rate(steps_per_s: float | None) -> str:
    if steps_per_s is None:
        return "– steps/s"
    if steps_per_s >= 100:
        return f"{steps_per_s:.0f} steps/s"
    return f"{steps_per_s:.3g} steps/s"


def plain_result(result: Any, depth: int = 0) -> str:
    """An action's plain-data result as a few readable lines (for a notification)::

        name: Nakamura
        top:
          • country Japanese, probability 0.61
          • country Chinese, probability 0.2
    """
    if result is None:
        return "done"
    if isinstance(result, dict):
        if depth == 0:
            return "\n".join(f"{key}: {plain_result(value, 1)}" for key, value in result.items()).replace(": \n", ":\n")
        return ", ".join(f"{key} {plain_result(value, depth + 1)}" for key, value in result.items())
    if isinstance(result, (list, tuple)):
        if depth <= 1 and any(isinstance(v, (dict, list, tuple)) for v in result):
            return "".join(f"\n  • {plain_result(v, 2)}" for v in result)
        return ", ".join(plain_result(v, depth + 1) for v in result)
    if isinstance(result, float):
        return number(result)
    return str(result)
