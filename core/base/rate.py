"""Steps per second, measured and written the one way: the app's status bar (from the driver's frames) and a
headless run's progress lines both use ``StepRate`` and ``format_rate``.

The rate is measured over a sliding window of the last seconds of wall time while the run moves, so a slow
start, a pause or a slow batch long ago does not skew it: a slow model's few steps and a fast one's thousands
both read true.
"""

from __future__ import annotations

import time
from collections import deque

RATE_WINDOW = 3.0  # seconds of wall time over which steps/s is measured (a sliding window)
MIN_RATE_SPAN = 0.2  # seconds of readings needed before a first steps/s is given


class StepRate:
    """Steps per second over the last ``RATE_WINDOW`` seconds of wall time, from a reading now and then (the
    driver: at every frame; headless: at every completed step). ``value`` is None until the readings span
    ``MIN_RATE_SPAN`` seconds and a step was done; then the latest measurement."""

    def __init__(self) -> None:
        self.value: float | None = None
        self._readings: deque[tuple[float, int]] = deque()  # (time, steps done) since the run last started moving

    def tick(self, now: float, step: int) -> float | None:
        """A reading: ``step`` steps done at ``now`` (``time.perf_counter()``); the rate as of now."""
        readings = self._readings
        readings.append((now, step))
        while len(readings) > 2 and now - readings[1][0] >= RATE_WINDOW:
            readings.popleft()
        then, first = readings[0]
        if now - then >= MIN_RATE_SPAN and step > first:
            self.value = (step - first) / (now - then)
        return self.value

    def close(self, step: int, now: float | None = None) -> None:
        """The run stopped: a last reading, then the next start measures afresh (the pause is not counted)."""
        if self._readings:
            self.tick(time.perf_counter() if now is None else now, step)
        self._readings.clear()

    def restart(self) -> None:
        """The run starts moving again: the pause is not part of the window."""
        self._readings.clear()

    def forget(self) -> None:
        """A new run (reset, a checkpoint opened): the old speed says nothing about it."""
        self.value = None
        self._readings.clear()


def format_rate(steps_per_s: float | None, unknown: str = "–") -> str:
    """``43 steps/s``, ``2.4 steps/s``, ``0.18 steps/s`` (three digits, none after the point from 100 on); ``unknown``
    (the app's en dash; a headless line's ``-``, as its other unknowns) before a first measurement."""
    if steps_per_s is None:
        return f"{unknown} steps/s"
    return f"{steps_per_s:.0f} steps/s" if steps_per_s >= 100 else f"{steps_per_s:.3g} steps/s"
