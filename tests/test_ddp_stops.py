"""char-gpt under ``--nproc 2`` (torchrun's launcher, gloo on CPU) stopped from outside: a rank killed with
SIGKILL ends the job within a minute in one line naming it (exit 1); ctrl+c to the launcher's process group,
as a terminal sends it, stops every process at the same step, rank 0 saves once, the job exits 130, and the
checkpoint resumes. The ranks' PIDs are read from /proc: the children of the launcher this test started."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

from tests.conftest import REPO
from tests.test_ddp import TINY, launch, write_words

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the ranks' PIDs from /proc")

ENDS_WITHIN_S = 60  # the promise: a job whose rank was killed ends within a minute (it takes about a second)


class Job:
    """``learn-tui run char-gpt --headless --json --nproc 2 ...`` in a session of its own (its process group is
    the launcher's, where a terminal's ctrl+c goes); stdout read by a thread, line by line."""

    def __init__(self, *argv: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui.main", "run", "char-gpt", "--headless", "--json", "--nproc", "2", *argv],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "LEARN_TUI_LANG": "en", "PYTHONPATH": str(REPO)},
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()  # stdout's, then "" at its end
        self.errors: list[str] = []  # stderr's
        self.records: list[dict] = []
        self.ranks: dict[int, int] = {}
        self.readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.lines.put), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.errors.append), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream: Any, keep: Callable[[str], None]) -> None:
        for line in stream:
            keep(line)
        keep("")

    def wait_for_step(self, step: int, timeout: float = 120) -> None:
        """Until rank 0 printed the record of ``step`` (every rank is past step ``step - 1`` by then)."""
        deadline = time.monotonic() + timeout
        while not any(r["event"] == "step" and r["step"] >= step for r in self.records):
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            assert line, f"the job ended before step {step}, exit {self.process.wait()}: {''.join(self.errors)}"
            self.records.append(json.loads(line))
        self.ranks = ranks_of(self.process.pid)
        assert sorted(self.ranks) == [0, 1], self.ranks

    def end(self, timeout: float) -> tuple[int, str]:
        """The exit status and stderr, once the launcher has ended (within ``timeout`` seconds of now)."""
        status = self.process.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout=30)
        while (line := self.lines.get(timeout=1)) != "":
            self.records.append(json.loads(line))
        return status, "".join(self.errors)

    def clean_up(self) -> None:
        """Whatever the test did: no process of this job is left (only the PIDs this job started)."""
        for pid in [self.process.pid, *self.ranks.values()]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def ranks_of(launcher: int) -> dict[int, int]:
    """{rank: PID} of the processes ``launcher`` started (its children in /proc, by their RANK variable)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            variables = (entry / "environ").read_bytes().split(b"\0") if parent == launcher else []
        except (OSError, IndexError, ValueError):  # gone meanwhile, or not ours to read
            continue
        for variable in variables:
            if variable.startswith(b"RANK="):
                found[int(variable[len("RANK=") :])] = int(entry.name)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture
def text(tmp_path):
    return write_words(tmp_path / "words.txt")


@pytest.fixture
def job():
    jobs: list[Job] = []

    def start(*argv: str) -> Job:
        jobs.append(Job(*argv))
        return jobs[-1]

    yield start
    for started in jobs:
        started.clean_up()


@pytest.mark.parametrize("killed", [0, 1])
def test_a_killed_rank_ends_the_job_within_a_minute_in_one_line_naming_it(job, text, killed):
    run = job("--steps", "100000", "--text", str(text), "--batch-size", "2", *TINY)
    run.wait_for_step(3)
    os.kill(run.ranks[killed], signal.SIGKILL)
    killed_at = time.monotonic()
    status, err = run.end(timeout=ENDS_WITHIN_S)
    ended_after = time.monotonic() - killed_at
    print(f"rank {killed} killed: the job ended {ended_after:.2f} s later, exit {status}; stderr: {err!r}")
    assert status == 1
    assert err.splitlines() == [
        f"learn-tui: error: the run stopped: rank {killed} of 2 was killed by SIGKILL; the other process was stopped"
    ]  # not the survivor's "another process stopped", nor torchrun's report, nor a traceback
    assert not any(alive(pid) for pid in run.ranks.values())


def test_ctrl_c_stops_every_rank_at_one_step_rank_0_saves_once_and_it_resumes(job, text):
    saved = text.parent / "interrupted.pt"
    options = ["--text", str(text), "--batch-size", "2", *TINY]
    run = job("--steps", "100000", "--save", str(saved), *options)
    run.wait_for_step(2)  # each rank has closed a step: ctrl+c now stops at a step boundary
    os.killpg(run.process.pid, signal.SIGINT)  # what a terminal does: the launcher's process group
    status, err = run.end(timeout=120)
    print(f"ctrl+c: exit {status}; stderr: {err!r}")
    assert status == 130
    lines = err.splitlines()
    assert sum("saved checkpoint" in line for line in lines) == 1, err  # rank 0 alone, once
    assert lines[-1] == "learn-tui: interrupted: every process was stopped" and "Traceback" not in err
    summaries = [r for r in run.records if r["event"] == "summary"]
    assert len(summaries) == 1 and summaries[0]["status"] == "interrupted"
    stopped_at = summaries[0]["steps"]
    assert [r["step"] for r in run.records if r["event"] == "step"] == list(range(1, stopped_at + 1))
    checkpoint = torch.load(saved, weights_only=True)
    assert checkpoint["world_size"] == 2

    hint = next(line for line in lines if "saved checkpoint" in line).split("continue with: ")[1]
    assert "--nproc 2" in hint  # a checkpoint of 2 processes resumes with 2
    resumed = launch(*shlex.split(hint)[1:], "--json", "--steps", str(stopped_at + 2), timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    steps = [json.loads(line)["step"] for line in resumed.stdout.splitlines() if '"event": "step"' in line]
    assert steps == [stopped_at + 1, stopped_at + 2]


def test_the_last_line_names_the_ranks_that_stopped_first_not_those_that_followed():
    from torch.distributed.elastic.multiprocessing.errors import ProcessFailure

    from core.base.exits import EXIT_AFTER_PEER
    from core.front.launch import who_stopped

    def failures(**codes: int) -> dict[int, ProcessFailure]:
        return {int(r[1:]): ProcessFailure(int(r[1:]), 100 + int(r[1:]), code, "<N/A>") for r, code in codes.items()}

    # rank 1 raised; rank 0 stopped because it did, rank 2 was ended by the launcher
    said = who_stopped(failures(r0=EXIT_AFTER_PEER, r1=1, r2=-signal.SIGTERM), 3)
    assert said == "rank 1 of 3 failed (its error is above); the others were stopped"
    # SIGTERM from outside to every rank: nobody stopped first, so all are named
    said = who_stopped(failures(r0=-signal.SIGTERM, r1=-signal.SIGTERM), 2)
    assert said == "rank 0 of 2 was killed by SIGTERM, rank 1 of 2 was killed by SIGTERM"
