"""The real app in a real terminal (tmux): keys go in with send-keys, the screen is read with capture-pane."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STATUS = re.compile(r"(\w+) │ step (\d+) │ epoch (\d+) │ lr (\S+) │")  # the lesson's name goes first when narrow

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    def __init__(self, command: str, width: int = 100, height: int = 30) -> None:
        self.socket = f"learn-tui-test-{os.getpid()}"
        self.tmux(
            "new-session",
            "-d",
            "-s",
            "app",
            "-x",
            str(width),
            "-y",
            str(height),
            f"cd {shlex.quote(str(ROOT))} && {command}; echo EXITED $?; sleep 30",
        )

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)

    def wait_for(self, pattern: str, timeout: float = 60.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.screen())
            if match:
                return match
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never appeared; the screen shows:\n{self.screen()}")

    def status(self) -> tuple[str, int, float]:
        match = self.wait_for(STATUS.pattern)
        return match.group(1), int(match.group(2)), float(match.group(4))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal():
    command = f"{shlex.quote(sys.executable)} -m tui.main run linear-regression --epochs 100000000"
    term = Terminal(command)
    yield term
    term.close()


def test_keys_in_a_real_terminal(terminal):
    terminal.wait_for(r"paused │ step 0 │", timeout=120)
    terminal.keys("n")
    terminal.wait_for(r"paused │ step 1 │")
    time.sleep(0.3)
    assert terminal.status()[:2] == ("paused", 1)  # exactly one step
    terminal.keys("+")
    terminal.wait_for(r"│ lr 0\.03 │")
    terminal.keys("Space")
    terminal.wait_for(r"running │ step \d{3,}")
    terminal.keys("Space")
    terminal.wait_for(r"paused │ step \d+")
    state, stopped_at, lr = terminal.status()
    assert state == "paused" and stopped_at > 100 and lr == 0.03
    time.sleep(1.0)
    assert terminal.status()[:2] == ("paused", stopped_at)  # space stopped the steps
    terminal.keys("q")
    terminal.wait_for(r"EXITED 0", timeout=30)
