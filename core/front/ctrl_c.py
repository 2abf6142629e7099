"""Ctrl-C while a headless run trains: the first press asks the loop to stop at the next step boundary,
where the run can be summarized and saved; a second press stops at once (``KeyboardInterrupt``).

The handler is installed only while training runs (set-up keeps Python's own: ctrl+c stops it at once)
and only in the main thread, and never where SIGINT is ignored (a job started in the background).

Under torchrun every process gets the press (the launcher passes it on) but not at the same moment: at each
step boundary they agree whether any of them was asked to stop (``distributed.any_rank``, one all-reduce of one
number a step), so all stop at the same boundary and rank 0 saves the step the others reached.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from core import distributed
from core.base.i18n import pick

STOPPING = "stopping at the end of this step (press ctrl+c again to stop at once, saving nothing)"
STOPPING_ZH = "在这一步结束时停止（再按一次 ctrl+c 立即停止，不保存）"


class StopAtStepBoundary:
    """``arm()`` installs the handler, ``disarm()`` puts the previous one back; ``requested`` tells the loop."""

    def __init__(self) -> None:
        self.requested = False
        self._told = False
        self._previous: Any = None
        self._armed = False
        self._shared: bool | None = None  # several processes (torchrun): they agree where to stop
        self._agreed = -1  # the step boundary they last agreed at

    def at_boundary(self, trainer: Any, started_at: int, tell: Callable[[str], None]) -> bool:
        """After each event (or while paused): True when ctrl+c asked to stop and ``trainer`` (None: no run)
        is between two steps. Inside a step, ``tell`` gets ``STOPPING`` once. Ctrl-C is caught from the end
        of the first step (past ``started_at``) on; before, it stops at once. Under torchrun every process
        calls this alike, and at each step boundary (once) they agree whether to stop there."""
        if trainer is not None and trainer.step > started_at:
            self.arm()
            if self._shared is None:
                self._shared = distributed.world_size() > 1
            if self._shared and not trainer.step_open and trainer.step != self._agreed:
                self._agreed = trainer.step
                if distributed.any_rank(self.requested):
                    self.requested = True
                    return True
        if not self.requested:
            return False
        if trainer is None or not (trainer.step_open or self._shared):
            return True
        if not self._told:
            self._told = True
            tell(pick(STOPPING, STOPPING_ZH))
        return False

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
