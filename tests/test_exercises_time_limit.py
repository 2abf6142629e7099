"""learn-tui check on a file that never reaches its next yield: each phase has a time limit (--timeout), the
check stops with exit 1 and names the yield it was heading for and the line it was stuck at (issue 19)."""

from __future__ import annotations

import json
import threading
import time

import pytest

from core.base import rng
from core.exercises import make, time_limit
from core.exercises.check import check_file
from core.front.cli import main

ZERO_GRAD = "optimizer.zero_grad()\n            yield ZERO_GRAD"  # (the one outside LBFGS's closure)
LIMIT = "2"  # seconds: small, so the tests are fast, and long enough for a loaded machine's good phases


@pytest.fixture(autouse=True)
def progress_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LEARN_TUI_PROGRESS", str(tmp_path / "progress.json"))


def with_loop(tmp_path, before: str, loop: str, lesson: str = "linear-regression"):
    """The lesson's solution with ``loop`` put in before the line ``before`` (at its indent)."""
    text = make.solution(lesson, 1)
    at = text.index(before)
    indent = text[text.rindex("\n", 0, at) + 1 : at]
    body = "".join(f"{indent}{line}\n" for line in loop.splitlines())
    path = tmp_path / "mine.py"
    path.write_text(text[:at] + body.lstrip() + indent + text[at:])
    line = text[:at].count("\n") + 1  # the loop's first line
    return path, line


def test_an_endless_loop_in_the_second_step_is_stopped_and_named(tmp_path, capsys):
    path, line = with_loop(tmp_path, "loss.backward()\n            yield BACKWARD", "while epoch >= 2:\n    pass")
    assert main(["check", str(path), "--timeout", LIMIT]) == 1
    out = capsys.readouterr().out
    zero_grad = 1 + path.read_text().splitlines().index("            yield ZERO_GRAD")
    assert f"mine.py, line {line}: your file has not reached its next yield after line {zero_grad}" in out
    assert "(ZERO_GRAD at step 2) in 2 s: an endless loop?" in out
    assert f"it was running line {line} (`while epoch >= 2:`)" in out and "--timeout" in out
    assert out.count("\n") == 1


def test_the_line_inside_the_loop_and_the_loop_are_both_named(tmp_path):
    from core.exercises.time_limit import timed_out

    path, line = with_loop(tmp_path, ZERO_GRAD, "while True:\n    loss = loss + 0")
    result = check_file(path, timeout=2)
    assert not result.passed and result.phases == 2 and result.line in (line, line + 1)
    assert "after line" in result.message and "(LOSS at step 1)" in result.message
    assert f"it was running line {result.line} (`" in result.message
    inside = timed_out(2, "has not reached its next yield", path, line + 1).message
    assert inside.endswith(f"it was running line {line + 1} (`loss = loss + 0`), in the loop at line {line}")


SWALLOWS = """swallowed = 0
while True:
    try:
        while not swallowed:
            pass
    except BaseException:
        swallowed += 1
"""


def test_a_loop_before_the_first_yield_that_swallows_the_first_stop(tmp_path):
    """The first stop lands in the inner loop and the file's `except BaseException:` takes it; the next one
    (a second later) lands in the outer loop, outside the `try`."""
    path, line = with_loop(tmp_path, "run.watch(", SWALLOWS, "autograd")
    result = check_file(path, timeout=2)
    assert not result.passed and "has not reached its first yield in 2 s" in result.message
    assert result.phases == 0 and result.line == line + 1 and "(`while True:`)" in result.message


def test_a_loop_while_loading_the_file(tmp_path, capsys):
    text = make.solution("autograd", 1).replace("def train(run):", "while True:\n    pass\n\n\ndef train(run):", 1)
    path = tmp_path / "mine.py"
    path.write_text(text)
    assert main(["check", str(path), "--timeout", LIMIT, "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["passed"] is False and "has not finished loading in 2 s" in result["message"]
    assert result["line"] == text.splitlines().index("while True:") + 1


def test_after_a_stop_the_generators_and_the_lock_are_free_and_a_good_file_passes(tmp_path):
    import torch

    path, _ = with_loop(tmp_path, ZERO_GRAD, "while True:\n    pass")
    torch.manual_seed(7)
    before = torch.get_rng_state()
    assert not check_file(path, timeout=2).passed
    assert torch.equal(torch.get_rng_state(), before) and torch.is_grad_enabled()
    taken = []
    other = threading.Thread(target=lambda: taken.append(rng.LOCK.acquire(timeout=5) and rng.LOCK.release()))
    other.start()
    other.join()
    assert taken == [None]  # another thread (the app's live run) gets the lock at once
    good = tmp_path / "good.py"
    good.write_text(make.solution("linear-regression", 1))
    assert check_file(good, steps=2, timeout=2).passed
    deadline = time.monotonic() + time_limit.LINGER_SECONDS + 10  # the watchdog ends a while after the last check
    while any("time limit" in t.name for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [t.name for t in threading.enumerate() if "time limit" in t.name] == []


@pytest.mark.parametrize("value", ["0", "-1", "nan", "abc", "1e9"])
def test_a_bad_timeout_exits_2(tmp_path, value, capsys):
    path = tmp_path / "mine.py"
    path.write_text(make.solution("autograd", 1))
    assert main(["check", str(path), "--timeout", value]) == 2
    err = capsys.readouterr().err
    assert "--timeout" in err and "unrecognized" not in err and err.count("\n") == 1
