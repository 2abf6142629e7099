"""char-gpt data-parallel (torchrun, gloo on CPU): two ranks of batch B train exactly as one rank of batch 2B,
rank 1 is silent, checkpoints resume only at their world size, and a rank that fails or hangs ends the job."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time

import pytest
import torch

from core.front.cli import main
from tests.conftest import REPO

STEPS = 6
TINY = [
    "--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--block-size", "8", "--warmup-steps", "0",
    "--eval-interval", "3", "--eval-batches", "2", "--sample-interval", "0", "--lr", "0.02", "--seed", "3",
]  # fmt: skip


def launch(*argv: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -m tui.main ARGV`` (what torchrun's launcher starts again in each process)."""
    return subprocess.run(
        [sys.executable, "-m", "tui.main", *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "LEARN_TUI_LANG": "en", **(env or {})},
    )


def write_words(path):
    """A small training text: 3000 words of six, in lines."""
    pick = random.Random(0).choice
    path.write_text(" ".join(pick(["the", "cat", "sat", "on", "a", "mat\n"]) for _ in range(3000)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def text(tmp_path_factory):
    return write_words(tmp_path_factory.mktemp("ddp") / "words.txt")


@pytest.fixture(scope="module")
def two_ranks(text):
    """One run of 2 processes of batch 2 with --nproc (torchrun's launcher), saved at the end."""
    saved = text.parent / "two.pt"
    done = launch(
        "run", "char-gpt", "--headless", "--json", "--nproc", "2", "--steps", str(STEPS), "--text", str(text),
        "--batch-size", "2", "--save", str(saved), *TINY,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()], done.stderr, saved


def weights(path):
    return torch.load(path, weights_only=True)["watched"][""]["state"]


def test_two_ranks_of_batch_b_learn_as_one_rank_of_batch_2b(two_ranks, text, capsys):
    records, stderr, saved_two = two_ranks
    saved_one = text.parent / "one.pt"
    argv = ["run", "char-gpt", "--headless", "--json", "--steps", str(STEPS), "--text", str(text), "--batch-size", "4"]
    assert main([*argv, "--save", str(saved_one), *TINY]) == 0
    alone = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    # rank 0 alone prints: one record per step and evaluation, one summary, one "saved"
    assert [r["event"] for r in records] == [r["event"] for r in alone]
    assert stderr.count("saved checkpoint") == 1
    for two, one in zip(records[:-1], alone[:-1]):
        assert two["step"] == one["step"]
        key = "loss" if two["event"] == "step" else "val_loss"  # the all-reduced loss; rank 0's evaluation
        assert two[key] == pytest.approx(one[key], rel=1e-5, abs=1e-6)
    assert records[-2]["loss"] < records[0]["loss"]  # it learned something: the weights moved
    assert torch.load(saved_two, weights_only=True)["world_size"] == 2
    for name, value in weights(saved_one).items():
        assert torch.allclose(weights(saved_two)[name], value, atol=1e-5), name


def test_a_checkpoint_resumes_only_at_the_world_size_it_was_saved_with(two_ranks, capsys):
    _, _, saved = two_ranks
    assert main(["run", "char-gpt", "--headless", "--resume", str(saved), "--steps", str(STEPS + 2)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "saved by a run of 2 processes and this run has 1" in err and "--nproc 2" in err
    # --nproc 3 is refused before any process starts, in one line
    assert main(["run", "char-gpt", "--headless", "--resume", str(saved), "--nproc", "3"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "saved by a run of 2 processes and this run has 3" in err


FAULTY = '''
"""A tiny data-parallel lesson whose rank 1 breaks (raises) or hangs (sleeps) in step 3."""
import time
import torch
from core import distributed
from core.lesson import Lesson, Option
from core.phases import BACKWARD, LOSS, STEP, UPDATE

def train(run):
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=run.lr)
    run.watch(model, optimizer=optimizer)
    trained = distributed.wrap(model)
    for epoch in run.epochs():
        for step in run.batches(range(1, 10_000)):
            if distributed.rank() == 1 and step == 3:
                if run.options.fault == "raise":
                    raise ValueError("rank one broke in step 3")
                time.sleep(120)
            loss = trained(torch.ones(4, 2)).pow(2).mean()
            yield LOSS, loss
            optimizer.zero_grad()
            loss.backward()
            yield BACKWARD
            optimizer.step()
            yield UPDATE
            yield STEP

LESSON = Lesson(id="faulty", title="Faulty ranks", lecture=None, train=train, lr=0.01,
                options=(Option("fault", "raise", "raise or hang"),))
'''


@pytest.mark.parametrize("fault", ["raise", pytest.param("hang", marks=pytest.mark.slow)])
def test_a_rank_that_fails_or_hangs_ends_the_job_with_its_error(tmp_path, fault):
    lesson = tmp_path / "faulty.py"
    lesson.write_text(FAULTY, encoding="utf-8")
    started = time.monotonic()
    done = launch(
        "run", str(lesson), "--headless", "--nproc", "2", "--steps", "5000", "--fault", fault,
        env={"LEARN_TUI_DIST_TIMEOUT": "5"}, timeout=90,
    )  # fmt: skip
    assert done.returncode == 1
    assert time.monotonic() - started < 45  # not the 120 s sleep, nor the default 600 s timeout
    if fault == "raise":
        assert "rank 1 of 2: " in done.stderr and "ValueError: rank one broke in step 3" in done.stderr
        assert "rank 0 of 2" not in done.stderr  # it stopped because rank 1 did: the last line says that
        last = "the run stopped: rank 1 of 2 failed (its error is above); the other process was stopped"
    else:  # rank 0 waits 5 s for rank 1's gradients, then says so (and the launcher stops rank 1)
        assert "rank 0 of 2: waited 5 s for the other processes" in done.stderr
        last = "the run stopped: rank 0 of 2 failed (its error is above); the other process was stopped"
    assert done.stderr.splitlines()[-1] == f"learn-tui: error: {last}"
