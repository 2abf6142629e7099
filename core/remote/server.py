"""The server side of ``--serve``: the driver's records to one attached client, its requests to the driver.

An asyncio loop in a daemon thread listens; the driver (headless, in the main thread) publishes into it. A
connection must say hello with the token within ``HELLO_TIMEOUT``; a wrong token, a second client while one is
attached, a garbled or oversized line each get one ``Refused`` line and the connection closes, and the run
never notices. Frames are paced by the socket: the driver builds the next one once the last was written, so a
slow network skips frames instead of queueing them. When the client leaves, the run goes on (a paused run is
resumed: nobody is left to unpause it), with no snapshots taken for nobody. A client that says nothing, not even
its heartbeat, for ``SILENT`` seconds has left; at the end of the run the client gets ``GOODBYE`` seconds to take
the ``Bye``, so the run's save never waits on the network. The end closes every connection (no handler is
cancelled: asyncio would print a traceback); what the loop still reports is one line. Nothing is written to a
closing connection. A request goes to the driver's method of its name (``core/driver/api.py``: ``relay``); ``open``
and ``save`` name a checkpoint in the run's ``folders`` (``protocol.checkpoint_in``), and a request the driver
refuses at once is answered as one it refuses later: the run goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.driver.api import Record, relay
from core.driver.frames import Frame, Needs
from core.driver.records import Answer, Notice
from core.errors import LearnTuiError, UsageError
from core.remote import protocol
from core.remote.codec import ALLOWED, encode
from core.remote.messages import Bye, Refused, Welcome
from core.remote.words import say

if TYPE_CHECKING:
    from core.driver.driver import Driver

NOBODY = Needs(chart=False, snapshot=False, views=False, ratios=False)
GOODBYE = 1.0  # seconds the last client has to take the Bye: the run's save waits for no network
SILENT = 4 * protocol.HEARTBEAT  # seconds without a line (the client writes one every HEARTBEAT): it has left


class Client:
    """One attached connection: its writer and the records waiting to be written (the newest frame only)."""

    def __init__(self, writer: asyncio.StreamWriter, session: str) -> None:
        self.writer, self.session = writer, session
        self.queue: deque[Any] = deque()
        self.wake = asyncio.Event()

    def offer(self, record: Any) -> None:
        if isinstance(record, Frame) and self.queue and isinstance(self.queue[-1], Frame):
            self.queue[-1] = record  # a frame not yet written is replaced by a newer one
        else:
            self.queue.append(record)
        self.wake.set()


class Server:
    def __init__(
        self,
        welcome: Welcome,
        token: str,
        host: str,
        port: int,
        log: Callable[[str], None],
        folders: tuple[Path, ...] = (),
    ) -> None:
        """``folders``: where the run's checkpoints are (ctrl+s, ``--save``), the only ones ``open`` reads."""
        self.welcome, self.token, self.host, self.port, self.log = welcome, token, host, port, log
        self.folders = folders
        self._writers: set[asyncio.StreamWriter] = set()  # every open connection, welcomed or not
        self._closing = False
        self.driver: Driver | None = None  # set before ``start``
        self.client: Client | None = None
        self.records_sent = self.bytes_sent = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._serve, name="learn-tui serve", daemon=True)

    # -- called from the driver's thread ------------------------------------------------------------------
    def start(self) -> int:
        """Listen (in the server's thread); the port it got (``port`` 0 asks the system for a free one)."""
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self.port

    def publish(self, record: Record) -> None:
        """The driver's sink: hand the record to the attached client, if there is one."""
        client, loop = self.client, self._loop
        if type(record).__name__ not in ALLOWED:  # (LessonReady: the client loads the lesson itself)
            return
        if client is None or loop is None:
            if isinstance(record, Frame) and self.driver is not None:
                self.driver.frame_done()  # nobody to draw it: the next may be built
            return
        loop.call_soon_threadsafe(self._offer, client, record)

    def close(self, reason: str) -> None:
        """Say goodbye to the client (why the run ended) and stop listening."""
        loop = self._loop
        if loop is None or not self._thread.is_alive():
            return
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(reason), loop).result(timeout=5)
        except TimeoutError:  # the run ends (and saves) whatever the network does
            self.log(say("not stopped"))
            return
        self._thread.join(timeout=5)

    # -- the server's thread ------------------------------------------------------------------------------
    def _serve(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        loop.set_exception_handler(self._loop_error)
        try:
            self._server = loop.run_until_complete(
                asyncio.start_server(self._handle, self.host, self.port, limit=protocol.REQUEST_LIMIT)
            )
            self.port = self._server.sockets[0].getsockname()[1]
        except OSError as exc:
            self._error = UsageError(say("cannot serve", where=f"{self.host}:{self.port}", why=exc.strerror))
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()
        loop.close()

    def _loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """What asyncio would print as a traceback: one line (the run goes on)."""
        error = context.get("exception")
        kind = f" ({type(error).__name__})" if error else ""
        self.log(say("loop error", message=context.get("message", say("an error")), kind=kind))

    async def _shutdown(self, reason: str) -> None:
        client, self.client = self.client, None  # (its handler then neither resumes the run nor says it left)
        self._closing = True  # (a connection not yet welcomed leaves without a word)
        if client is not None:  # a slow or silent client gets a second to hear why, no more
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._say(client.writer, Bye(reason)), GOODBYE)
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()  # each handler ends on its closed connection
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        if tasks:
            _, left = await asyncio.wait(tasks, timeout=GOODBYE)
            for task in left:  # (none expected: a handler ends itself quietly even when cancelled)
                task.cancel()
            await asyncio.gather(*left, return_exceptions=True)
        asyncio.get_running_loop().call_soon(asyncio.get_running_loop().stop)

    def _offer(self, client: Client, record: Any) -> None:
        if client is self.client:
            client.offer(record)
        elif isinstance(record, Frame) and self.driver is not None:
            self.driver.frame_done()

    async def _say(self, writer: asyncio.StreamWriter, record: Any) -> bool:
        """Write one record (None: the heartbeat, an empty line); False once the connection is closing (then
        nothing is written: asyncio would log each write to a lost connection)."""
        if writer.is_closing():
            return False
        line = b"\n" if record is None else (encode(record) + "\n").encode()
        if len(line) > protocol.RECORD_LIMIT:
            line = (encode(Notice(say("too big", kind=type(record).__name__), "warning")) + "\n").encode()
        writer.write(line)
        self.records_sent += 1
        self.bytes_sent += len(line)
        try:
            await writer.drain()
        except ConnectionError:
            return False
        return not writer.is_closing()

    async def _refuse(self, writer: asyncio.StreamWriter, reason: str) -> None:
        if self._closing:
            return
        peer = writer.get_extra_info("peername")
        self.log(say("refused a client", peer=say("from", host=peer[0]) if peer else "", reason=reason))
        await self._say(writer, Refused(reason))
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One connection, from its hello to its end. It never raises, cancelled included: asyncio (3.11)
        would print a traceback for a connection handler that did."""
        self._writers = {w for w in self._writers if not w.is_closing() or w.transport.get_write_buffer_size()}
        self._writers.add(writer)
        try:
            await self._connection(reader, writer)
        except (asyncio.CancelledError, ConnectionError):
            pass
        except Exception as exc:  # a bug here: one line, and the run goes on
            self.log(say("connection failed", why=f"{type(exc).__name__}: {exc}"))
        finally:
            writer.close()  # (after what was written: a refusal is read; the run's end aborts what still flushes)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), protocol.HELLO_TIMEOUT)
        except (TimeoutError, ValueError, ConnectionError):  # ValueError: a line over the limit
            await self._refuse(writer, protocol.no_hello())
            return
        if self._closing:
            return
        refusal, session = protocol.check_hello(line, self.token, self.client.session if self.client else None)
        if refusal:
            await self._refuse(writer, refusal)
            return
        client = Client(writer, session)
        old, self.client = self.client, client
        if old is not None:  # the same app reconnecting: its old connection is gone (perhaps silently: no flush)
            old.writer.transport.abort()
            self._driver().frame_done()  # (a frame it never finished writing holds up no others)
        self.log(say("attached"))
        sender = asyncio.create_task(self._send(client))
        try:
            await self._say(writer, self.welcome)
            self._driver().refresh()  # a whole frame: the history so far, a snapshot
            await self._read(reader, client)
        finally:
            sender.cancel()
            if self.client is client:
                self.client = None
                driver = self._driver()
                driver.needs = NOBODY
                driver.frame_done()
                driver.resume()  # nobody is left to unpause it
                self.log(say("detached"))
            writer.close()

    async def _read(self, reader: asyncio.StreamReader, client: Client) -> None:
        while True:
            try:
                line = await asyncio.wait_for(reader.readline(), SILENT)
            except TimeoutError:  # a vanished client: detach it (its handler resumes a paused run)
                self.log(say("silent", seconds=SILENT))
                client.writer.transport.abort()
                return
            except ValueError:
                await self._refuse(client.writer, say("too long", limit=protocol.REQUEST_LIMIT))
                return
            except ConnectionError:
                return
            if not line:
                return
            if line == b"\n":
                continue  # the client's heartbeat
            try:
                name, args, ident = protocol.check_request(json.loads(line))
            except (ValueError, RecursionError) as exc:
                reason = str(exc) if isinstance(exc, protocol.ProtocolError) else say("not JSON")
                await self._refuse(client.writer, say("garbled", reason=reason))
                return
            if self.client is not client:
                return
            try:
                self._request(client, name, args, ident)
            except LearnTuiError as exc:  # refused at once (a bad value): answered, and the run goes on
                client.offer(Answer(name, str(exc), ident) if ident is not None else Notice(str(exc), "error"))

    def _request(self, client: Client, name: str, args: dict[str, Any], ident: int | None) -> None:
        if name in ("open", "save") and args["path"] is not None:  # (a save given no path: in checkpoints/)
            path = protocol.checkpoint_in(args["path"], self.folders)
            if path is None:
                folders = say("or").join(f"{folder}/" for folder in self.folders) or say("no folder")
                whose = say("saved by this run") if name == "open" else ""
                refusal = say("checkpoint name", name=name, whose=whose, folders=folders)
                client.offer(Answer(name, refusal, ident) if ident is not None else Notice(refusal, "error"))
                return
            args = {**args, "path": path}
        relay(self._driver(), name, args, ident)

    async def _send(self, client: Client) -> None:
        try:
            await self._send_queued(client)
        except Exception as exc:  # a record that would not encode: say so here, drop the client, train on
            self.log(say("not sent", why=f"{type(exc).__name__}: {exc}"))
            client.writer.close()

    async def _send_queued(self, client: Client) -> None:
        driver = self._driver()
        while True:
            try:
                await asyncio.wait_for(client.wake.wait(), protocol.HEARTBEAT)
            except TimeoutError:  # nothing to say: say so (a paused run), so the client can tell a silent line
                if not await self._say(client.writer, None):
                    return
                continue
            client.wake.clear()
            while client.queue:
                record = client.queue.popleft()
                said = await self._say(client.writer, record)
                if isinstance(record, Frame):
                    driver.frame_done()
                if not said:
                    return  # the connection is closing: its handler ends it

    def _driver(self) -> Driver:
        assert self.driver is not None
        return self.driver
