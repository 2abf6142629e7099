"""The client side of ``learn-tui attach``: says hello with the token, hands the server's records to a sink,
sends requests, and reconnects after a drop.

``Client.run`` blocks (the app runs it in a thread worker) in an asyncio loop of its own; ``send`` and ``stop``
may be called from any thread. What the sink gets: the decoded records (``Frame``, ``Notice``, ``Answer``...),
the server's ``Welcome`` (after each connection), a ``Refused`` or ``Bye`` (after which it stops), and
``Notice("connection lost, retrying")`` / ``Notice("reconnected")`` of its own. A connection closed under it and
one gone silent (no line, not even the server's heartbeat, for ``SILENCE`` seconds) are both lost. The client
writes an empty line of its own at least every ``protocol.HEARTBEAT``, so the server can tell it left too.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.driver.records import Notice
from core.engine import catalog
from core.errors import LessonFileError
from core.remote import protocol
from core.remote.codec import CodecError, decode
from core.remote.messages import Bye, Refused, Welcome

if TYPE_CHECKING:
    from core.lesson import Lesson

RETRY = 1.0  # seconds between attempts to reconnect
SILENCE = 4 * protocol.HEARTBEAT  # seconds without a line (the server writes one at least every HEARTBEAT): lost
CONNECT = 5.0  # seconds to wait for a connection before trying again
LOST = "connection lost, retrying"
STALE = " (the token file may be stale: pass --token-file or restart the server)"


def load_lesson(welcome: Welcome) -> Lesson:
    """The served lesson from this machine: a built-in one by its id; a lesson file only where the same file
    (same path, same sha256) is here: code is never taken from the wire."""
    if welcome.sha256 is None:
        return catalog.load(welcome.lesson)
    path = Path(welcome.lesson)
    if not path.is_file():
        raise LessonFileError(
            f"the run serves the lesson file {path}, which is not on this machine: attach from where it is"
        )
    if hashlib.sha256(path.read_bytes()).hexdigest() != welcome.sha256:
        raise LessonFileError(f"{path} here differs from the file the run serves: attach with the same file")
    return catalog.load(str(path))


class Client:
    def __init__(
        self,
        host: str,
        port: int,
        token: str,
        sink: Callable[[Any], None],
        *,
        retry: float = RETRY,
        token_from_file: bool = False,
    ) -> None:
        """``token_from_file``: the token came from the server's token file here, which a refusal may blame."""
        self.host, self.port, self.token, self.sink, self.retry = host, port, token, sink, retry
        self.token_from_file = token_from_file
        self.session = secrets.token_hex(8)  # the same app reconnecting replaces its old connection
        self.needs: dict[str, bool] | None = None  # sent again after each reconnection
        self.connected = False
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
            loop.call_soon_threadsafe(stopping.set)

    # -- the client's thread -----------------------------------------------------------------------------
    def run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop, self._stopping, lost = asyncio.get_running_loop(), asyncio.Event(), False
        if self._stop_asked:
            return
        while not self._stopping.is_set():
            try:
                connection = await self._connect()
            except (OSError, TimeoutError) as exc:
                if not lost:
                    why = "no answer" if isinstance(exc, TimeoutError) else exc.strerror or exc
                    self.sink(Notice(f"cannot reach {self.address} ({why}); retrying", "warning"))
                    lost = True
                await self._wait(self.retry)
                continue
            if connection is None:  # stopped while connecting
                return
            reader, writer = connection
            try:
                finished = await self._session(reader, writer, lost)
            except (OSError, ValueError, CodecError):  # a drop, a line over the limit, a garbled line
                finished = False
            finally:
                self.connected = False
                writer.close()
            if finished or self._stopping.is_set():
                return
            self.sink(Notice(LOST, "warning"))
            lost = True
            await self._wait(self.retry)

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """A connection; None when stopped first (an unreachable host can take minutes to say so), and
        ``TimeoutError`` after ``CONNECT`` seconds."""
        assert self._stopping is not None
        connecting = asyncio.create_task(asyncio.open_connection(self.host, self.port, limit=protocol.RECORD_LIMIT))
        stopping = asyncio.create_task(self._stopping.wait())
        done, _ = await asyncio.wait({connecting, stopping}, timeout=CONNECT, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if connecting in done:
            return connecting.result()
        connecting.cancel()
        if stopping in done:
            return None
        raise TimeoutError

    async def _wait(self, seconds: float) -> None:
        assert self._stopping is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, lost: bool) -> bool:
        """One connection; True when it ended for good (refused, the run ended, or stopped here)."""
        assert self._stopping is not None
        hello = {"hello": protocol.PROTOCOL, "token": self.token, "session": self.session}
        writer.write((json.dumps(hello) + "\n").encode())
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
                if isinstance(record, Refused) and self.token_from_file and record.reason.startswith("wrong token"):
                    record = Refused(record.reason + STALE)
                if isinstance(record, Welcome) and lost:
                    self.sink(Notice("reconnected"))
                self.sink(record)
                if isinstance(record, (Refused, Bye)):
                    return True
        finally:
            sender.cancel()
            stopping.cancel()

    async def _send(self, writer: asyncio.StreamWriter) -> None:
        assert self._outbox is not None
        while True:
            try:
                line = await asyncio.wait_for(self._outbox.get(), protocol.HEARTBEAT)
            except TimeoutError:
                line = b"\n"  # the heartbeat: the server drops a client silent for long
            writer.write(line)
            await writer.drain()
