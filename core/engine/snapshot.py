"""Plain-data copies of parameters and gradients, taken in the trainer's thread at a yield point.

The UI never touches live tensors: it renders ``Snapshot`` objects, which hold only floats, ints,
strings and tuples. Reading gradients from another thread while training ran once corrupted the
heap of a prototype (``free(): corrupted unsorted chunks``).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.base.events import Progress
from core.engine.arrays import float_copy, named_arrays, norm_of, size_of, to_numpy
from core.phases import BACKWARD, UPDATE, Phase

SMALL = 64  # tensors with at most this many elements are shown whole
PREVIEW = 6  # values shown of larger tensors
# Gradient flags (documented in docs/architecture.md): a gradient norm above EXPLODING is flagged as
# exploding; a non-zero norm below VANISHING times the parameter's norm (or below VANISHING when the
# parameter is all zeros) as vanishing. A gradient of exactly zero (just after zero_grad) is not flagged.
EXPLODING = 1e3
VANISHING = 1e-7
# A mean or std below RESIDUE times its tensor's scale (its largest |value|) is 0. It is what float rounding leaves
# of a sum that cancels, about 1e-9 of the scale, and it differs between CPUs, whose kernels add in other orders:
# the mean of a softmax layer's weight gradient is mathematically 0 and comes out as -2e-11 on one CPU and 1e-10
# on another. To a learner it is 0 (a float32 value holds only about 7 digits of its scale anyway).
RESIDUE = 1e-6


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
    grad: tuple[float, ...] | None  # same rule as values; None when there is no gradient (see grad_cleared)
    grad_stats: Stats | None
    update_ratio: float | None  # ||last update|| / ||parameter|| at the last measured update
    flag: str | None  # "exploding", "vanishing" or None
    ratio_step: int | None = None  # the step whose update ``update_ratio`` measured
    ratio_stale: bool = False  # a later update ran unmeasured: the ratio is not the latest update's
    grad_cleared: bool = False  # no gradient although a backward ran: zero_grad(set_to_none=True) removed it

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def complete(self) -> bool:
        return self.numel <= SMALL


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The watched parameters and the lesson's views as of ``progress`` (step, phase, lr, loss, metrics)."""

    progress: Progress
    params: tuple[ParamSnapshot, ...]
    views: Mapping[str, Any]


def stats_of(value: Any) -> Stats:
    """mean, std, min, max and L2 norm, computed where the values live (no float64 copy of big tensors); a mean
    or std below ``RESIDUE`` of the largest |value| is 0 (``settled``)."""
    if hasattr(value, "detach"):
        import torch

        tensor = value.detach()
        if tensor.numel() == 0:
            return Stats(0.0, 0.0, 0.0, 0.0, 0.0)
        tensor = tensor.float()
        std, mean = torch.std_mean(tensor, correction=0)
        low, high = torch.aminmax(tensor)
        numbers = torch.stack([mean, std, low, high, torch.linalg.vector_norm(tensor)]).tolist()
        return settled(*numbers)
    array = np.asarray(value, dtype=np.float64)
    if array.size == 0:
        return Stats(0.0, 0.0, 0.0, 0.0, 0.0)
    return settled(
        float(array.mean()),
        float(array.std()),
        float(array.min()),
        float(array.max()),
        float(np.sqrt(np.square(array).sum())),
    )


def settled(mean: float, std: float, low: float, high: float, norm: float) -> Stats:
    """The statistics with a mean or std below ``RESIDUE`` of the scale (the largest |value|) made 0: float
    rounding's residue. A nan compares false, so a nan or inf among them is kept as it is."""
    floor = RESIDUE * max(abs(low), abs(high))
    return Stats(0.0 if abs(mean) < floor else mean, 0.0 if std < floor else std, low, high, norm)


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


def snapshot_param(
    name: str,
    value: Any,
    update_ratio: float | None,
    reported: Any = None,
    *,
    ratio_step: int | None = None,
    last_update: int | None = None,
    backward_ran: bool = False,
) -> ParamSnapshot:
    """``reported``: a gradient the lesson computed by hand (``yield BACKWARD, {"w": grad}``), shown when the
    value has no ``.grad`` of its own (a numpy array, or a tensor updated without autograd). ``ratio_step``: the
    step whose update ``update_ratio`` measured; ``last_update``: the step of the latest update;
    ``backward_ran``: a backward ran in this run (a missing gradient was then removed by ``zero_grad``)."""
    grad = getattr(value, "grad", None)
    if grad is None:
        grad = reported
    stats = stats_of(value)
    grad_stats = stats_of(grad) if grad is not None else None
    return ParamSnapshot(
        ratio_step=ratio_step if update_ratio is not None else None,
        ratio_stale=update_ratio is not None and ratio_step != last_update,
        grad_cleared=grad is None and backward_ran,
        name=name,
        shape=tuple(value.shape) if hasattr(value, "shape") else (),
        values=_values(value),
        stats=stats,
        grad=_values(grad) if grad is not None else None,
        grad_stats=grad_stats,
        update_ratio=update_ratio,
        flag=flag_for(grad_stats.norm if grad_stats else None, stats.norm),
    )


EVERY_UPDATE = 100_000  # models with at most this many watched values are measured at every update


class UpdateRatios:
    """The update-to-parameter ratio ||Δp|| / ||p|| of each watched parameter, with the step it was measured at.

    It costs a copy of every weight, so it is measured only while a snapshot asks for it (``wanted``): the
    parameters are copied at ``BACKWARD`` and compared at the ``UPDATE`` that follows. A small model (at most
    ``EVERY_UPDATE`` values) is then measured at every update, so the ratio shown is always the latest update's;
    a big one only at the update after each snapshot that asked, and a ratio older than ``last_update`` is
    marked stale in the snapshot. The trainer sets ``last_update`` and ``backward_ran`` at every such phase."""

    def __init__(self) -> None:
        self.wanted = False
        self.values: dict[str, tuple[float, int]] = {}  # name -> (ratio, step of the update measured)
        self.last_update: int | None = None  # the step of the latest update, measured or not
        self.backward_ran = False  # a backward ran in this run (a missing gradient is then zero_grad's doing)
        self._before: dict[str, Any] = {}
        self._size = 0  # values copied at the last BACKWARD

    def note(self, phase: Phase, watched: Mapping[str, Any], step: int) -> None:
        """Called at each phase of step ``step`` while ``wanted``."""
        if phase is BACKWARD:
            self._before = {n: float_copy(v) for n, v in named_arrays(watched)}
            self._size = sum(size_of(v) for v in self._before.values())
        elif phase is UPDATE and self._before:
            for name, value in named_arrays(watched):
                before = self._before.get(name)
                if before is not None:
                    after = float_copy(value)
                    norm = norm_of(after)
                    self.values[name] = (norm_of(after - before) / norm if norm else 0.0, step)
            self._before = {}
            if self._size > EVERY_UPDATE:
                self.wanted = False


TRAIL_VALUES = 8  # a model of at most this many weight values keeps the weights of every update
TRAIL_POINTS = 500  # the latest updates kept


class WeightTrail:
    """The weights after each update of a tiny model (``w``; ``w`` and ``b``): the path the loss landscape
    draws, whole even while training runs faster than the screen. A bigger model keeps none."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.points: deque[tuple[float, ...]] = deque(maxlen=TRAIL_POINTS)
        self._small: bool | None = None  # decided at the first update, once the lesson has watched its model

    def note(self, watched: Mapping[str, Any]) -> None:
        """Called at every ``UPDATE``: one small copy for a tiny model, one attribute test for any other."""
        if self._small is None:
            sizes = [(name, size_of(value)) for name, value in named_arrays(watched)]
            self._small = 0 < sum(size for _, size in sizes) <= TRAIL_VALUES
            if self._small:  # (a name per value: only for a tiny model)
                self.names = [name for name, size in sizes for _ in range(size)]
        if self._small:
            self.points.append(tuple(x for _, value in named_arrays(watched) for x in to_numpy(value).ravel().tolist()))

    def of(self, names: list[str]) -> list[list[float]] | None:
        """The trail of the first value of each of ``names`` (None: no trail, or a name it doesn't hold)."""
        if not self._small or any(name not in self.names for name in names):
            return None
        columns = [self.names.index(name) for name in names]
        return [[point[i] for i in columns] for point in self.points]


def take_snapshot(
    progress: Progress,
    run: Any,
    views: Mapping[str, Any] | None,
    ratios: UpdateRatios | None = None,
    params: bool = True,
) -> Snapshot:
    """Every watched parameter of ``run`` (a ``core.run.Run``) and gradient as plain data (none unless
    ``params``: their statistics are most of a big model's snapshot), and the lesson's ``views`` computed from
    the run (None: none), as of ``progress``; ``ratios``: the trainer's measurements."""
    reported = run.reported_grads
    ratios = ratios or UpdateRatios()
    copies = []
    for name, value in named_arrays(run.watched) if params else ():
        ratio, step = ratios.values.get(name, (None, None))
        copies.append(
            snapshot_param(
                name,
                value,
                ratio,
                reported.get(name),
                ratio_step=step,
                last_update=ratios.last_update,
                backward_ran=ratios.backward_ran,
            )
        )
    shown = {}
    for name, view in (views or {}).items():
        try:
            shown[name] = view(run)
        except Exception as exc:  # a view is read-only: report it, don't stop training
            shown[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return Snapshot(progress, tuple(copies), shown)
