"""Stepping a lesson one source line at a time, as a debugger does: the standard library's tracing, in the
thread that pulls the trainer, and only while a line step is asked for.

``LineTrace(files, stop)`` is a context manager around one pull (``next(trainer)``): inside it,
``sys.settrace`` calls back for every frame the pull runs. A frame whose code lives in one of ``files``
(the lesson's own file: its loop, its model's ``forward``, its helper functions) gets a local trace that
calls ``stop(frame)`` before each of its lines runs; every other frame (torch, numpy, learn-tui itself) gets
none, so stepping never goes into them and their lines cost one call each at most. ``stop`` blocks there for
as long as the learner looks (the driver waits for the next key in it) and returns True to go on line by
line, or False to run freely to the next ``yield`` (``.``, ``n``, space). Raising from ``stop`` raises in the
lesson's frame (the driver does so to stop a thread that must end).

With no line step asked for, nothing is installed: the trainer's per-event path is unchanged.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from types import FrameType, TracebackType
from typing import Any

Stop = Callable[[FrameType], bool]


class LineTrace:
    def __init__(self, files: Iterable[str], stop: Stop) -> None:
        self.files = frozenset(f for f in files if f)
        self._stop = stop
        self.stepping = True  # False once ``stop`` said "run freely": the remaining lines are not traced
        self._previous: Any = None

    def __enter__(self) -> LineTrace:
        self._previous = sys.gettrace()
        sys.settrace(self._call)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._release()

    def _release(self) -> None:
        sys.settrace(self._previous)
        self.stepping = False

    # -- the trace functions (called by the interpreter, in this thread) ------------------------------
    def _call(self, frame: FrameType, event: str, arg: Any) -> Any:
        """A new frame, or a generator resumed: trace its lines only when it is the lesson's own code."""
        if not self.stepping or frame.f_code.co_filename not in self.files:
            return None
        return self._line

    def _line(self, frame: FrameType, event: str, arg: Any) -> Any:
        if not self.stepping:
            return None
        if event == "line" and not self._stop(frame):
            self._release()  # run freely from here to the next yield
            return None
        return self._line


def where(frame: FrameType) -> tuple[str, str, int]:
    """(file, function, line) of a stopped frame: what the code panel follows."""
    return frame.f_code.co_filename, frame.f_code.co_name, frame.f_lineno
