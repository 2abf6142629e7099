"""A time limit on each phase of the learner's code: ``check`` stops a file that never reaches its next yield.

The learner's loop is Python that runs in the checking thread (the CLI's main thread, the app's check worker).
``Watch`` has a watchdog thread beside it (one for the process's checks) that sleeps until the running phase's
deadline; if the phase still runs then, it raises ``Expired`` in the checking thread through CPython's
``PyThreadState_SetAsyncExc``. The interpreter delivers it between two bytecodes, so it stops a ``while True:``
wherever it spins, never in the middle of a torch operation, and it unwinds like any exception: ``with`` blocks
exit (``rng.LOCK`` is released, torch's grad mode is restored), the learner's generator is closed, ``check`` puts
the random generators back.

Why not the alternatives: ``SIGALRM`` works only in the main thread and only on Unix (the app checks in a
worker thread); running the learner's side in a thread of its own and giving up waiting for it would leave that
thread spinning for as long as the process lives, holding ``rng.LOCK`` (the app's live run would wait on it
forever) and drawing from the process's random generators. The limit of this one: a phase stuck inside a single
long C call (``time.sleep(10**9)``, ``input()``) is stopped only when that call returns.
"""

from __future__ import annotations

import ast
import ctypes
import linecache
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from core.base.i18n import pick
from core.errors import LearnTuiError
from core.exercises import unversioned

T = TypeVar("T")
RESEND_SECONDS = 1.0  # a file whose bare `except:` swallowed the stop is stopped again this often


class Expired(BaseException):
    """Raised in the checking thread when a phase ran past its limit: a BaseException, so neither the trainer
    (which reports an ``Exception`` as the lesson's crash) nor the learner's ``except Exception:`` takes it."""


class TimedOut(LearnTuiError):
    """The learner's file did not reach its next yield in time: ``stuck`` is the line it was running (in the
    learner's file, None when it was elsewhere), ``loop`` the first line of the loop around it."""

    def __init__(self, message: str, seconds: float, stuck: int | None = None, loop: int | None = None) -> None:
        super().__init__(message)
        self.seconds, self.stuck, self.loop = seconds, stuck, loop


def seconds_text(seconds: float) -> str:
    return f"{seconds:.0f}" if seconds >= 10 else f"{seconds:.2g}"


def timed_out(seconds: float, what: str, file: Path, stuck: int | None) -> TimedOut:
    """The error for a phase stopped after ``seconds``; ``what`` says what the file has not done
    ("has not reached its first yield")."""
    loop = enclosing_loop(file, stuck) if stuck is not None else None
    at = ""
    if stuck is not None:
        linecache.checkcache(str(file))  # (the app checks again after each save)
        code = linecache.getline(str(file), stuck).strip()
        code = f" (`{code if len(code) <= 60 else code[:59] + '…'}`)" if code else ""
        at = pick(f" it was running line {stuck}{code}", f"它正在运行第 {stuck} 行{code}")
        if loop is not None and loop != stuck:
            at += pick(f", in the loop at line {loop}", f"，在第 {loop} 行的循环里")
    message = pick(
        f"your file {what} in {seconds_text(seconds)} s: an endless loop?{at}",
        f"你的文件{what}（{seconds_text(seconds)} 秒）：是死循环吗？{at}",
    )
    return TimedOut(message, seconds, stuck, loop)


def enclosing_loop(file: Path, line: int) -> int | None:
    """The first line of the innermost ``while``/``for`` around ``line`` in ``file`` (None: not in a loop)."""
    try:
        tree = unversioned.parsed(file)
    except (OSError, SyntaxError, ValueError):
        return None
    spans = [(n.lineno, n.end_lineno or n.lineno) for n in ast.walk(tree) if isinstance(n, (ast.While, ast.For))]
    return max((start for start, end in spans if start <= line <= end), default=None)


def stuck_line(exc: BaseException, filename: str) -> int | None:
    """The line of the innermost frame in ``filename`` that ``exc`` went through (where the loop spun)."""
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class _Dropped(BaseException):
    """Takes the place of an ``Expired`` that came too late, and is caught at once (``Watch._disarm``)."""


def _raise_in(ident: int, exc: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc))


class _Watchdog:
    """The one thread that watches every check of the process: started by the first, it stays while checks
    follow each other (starting and joining a thread per check cost more than a small lesson's check on a busy
    machine) and ends ``LINGER_SECONDS`` after the last. It sleeps until the nearest deadline or ``idle``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.watches: set[Watch] = set()
        self.thread: threading.Thread | None = None

    def add(self, watch: Watch) -> None:
        with self.lock:
            self.watches.add(watch)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="learn-tui check time limit", daemon=True)
                self.thread.start()
        self.wake.set()  # (it may sleep longer than this check's shortest limit)

    def remove(self, watch: Watch) -> None:
        with self.lock:
            self.watches.discard(watch)

    def _run(self) -> None:
        idle_since = None
        while True:
            with self.lock:
                watches = list(self.watches)
                now = time.monotonic()
                if watches:
                    idle_since = None
                elif idle_since is None:
                    idle_since = now
                elif now - idle_since >= LINGER_SECONDS:
                    self.thread = None
                    return
            delay = min((w.tick() for w in watches), default=LINGER_SECONDS)
            if self.wake.wait(delay):
                self.wake.clear()


LINGER_SECONDS = 2.0
_WATCHDOG = _Watchdog()


class Watch:
    """The watchdog of one check: ``call(seconds, fn)`` runs ``fn`` in this thread and stops it with ``Expired``
    after ``seconds``. Arming a phase only writes its deadline under a lock (no thread is woken, a few
    microseconds a yield): the watchdog thread (``_Watchdog``) sleeps at most ``idle`` seconds, the shortest
    limit, so it wakes up before any deadline passes."""

    def __init__(self, filename: str, idle: float) -> None:
        self.filename, self.idle = filename, idle
        self._lock = threading.Lock()
        self._ident = 0
        self._deadline = 0.0
        self._armed = self._fired = False

    def __enter__(self) -> Watch:
        _WATCHDOG.add(self)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._disarm()
        _WATCHDOG.remove(self)

    def call(self, seconds: float, fn: Callable[[], T]) -> T:
        """``fn()``, or ``Expired`` raised in it once ``seconds`` have passed (``stuck_line`` says where)."""
        with self._lock:
            self._ident, self._deadline = threading.get_ident(), time.monotonic() + seconds
            self._armed, self._fired = True, False
        try:
            return fn()
        finally:
            self._disarm()

    def _disarm(self) -> None:
        """(In the checking thread.) An ``Expired`` raised just as the phase ended is dropped if still pending."""
        with self._lock:
            fired, self._armed = self._armed and self._fired, False
        if fired:
            # Not PyThreadState_SetAsyncExc(id, NULL): on CPython 3.11 clearing that way leaves the thread's
            # "async exception pending" flag raised, and the next sys.settrace (i: a line step) then spins at the
            # first function call. Swap it for one that is caught here instead, which lowers the flag.
            try:
                _raise_in(self._ident, _Dropped)
                for _ in range(1000):  # (the interpreter delivers it between two bytecodes of this loop)
                    pass
            except _Dropped:
                pass

    def tick(self) -> float:
        """(In the watchdog thread.) Stop the running phase if it is past its deadline; how long until the next
        look."""
        with self._lock:
            left = self._deadline - time.monotonic()
            if not self._armed or left > 0:
                return min(left, self.idle) if self._armed else self.idle
            if not self._fired or self._in_learners_code():
                self._fired = True
                _raise_in(self._ident, Expired)
            return RESEND_SECONDS

    def _in_learners_code(self) -> bool:
        """The checking thread still runs the learner's file (its ``except:`` took the first ``Expired``)."""
        frame = sys._current_frames().get(self._ident)  # noqa: SLF001 (the documented way to see a thread's stack)
        while frame is not None:
            if frame.f_code.co_filename == self.filename:
                return True
            frame = frame.f_back
        return False
