"""The client side of ``learn-tui attach``: says hello with the token, hands the server's records to a sink,
sends requests, and reconnects after a drop.

``Client.run`` blocks in an asyncio loop of its own (in a thread); ``send``, ``stop``, ``reach`` and
``hand_over`` may be called from any thread. The first connection must reach a learn-tui server (a ``Welcome``
or a ``Refused``, ``handshake.py``) within ``REACH`` seconds, else the client ends with a ``GaveUp`` saying why,
which ``reach`` raises as one line. Reconnecting is for a session that worked: the pause between tries doubles
from ``RETRY`` to ``RETRY_MAX``, and after ``GIVE_UP`` seconds the client gives up, visibly. The sink gets the
decoded records, each connection's ``Welcome``, a last ``Refused``, ``Bye`` or ``GaveUp``, and ``Lost``
/ ``Notice("reconnected")``; a client made without one holds what comes (the latest frame only) until
``hand_over``. A closed connection, a garbled line and ``SILENCE`` seconds without a line (not even the
server's heartbeat) are all lost; the client writes its own heartbeat every ``protocol.HEARTBEAT``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from core.driver.frames import Frame
from core.driver.records import Notice
from core.errors import UsageError
from core.remote import protocol
from core.remote.codec import CodecError, decode
from core.remote.handshake import AttachError, NotAServer, Reached, close, handshake, why_not
from core.remote.lesson_check import shown
from core.remote.messages import Bye, Refused, Welcome
from core.remote.words import say

REACH = 10.0  # seconds the first connection has to reach a learn-tui server (a Welcome or a Refused)
RETRY, RETRY_MAX = 0.5, 10.0  # seconds between attempts to reconnect: doubling from RETRY up to RETRY_MAX
GIVE_UP = 180.0  # seconds a lost session is retried before the client gives up
SILENCE = 4 * protocol.HEARTBEAT  # seconds without a line (the server writes one at least every HEARTBEAT): lost
HELD = 100  # records held at most until a sink is handed over (the latest frame, and the first others)
STALE = " (the token file may be stale: pass --token-file or restart the server)"


@dataclass(frozen=True)
class Lost(Notice):
    """The connection was lost and the client is retrying (a record of this side only, never on the wire): a
    notice like any other on screen, told apart by its kind, whatever language its text is in."""


@dataclass(frozen=True)
class GaveUp:
    """The client stopped trying (a record of this side only, never on the wire): why, in one line."""

    reason: str


class Client:
    def __init__(
        self,
        host: str,
        port: int,
        token: str,
        sink: Callable[[Any], None] | None,
        *,
        reach: float = REACH,
        retry: float = RETRY,
        give_up: float = GIVE_UP,
        token_from_file: bool = False,
    ) -> None:
        """``token_from_file``: the token came from the server's token file here, which a refusal may blame.
        ``reach``, ``retry`` and ``give_up``: the seconds above (tests make them short)."""
        self.host, self.port, self.token = host, port, token
        self.reach_s, self.retry, self.give_up = reach, retry, give_up
        self.token_from_file = token_from_file
        self.session = secrets.token_hex(8)  # the same app reconnecting replaces its old connection
        self.needs: dict[str, bool] | None = None  # sent again after each reconnection
        self.connected = False
        self.first: Welcome | Refused | GaveUp | None = None  # how the first connection went
        self.ended: Refused | Bye | GaveUp | None = None  # why the client stopped, if not asked to
        self.contacted = threading.Event()  # ``first`` is known (or the client stopped before)
        self.done = threading.Event()  # ``run`` returned
        self._sink, self._held = sink, list[Any]()  # records held until a sink is handed over
        self._sink_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outbox: asyncio.Queue[bytes] | None = None
        self._stopping: asyncio.Event | None = None
        self._stop_asked = False

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    # -- any thread --------------------------------------------------------------------------------------
    def send(self, name: str, args: dict[str, Any] | None = None, ident: int | None = None) -> bool:
        """Queue one request; False when it was dropped (disconnected: the caller tells the learner)."""
        if name == "needs":
            self.needs = args
        message: dict[str, Any] = {"do": name, "args": args or {}}
        if ident is not None:
            message["id"] = ident
        line = (json.dumps(message) + "\n").encode()
        loop, outbox = self._loop, self._outbox
        if loop is None or outbox is None or not self.connected:
            return False
        loop.call_soon_threadsafe(outbox.put_nowait, line)
        return True

    def stop(self) -> None:
        self._stop_asked = True
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None:
            with contextlib.suppress(RuntimeError):  # (the loop already closed)
                loop.call_soon_threadsafe(stopping.set)

    def reach(self) -> Welcome:
        """Wait for the first connection's outcome (``run`` going in another thread): the server's ``Welcome``,
        or ``UsageError`` (a wrong token: exit 2) or ``AttachError`` (anything else: exit 1), in one line."""
        while not self.contacted.wait(0.1):
            pass
        first = self.first
        if isinstance(first, Welcome) and first.protocol != protocol.PROTOCOL:
            raise AttachError(say("protocol", address=self.address, protocol=first.protocol))
        if isinstance(first, Welcome):
            return first
        if isinstance(first, Refused):
            text = say("refused", address=self.address, reason=shown(first.reason))
            raise UsageError(text) if first.reason.startswith(protocol.WRONG_TOKEN) else AttachError(text)
        raise AttachError(first.reason if first is not None else say("stopped", address=self.address))

    def hand_over(self, sink: Callable[[Any], None]) -> None:
        """From now on records go to ``sink``, starting with those held since the client started (handed over
        outside the lock: the client's thread holds what comes meanwhile, and it follows in order)."""
        while True:
            with self._sink_lock:
                held, self._held = self._held, []
                if not held:
                    self._sink = sink
                    return
            for record in held:
                sink(record)

    # -- the client's thread -----------------------------------------------------------------------------
    def run(self) -> None:
        try:
            asyncio.run(self._main())
        except Exception as exc:  # a bug here: said in one line where the view shows it, not over the screen
            self._emit(GaveUp(say("failed", address=self.address, why=f"{type(exc).__name__}: {exc}")))
        finally:
            self.connected = False
            self.contacted.set()
            self.done.set()

    def _emit(self, record: Any) -> None:
        if self.first is None and isinstance(record, (Welcome, Refused, GaveUp)):
            self.first = record
            self.contacted.set()
        if isinstance(record, (Refused, Bye, GaveUp)):
            self.ended = record
        with self._sink_lock:
            if self._sink is not None:
                self._sink(record)
            elif isinstance(record, Frame):  # the latest frame only
                self._held = [held for held in self._held if not isinstance(held, Frame)] + [record]
            elif len(self._held) < HELD:
                self._held.append(record)

    async def _main(self) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        if self._stop_asked:
            return
        try:
            reached = await self._unless_stopped(handshake(self.host, self.port, self._hello(), self.reach_s))
        except (OSError, TimeoutError, NotAServer) as exc:
            self._emit(GaveUp(why_not(exc, self.address, self.reach_s)))
            return
        if reached is None:
            return
        reader, writer, welcome = reached
        if not isinstance(welcome, Welcome):
            close(writer)
            self._emit(self._refusal(welcome))
            return
        self._emit(welcome)
        lost: list[float] = []  # when the line was lost, and the pause before the next try: kept across
        while True:  # sessions that end at once (a peer that welcomes, then sends garbage), reset by one that lasted
            began = self._loop.time()
            if await self._session(reader, writer):
                return
            if not lost or self._loop.time() - began >= SILENCE:
                lost[:] = [self._loop.time(), self.retry]
            connection = await self._reconnect(welcome, lost)
            if connection is None:
                return
            reader, writer = connection

    def _refusal(self, record: Refused) -> Refused:
        if self.token_from_file and record.reason.startswith(protocol.WRONG_TOKEN):
            return Refused(record.reason + say("stale"))
        return record

    async def _reconnect(
        self, welcome: Welcome, lost: list[float]
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """A session that worked was lost (at ``lost[0]``): try again, each pause (``lost[1]``) twice the last,
        for ``give_up`` seconds. The new connection, or None (stopped, refused, another run there, or given up:
        the sink was told)."""
        assert self._stopping is not None and self._loop is not None
        self._emit(Lost(say("lost"), "warning"))
        started, pause = lost
        while not self._stopping.is_set():
            left = self.give_up - (self._loop.time() - started)
            if left <= 0:
                time = say("minutes", n=self.give_up / 60) if self.give_up >= 60 else say("seconds", n=self.give_up)
                self._emit(GaveUp(say("gave up", address=self.address, time=time)))
                return None
            await self._wait(min(pause, left))
            pause = lost[1] = min(pause * 2, RETRY_MAX)
            if self._stopping.is_set():
                return None
            try:
                reached = await self._unless_stopped(
                    handshake(self.host, self.port, self._hello(), min(self.reach_s, max(left, 0.1)))
                )
            except (OSError, TimeoutError, NotAServer):
                continue  # (a peer that is not the run counts as one more failed attempt)
            if reached is None:
                return None
            reader, writer, record = reached
            if isinstance(record, Refused):
                close(writer)
                self._emit(self._refusal(record))
                return None
            if record != welcome:
                close(writer)
                self._emit(GaveUp(say("another lesson", address=self.address, lesson=shown(record.lesson))))
                return None
            self._emit(Notice(say("reconnected")))
            self._emit(record)
            return reader, writer
        return None

    async def _unless_stopped(self, work: Coroutine[Any, Any, Reached]) -> Reached | None:
        """``work``'s result, or None when ``stop`` came first (an unreachable host can take minutes)."""
        assert self._stopping is not None
        task, stopping = asyncio.ensure_future(work), asyncio.ensure_future(self._stopping.wait())
        done, _ = await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if task in done:
            return task.result()
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        return None

    async def _wait(self, seconds: float) -> None:
        assert self._stopping is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _hello(self) -> bytes:
        return (json.dumps({"hello": protocol.PROTOCOL, "token": self.token, "session": self.session}) + "\n").encode()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """One welcomed connection; True when it ended for good (refused, the run ended, or stopped here)."""
        assert self._stopping is not None
        self._outbox = asyncio.Queue()
        self.connected = True
        if self.needs is not None:
            self.send("needs", self.needs)
        sender = asyncio.create_task(self._send(writer))
        stopping = asyncio.create_task(self._stopping.wait())
        try:
            while True:
                reading = asyncio.create_task(reader.readline())
                done, _ = await asyncio.wait({reading, stopping}, timeout=SILENCE, return_when=asyncio.FIRST_COMPLETED)
                if reading not in done:
                    reading.cancel()
                    return stopping in done  # else a silent line: a network that went away closes nothing
                line = reading.result()
                if not line:
                    return False
                if line == b"\n":
                    continue  # the server's heartbeat
                record = decode(line)
                if isinstance(record, Welcome):
                    continue  # (only a handshake's welcome counts)
                self._emit(self._refusal(record) if isinstance(record, Refused) else record)
                if isinstance(record, (Refused, Bye)):
                    return True
        except (OSError, ValueError, CodecError):  # a drop, a line over the limit, a garbled line
            return False
        finally:
            self.connected = False
            sender.cancel()
            stopping.cancel()
            close(writer)

    async def _send(self, writer: asyncio.StreamWriter) -> None:
        assert self._outbox is not None
        with contextlib.suppress(ConnectionError):
            while not writer.is_closing():
                try:
                    line = await asyncio.wait_for(self._outbox.get(), protocol.HEARTBEAT)
                except TimeoutError:
                    line = b"\n"  # the heartbeat: the server drops a client silent for long
                writer.write(line)
                await writer.drain()
