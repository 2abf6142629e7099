"""Ctrl-C while a headless run trains: the first press asks the loop to stop at the next step boundary,
where the run can be summarized and saved; a second press stops at once (``KeyboardInterrupt``).

The handler is installed only while training runs (set-up keeps Python's own: ctrl+c stops it at once)
and only in the main thread, and never where SIGINT is ignored (a job started in the background).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any


class StopAtStepBoundary:
    """``arm()`` installs the handler, ``disarm()`` puts the previous one back; ``requested`` tells the loop."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None
        self._armed = False

    def arm(self) -> None:
        if self._armed or threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGINT)
        if previous in (signal.SIG_IGN, None):  # ignored, or set outside Python: leave it so
            return
        self._previous = previous
        signal.signal(signal.SIGINT, self._press)
        self._armed = True

    def disarm(self) -> None:
        if self._armed:
            signal.signal(signal.SIGINT, self._previous)
            self._armed = False

    def _press(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> StopAtStepBoundary:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.disarm()
