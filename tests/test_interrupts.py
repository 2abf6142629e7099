"""Ctrl-C in a headless run loses nothing: the first press stops at a step boundary, summarizes and saves
there (exit 130) and the checkpoint resumes into exactly the run that was never stopped; a second press,
or one during set-up, stops at once, saves nothing and leaves an old checkpoint as it was. A reader that
leaves the pipe, and the app started without a terminal, end in one line (or none), never a traceback."""

import json
import os
import signal
import subprocess
import sys

import pytest
from conftest import REPO

from core.front.cli import main

LESSON = str(REPO / "tests" / "lesson_files" / "presses_ctrl_c.py")  # 4 epochs of 5 steps


@pytest.fixture(autouse=True)
def python_ctrl_c():
    """Python's own SIGINT handler, as in a learner's shell; each run must put it back as it found it."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    signal.signal(signal.SIGINT, previous)


def run_json(capsys, *argv):
    code = main(["run", LESSON, "--json", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def without_time(record):
    return {k: v for k, v in record.items() if k != "seconds"}


def old_checkpoint(capsys, path):
    code, _, _ = run_json(capsys, "--steps", 3, "--save", path)
    assert code == 0
    return path.read_bytes()


@pytest.mark.parametrize("step", [7, 5])  # pressed inside step 7 (mid-epoch 2), or in the last step of epoch 1
def test_ctrl_c_stops_at_the_step_boundary_saves_and_resumes_bit_for_bit(capsys, tmp_path, step):
    path = tmp_path / "run.pt"
    code, straight, _ = run_json(capsys)
    assert code == 0 and straight[-1]["steps"] == 20
    code, first, err = run_json(capsys, "--ctrl-c-at", step, "--save", path)
    assert code == 130
    assert first[:-1] == straight[: len(first) - 1] and first[-2]["step"] == step
    assert first[-1]["status"] == "interrupted" and first[-1]["steps"] == step and "w0" in first[-1]  # the summary
    assert "saved checkpoint" in err and f"--resume {path}" in err and "Traceback" not in err
    code, resumed, _ = run_json(capsys, "--resume", path)  # no budget: on to the one it was saved with
    assert code == 0
    assert first[:-1] + resumed[:-1] == straight[:-1]  # every loss, metric and evaluation, bit for bit
    assert without_time(resumed[-1]) == without_time(straight[-1])


def test_a_second_ctrl_c_stops_at_once_and_keeps_the_old_checkpoint(capsys, tmp_path):
    path = tmp_path / "run.pt"
    before = old_checkpoint(capsys, path)
    code, records, err = run_json(capsys, "--ctrl-c-at", 5, "--presses", 2, "--save", path)
    assert code == 130 and path.read_bytes() == before
    assert [r["event"] for r in records] == ["step"] * 4  # no summary of a step cut in half
    assert err.splitlines() == [f"learn-tui: stopped at once (ctrl+c twice): nothing saved; {path} is as it was"]


@pytest.mark.parametrize("step", [0, 1])  # 0: while building the data; 1: before the first step is done
def test_ctrl_c_before_the_first_step_is_done_saves_nothing_and_summarizes_nothing(capsys, tmp_path, step):
    path = tmp_path / "run.pt"
    before = old_checkpoint(capsys, path)
    code, records, err = run_json(capsys, "--ctrl-c-at", step, "--save", path)
    assert code == 130 and records == [] and path.read_bytes() == before
    assert err.splitlines() == [
        f"learn-tui: interrupted before the first step was done: nothing saved; {path} is as it was"
    ]


def test_ctrl_c_from_outside_a_real_run_saves_a_checkpoint_that_continues_it(capsys, tmp_path):
    path = tmp_path / "lr.pt"
    command = [
        sys.executable,
        "-m",
        "tui.main",
        "run",
        "linear-regression",
        "--json",
        "--steps",
        "1000000",
        "--save",
        str(path),
    ]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [process.stdout.readline() for _ in range(30)]
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    records = [json.loads(line) for line in lines + out.splitlines()]
    stopped = records[-1]
    assert process.returncode == 130 and "Traceback" not in err, err
    assert stopped["status"] == "interrupted" and stopped["steps"] == records[-2]["step"] >= 30
    budget = stopped["steps"] + 5
    code, straight, _ = run_json_lesson(capsys, "linear-regression", "--steps", budget)
    code, resumed, _ = run_json_lesson(capsys, "linear-regression", "--steps", budget, "--resume", path)
    assert code == 0 and resumed[:-1] == straight[stopped["steps"] : -1]
    assert without_time(resumed[-1]) == without_time(straight[-1])


def run_json_lesson(capsys, lesson, *argv):
    code = main(["run", lesson, "--json", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_a_reader_that_leaves_the_pipe_ends_the_run_quietly():
    command = [sys.executable, "-m", "tui.main", "run", "linear-regression", "--json", "--steps", "1000000"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = [process.stdout.readline() for _ in range(5)]  # learn-tui run ... --json | head -5
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1 and err == ""
    assert [json.loads(line)["step"] for line in head] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("argv", [[], ["run", "linear-regression"]])
def test_the_app_without_a_terminal_says_so_instead_of_hanging(argv):
    probe = (
        "import sys; from tui.main import main; code = main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'imported textual'; sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *argv],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "learn-tui: error: the app needs a terminal (stdin and stdout are not one "
        "here); to train without it, add --headless: learn-tui run LESSON --headless"
    ]
    result = subprocess.run(
        [sys.executable, "-c", probe, "--lang", "zh", *argv],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stderr.splitlines() == [
        "learn-tui: 错误: 应用需要终端（这里的 stdin 和 stdout 都不是终端）；不用终端训练请加 --headless："
        "learn-tui run LESSON --headless"
    ]


def test_the_app_under_torchrun_says_to_add_headless_instead_of_opening_on_every_process():
    probe = (
        "import sys; from tui.main import main; code = main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'imported textual'; sys.exit(code)"
    )
    env = {**os.environ, "RANK": "1", "WORLD_SIZE": "2", "LOCAL_RANK": "1"}  # what torchrun sets
    result = subprocess.run(
        [sys.executable, "-c", probe, "run", "char-gpt"],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("learn-tui: error: torchrun started this process") and "--headless" in line
