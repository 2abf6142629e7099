"""The learning-rate ladder the ``+`` and ``-`` keys walk: ... 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1 ...

Each decade has two rungs, 1 and 3 times a power of ten, so two presses change the rate about tenfold.
From a value between rungs (e.g. 0.02, typed with ``l``) a press goes to the next rung up or down.
"""

from __future__ import annotations

import math

from core.base.i18n import pick

MANTISSAS = (1, 3)
_TOLERANCE = 1e-9  # relative: 0.1 + 0.2 style float noise still counts as "on the rung"


def _rungs_around(lr: float) -> list[float]:
    exponent = math.floor(math.log10(lr))
    return [float(f"{m}e{e}") for e in range(exponent - 1, exponent + 2) for m in MANTISSAS]


def next_rung(lr: float, direction: int) -> float:
    """The ladder value just above (``direction`` > 0) or just below (< 0) the positive rate ``lr``."""
    if not (lr > 0 and math.isfinite(lr)):
        raise ValueError(pick(f"learning rate must be a positive number, got {lr!r}", f"学习率必须是正数，收到 {lr!r}"))
    rungs = _rungs_around(lr)
    if direction > 0:
        return min(r for r in rungs if r > lr * (1 + _TOLERANCE))
    return max(r for r in rungs if r < lr * (1 - _TOLERANCE))
