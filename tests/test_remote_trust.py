"""learn-tui attach trusts nothing a peer says: a Welcome naming a file loads nothing (one line, exit 1), a peer
that is not a learn-tui run or does not answer is one line and exit 1 (a wrong token: exit 2) before any app
opens, and a session that worked reconnects with backoff and gives up visibly. The peers here are written in
the test (a socket that answers as told) or the real server; ``learn-tui attach`` runs in a terminal of its
own (a pty), as a learner starts it."""

from __future__ import annotations

import hashlib
import os
import pty
import socket
import subprocess
import sys
import threading
import time

import pytest
from app_helpers import async_test, wait_for
from conftest import REPO
from test_remote import serve  # noqa: F401  (the fixture)

from core.base.status import Status
from core.driver.frames import Frame
from core.driver.records import Notice
from core.errors import LessonFileError
from core.remote import server as remote_server
from core.remote.client import AttachError, Client, GaveUp, Lost
from core.remote.codec import encode
from core.remote.lesson_check import lesson_ref
from core.remote.messages import Welcome

EVIL = "import pathlib\npathlib.Path(__file__).with_name('MARKER').write_text('ran on the attaching machine')\n"
HTTP = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"


class Peer:
    """A listener on 127.0.0.1 that reads each connection's first line and answers ``answer(sock, index)``."""

    def __init__(self, answer):
        self.answer, self.connections = answer, 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.open.append(conn)
            index, self.connections = self.connections, self.connections + 1
            threading.Thread(target=self._serve, args=(conn, index), daemon=True).start()

    def _serve(self, conn, index):
        try:
            conn.makefile("rb").readline()  # the hello
            self.answer(conn, index)
        except OSError:
            pass

    def close(self):
        self.sock.close()
        for conn in self.open:
            conn.close()


@pytest.fixture
def peer():
    made = []
    yield lambda answer: made.append(Peer(answer)) or made[-1]
    for each in made:
        each.close()


def say(*records):
    def answer(conn, index):
        conn.sendall(b"".join(r if isinstance(r, bytes) else (encode(r) + "\n").encode() for r in records))
        conn.close()

    return answer


def attach_in_a_terminal(tmp_path, address, *args, cwd=None, timeout=30):
    """``learn-tui attach`` in a pty (the app needs a terminal): exit status, stderr's lines, seconds taken."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_RUNTIME_DIR": str(tmp_path)}
    env.pop("LEARN_TUI_TOKEN", None)
    argv = [sys.executable, "-m", "tui.main", "attach", str(address), *args]
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=subprocess.PIPE, cwd=cwd or tmp_path, env=env)
    os.close(slave)
    threading.Thread(target=lambda: _drain(master), daemon=True).start()  # (an app drawing would fill the pty)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"attach still running after {timeout} s")
    return proc.returncode, err.decode().splitlines(), time.monotonic() - started


def _drain(fd):
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


# -- 1: a Welcome loads nothing the client does not have ----------------------------------------------------


def test_a_welcome_naming_a_lesson_file_imports_nothing_and_attach_exits_1_in_one_line(tmp_path, peer):
    (tmp_path / "evil_lesson.py").write_text(EVIL)
    (tmp_path / "here").mkdir()
    evil = peer(say(b'{"@": "Welcome", "lesson": "../evil_lesson.py", "sha256": null, "protocol": 1}\n'))
    code, err, _ = attach_in_a_terminal(tmp_path, evil.port, "--token", "t", cwd=tmp_path / "here")
    assert not (tmp_path / "MARKER").exists()
    assert code == 1 and len(err) == 1, err
    assert "the server names '../evil_lesson.py', which is not a lesson this machine has" in err[0]
    assert err[0].endswith("; nothing was loaded")


def test_only_a_built_in_id_or_a_lesson_file_this_machine_has_with_its_digest_may_load(tmp_path, monkeypatch):
    evil = tmp_path / "evil_lesson.py"
    evil.write_text(EVIL)
    monkeypatch.chdir(tmp_path)
    digest = hashlib.sha256(evil.read_bytes()).hexdigest()
    lesson = REPO / "tests" / "lesson_files" / "presses_ctrl_c.py"
    refused = [
        Welcome("evil_lesson.py"),  # a path without a digest
        Welcome(str(evil)),
        Welcome("evil_lesson.py", digest),  # a relative path: not where the run's file is
        Welcome(str(evil), digest),  # the same bytes, but no lesson: never imported to find out
        Welcome(str(lesson), "0" * 64),  # a lesson file that differs from the served one
        Welcome("no-such-lesson"),
        Welcome("/etc/passwd", hashlib.sha256(b"").hexdigest()),
    ]
    for welcome in refused:
        with pytest.raises(LessonFileError, match="which is not a lesson this machine has.*; nothing was loaded$"):
            lesson_ref(welcome)
    assert not (tmp_path / "MARKER").exists()
    assert lesson_ref(Welcome("linear-regression")) == "linear-regression"
    assert lesson_ref(Welcome(str(lesson), hashlib.sha256(lesson.read_bytes()).hexdigest())) == str(lesson)


def test_the_attached_view_given_such_a_welcome_loads_nothing_and_says_so(tmp_path, monkeypatch):
    from tui.driver.remote import RemoteDriver

    (tmp_path / "evil_lesson.py").write_text(EVIL)
    monkeypatch.chdir(tmp_path)
    posted = []
    driver = RemoteDriver(type("Pump", (), {"post_message": lambda self, m: posted.append(m)})(), "h", 1, "t")
    driver._receive(Welcome("evil_lesson.py"))
    assert not (tmp_path / "MARKER").exists() and driver.lesson is None and driver.stopped
    assert "nothing was loaded" in posted[-1].record.message


# -- 6: the first connection reaches a learn-tui run, or attach says why in one line ------------------------


def test_a_closed_port_is_one_line_and_exit_1(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # (closed again: nothing listens there)
    code, err, seconds = attach_in_a_terminal(tmp_path, port, "--token", "t")
    assert code == 1 and len(err) == 1 and "nothing listens on 127.0.0.1:" in err[0], err
    assert seconds < 15


def test_a_peer_that_is_not_a_learn_tui_run_is_one_line_and_exit_1(tmp_path, peer):
    http = peer(say(HTTP))
    code, err, _ = attach_in_a_terminal(tmp_path, http.port, "--token", "t")
    assert code == 1 and len(err) == 1 and http.connections == 1, err
    assert "is not a learn-tui run: it answered 'HTTP/1.1 400 Bad Request'" in err[0]


def test_a_wrong_token_is_one_line_and_exit_2(tmp_path):
    server = remote_server.Server(Welcome("linear-regression"), "the token", "127.0.0.1", 0, lambda line: None)
    server.start()
    try:
        code, err, _ = attach_in_a_terminal(tmp_path, server.port, "--token", "not the token")
    finally:
        server.close("the test ended")
    assert code == 2 and len(err) == 1 and "refused this terminal: wrong token" in err[0], err


@pytest.mark.parametrize("answer", ["silence", "an endless line", "heartbeats only"])
def test_a_peer_that_never_welcomes_is_given_up_on_after_the_time_to_reach_it(peer, answer):
    def misbehave(conn, index):
        stop = time.monotonic() + 30
        while time.monotonic() < stop:
            conn.sendall({"silence": b"", "an endless line": b"x" * 4096, "heartbeats only": b"\n"}[answer])
            time.sleep(0.01)

    quiet = peer(misbehave)
    client = Client("127.0.0.1", quiet.port, "t", None, reach=1.0)
    threading.Thread(target=client.run, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(AttachError, match=f"127.0.0.1:{quiet.port} did not answer as a learn-tui run within 1 s"):
        client.reach()
    assert time.monotonic() - started < 5 and client.done.wait(5)


# -- 6: reconnecting is for a session that worked: backoff, then a visible end ----------------------------


def test_a_lost_session_retries_with_backoff_and_gives_up_visibly(peer):
    def first_welcomes_then_not_a_run(conn, index):
        say(Welcome("linear-regression") if index == 0 else HTTP)(conn, index)

    flaky, got = peer(first_welcomes_then_not_a_run), []
    client = Client("127.0.0.1", flaky.port, "t", got.append, retry=0.05, give_up=1.5)
    thread = threading.Thread(target=client.run, daemon=True)
    thread.start()
    assert client.reach() == Welcome("linear-regression")
    thread.join(10)
    assert not thread.is_alive()
    assert got[1] == Lost("connection lost, retrying", "warning") and isinstance(got[-1], GaveUp), got
    assert "gave up reconnecting" in got[-1].reason
    assert 3 <= flaky.connections <= 8  # 0.05, 0.1, 0.2, 0.4, 0.8 s apart: not one attempt every few ms


def test_the_attached_view_shows_giving_up_and_answers_no_more():
    from tui.driver.remote import RemoteDriver

    posted = []
    driver = RemoteDriver(type("Pump", (), {"post_message": lambda self, m: posted.append(m)})(), "h", 1, "t")
    driver._receive(GaveUp("lost h:1 for 3 min: gave up reconnecting (attach again later)"))
    assert posted[-1].record.message.startswith("lost h:1 for 3 min") and driver.idle


def test_what_came_before_the_app_reaches_it_in_order_with_the_latest_frame_only():
    held = Client("h", 1, "t", None)
    for record in (Welcome("x"), Frame(Status.RUNNING, run_id=1), Notice("one"), Frame(Status.RUNNING, run_id=2)):
        held._emit(record)
    got = []
    held.hand_over(got.append)
    held._emit(Notice("two"))
    assert got == [Welcome("x"), Notice("one"), Frame(Status.RUNNING, run_id=2), Notice("two")]


@async_test
async def test_the_view_opens_on_the_connection_attach_made_and_steers_the_run(serve):  # noqa: F811
    from tui.attach import AttachApp

    served = serve("--steps", "1000000")
    client = Client("127.0.0.1", served.port, served.token, None)
    thread = threading.Thread(target=client.run, daemon=True)
    thread.start()
    assert lesson_ref(client.reach()) == "linear-regression"  # (what run_attached checks before the app opens)
    app = AttachApp("127.0.0.1", served.port, served.token, show_speed=False, client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.frame is not None and screen.state == Status.RUNNING, what="frames")
        assert screen.lesson_id == f"linear-regression @ 127.0.0.1:{served.port}"
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == Status.PAUSED, what="the run to pause")
    client.stop()
    thread.join(5)
    code, _, err = served.finish()
    assert code == 130 and err.count("a client attached") == 1, err  # (the one connection, made before the app)
