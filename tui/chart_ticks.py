"""Value-axis ticks a person reads at a glance: round values (1, 2, 5 × 10^k), the top one at or above the
data's maximum, labels short (``0.001``, ``250``, ``9.76e14``), never ``0.000000`` on a log scale.

plotext's own ticks split the data's range evenly (4.67, 3.89, 2.33 …) and print them with fixed
decimals, so a loss of 1e15 read ``975735636361220.6`` and a log scale's lowest label ``0.000000``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

ROUND = (1, 2, 5)  # tick spacings, times a power of ten


def tick_label(value: float, digits: int = 3) -> str:
    """``0``, ``0.05``, ``2.5``, ``250``, ``1e-05``, ``9.76e14``: at most ``digits`` significant digits, an
    exponent (without ``+`` or leading zeros) outside 0.001 … 99,999."""
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e5:
        text = f"{value:.{digits}g}"
        return text if "e" not in text else f"{value:f}".rstrip("0").rstrip(".")
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def tick_labels(ticks: Sequence[float]) -> list[str]:
    """Each tick's label: three significant digits, more where three would misstate a tick (a tall chart's
    2.285 would read 2.29, beside the real 2.29)."""
    for digits in range(3, 13):
        labels = [tick_label(t, digits) for t in ticks]
        if all(float(label) == t for label, t in zip(labels, ticks)):
            break
    return labels


def linear_ticks(low: float, high: float, most: int) -> list[float]:
    """Round ticks from at or below ``low`` to at or above ``high``, evenly spaced by 1, 2 or 5 × 10^k:
    the smallest such spacing that needs at most ``most`` ticks (at least two)."""
    most = max(most, 2)
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high <= low:
        spread = abs(high) * 0.1 or 1.0
        low, high = low - spread, high + spread
    power = 10.0 ** math.floor(math.log10((high - low) / most))
    while True:
        for nice in ROUND:
            spacing = nice * power
            first, last = math.floor(low / spacing + 1e-9), math.ceil(high / spacing - 1e-9)
            if last - first + 1 <= most:
                return [clean(index * spacing) for index in range(first, last + 1)]
        power *= 10


def log_ticks(low: float, high: float, most: int) -> list[float]:
    """Ticks for a log scale, at or around ``low`` … ``high`` (both positive): 1, 2, 5 × 10^k where they
    fit in ``most``, else every decade (or every second, fifth … decade)."""
    most = max(most, 2)
    if not (low > 0 and high > 0 and math.isfinite(low) and math.isfinite(high)):
        return []
    bottom, top = math.floor(math.log10(low) + 1e-9), math.ceil(math.log10(high) - 1e-9)
    if top == bottom:
        top += 1
    for nice in ((1, 2, 5), (1,)) if top - bottom <= 2 else ((1,),):
        ticks = [clean(m * 10.0**k) for k in range(bottom, top + 1) for m in nice]
        ticks = [t for t in ticks if t <= 10.0**top]
        first = max(i for i, t in enumerate(ticks) if t <= low * (1 + 1e-9))
        last = min(i for i, t in enumerate(ticks) if t >= high * (1 - 1e-9))
        ticks = ticks[first : last + 1]
        if len(ticks) <= most:
            return ticks
    strides = (s * 10**p for p in range(6) for s in ROUND)
    stride = next(strides)
    while -(-(top - bottom) // stride) + 1 > most:
        stride = next(strides)
    # Of the first decades that could start the ticks, the one whose last tick is nearest above the data.
    first = min(range(bottom - stride + 1, bottom + 1), key=lambda b: (b + stride * -(-(top - b) // stride), -b))
    return [clean(10.0**k) for k in range(first, top + stride, stride)]


def clean(value: float) -> float:
    """A tick without float noise (0.30000000000000004 -> 0.3)."""
    return float(f"{value:.12g}")


def axis(values: Sequence[float], most: int, log: bool = False) -> tuple[list[float], list[str]]:
    """The ticks and labels of an axis holding ``values`` (finite ones; positive ones on a log scale)."""
    finite = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
    if not finite:
        return [], []
    ticks = (log_ticks if log else linear_ticks)(min(finite), max(finite), most)
    return ticks, tick_labels(ticks)
