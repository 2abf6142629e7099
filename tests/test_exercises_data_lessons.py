"""The exercises of the lessons that read data: the three MNIST lessons (on small IDX files written here) and
rnn-names (its built-in names). Each lesson's reference solution passes ``check`` at every level, across an
epoch's end (its EVAL and EPOCH yields), and a forgotten ``optimizer.zero_grad()`` is named where it happens."""

from __future__ import annotations

import pytest
from test_mnist_data import write_mnist

from core.exercises import make
from core.exercises.check import check_file

MNIST_LESSONS = ("mnist-softmax", "mnist-cnn", "mnist-advanced")


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("mnist")
    write_mnist(root / "MNIST" / "raw", train=128, test=20)  # two batches of 64: step 3 starts epoch 2
    return root


@pytest.fixture(autouse=True)
def data_and_progress(tmp_path, monkeypatch, mnist_dir):
    monkeypatch.setenv("LEARN_TUI_DATA", str(mnist_dir))
    monkeypatch.setenv("LEARN_TUI_PROGRESS", str(tmp_path / "progress.json"))


def solution_file(tmp_path, lesson: str, level: int):
    path = tmp_path / f"{lesson}_level{level}.py"
    path.write_text(make.solution(lesson, level), encoding="utf-8")
    return path


@pytest.mark.parametrize("lesson", MNIST_LESSONS)
@pytest.mark.parametrize("level", make.LEVELS)
def test_an_mnist_reference_solution_passes_every_level_across_an_epoch(tmp_path, lesson, level):
    result = check_file(solution_file(tmp_path, lesson, level), steps=3)
    assert result.passed, result.message
    assert result.steps == 3 and "phases of 3 steps match" in result.message


@pytest.mark.parametrize("level", make.LEVELS)
def test_the_rnn_names_reference_solution_passes_every_level(tmp_path, level):
    result = check_file(solution_file(tmp_path, "rnn-names", level), steps=2)
    assert result.passed, result.message
    assert result.steps == 2


def test_mnist_without_zero_grad_is_named_at_the_second_steps_zero_grad(tmp_path):
    text = make.solution("mnist-softmax", 1)
    assert text.count("optimizer.zero_grad()\n") == 1
    path = tmp_path / "mine.py"
    path.write_text(text.replace("optimizer.zero_grad()\n", "pass\n"), encoding="utf-8")
    result = check_file(path, steps=3)
    assert not result.passed and (result.step, result.phase) == (2, "ZERO_GRAD")
    assert "not zeroed" in result.message and "optimizer.zero_grad()" in result.message


def test_gradients_zeroed_in_place_match_gradients_set_to_none(tmp_path):
    """``zero_grad(set_to_none=False)`` leaves zeros where the lesson's ``zero_grad()`` leaves None: the next
    backward gives the same gradients, so the learner's loop is right and passes."""
    text = make.solution("mnist-softmax", 1)
    path = tmp_path / "mine.py"
    path.write_text(text.replace("optimizer.zero_grad()\n", "optimizer.zero_grad(set_to_none=False)\n"))
    result = check_file(path, steps=3)
    assert result.passed, result.message
