"""learn-tui exercise / check: every course lesson's reference passes at every level, each classic mistake gets
its message at the right step and phase, files are never overwritten, and a pass is recorded."""

from __future__ import annotations

import ast
import json

import pytest

from core.exercises import make
from core.exercises.check import check_file
from core.front.cli import main

FAST = [
    "linear-grid",
    "gradient-descent",
    "autograd",
    "linear-regression",
    "logistic-regression",
    "multi-input",
    "dataloader",
    "rnn-hello",
    "simple-nn",
]  # MNIST lessons and rnn-names: tests/test_exercises_data_lessons.py


solved = make.solution  # the exercise with every TODO replaced by the line it took out


@pytest.fixture(autouse=True)
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("LEARN_TUI_PROGRESS", str(path))
    return path


@pytest.mark.parametrize("lesson", FAST)
@pytest.mark.parametrize("level", make.LEVELS)
def test_the_reference_solution_passes_every_level(tmp_path, lesson, level):
    path = tmp_path / f"{lesson}.py"
    path.write_text(solved(lesson, level))
    result = check_file(path, steps=2)
    assert result.passed, result.message
    assert result.steps == 2 and "phases of 2 steps match" in result.message


@pytest.mark.parametrize("lesson", make.exercise_lessons())
def test_every_level_takes_lines_out_and_still_compiles(lesson):
    counts = []
    for level in make.LEVELS:
        text, removed = make.make_exercise(lesson, level)
        compile(text, lesson, "exec")
        assert text.count("# TODO:") == len(removed) >= 1
        assert f'EXERCISE_OF = "{lesson}"' in text and f'id="{lesson}-exercise"' in text
        counts.append(len(removed))
        if level == 1:  # one line, taken out wherever the loop has it
            assert len({ast.dump(ast.parse(item.code)) for item in removed}) == 1
    assert counts[1] >= counts[0] and counts[2] >= counts[1]


def mistake(tmp_path, lesson, old, new, steps=3):
    text = solved(lesson, 1)
    assert old in text
    path = tmp_path / "mine.py"
    path.write_text(text.replace(old, new, 1))
    return check_file(path, steps=steps)


def test_gradients_never_zeroed(tmp_path):
    result = mistake(
        tmp_path,
        "linear-regression",
        "optimizer.zero_grad()\n            yield ZERO_GRAD",
        "pass\n            yield ZERO_GRAD",
    )
    assert (result.step, result.phase) == (2, "ZERO_GRAD") and "not zeroed" in result.message


def test_a_zero_grad_that_does_not_zero(tmp_path):
    result = mistake(tmp_path, "autograd", "w.grad.data.zero_()\n\n\ndef train", "w.grad.data.mul_(1.0)\n\n\ndef train")
    assert (result.step, result.phase) == (1, "ZERO_GRAD") and "not zeroed" in result.message


def test_gradients_summed_over_steps_at_backward():
    import numpy as np

    from core.exercises.diagnose import State, first_difference

    before = State("UPDATE", 1, 9, None, {"w": np.array([1.0])}, {"w": np.array([-2.0])})
    mine = State("BACKWARD", 2, 12, None, {"w": np.array([1.0])}, {"w": np.array([-3.5])})
    ref = State("BACKWARD", 2, 12, None, {"w": np.array([1.0])}, {"w": np.array([-1.5])})
    assert "sum of this step's gradient and the ones before" in first_difference(mine, ref, before)


def test_step_missing(tmp_path):
    result = mistake(tmp_path, "logistic-regression", "optimizer.step()\n", "pass\n")
    assert (result.step, result.phase) == (1, "UPDATE") and "did not change" in result.message
    assert "optimizer.step()" in result.message and "line" in result.message


def test_backward_missing(tmp_path):
    result = mistake(tmp_path, "logistic-regression", "loss.backward()", "pass")
    assert (result.step, result.phase) == (1, "BACKWARD") and "loss.backward()" in result.message


def test_sum_where_the_lesson_takes_the_mean(tmp_path):
    result = mistake(
        tmp_path, "multi-input", "criterion = torch.nn.BCELoss()", 'criterion = torch.nn.BCELoss(reduction="sum")'
    )
    assert (
        (result.step, result.phase) == (1, "LOSS") and "759×" in result.message and 'reduction="sum"' in result.message
    )


def test_mean_where_the_lesson_sums(tmp_path):
    result = mistake(tmp_path, "linear-regression", 'MSELoss(reduction="sum")', "MSELoss()")
    assert (result.step, result.phase) == (1, "LOSS") and "1/3" in result.message


def test_silent_broadcast(tmp_path):
    result = mistake(
        tmp_path,
        "linear-regression",
        "y_data = torch.tensor([[2.0], [4.0], [6.0]])",
        "y_data = torch.tensor([2.0, 4.0, 6.0])",
    )
    assert (result.step, result.phase) == (1, "LOSS") and "`y_data` has shape (3,)" in result.message


def test_update_recorded_in_the_graph(tmp_path, capsys):
    text = solved("autograd", 1).replace("w.data = w.data - lr * w.grad.data", "w -= lr * w.grad")
    path = tmp_path / "mine.py"
    path.write_text(text)
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "torch.no_grad()" in err


def test_missing_phase_is_named(tmp_path):
    result = mistake(tmp_path, "logistic-regression", "        yield ZERO_GRAD\n", "")
    assert result.phase == "BACKWARD" and "`yield ZERO_GRAD` is missing" in result.message


def test_exercise_never_overwrites_and_reset_keeps_a_backup(tmp_path, capsys):
    assert main(["exercise", "autograd", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "autograd_level1.py"
    path.write_text(path.read_text() + "# my work\n")
    assert main(["exercise", "autograd", "--dir", str(tmp_path)]) == 2
    assert "--reset" in capsys.readouterr().err and path.read_text().endswith("# my work\n")
    assert main(["exercise", "autograd", "--dir", str(tmp_path), "--reset"]) == 0
    assert (tmp_path / "autograd_level1.py.bak1").read_text().endswith("# my work\n")
    assert not path.read_text().endswith("# my work\n")


def test_check_records_a_pass_and_the_list_shows_it(tmp_path, capsys, progress_file):
    path = tmp_path / "mine.py"
    path.write_text(solved("gradient-descent", 2))
    assert main(["check", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passed"] is True
    assert json.loads(progress_file.read_text()) == {"passed": {"gradient-descent": [2]}}
    assert main(["exercise", "--list"]) == 0
    assert "gradient-descent       ·1 ✓2 ·3" in capsys.readouterr().out


def test_bad_arguments_exit_2(tmp_path):
    assert main(["check", str(tmp_path / "missing.py")]) == 2
    broken = tmp_path / "broken.py"
    broken.write_text("EXERCISE_OF = 'autograd'\ndef (:\n")
    assert main(["check", str(broken)]) == 2
    plain = tmp_path / "plain.py"
    plain.write_text("x = 1\n")
    assert main(["check", str(plain)]) == 2


def test_a_check_beside_a_live_run_leaves_the_live_runs_random_state_as_it_was(tmp_path):
    """The app checks an exercise in another thread while the learner's run is paused: the check's trainers
    seed the process-wide generators, and the live run (shuffled batches, dropout) must not notice."""
    from lessons_for_tests import shuffled_mlp_lesson

    from core.base.events import Progress
    from core.engine.trainer import Trainer

    def losses(trainer):
        return [e.loss for e in trainer if isinstance(e, Progress) and e.phase == "loss"]

    straight = losses(Trainer(shuffled_mlp_lesson(), steps=8))
    live = Trainer(shuffled_mlp_lesson(), steps=8)
    first = [e.loss for _ in range(3) for e in live.advance("step") if e.phase == "loss"]
    path = tmp_path / "dataloader.py"
    path.write_text(solved("dataloader", 1))
    assert check_file(path, steps=2).passed
    assert first + losses(live) == straight


def test_an_update_through_data_at_the_wrong_phase_is_found_there(tmp_path):
    """``.data`` writes do not bump a tensor's version, so a file using it is compared in full at every yield:
    an update moved before ``yield BACKWARD`` is named at BACKWARD, though the weights match again at UPDATE."""
    text = solved("linear-regression", 1)
    manual = "for p in model.parameters():\n                p.data -= run.lr * p.grad.data\n            yield BACKWARD"
    text = text.replace("yield BACKWARD", manual, 1)
    text = text.replace("optimizer.step()\n            yield UPDATE", "yield UPDATE")
    path = tmp_path / "mine.py"
    path.write_text(text)
    result = check_file(path, steps=2)
    assert (result.step, result.phase) == (1, "BACKWARD") and "wrong place" in result.message


def test_files_that_write_behind_the_version_counters_are_compared_in_full(tmp_path):
    from core.exercises.unversioned import versions_tell

    lesson = tmp_path / "lesson.py"
    lesson.write_text(solved("mnist-softmax", 1))
    assert versions_tell(lesson)
    for line in (
        "w_two.data.sub_(1)",
        "np.asarray(w)[0] = 1",
        "optimizer = torch.optim.Adam(params, fused=True)",
        "import mytools",
        "getattr(w, 'data').zero_()",
        "w.detach().numpy()[0] = 1",
    ):
        lesson.write_text(solved("mnist-softmax", 1) + f"\n\ndef later(w, np, torch, params):\n    {line}\n")
        assert not versions_tell(lesson), line
