"""--serve and attach when the network or the other side misbehaves: a client that never reads does not cost
the run its save, a vanished one is detached (and heartbeats are not), a hello nested thousands deep is refused,
a request made while disconnected is answered, quitting while connecting returns at once, and the token stays
off the command line and is never seen half written. In-process: a server with a stand-in driver."""

import json
import os
import socket
import threading
import time

import pytest

from core import distributed
from core.base.settings import RunSettings
from core.driver.records import LessonReady, Notice
from core.driver.requests import RunControl
from core.engine.catalog import load
from core.errors import UsageError
from core.front import remote_args as commands
from core.front.ctrl_c import STOPPING, StopAtStepBoundary
from core.remote import address, protocol
from core.remote import client as remote_client
from core.remote import server as remote_server
from core.remote.client import STALE, Client, Lost
from core.remote.codec import decode, encode
from core.remote.messages import Refused, Welcome

TOKEN = "the-token"


class StandInDriver:
    """Records which of the driver's methods the server called."""

    def __init__(self):
        self.calls, self.needs = [], None

    def __getattr__(self, name):
        return lambda *args, **kwargs: self.calls.append(name)


@pytest.fixture
def server():
    logs = []
    served = remote_server.Server(Welcome("linear-regression"), TOKEN, "127.0.0.1", 0, logs.append)
    served.driver, served.logs = StandInDriver(), logs
    served.start()
    yield served
    served.close("the test ended")


def attach(server, hello=None):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    hello = hello if hello is not None else (json.dumps({"hello": 1, "token": TOKEN, "session": "s"}) + "\n").encode()
    sock.sendall(hello)
    return sock, sock.makefile("rb")


def next_record(lines):
    while (line := lines.readline()) == b"\n":
        pass
    return decode(line) if line else None


def until(predicate, seconds=3.0):
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.02)
    return predicate()


def test_a_client_that_never_reads_does_not_hold_up_the_end_of_the_run(server):
    sock, lines = attach(server)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    assert isinstance(next_record(lines), Welcome)
    server.publish(Notice("x" * 12_000_000))  # more than the socket buffers hold: the server's writes wait
    time.sleep(0.3)
    started = time.monotonic()
    server.close("the run finished")  # (raised TimeoutError after 5 s: the save and the summary never came)
    assert time.monotonic() - started < 3


def test_a_silent_client_is_detached_and_a_paused_run_resumed_but_heartbeats_keep_it(server, monkeypatch):
    monkeypatch.setattr(remote_server, "SILENT", 0.6)
    sock, lines = attach(server)
    assert isinstance(next_record(lines), Welcome)
    for _ in range(6):  # 1.2 s of heartbeats only: still attached
        sock.sendall(b"\n")
        time.sleep(0.2)
    assert server.client is not None and "resume" not in server.driver.calls
    assert until(lambda: "resume" in server.driver.calls)  # then silence: gone
    assert server.client is None and "the client detached; training goes on" in server.logs


def test_the_attach_client_writes_heartbeats_so_a_quiet_learner_stays_attached(server, monkeypatch):
    monkeypatch.setattr(remote_server, "SILENT", 0.6)
    monkeypatch.setattr(protocol, "HEARTBEAT", 0.1)
    client = Client("127.0.0.1", server.port, TOKEN, lambda record: None)
    thread = threading.Thread(target=client.run, daemon=True)
    thread.start()
    assert until(lambda: server.client is not None)
    time.sleep(1.5)
    assert server.client is not None and "resume" not in server.driver.calls
    client.stop()
    thread.join(5)


def test_a_hello_nested_thousands_deep_is_refused_in_one_line(server):
    sock, lines = attach(server, b"[" * 5000 + b"\n")
    assert "no hello with a token" in next_record(lines).reason


def test_a_record_the_wire_does_not_carry_is_skipped_and_the_client_stays(server):
    sock, lines = attach(server)
    assert isinstance(next_record(lines), Welcome)
    server.publish(LessonReady(load("linear-regression")))  # (the client loads the lesson itself)
    server.publish(Notice("after it"))
    assert next_record(lines) == Notice("after it")


def test_a_wrong_token_from_the_token_file_says_the_file_may_be_stale(server):
    got = []
    client = Client("127.0.0.1", server.port, "an old token", got.append, token_from_file=True)
    client.run()  # (returns once refused)
    assert got == [Refused("wrong token: use the one the server printed (or its token file)" + STALE)]


def test_quitting_while_connecting_to_an_unreachable_host_returns_at_once(monkeypatch):
    async def never(*args, **kwargs):
        await __import__("asyncio").sleep(3600)

    monkeypatch.setattr(remote_client.asyncio, "open_connection", never)
    client = Client("192.0.2.1", 8765, TOKEN, lambda record: None)
    thread = threading.Thread(target=client.run, daemon=True)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    client.stop()
    thread.join(3)
    assert not thread.is_alive() and time.monotonic() - started < 1


def test_a_served_run_of_several_processes_refuses_to_restart_from_the_app(monkeypatch):
    run = RunControl(load("linear-regression"), RunSettings(), paused=True)
    trainer = run.trainer
    monkeypatch.setattr(distributed, "world_size", lambda: 2)
    for request in (run.reset, lambda: run.open("any.pt")):
        with pytest.raises(UsageError, match="a run of 2 processes can't restart from the app: stop it and start"):
            request()
    assert run.trainer is trainer


def test_a_save_names_its_checkpoint_in_the_record_and_the_wire_keeps_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = RunControl(load("linear-regression"), RunSettings(), paused=True)
    run.prime()
    notice = run.save(str(tmp_path / "a.pt"))
    assert notice.path == str(tmp_path / "a.pt") and decode(encode(notice)) == notice


def test_the_token_file_is_replaced_whole_never_rewritten_in_place(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    path = address.write_token("old", 8765)
    os.link(path, tmp_path / "a reader's open file")
    assert address.write_token("new", 8765) == path
    assert path.read_text() == "new\n" and (tmp_path / "a reader's open file").read_text() == "old\n"
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_attach_takes_the_token_from_the_environment_and_warns_that_ps_shows_token(monkeypatch):
    from core.front.cli import parse

    monkeypatch.setenv(address.TOKEN_VARIABLE, "from-env")
    command = parse(["attach", "8765"])
    assert commands.attach_settings(command.args, command.rest)["token"] == "from-env"
    assert "ps" in command.parser.commands["attach"].format_help()


class Trainer:
    def __init__(self, step, step_open):
        self.step, self.step_open = step, step_open


def test_ctrl_c_stops_at_the_step_boundary_and_says_so_once():
    ctrl_c, told = StopAtStepBoundary(), []
    assert not ctrl_c.at_boundary(Trainer(1, True), 0, told.append)  # (not pressed)
    ctrl_c.requested = True
    assert not ctrl_c.at_boundary(Trainer(1, True), 0, told.append)
    assert not ctrl_c.at_boundary(Trainer(1, True), 0, told.append)
    assert ctrl_c.at_boundary(Trainer(2, False), 0, told.append) and told == [STOPPING]
    ctrl_c.disarm()


def test_requests_made_while_disconnected_are_answered_and_a_lost_line_answers_the_waiting():
    from tui.driver.remote import RemoteDriver

    unsent = "connection lost, retrying: try again when it reconnects"

    class Pump:
        def __init__(self):
            self.messages = []

        def post_message(self, message):
            self.messages.append(message)

    screen, dialog = Pump(), Pump()
    driver = RemoteDriver(screen, "127.0.0.1", 8765, TOKEN)
    driver.set_lr(0.1, reply_to=dialog)
    driver.toggle()
    assert [(m.what, m.error) for m in dialog.messages] == [("lr", unsent)]
    assert screen.messages[-1].record.text == unsent
    driver.client.send = lambda *args: True  # connected: the request goes out, its answer is awaited
    driver.set_option("optimizer", "Adam", reply_to=dialog)
    driver._receive(Lost("connection lost, retrying", "warning"))
    assert [(m.what, m.error) for m in dialog.messages][-1] == ("optimizer", unsent)
    driver._receive(Notice("checkpoint written", path="runs/a.pt"))
    assert driver.last_saved == "runs/a.pt"
