"""A served run keeps its stderr to its own lines: a client leaving, one refused, or the run ending with a client
attached prints at most one ``learn-tui:`` line each, never a traceback (asyncio's CancelledError at the end of
a run, "socket.send() raised exception." after a flood of clients that went away)."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time

from test_remote import serve  # noqa: F401  (the fixture)
from test_remote_hardening import TOKEN, StandInDriver, attach, next_record

from core.remote import server as remote_server
from core.remote.messages import Bye, Welcome

NEEDS = {"do": "needs", "args": {"chart": True, "snapshot": True, "views": True, "ratios": True}}


def line(data) -> bytes:
    return (json.dumps(data) + "\n").encode()


def misbehave(port: int, token: str, kind: int) -> socket.socket | None:
    """One client of six kinds that leave badly; the socket when it stays connected."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    reset = struct.pack("ii", 1, 0)  # (closing sends a reset, as a killed process's socket does)
    if kind == 0:  # attaches, asks for everything, never reads, is reset
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        sock.sendall(line({"hello": 1, "token": token, "session": "same"}) + line(NEEDS))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, reset)
    elif kind == 1:  # attaches (replacing the last: the same session) and stops reading
        sock.sendall(line({"hello": 1, "token": token, "session": "same"}) + line(NEEDS))
        sock.shutdown(socket.SHUT_RD)
        return sock
    elif kind == 2:  # a wrong token, then a reset
        sock.sendall(line({"hello": 1, "token": "wrong", "session": "x"}))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, reset)
    elif kind == 3:  # not learn-tui
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    elif kind == 4:  # says nothing
        pass
    sock.close()
    return None


def test_a_flood_of_clients_and_a_run_ending_with_one_attached_print_no_traceback(serve):  # noqa: F811
    served = serve("--steps", "1000000")
    for sock in [misbehave(served.port, served.token, index % 5) for index in range(40)]:
        if sock is not None:
            sock.close()
    for _ in range(50):  # attached when the run ends (once the server has seen the last of the flood go)
        last, lines = served.connect(served.token)
        if isinstance(next_record(lines), Welcome):
            break
        time.sleep(0.1)
    stop = threading.Event()
    threading.Thread(target=heartbeats, args=(last, stop), daemon=True).start()
    code, _, err = served.finish()
    stop.set()
    assert code == 130
    assert "Traceback" not in err and "CancelledError" not in err and "socket.send" not in err, err
    assert all(text.startswith("learn-tui: ") for text in err.splitlines()), err
    about_clients = [text for text in err.splitlines() if "client" in text]
    assert len(about_clients) <= 2 * 90, err  # at most: attached, then left


def heartbeats(sock: socket.socket, stop: threading.Event) -> None:
    try:
        while not stop.wait(0.3):
            sock.sendall(b"\n")
    except OSError:
        pass


def test_the_run_ending_with_a_client_attached_prints_nothing_and_the_client_hears_why(capfd, caplog):
    logs = []
    server = remote_server.Server(Welcome("linear-regression"), TOKEN, "127.0.0.1", 0, logs.append)
    server.driver = StandInDriver()
    server.start()
    sock, lines = attach(server)
    waiting, _ = attach(server, b"")  # (connected, no hello yet)
    assert isinstance(next_record(lines), Welcome)
    server.close("the run finished after 3 steps")
    assert next_record(lines) == Bye("the run finished after 3 steps")
    assert capfd.readouterr().err == "" and logs == ["a client attached"]
    assert [record.getMessage() for record in caplog.records if record.name == "asyncio"] == []
    sock.close()
    waiting.close()
