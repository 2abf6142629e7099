"""``learn-tui check`` names what went wrong (issue 21): the order of ``optimizer.step()`` and ``loss.backward()``,
an update with the wrong sign or rate (both values, and the loss rising where the reference's falls), a TODO
left unfilled (its line, no traceback), the line that made a wrong loss or shape; it says how much it compared
and how to compare more, and its default reaches past the first epoch's end. In Chinese too under --lang zh."""

from __future__ import annotations

import pytest

from core.base.i18n import set_language
from core.exercises import make
from core.exercises.check import check_file
from core.front.cli import main


@pytest.fixture(autouse=True)
def english_and_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("LEARN_TUI_PROGRESS", str(tmp_path / "progress.json"))
    set_language("en")
    yield
    set_language(None)


def crafted(tmp_path, lesson: str, old: str, new: str, level: int = 1):
    text = make.solution(lesson, level)
    assert text.count(old) == 1, old
    path = tmp_path / f"{lesson.replace('-', '_')}_level{level}.py"
    path.write_text(text.replace(old, new))
    return path


def line_of(path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.strip() == text)


def test_step_before_backward_is_named_by_its_order(tmp_path):
    path = crafted(
        tmp_path,
        "logistic-regression",
        "loss.backward()\n        yield BACKWARD\n        optimizer.step()\n",
        "optimizer.step()\n        yield BACKWARD\n        loss.backward()\n",
    )
    result = check_file(path, steps=3)
    step, backward = line_of(path, "optimizer.step()"), line_of(path, "loss.backward()")
    assert (result.step, result.phase, result.line) == (1, "BACKWARD", step)  # the step's line is lit
    assert f"`optimizer.step()` ran before `loss.backward()` (line {step}, then line {backward})" in result.message
    assert "is missing" not in result.message


def test_an_update_with_the_wrong_sign_names_the_direction_and_both_values(tmp_path):
    path = crafted(tmp_path, "gradient-descent", "w -= run.lr * grad_val", "w += run.lr * grad_val")
    result = check_file(path, steps=3)
    assert (result.step, result.phase) == (1, "UPDATE")
    assert "`w` moved the wrong way: yours is 0.906667, the reference's 1.09333 (both from 1)" in result.message
    assert "the opposite sign" in result.message
    assert "the loss then rose to 5.57843 where the reference's fell to 3.83621" in result.message


def test_an_update_at_the_wrong_rate_says_how_far_it_went(tmp_path):
    path = crafted(tmp_path, "gradient-descent", "w -= run.lr * grad_val", "w -= 3 * run.lr * grad_val")
    result = check_file(path, steps=3)
    assert (result.step, result.phase) == (1, "UPDATE") and "`w` moved 3× as far as the reference's" in result.message


def test_an_untouched_level_3_file_says_which_todo_to_fill_in(tmp_path, capsys):
    path, _ = make.write_exercise("simple-nn", 3, tmp_path)
    todo = line_of(path, "# TODO: compute the loss: loss = ...")
    result = check_file(path, steps=3)
    assert not result.passed and result.line == todo
    assert result.message.startswith(f"`loss` is used before anything sets it: fill in the TODO at line {todo}")
    assert main(["check", str(path), "--steps", "3"]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out and f"the TODO at line {todo}" in captured.out


def test_a_wrong_loss_lights_the_criterions_construction(tmp_path):
    path = crafted(
        tmp_path, "multi-input", "criterion = torch.nn.BCELoss()", 'criterion = torch.nn.BCELoss(reduction="sum")'
    )
    result = check_file(path, steps=3)
    made = line_of(path, 'criterion = torch.nn.BCELoss(reduction="sum")')
    assert (result.phase, result.line) == ("LOSS", made) and f"line {made})" in result.message


def test_a_wrong_loss_line_is_lit_itself_and_a_bad_shape_at_its_assignment(tmp_path):
    path = crafted(
        tmp_path, "logistic-regression", "loss = criterion(y_pred, y_data)", "loss = criterion(y_pred, 1 - y_data)"
    )
    assert check_file(path, steps=3).line == line_of(path, "loss = criterion(y_pred, 1 - y_data)")
    path = crafted(
        tmp_path,
        "linear-regression",
        "y_data = torch.tensor([[2.0], [4.0], [6.0]])",
        "y_data = torch.tensor([2.0, 4.0, 6.0])",
    )
    result = check_file(path, steps=3)
    assert "`y_data` has shape (3,)" in result.message and result.line == line_of(
        path, "y_data = torch.tensor([2.0, 4.0, 6.0])"
    )


def test_a_difference_with_todos_left_points_at_one(tmp_path):
    path, _ = make.write_exercise("logistic-regression", 1, tmp_path)  # its TODO: loss.backward()
    result = check_file(path, steps=3)
    todo = line_of(path, "# TODO: back-propagate the loss: compute every gradient")
    assert result.phase == "BACKWARD" and f"fill in the one at line {todo}" in result.message


def test_the_default_says_how_much_it_checked_and_how_to_check_more(tmp_path):
    path = tmp_path / "linear_regression_level1.py"
    path.write_text(make.solution("linear-regression", 1))
    result = check_file(path)
    assert result.passed and result.steps == 20 and result.epochs == 20
    assert result.message == (
        "all 120 phases of 20 steps match the reference linear-regression: 20 of its 1000 steps "
        "(epochs 1-20 of 1000); check more with --steps N (the whole run: --steps 1000)"
    )
    path.write_text(make.solution("rnn-hello", 1))
    result = check_file(path, steps=500)
    assert result.passed and result.message.startswith("all 300 phases of the whole run (30 steps) match")


def test_the_default_reaches_a_mistake_that_shows_only_in_the_second_epoch(tmp_path):
    """The lr halved from the second epoch on (a schedule of the learner's own): 3 steps miss it, the default
    (two epochs of dataloader's 24 steps) finds it at the second epoch's first update."""
    path = crafted(
        tmp_path,
        "dataloader",
        "        totals = run.epoch_totals(",
        "        if epoch > 1:\n"
        "            for group in optimizer.param_groups:\n"
        "                group['lr'] = run.lr / 2\n"
        "        totals = run.epoch_totals(",
    )
    early = check_file(path, steps=3)
    assert early.passed and "inside epoch 1, before its end" in early.message
    result = check_file(path)
    assert not result.passed and (result.step, result.phase) == (25, "UPDATE")
    assert "moved 0.5× as far as the reference's" in result.message


def test_check_speaks_chinese(tmp_path):
    set_language("zh")
    path = crafted(
        tmp_path,
        "logistic-regression",
        "loss.backward()\n        yield BACKWARD\n        optimizer.step()\n",
        "optimizer.step()\n        yield BACKWARD\n        loss.backward()\n",
    )
    result = check_file(path, steps=3)
    assert (
        "`optimizer.step()` 在 `loss.backward()` 之前运行了" in result.message
        and "第 1 步 BACKWARD 之后" in result.message
    )
    path.write_text(make.solution("linear-regression", 1))
    assert check_file(path, steps=3).message.startswith(
        "3 步共 18 个阶段都与参考 linear-regression 一致：检查了它 1000 步中的 3 步"
    )
