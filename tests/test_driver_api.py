"""One driver interface (``core/driver/api.py``): each request is declared once, in ``REQUESTS``, and the methods
that make it (``DriverApi``'s, which both drivers inherit), the methods that apply it (``RunControl``'s) and the
wire's table follow that declaration; a drift fails here. A served run's client may also name where ctrl+s saves,
inside the run's checkpoint folder only."""

from __future__ import annotations

import inspect
import json
import socket
import threading
from typing import Any

import pytest

from core.base.settings import RunSettings
from core.base.status import Status
from core.driver import api
from core.driver.driver import Driver
from core.driver.frames import Frame, Needs
from core.driver.records import Notice
from core.driver.requests import RunControl
from core.engine.catalog import load
from core.remote import protocol
from core.remote.codec import decode
from core.remote.messages import Welcome
from core.remote.server import Server
from tui.driver.local import TrainingDriver
from tui.driver.messages import DriverRecord
from tui.driver.remote import RemoteDriver

MADE_HERE = [name for name in api.REQUESTS if name not in api.OWN]  # the ones DriverApi's methods make


def parameters(function: Any) -> list[str]:
    return [name for name in inspect.signature(function).parameters if name not in ("self", "reply_to")]


def example(allowed: tuple[Any, ...]) -> Any:
    """A value an argument may take: the first of its values, or of its types."""
    first = allowed[0]
    return {str: "text", int: 1, float: 0.5, bool: True, type(None): None}[first] if isinstance(first, type) else first


@pytest.mark.parametrize("name", MADE_HERE)
def test_each_request_is_a_method_of_the_interface_with_the_declared_arguments(name):
    request, method = api.REQUESTS[name], getattr(api.DriverApi, name)
    assert parameters(method) == list(request.args), name
    assert ("reply_to" in inspect.signature(method).parameters) == request.answered, name


@pytest.mark.parametrize("name", MADE_HERE)
def test_each_method_hands_its_own_name_and_arguments_to_request(name):
    asked = []

    class Recording(api.DriverApi):
        def request(self, name: str, args: dict[str, Any], reply_to: Any = None) -> None:
            asked.append((name, args, reply_to))

    args = {key: example(allowed) for key, allowed in api.REQUESTS[name].args.items()}
    answer = {"reply_to": "the dialog"} if api.REQUESTS[name].answered else {}
    getattr(Recording(), name)(**args, **answer)
    assert asked == [(name, args, answer.get("reply_to"))]
    assert isinstance(api.what(name, args), str) and api.what(name, args)


@pytest.mark.parametrize("name", MADE_HERE)
def test_the_run_applies_each_request_with_the_same_arguments(name):
    """The in-process driver applies a request by ``RunControl``'s method of its name."""
    assert parameters(getattr(RunControl, name)) == list(api.REQUESTS[name].args), name


@pytest.mark.parametrize("driver", [Driver, TrainingDriver, RemoteDriver])
def test_neither_driver_makes_a_request_its_own_way(driver):
    """(RemoteDriver.save once dropped its path: a request method of a driver's own can drift from the table.)"""
    assert api.DriverApi in driver.__mro__
    assert [name for name in MADE_HERE if getattr(driver, name) is not getattr(api.DriverApi, name)] == []


def test_the_drivers_own_requests_steer_the_frames():
    assert parameters(api.DriverApi.refresh) == list(api.REQUESTS["refresh"].args) == []
    assert list(api.REQUESTS["needs"].args) == list(vars(Needs()))
    assert isinstance(api.DriverApi.needs, property) and api.DriverApi.needs.fset is not None


def test_the_wire_checks_a_request_against_the_declaration_and_fills_in_what_an_older_client_left_out():
    assert protocol.check_request({"do": "save", "args": {}}) == ("save", {"path": None}, None)  # (an older client)
    assert protocol.check_request({"do": "save", "args": {"path": "a.pt"}}) == ("save", {"path": "a.pt"}, None)
    with pytest.raises(protocol.ProtocolError, match="call takes action, argument, description"):
        protocol.check_request({"do": "call", "args": {"action": "a", "description": "d"}})


def test_the_attached_driver_sends_a_save_with_its_path():
    sent = []
    driver = RemoteDriver(type("Pump", (), {"post_message": lambda self, m: None})(), "h", 1, "t")
    driver.client.send = lambda *request: sent.append(request) or True
    driver.save("mine.pt")
    driver.save()
    assert sent == [("save", {"path": "mine.pt"}), ("save", {"path": None})]


def test_one_message_carries_every_record_and_a_frame_replaces_only_a_frame():
    frame, notice = DriverRecord(Frame(Status.PAUSED)), DriverRecord(Notice("saved"))
    assert frame.can_replace(DriverRecord(Frame(Status.RUNNING)))
    assert not frame.can_replace(notice) and not notice.can_replace(frame)


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A real server and driver in threads, as ``--serve`` runs them, in a folder of the test's."""
    monkeypatch.chdir(tmp_path)
    server = Server(Welcome("linear-regression"), "t", "127.0.0.1", 0, lambda line: None, (tmp_path / "checkpoints",))
    driver = Driver(server.publish, load("linear-regression"), RunSettings(), paused=True)
    server.driver = driver
    server.start()
    thread = threading.Thread(target=driver.run, daemon=True)
    thread.start()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    sock.sendall(b'{"hello": 1, "token": "t", "session": "s"}\n')
    yield sock, sock.makefile("rb")
    sock.close()
    driver.stop()
    server.close("the test ended")
    thread.join(10)


def notices(lines):
    for line in lines:
        if line != b"\n" and isinstance(record := decode(line), Notice):
            yield record


def test_a_client_saves_by_name_in_the_runs_checkpoint_folder_and_nowhere_else(served, tmp_path):
    sock, lines = served
    for path in ("mine.pt", "checkpoints/also.pt", "../elsewhere.pt", str(tmp_path / "elsewhere.pt")):
        sock.sendall(json.dumps({"do": "save", "args": {"path": path}}).encode() + b"\n")
    got = [next(notices(lines)) for _ in range(4)]  # (a refusal comes at once, a save once the driver made it)
    assert sorted(notice.path for notice in got if notice.path) == ["checkpoints/also.pt", "checkpoints/mine.pt"]
    assert (tmp_path / "checkpoints" / "mine.pt").is_file() and (tmp_path / "checkpoints" / "also.pt").is_file()
    refusal = f"save takes the name of a checkpoint in {tmp_path / 'checkpoints'}/ (e.g. NAME.pt)"
    assert [(notice.text, notice.severity) for notice in got if not notice.path] == [(refusal, "error")] * 2
    assert not (tmp_path / "elsewhere.pt").exists()
