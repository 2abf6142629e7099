"""The driver's queue of requests: other threads put them, the training thread takes them in order, between two
events (``core/driver/driver.py``); ``stop`` ends that thread."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from core.driver.records import ActionDone, Notice
    from core.driver.requests import RunControl


class Queued(NamedTuple):
    what: str  # for the learner: "lr", an option's name, an action's description
    apply: Callable[[RunControl], Notice | ActionDone | None]
    reply_to: Any  # whoever waits for the answer (an Answer comes back), or None: errors become notices


class RequestQueue:
    """Requests from other threads, taken in order by the training thread; ``stop`` ends that thread."""

    def __init__(self) -> None:
        self.items: deque[Queued] = deque()
        self.stopped = False
        self._cond = threading.Condition()

    def put(self, request: Queued) -> None:
        with self._cond:
            self.items.append(request)
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self.stopped = True
            self._cond.notify()

    def wait(self, moving: bool, timeout: float | None = None) -> bool:
        """Sleep until there is a request (or, when ``moving``, not at all; or ``timeout``); False once stopped."""
        with self._cond:
            if not self.items and not moving and not self.stopped:
                self._cond.wait(timeout)
            return not self.stopped

    def pop(self) -> Queued | None:
        with self._cond:
            return self.items.popleft() if self.items and not self.stopped else None
