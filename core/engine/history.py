"""Loss history for charts, bounded in memory however long a run goes.

The most recent ``recent`` points are kept exactly. Older points fall into buckets that keep the
min, mean and max of the points they cover; when there are more than ``max_buckets``, neighbouring
buckets merge pairwise and each new bucket covers twice as many points. Memory is therefore
O(recent + max_buckets) for any number of steps.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(slots=True)
class Bucket:
    first_step: int
    last_step: int
    low: float
    total: float
    high: float
    count: int

    @property
    def mean(self) -> float:
        return self.total / self.count

    def add(self, step: int, value: float) -> None:
        self.last_step = step
        self.low = min(self.low, value)
        self.high = max(self.high, value)
        self.total += value
        self.count += 1

    def merge(self, other: Bucket) -> Bucket:
        return Bucket(
            self.first_step,
            other.last_step,
            min(self.low, other.low),
            self.total + other.total,
            max(self.high, other.high),
            self.count + other.count,
        )


class History:
    def __init__(self, recent: int = 2000, max_buckets: int = 500) -> None:
        self.recent: deque[tuple[int, float]] = deque()
        self.recent_size = recent
        self.buckets: list[Bucket] = []
        self.max_buckets = max_buckets
        self.bucket_size = 1  # points per closed bucket
        self.count = 0

    def append(self, step: int, value: float) -> None:
        self.count += 1
        self.recent.append((step, value))
        if len(self.recent) > self.recent_size:
            self._retire(*self.recent.popleft())

    def _retire(self, step: int, value: float) -> None:
        last = self.buckets[-1] if self.buckets else None
        if last is not None and last.count < self.bucket_size:
            last.add(step, value)
            return
        self.buckets.append(Bucket(step, step, value, value, value, 1))
        if len(self.buckets) > self.max_buckets:
            pairs = zip(self.buckets[0::2], self.buckets[1::2])
            merged = [a.merge(b) for a, b in pairs]
            if len(self.buckets) % 2:
                merged.append(self.buckets[-1])
            self.buckets = merged
            self.bucket_size *= 2

    def points(self) -> list[tuple[int, float]]:
        """(step, value) for a chart: bucket means for old points, then every recent point."""
        return [(b.last_step, b.mean) for b in self.buckets] + list(self.recent)

    def values(self, last: int | None = None) -> list[float]:
        """The most recent values (all kept ones when ``last`` is None), e.g. for a sparkline."""
        if last is None:
            return [v for _, v in self.points()]
        tail = list(self.recent)[-last:]
        return [v for _, v in tail]

    def state(self) -> dict:
        return {
            "recent": list(self.recent),
            "recent_size": self.recent_size,
            "max_buckets": self.max_buckets,
            "bucket_size": self.bucket_size,
            "count": self.count,
            "buckets": [(b.first_step, b.last_step, b.low, b.total, b.high, b.count) for b in self.buckets],
        }

    @classmethod
    def from_state(cls, state: dict) -> History:
        history = cls(state["recent_size"], state["max_buckets"])
        history.recent = deque(tuple(p) for p in state["recent"])
        history.bucket_size = state["bucket_size"]
        history.count = state["count"]
        history.buckets = [Bucket(*b) for b in state["buckets"]]
        return history
