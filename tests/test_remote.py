"""learn-tui run --headless --serve and learn-tui attach: the attached app steers the run (pause, one batch, a new
learning rate) and the run's own JSON shows each at its step; quitting the app leaves the run training; a
wrong token, a second client and a garbled line are refused in one line while the run goes on."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
from app_helpers import async_test, wait_for
from conftest import REPO

from core.base.settings import RunSettings
from core.base.status import Status
from core.driver.frames import FrameBuilder
from core.driver.records import Answer, Notice
from core.driver.requests import RunControl
from core.engine.catalog import load
from core.remote.codec import CodecError, decode, encode


@pytest.mark.parametrize("lesson", ["linear-regression", "logistic-regression", "autograd", "rnn-hello"])
def test_frames_with_snapshots_and_pictures_round_trip_through_the_codec(lesson):
    run = RunControl(load(lesson), RunSettings(), paused=True)
    run.prime()
    run.advance("step")
    while (event := next(run.trainer)) and run.note(event) and not run.reached(event):
        pass
    frame = FrameBuilder().build(run)
    assert frame.snapshot is not None and frame.snapshot.params and frame.losses
    assert decode(encode(frame)) == frame


def test_the_codec_builds_only_the_records_it_knows():
    for line in ['{"@": "os.system", "v": "ls"}', '{"@": "Notice", "text": "hi", "run": "ls"}', "not json", "[1]"]:
        with pytest.raises(CodecError):
            decode(line)
    notice = Notice("a view's data may hold the tag's own key", title="@")
    assert (
        decode(encode(Answer("lr", "", {"@": "Notice", "text": [1, 2]})))
        == Answer("lr", "", {"@": "Notice", "text": [1, 2]})
        and decode(encode(notice)) == notice
    )  # plain data stays plain data, whatever its keys


@pytest.fixture
def serve(tmp_path):
    """Start a served run; it is killed at the end of the test, however the test ended."""
    started = []
    yield lambda *args, **kw: started.append(Served(tmp_path, *args, **kw)) or started[-1]
    for served in started:
        if served.proc.poll() is None:
            served.proc.kill()
            served.proc.wait()


class Served:
    """A headless --json run (plain progress lines: ``json=False``) serving on a free port, in its own process
    (as a learner starts it)."""

    def __init__(self, tmp_path, *args, json=True, cwd=REPO):
        env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}
        argv = [sys.executable, "-m", "tui.main", "run", "linear-regression", "--headless", *(["--json"] * json)]
        self.out = open(tmp_path / "run.jsonl", "w+b")  # noqa: SIM115  (a pipe nobody reads would stall the run)
        self.proc = subprocess.Popen(
            [*argv, "--serve", "127.0.0.1:0", *args], cwd=cwd, env=env, stdout=self.out, stderr=subprocess.PIPE
        )
        first = self.proc.stderr.readline().decode()
        found = re.search(r"serving on 127\.0\.0\.1:(\d+); token (\S+) \(also in (\S+),", first)
        assert found, first
        self.port, self.token, self.token_file = int(found[1]), found[2], found[3]
        self.hint = self.proc.stderr.readline().decode()  # how to attach

    def connect(self, token):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        sock.sendall((json.dumps({"hello": 1, "token": token, "session": "test"}) + "\n").encode())
        return sock, sock.makefile("rb")

    def finish(self):
        deadline = time.monotonic() + 30
        while os.path.getsize(self.out.name) < 1000 and time.monotonic() < deadline:
            time.sleep(0.05)  # a few steps done: ctrl+c stops at a step boundary (before the first, at once)
        self.proc.send_signal(signal.SIGINT)  # stops at the next step boundary, as headless runs do
        _, err = self.proc.communicate(timeout=30)
        self.out.seek(0)
        return self.proc.returncode, [json.loads(line) for line in self.out.read().decode().splitlines()], err.decode()


def test_the_token_file_is_readable_only_by_its_user_and_refusals_leave_the_run_going(serve):
    served = serve("--steps", "1000000")
    assert os.stat(served.token_file).st_mode & 0o777 == 0o600
    assert "--token-file" in served.hint and served.token not in served.hint  # (ps shows a command line)
    _, wrong = served.connect("not the token")
    assert "wrong token" in decode(wrong.readline()).reason and wrong.readline() == b""
    first, reader = served.connect(served.token)
    assert decode(reader.readline()).lesson == "linear-regression"
    other = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    other.sendall((json.dumps({"hello": 1, "token": served.token, "session": "other"}) + "\n").encode())
    assert "another terminal is attached" in decode(other.makefile("rb").readline()).reason
    first.close()
    garbled, lines = served.connect(served.token)
    lines.readline()  # the welcome
    garbled.sendall(b'{"do": "rm -rf /"}\n')
    refusal = next(decode(line) for line in lines if b'"Refused"' in line)
    assert refusal.reason.startswith("garbled message (unknown request")
    code, records, err = served.finish()
    assert code == 130 and records[-1]["status"] == "interrupted" and records[-1]["steps"] > 1, err
    assert not os.path.exists(served.token_file)  # (the server removed it)


@async_test
async def test_the_attached_app_pauses_steps_and_changes_lr_and_the_runs_json_shows_each(serve):
    from tui.attach import AttachApp

    served = serve("--steps", "1000000")
    app = AttachApp("127.0.0.1", served.port, served.token, show_speed=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.frame is not None and screen.state == Status.RUNNING, what="frames")
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == Status.PAUSED, what="the run to pause")
        if screen.frame.phase not in ("step", "epoch"):  # paused inside a step: n finishes it
            await pilot.press("n")
            await wait_for(pilot, lambda: screen.frame.phase == "epoch" and screen.driver.idle, what="a step's end")
        paused_at = screen.frame.step
        await pilot.press("n")
        await wait_for(pilot, lambda: screen.frame.step == paused_at + 1, what="one batch")
        await pilot.press("l")
        await pilot.press(*"0.003", "enter")  # (the current rate is selected: typing replaces it)
        await wait_for(pilot, lambda: screen.frame.lr == 0.003, what="the new rate")
        assert screen.state == Status.PAUSED and screen.frame.step == paused_at + 1
    time.sleep(0.5)  # detached: the run trains on
    code, records, err = served.finish()
    steps = {r["step"]: r for r in records if r["event"] == "step"}
    assert code == 130 and "the client detached; training goes on" in err
    assert steps[paused_at + 1]["lr"] == 0.01 and steps[paused_at + 2]["lr"] == 0.003
    assert records[-1]["steps"] > paused_at + 2
