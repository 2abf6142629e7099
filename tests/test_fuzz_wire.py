"""Fuzzing what arrives over the wire, with hypothesis: here at the server, and at the client in
``test_remote_fuzz_client.py`` (which takes its strategies from here).

Hellos and request lines (well formed with odd values, near misses, garbage) against a real
server and driver (the dataloader lesson: live options, actions, a fixed option). Whatever comes, the server
refuses in one line or applies it; each request that asks for an answer gets exactly one; the run goes on
(the next request is answered), and the server logs no failure of its own.

Example counts stay small so the suite
stays fast; ``HYPOTHESIS_PROFILE=long`` runs many more.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.base.settings import RunSettings
from core.driver.driver import Driver
from core.driver.records import Answer, Failure
from core.engine.catalog import load
from core.remote import protocol
from core.remote.codec import decode
from core.remote.messages import Refused, Welcome
from core.remote.server import Server

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
WIRE = settings(
    max_examples=400 if LONG else 25,
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TOKEN = "fuzz-token"
PROBE = -1  # the id of the request that shows the run still answers (the fuzzed ids are never negative)
LESSON = "dataloader"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "..", "../x.pt", "/etc/passwd", "~/.ssh/id_rsa", "a\x00b", "batch_size", "csv", "shuffle"]),
    st.sampled_from(["set_batch_size", "toggle_shuffle", "x" * 5000]),
)
VALUE = st.one_of(TEXT, st.integers(), st.floats(), st.booleans(), st.sampled_from([0, -1, 10**30, 1e-300]))


def argument(allowed: tuple) -> st.SearchStrategy:
    """Values a request's argument may take (``protocol.REQUESTS``), the odd ones included."""
    if not all(isinstance(a, type) for a in allowed):
        return st.sampled_from(allowed)
    if allowed == (bool,):
        return st.booleans()
    if bool in allowed:
        return VALUE
    return st.one_of(TEXT, st.integers(), st.floats()) if int in allowed else TEXT


@st.composite
def request(draw) -> dict[str, Any]:
    name = draw(st.sampled_from(sorted(protocol.REQUESTS)))
    spec = protocol.REQUESTS[name]
    args = {
        key: draw(st.none() if allowed == (str, type(None)) and draw(st.booleans()) else argument(allowed))
        for key, allowed in spec.items()
    }
    message: dict[str, Any] = {"do": name, "args": args}
    if name in protocol.ANSWERED:
        message["id"] = draw(st.integers(min_value=0))
    return message


GARBAGE = st.one_of(  # (an empty line is the heartbeat, not garbage)
    st.binary(min_size=1, max_size=200).map(lambda b: b.replace(b"\n", b" ")),
    JSON.map(lambda v: json.dumps(v).encode()),
    request().map(lambda r: json.dumps({**r, "args": {**r["args"], "extra": 1}}).encode()),
    st.sampled_from([b"[" * 5000, b'{"do": "reset", "args": {}, "id": true}', b'{"do": "toggle", "args": []}']),
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A real server and driver, in threads as ``--serve`` runs them; saves land in a folder of the test's."""
    home = tmp_path_factory.mktemp("served")
    here = os.getcwd()
    os.chdir(home)
    logs: list[str] = []
    server = Server(Welcome(LESSON), TOKEN, "127.0.0.1", 0, logs.append, (home / "checkpoints",))
    driver = Driver(server.publish, load(LESSON), RunSettings(), paused=True)
    server.driver = driver
    server.start()
    thread = threading.Thread(target=driver.run, daemon=True)
    thread.start()
    yield server, logs, thread
    driver.stop()
    server.close("the test ended")
    thread.join(10)
    os.chdir(here)


def connect(server: Server, hello: bytes | None = None):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    sock.sendall(
        hello if hello is not None else json.dumps({"hello": 1, "token": TOKEN, "session": "f"}).encode() + b"\n"
    )
    return sock, sock.makefile("rb")


def records(lines):
    for line in lines:
        if line != b"\n":
            yield decode(line)


def probe(server: Server) -> list[Any]:
    """Ask for a learning rate on a new connection; what came back up to its answer (the run goes on)."""
    sock, lines = connect(server)
    try:
        sock.sendall(json.dumps({"do": "set_lr", "args": {"value": 0.01}, "id": PROBE}).encode() + b"\n")
        got = []
        for record in records(lines):
            got.append(record)
            if isinstance(record, Answer) and record.reply_to == PROBE:
                return got
        raise AssertionError(f"no answer to the probe: {got[-3:]}")
    finally:
        sock.close()


def no_failure_of_its_own(logs: list[str], got: list[Any]) -> None:
    assert not [line for line in logs if line.startswith(("a connection failed", "the server:", "could not send"))]
    assert not [r for r in got if isinstance(r, Failure) and r.title == "Internal error"], got


@WIRE
@given(
    hello=st.one_of(
        st.binary(max_size=300),
        JSON.map(lambda v: json.dumps(v).encode()),
        st.fixed_dictionaries({"hello": JSON, "token": TEXT, "session": JSON}).map(lambda d: json.dumps(d).encode()),
    )
)
def test_any_hello_is_refused_in_one_line_and_the_run_goes_on(served, hello):
    server, logs, _ = served
    sock, lines = connect(server, hello.replace(b"\n", b" ") + b"\n")
    first = next(records(lines), None)
    sock.close()
    assert isinstance(first, Refused), first
    no_failure_of_its_own(logs, probe(server))


@WIRE
@given(asked=st.lists(request(), min_size=1, max_size=6), garbage=st.none() | GARBAGE)
def test_any_requests_are_applied_or_refused_each_answered_once_and_the_run_goes_on(served, asked, garbage):
    server, logs, thread = served
    sock, lines = connect(server)
    assert isinstance(next(records(lines)), Welcome)
    sent = b"".join(json.dumps(r).encode() + b"\n" for r in asked)
    try:
        if garbage is not None:  # the connection is refused after it; the requests before it were taken
            sock.sendall(sent + garbage + b"\n")
            got = list(records(lines))
            assert isinstance(got[-1], Refused) and got[-1].reason.startswith(("garbled message", "a message over"))
        else:
            sock.sendall(sent + json.dumps({"do": "set_lr", "args": {"value": 0.01}, "id": PROBE}).encode() + b"\n")
            got = []
            for record in records(lines):
                got.append(record)
                if isinstance(record, Answer) and record.reply_to == PROBE:
                    break
            answers = [r.reply_to for r in got if isinstance(r, Answer) and r.reply_to != PROBE]
            assert sorted(answers) == sorted(r["id"] for r in asked if "id" in r), (asked, got)
    finally:
        sock.close()
    no_failure_of_its_own(logs, got + probe(server))
    assert thread.is_alive()
