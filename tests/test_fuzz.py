"""Fuzzing the command line with hypothesis: whatever a learner types or hands us, learn-tui answers
with an exit status (0 done, 1 failed, 2 bad argument, 3 diverged, 130 interrupted) and a message,
never a traceback of its own.

Four doors are fuzzed: argument lists, CSV files for ``--csv``, checkpoint files (random, truncated,
bit-flipped, and well-formed pickles of the wrong shape) for ``--resume`` and ``sample``, and lessons
whose loop yields random things. Example counts stay small so the suite stays fast; for a long pass:
``HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz.py -n 0``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.main import main

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

EXIT_CODES = {0, 1, 2, 3, 130}
# Lessons that start in well under a second and need no download (MNIST would try the network).
FAST_LESSONS = [
    "linear-grid",
    "gradient-descent",
    "autograd",
    "linear-regression",
    "logistic-regression",
    "simple-nn",
    "multi-input",
    "dataloader",
    "rnn-hello",
]
ODD_TEXT = [
    "",
    " ",
    "-1",
    "0",
    "1",
    "2",
    "0.5",
    "1e300",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "abc",
    "true",
    "off",
    "SGD",
    "adam",
    "moons",
    "99999999999999999999999",
    "1_000",
    "０",
    "é",
    "--steps",
    "../../etc/passwd",
]
values = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.integers(-5, 40).map(str),
    st.text(max_size=8, alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")),
)
# A budget is either small and valid or invalid: a valid huge budget is a legitimate (long) run.
budgets = st.one_of(st.integers(1, 3).map(str), st.sampled_from(["0", "-2", "x", "", "1.5", "nan"]))


def run_cli(capsys, argv: list[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's --help exits 0, as the console script would
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out + err


def assert_answered(code: int, output: str, argv: list[str]) -> None:
    assert code in EXIT_CODES, f"exit {code} for {argv}:\n{output[-2000:]}"
    assert "Traceback" not in output, f"a traceback for {argv}:\n{output[-3000:]}"


@st.composite
def argument_lists(draw) -> list[str]:
    command = draw(st.sampled_from(["run", "run", "run", "list", "sample", "", "bogus"]))
    argv = [command] if command else []
    if command == "run":
        argv.append(draw(st.one_of(st.sampled_from(FAST_LESSONS), st.sampled_from(["", "nope", "x.py", "-v"]))))
        argv += ["--headless", draw(st.sampled_from(["--steps", "--epochs"])), draw(budgets)]
    flags = [
        "--lr",
        "--seed",
        "--device",
        "--json",
        "--optimizer",
        "--hidden",
        "--noise",
        "--model",
        "--cell",
        "--hidden-size",
        "--batch-size",
        "--w-start",
        "--w-stop",
        "--w-step",
        "--samples",
        "--dataset",
        "--tokens",
        "--temperature",
        "--top-k",
        "--holdout-fold",
        "--momentum",
        "--zero-grad",
        "--help",
    ]
    for _ in range(draw(st.integers(0, 4))):
        argv.append(draw(st.sampled_from(flags)))
        if draw(st.booleans()):
            argv.append(draw(values))
    return argv


@given(argv=argument_lists())
def test_any_argument_list_gets_an_exit_status_and_no_traceback(capsys, tmp_path, argv):
    os.chdir(tmp_path)  # a --save or checkpoint named by chance lands here
    code, output = run_cli(capsys, argv)
    assert_answered(code, output, argv)


csv_bodies = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.lists(
            st.one_of(
                st.floats(allow_nan=True, allow_infinity=True).map(repr),
                st.sampled_from(["", "a", "1", "0", " ", "1e999", '"']),
            ),
            min_size=0,
            max_size=5,
        ),
        max_size=12,
    ).map(lambda rows: "\n".join(",".join(row) for row in rows)),
)


@given(body=csv_bodies, lesson=st.sampled_from(["multi-input", "dataloader"]))
def test_any_csv_file_gets_an_exit_status_and_no_traceback(capsys, tmp_path, body, lesson):
    path = tmp_path / "table.csv"
    path.write_text(body, encoding="utf-8")
    argv = ["run", lesson, "--headless", "--steps", "2", "--csv", str(path)]
    code, output = run_cli(capsys, argv)
    assert_answered(code, output, argv)
    assert code in (0, 1, 2, 3)


@pytest.fixture(scope="module")
def good_checkpoint(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("ckpt") / "good.pt"
    assert main(["run", "linear-regression", "--headless", "--steps", "3", "--save", str(path)]) == 0
    return path.read_bytes()


@st.composite
def damaged(draw, good: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "random"]))
    if kind == "truncate":
        return good[: draw(st.integers(0, len(good) - 1))]
    if kind == "flip":
        data = bytearray(good)
        for _ in range(draw(st.integers(1, 8))):
            index = draw(st.integers(0, len(data) - 1))
            data[index] ^= draw(st.integers(1, 255))
        return bytes(data)
    return draw(st.binary(max_size=2000))


@given(data=st.data())
def test_any_checkpoint_bytes_get_an_exit_status_and_no_traceback(capsys, tmp_path, good_checkpoint, data):
    path = tmp_path / "shared.pt"
    path.write_bytes(data.draw(damaged(good_checkpoint)))
    for argv in (
        ["run", "linear-regression", "--headless", "--resume", str(path), "--steps", "5"],
        ["sample", str(path), "--tokens", "5"],
    ):
        code, output = run_cli(capsys, argv)
        assert_answered(code, output, argv)


plain_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6,
)


@given(
    state=st.dictionaries(
        st.sampled_from(
            [
                "format",
                "version",
                "lesson",
                "options",
                "step",
                "rng",
                "lr",
                "seed",
                "watched",
                "optimizers",
                "trainer",
                "history",
                "max_steps",
            ]
        ),
        plain_values,
        max_size=13,
    ),
    real_header=st.booleans(),
)
def test_a_checkpoint_of_the_wrong_shape_is_refused_in_one_line(capsys, tmp_path, state, real_header):
    import torch

    if real_header:
        state.update({"format": "learn-tui checkpoint", "lesson": "linear-regression"})
    path = tmp_path / "odd.pt"
    torch.save(state, path)
    argv = ["run", "linear-regression", "--headless", "--resume", str(path), "--steps", "5"]
    code, output = run_cli(capsys, argv)
    assert_answered(code, output, argv)
    assert code == 2, output


YIELDS = ["FORWARD", "LOSS", "BACKWARD", "UPDATE", "ZERO_GRAD", "STEP", "EPOCH", "EVAL", "'loss'", "'fly'", "7"]
PAYLOADS = [
    "None",
    "loss",
    "1.5",
    "float('nan')",
    "'str'",
    "torch.ones(3)",
    "torch.ones(())",
    "[1, 2, 3]",
    "{'acc': 0.5}",
    "{'acc': 'x'}",
    "{'acc': torch.ones(2)}",
    "{1: object()}",
    "object()",
    "(1, 2)",
]
statements = st.one_of(
    st.builds(lambda phase: f"yield {phase}", st.sampled_from(YIELDS)),
    st.builds(lambda phase, payload: f"yield {phase}, {payload}", st.sampled_from(YIELDS), st.sampled_from(PAYLOADS)),
    st.sampled_from(["yield", "yield (1, 2, 3)", "yield ()", "yield LOSS, loss, 3"]),
)


def lesson_source(body: list[str]) -> str:
    loop = "\n".join("        " + line for line in body)
    return f'''"""A lesson with a fuzzed loop."""
import torch
from core.lesson import Lesson
from core.phases import BACKWARD, EPOCH, EVAL, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD


def train(run):
    w = torch.ones(1, requires_grad=True)
    run.watch(w=w)
    for epoch in run.epochs():
        loss = (w * 3 - 2).pow(2).sum()
{loop}
        yield LOSS, loss
        yield STEP


LESSON = Lesson(id="fuzzed", title="fuzzed", lecture=None, train=train, epochs=3)
'''


@given(body=st.lists(statements, min_size=1, max_size=5))
def test_a_lesson_that_yields_anything_gets_a_lesson_error_not_a_traceback(capsys, tmp_path, body):
    path = tmp_path / "fuzzed_lesson.py"
    path.write_text(lesson_source(body), encoding="utf-8")
    argv = ["run", str(path), "--headless", "--steps", "3"]
    code, output = run_cli(capsys, argv)
    assert_answered(code, output, argv)
    if code == 1:  # a lesson error names the learner's file and line
        assert re.search(r"fuzzed_lesson\.py[:, ]+(line )?\d+", output), output
    assert not list(Path(tmp_path).glob("*.tmp"))
