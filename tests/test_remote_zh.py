"""``--lang zh`` for serving and attaching: what a learner meets is Chinese (code and names aside,
``tests/zh_words.py``): attach's one-line refusals, a served run's lines, its answers and refusals over the wire.
A refusal for a wrong token is still exit 2 whichever language the server speaks."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading

import pytest
from conftest import REPO
from test_remote_trust import attach_in_a_terminal, peer  # noqa: F401  (peer: the fixture)
from zh_words import english_words

from core.base import i18n
from core.driver.records import Answer
from core.remote import protocol
from core.remote import server as remote_server
from core.remote.codec import decode
from core.remote.messages import Refused, Welcome

NAMES = {"attach", "token", "open", "set_option", "optimizer", "bogus", "extra", "nowhere"}


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language(None)


def assert_chinese(text: str) -> None:
    assert text.strip()
    left = [(line, english_words(line, NAMES)) for line in text.splitlines() if english_words(line, NAMES)]
    assert not left, left


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # (closed again: nothing listens there)


@pytest.mark.parametrize(
    ("argv", "exit_code"),
    [
        (["127.0.0.1:{port}", "--token", "t"], 1),  # nothing listens there
        (["127.0.0.1:0", "--token", "t"], 2),
        (["127.0.0.1:{port}", "--token", "t", "extra"], 2),
        (["nowhere:x", "--token", "t"], 2),
        (["127.0.0.1:{port}", "--token-file", "/nonexistent/token"], 2),
        (["127.0.0.1:{port}"], 2),  # no token on this machine
    ],
)
def test_attach_refusals_are_chinese(tmp_path, monkeypatch, argv, exit_code):
    monkeypatch.setenv("LEARN_TUI_LANG", "zh")
    port = closed_port()
    code, err, _ = attach_in_a_terminal(tmp_path, *[a.format(port=port) for a in argv])
    assert code == exit_code and len(err) == 1 and "错误" in err[0], err
    assert_chinese(err[0])


def test_a_wrong_token_from_a_chinese_server_is_chinese_and_still_exit_2(tmp_path, monkeypatch):
    i18n.set_language("zh")
    monkeypatch.setenv("LEARN_TUI_LANG", "zh")
    logged: list[str] = []
    server = remote_server.Server(Welcome("linear-regression"), "the token", "127.0.0.1", 0, logged.append)
    server.start()
    try:
        code, err, _ = attach_in_a_terminal(tmp_path, f"127.0.0.1:{server.port}", "--token", "not it")
    finally:
        server.close("测试结束")
    assert code == 2 and len(err) == 1 and "令牌错误" in err[0], err
    assert_chinese("\n".join(err + logged))


def test_protocol_refusals_are_chinese():
    i18n.set_language("zh")
    bad = [{"do": 3}, {"do": "bogus"}, {"do": "pause", "args": {"x": 1}}, {"do": "pause", "id": "a"}]
    for data in bad:
        with pytest.raises(protocol.ProtocolError) as caught:
            protocol.check_request(data)
        assert_chinese(str(caught.value))
    for hello in (b"hi", json.dumps({"hello": 9, "token": "t"}).encode()):
        assert_chinese(protocol.check_hello(hello, "t", None)[0])


def test_a_served_run_speaks_chinese_to_its_client_and_on_its_lines(tmp_path):
    """A zh run served: its lines, its answer to a fixed option, its refusal of a path outside its folders and
    of a garbled line are Chinese; ctrl+c still ends it with 130."""
    argv = ["--lang", "zh", "run", "linear-regression", "--headless", "--steps", "1000000", "--serve", "127.0.0.1:0"]
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.main", *argv], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        first = proc.stderr.readline().decode()
        found = re.search(r"127\.0\.0\.1:(\d+) 上提供服务；令牌 (\S+)（", first)
        assert found, first
        answers, refusal = talk(int(found[1]), found[2])
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    assert "optimizer" in answers[0] and "/etc/passwd" not in answers[1] and "未知的请求" in refusal
    assert_chinese("\n".join([first, *answers, refusal, rest.decode()]))


def talk(port: int, token: str) -> tuple[list[str], str]:
    """Attach, set a fixed option and open a file outside the run's folders (each answered), then send a
    request that does not exist (refused: the connection closes)."""
    requests = [
        {"do": "set_option", "args": {"name": "optimizer", "value": "SGD"}, "id": 0},
        {"do": "open", "args": {"path": "/etc/passwd"}, "id": 1},
    ]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall((json.dumps({"hello": 1, "token": token, "session": "zh"}) + "\n").encode())
        for request in requests:
            sock.sendall((json.dumps(request) + "\n").encode())
        answers: dict[int, str] = {}
        lines = sock.makefile("rb")
        for line in lines:
            record = decode(line) if line.strip() else None
            if isinstance(record, Answer):
                answers[record.reply_to] = record.error
            if len(answers) == len(requests):
                break
        sock.sendall(b'{"do": "bogus"}\n')
        for line in lines:
            record = decode(line) if line.strip() else None
            if isinstance(record, Refused):
                return [answers[0], answers[1]], record.reason
    raise AssertionError(f"no refusal; answers {answers}")


def test_a_lost_connection_is_told_in_chinese_and_still_known_as_lost(peer):  # noqa: F811
    """The client's "connection lost, retrying" is in the chosen language; the attached view knows it by its kind
    (a ``Lost``), not its text: it answers the waiting dialog and dims the last frame under that line."""
    from test_remote_trust import HTTP
    from test_remote_trust import say as answer_with

    from core.base.status import Status
    from core.driver.frames import Frame
    from core.remote.client import Client, GaveUp, Lost
    from tui.driver.remote import RemoteDriver

    i18n.set_language("zh")

    def first_welcomes_then_not_a_run(conn, index):
        answer_with(Welcome("linear-regression") if index == 0 else HTTP)(conn, index)

    flaky, got = peer(first_welcomes_then_not_a_run), []
    client = Client("127.0.0.1", flaky.port, "t", got.append, retry=0.05, give_up=0.3)
    thread = threading.Thread(target=client.run, daemon=True)
    thread.start()
    assert client.reach() == Welcome("linear-regression")
    thread.join(10)
    assert isinstance(got[1], Lost) and isinstance(got[-1], GaveUp), got
    assert_chinese(got[1].text)

    class Pump:
        def __init__(self):
            self.messages = []

        def post_message(self, message):
            self.messages.append(message)

    screen, dialog = Pump(), Pump()
    driver = RemoteDriver(screen, "127.0.0.1", 8765, "t")
    driver.client.send = lambda *args: True  # connected: the request goes out, its answer is awaited
    driver._receive(Frame(Status.RUNNING, run_id=7))
    driver.set_option("optimizer", "Adam", reply_to=dialog)
    driver._receive(got[1])
    assert [m.what for m in dialog.messages] == ["optimizer"]
    assert_chinese(dialog.messages[0].error)
    shown = screen.messages[-1].record
    assert shown.state == Status.LOADING and shown.run_id == 7 and shown.message.endswith(got[1].text)
    driver._receive(Refused("bad token"))
    assert_chinese(screen.messages[-2].record.text.replace("bad token", ""))
    assert_chinese(screen.messages[-1].record.message.replace("bad token", ""))
