"""What an exercise takes out and what it tells (issue 21): no removed line is left anywhere in the loop of the
written file (an LBFGS closure, another option's branch), the file still compiles and its solution is the
lesson's loop, and each TODO's three hints add something each time: what the phase must do, the API, the line.
The tasks and hints speak Chinese under --lang zh."""

from __future__ import annotations

import ast
import re

import pytest

from core.base.i18n import set_language
from core.exercises import make, tasks

CASES = [(lesson, level) for lesson in make.exercise_lessons() for level in make.LEVELS]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language(None)


def loop_lines(text: str) -> list[str]:
    """The code of the lesson's loop in an exercise file: every outermost ``for``/``while`` of ``train`` that holds
    a ``yield LOSS``, comments left out."""
    train = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == "train")

    def holds_loss(node: ast.AST) -> bool:
        return any(isinstance(n, ast.Yield) and "LOSS" in ast.unparse(n).split(",")[0] for n in ast.walk(node))

    loops = [n for n in ast.walk(train) if isinstance(n, (ast.For, ast.While)) and holds_loss(n)]
    inner = {id(m) for n in loops for m in ast.walk(n) if m is not n}
    lines = text.splitlines()
    found = []
    for loop in (n for n in loops if id(n) not in inner):
        found += [line.split("#")[0].strip() for line in lines[loop.lineno - 1 : loop.end_lineno]]
    return [line for line in found if line]


@pytest.mark.parametrize(("lesson", "level"), CASES)
def test_no_removed_line_is_left_anywhere_in_the_loop(lesson, level):
    text, removed = make.make_exercise(lesson, level)
    loop = loop_lines(text)
    assert loop, "the exercise has a loop"
    for item in removed:
        code = ast.unparse(ast.parse(item.code))  # (its comment left out)
        pattern = re.compile(r"(?<![\w.])" + re.escape(code) + r"(?![\w(])")
        assert not any(pattern.search(line) for line in loop), f"{lesson} level {level} keeps {code!r}"
    assert text.count("# TODO:") == len(removed)


def test_the_lbfgs_closure_and_the_other_branch_lose_their_lines_too():
    text, removed = make.make_exercise("linear-regression", 1)
    closure = text[text.index("def closure():") : text.index("return loss")]
    assert "# TODO: zero the gradients" in closure and "optimizer.zero_grad()" not in closure
    text, _ = make.make_exercise("autograd", 3)
    summed = text[text.index("else:  # the notes' second variant") : text.index("def summarize")]
    for gone in ("l_sum.backward()", "sgd_update(weights, run.lr)", "zero_grads(weights)"):
        assert gone not in summed
    assert "yield LOSS, l_sum" in summed  # the yields stay


@pytest.mark.parametrize("lesson", ["linear-regression", "autograd", "rnn-hello", "gradient-descent"])
@pytest.mark.parametrize("level", make.LEVELS)
def test_the_solution_puts_back_exactly_the_lesson(lesson, level):
    from pathlib import Path

    from core.engine.catalog import find

    original = Path(find(lesson).path).read_text(encoding="utf-8")
    solved = make.solution(lesson, level)
    body = solved[solved.index("def train(run):") : solved.index("\nEXERCISE_OF")]
    assert body in original


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


@pytest.mark.parametrize(("lesson", "level"), CASES)
def test_each_hint_adds_something(lesson, level):
    _, removed = make.make_exercise(lesson, level)
    for index, item in enumerate(removed):
        first, second, third = make.hints(lesson, level, index)
        assert words(first) - words(item.task), (first, item.task)  # not the TODO again
        assert second not in first and words(second) - words(first), (first, second)
        assert third == item.code and third not in second
        node = ast.parse(item.code)
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):  # the API names every call
            func = call.func
            named = f"`.{func.attr}(" if isinstance(func, ast.Attribute) else f"`{ast.unparse(func)}("
            assert named in second, (second, item.code)


def test_the_first_hint_says_what_the_phase_must_do():
    _, removed = make.make_exercise("linear-regression", 1)
    first = make.hints("linear-regression", 1, len(removed) - 1)[0]
    assert first.startswith("ZERO_GRAD must clear the last step's gradients") and "adds into" in first
    assert make.hints("dataloader", 3, 0)[0].startswith("the loop reads `inputs, labels, rows` further down, at line")


def test_tasks_and_hints_in_chinese():
    set_language("zh")
    text, removed = make.make_exercise("mnist-cnn", 2)
    assert "# TODO: 把梯度清零" in text and "练习" in text.splitlines()[0]
    for index in range(len(removed)):
        hints = make.hints("mnist-cnn", 2, index)
        assert all(re.search("[\u4e00-\u9fff]", hint) for hint in hints[:2]), hints
    assert tasks.task_for("loss = criterion(y_pred, labels)") == "计算损失：loss = ..."
