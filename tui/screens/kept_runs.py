"""Runs kept as references on the Loss chart (``c`` on the training screen): a copy of a run's loss curve and
the settings it ran with, labelled by what differs from the run shown now (``zero_grad on``, ``lr 0.1``).

It lives in the app only: the frames already carry the loss history, so keeping a curve costs the trainer
nothing, and a kept curve survives a reset (which is the point: reset with another setting and compare).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.base.i18n import pick
from tui import formatting

MOST = 5  # kept runs; the oldest goes when a sixth is kept
Points = tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class KeptRun:
    points: Points
    lr: float
    options: Mapping[str, Any] = field(default_factory=dict)


def setting(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return f"{name} {pick('on', '开') if value else pick('off', '关')}"
    return f"{name} {formatting.lr(value) if isinstance(value, float) else value}"


def difference(kept: KeptRun, lr: float, options: Mapping[str, Any]) -> str:
    """What the kept run ran with that the current one does not: ``lr 0.1, zero_grad on``."""
    parts = [setting("lr", kept.lr)] if kept.lr != lr else []
    parts += [setting(name, value) for name, value in kept.options.items() if options.get(name) != value]
    return ", ".join(parts) or pick("same settings", "设置相同")


class KeptRuns:
    """The kept runs, oldest first, and the loss curve of the run shown now (from the latest frame that had one)."""

    def __init__(self) -> None:
        self.runs: list[KeptRun] = []
        self._losses: Points = ()
        self._run_id: int | None = None

    def seen(self, frame: Any) -> None:
        """Follow the frames: the current run's latest loss curve (forgotten when a new run starts)."""
        if frame.run_id != self._run_id:
            self._run_id, self._losses = frame.run_id, ()
        if frame.losses is not None:
            self._losses = tuple(frame.losses)

    def keep(self, lr: float, options: Mapping[str, Any]) -> bool:
        """Keep the current run's curve with its settings; False when it has no loss yet."""
        if not self._losses:
            return False
        self.runs = [*self.runs, KeptRun(self._losses, lr, dict(options))][-MOST:]
        return True

    def labelled(self, lr: float, options: Mapping[str, Any]) -> tuple[tuple[str, Points], ...]:
        """(label, points) of each kept run; equal labels are numbered so the legend tells them apart."""
        labels = [difference(run, lr, options) for run in self.runs]
        return tuple(
            (f"{label} ({labels[:index].count(label) + 1})" if labels.count(label) > 1 else label, run.points)
            for index, (label, run) in enumerate(zip(labels, self.runs))
        )
