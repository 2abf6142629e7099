"""A network drop between learn-tui attach and a --serve run: the run trains on, the attached app says
"connection lost, retrying" (keys wait, the panels keep what they show) and, once the network is back, it
reconnects by itself and shows the run's frames again. The network is a TCP proxy in the test, between the
app and the run, that drops every connection (closing them, or going silent as a pulled cable does) and
later comes back on the same port."""

import asyncio
import contextlib
import json

from app_helpers import async_test, wait_for
from test_remote import serve  # noqa: F401  (the fixture)

from core.base.status import Status
from core.remote import client as remote_client


class Network:
    """A TCP proxy to the run's port: ``drop()`` cuts the line, ``restore()`` brings it back on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target_port, self.port = target_port, 0
        self.server: asyncio.Server | None = None
        self.pipes: list[asyncio.StreamWriter] = []
        self.silent = False  # dropped without closing: the bytes just stop

    async def restore(self) -> None:
        self.silent = False
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def drop(self, *, silently: bool = False) -> None:
        assert self.server is not None
        self.server.close()
        if silently:
            self.silent = True  # the sockets stay open; nothing more gets through
            return
        for writer in self.pipes:
            writer.close()
        self.pipes.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.pipes += [writer, up_writer]
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                if self.silent:
                    continue  # swallowed, as by a network that went away
                writer.write(data)
                await writer.drain()
        writer.close()


def steps_in(served) -> int:
    """The run's own latest step, from its --json output."""
    lines = open(served.out.name, "rb").read().decode().splitlines()  # noqa: SIM115
    steps = [json.loads(line)["step"] for line in lines[:-1] if '"event": "step"' in line]
    return steps[-1] if steps else 0


async def drop_and_come_back(serve, silently: bool) -> None:  # noqa: F811
    from tui.attach import AttachApp

    served = serve("--steps", "1000000")
    network = Network(served.port)
    await network.restore()
    app = AttachApp("127.0.0.1", network.port, served.token, show_speed=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.frame is not None and screen.state == Status.RUNNING, what="frames")
        await network.drop(silently=silently)
        await wait_for(pilot, lambda: "connection lost, retrying" in screen.painter.message, 30, "the lost notice")
        assert screen.state != Status.RUNNING  # keys wait while nobody can hear them
        shown, trained = screen.frame.step, steps_in(served)
        await wait_for(pilot, lambda: steps_in(served) > trained + 20, 30, "the run to train on")
        await network.restore()
        await wait_for(pilot, lambda: screen.state == Status.RUNNING and screen.frame.step > shown, 30, "frames again")
        assert "connection lost" not in screen.painter.message and served.proc.poll() is None
    code, records, err = served.finish()
    assert code == 130 and err.count("a client attached") == 2, err


@async_test
async def test_a_closed_connection_says_connection_lost_and_reconnects_while_the_run_trains_on(serve):  # noqa: F811
    await drop_and_come_back(serve, silently=False)


@async_test
async def test_a_silent_network_is_noticed_and_reconnected(serve, monkeypatch):  # noqa: F811
    monkeypatch.setattr(remote_client, "SILENCE", 1.0)  # (seconds without a record: the line is lost)
    await drop_and_come_back(serve, silently=True)
