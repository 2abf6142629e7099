"""Exercise files: a lesson's own source with the lines of one level taken out and marked ``# TODO`` (``cut``
says which: level 1 the line ``LEVEL_ONE`` names, level 2 every phase's code, level 3 the whole step), its
reference solution, and the hints for each TODO (``tasks``)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from core.base.i18n import pick
from core.engine.catalog import find
from core.errors import UsageError
from core.exercises import cut, files, tasks

LEVELS = (1, 2, 3)
# lesson id -> (text of the one line that level 1 takes out, which `yield LOSS` marks the default path's step)
LEVEL_ONE = {
    "linear-grid": ("mse = float(loss_val.mean())", 0),
    "gradient-descent": ("w -= run.lr * grad_val", 0),
    "autograd": ("zero_grads(weights)", 0),
    "linear-regression": ("optimizer.zero_grad()", 1),
    "logistic-regression": ("loss.backward()", 0),
    "multi-input": ("optimizer.step()", 0),
    "dataloader": ("loss = criterion(y_pred, labels)", 0),
    "mnist-softmax": ("optimizer.zero_grad()", 0),
    "mnist-cnn": ("loss.backward()", 0),
    "mnist-advanced": ("optimizer.step()", 0),
    "rnn-hello": ("optimizer.step()", 0),
    "rnn-names": ("optimizer.zero_grad()", 0),
    "simple-nn": ("loss = criterion(", 0),
}
EXERCISE_SUFFIX = "-exercise"


@dataclass(frozen=True)
class Removed:
    """One line taken out: where it was in the lesson, the reference code, and the task that replaces it."""

    line: int  # first line in the lesson's source
    end: int
    code: str  # the reference statement, dedented
    task: str


def exercise_lessons() -> list[str]:
    return list(LEVEL_ONE)


def make_exercise(lesson_id: str, level: int) -> tuple[str, list[Removed]]:
    """The exercise file's text and what it took out, from the built-in lesson's current source."""
    if lesson_id not in LEVEL_ONE:
        names = ", ".join(LEVEL_ONE)
        raise UsageError(
            pick(f"no exercises for {lesson_id}; choose one of: {names}", f"{lesson_id} 没有练习；请从中选择：{names}")
        )
    if level not in LEVELS:
        raise UsageError(pick(f"--level must be 1, 2 or 3, got {level}", f"--level 必须是 1、2 或 3，收到的是 {level}"))
    source = Path(find(lesson_id).path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    stmts = sorted(cut.removed_statements(tree, lesson_id, level, source, LEVEL_ONE[lesson_id]), key=lambda s: s.lineno)
    lines = source.splitlines()
    removed = []
    for stmt in reversed(stmts):
        indent = lines[stmt.lineno - 1][: stmt.col_offset]
        code = "\n".join(l[stmt.col_offset :] for l in lines[stmt.lineno - 1 : stmt.end_lineno])
        task = tasks.task_for(code)
        removed.append(Removed(stmt.lineno, stmt.end_lineno or stmt.lineno, code, task))
        lines[stmt.lineno - 1 : stmt.end_lineno] = [f"{indent}# TODO: {task}"]
    removed.reverse()
    text = _renamed("\n".join(lines) + "\n", lesson_id, level)
    return _pass_where_needed(text), removed


def solution(lesson_id: str, level: int) -> str:
    """The exercise with every TODO replaced by the code it took out: the reference solution, which passes
    ``check`` (the tests and ``benchmarks/check.py`` run it)."""
    text, removed = make_exercise(lesson_id, level)
    out: list[str] = []
    todo, indent = iter(removed), None
    for line in text.splitlines():
        if line.lstrip().startswith("# TODO:"):
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + code for code in next(todo).code.splitlines())
        elif line != f"{indent}pass":  # (a `pass` under a TODO was put there only for Python's sake)
            out.append(line)
            indent = None
    return "\n".join(out) + "\n"


def _renamed(text: str, lesson_id: str, level: int) -> str:
    """The exercise's own lesson id, and the constants ``check`` reads to find its reference."""
    old = f'id="{lesson_id}"'
    if old not in text:
        raise UsageError(f'lesson {lesson_id} does not write id="{lesson_id}"; can\'t make an exercise of it')
    text = text.replace(old, f'id="{lesson_id}{EXERCISE_SUFFIX}"', 1)
    head = (
        pick(
            f"# learn-tui exercise: {lesson_id}, level {level}. Replace each TODO with your code, then:\n",
            f"# learn-tui 练习：{lesson_id}，第 {level} 级。把每个 TODO 换成你的代码，然后运行：\n",
        )
        + "#     learn-tui check THIS_FILE\n"
    )
    marker = "\nLESSON = Lesson("
    constants = (
        f'\nEXERCISE_OF = "{lesson_id}"  # {pick("the lesson learn-tui check compares with", "check 比较的参考课程")}\n'
        f"EXERCISE_LEVEL = {level}\n"
    )
    return head + text.replace(marker, constants + marker, 1)


def _pass_where_needed(text: str) -> str:
    """A ``pass`` under every TODO whose block has no statement left (Python needs one)."""
    for _ in range(text.count("# TODO") + 1):
        try:
            ast.parse(text)
            return text
        except IndentationError as exc:
            lines = text.splitlines()
            header = re.search(r"on line (\d+)", exc.msg or "")
            at = int(header.group(1)) if header else (exc.lineno or 1) - 1  # (0-based: the line after it)
            indent = len(lines[at - 1]) - len(lines[at - 1].lstrip()) if header else -1
            while at < len(lines) and lines[at].lstrip().startswith("# TODO"):
                if len(lines[at]) - len(lines[at].lstrip()) <= indent:
                    break
                at += 1
            if not lines[at - 1].lstrip().startswith("# TODO"):
                raise
            todo = lines[at - 1]
            lines.insert(at, f"{todo[: len(todo) - len(todo.lstrip())]}pass")
            text = "\n".join(lines) + "\n"
    ast.parse(text)
    return text


def exercise_path(folder: Path, lesson_id: str, level: int) -> Path:
    return folder / f"{lesson_id.replace('-', '_')}_level{level}.py"


def write_exercise(lesson_id: str, level: int, folder: Path, reset: bool = False) -> tuple[Path, Path | None]:
    """Write the exercise; an existing file is refused unless ``reset``, which first keeps it as ``.bakN``."""
    text, _ = make_exercise(lesson_id, level)
    path = exercise_path(folder, lesson_id, level)
    return path, files.write_new(folder, path, text, reset)


def hints(lesson_id: str, level: int, index: int) -> list[str]:
    """Three hints for the ``index``-th TODO, each adding to the one before: what its phase must do, the API
    the line uses, the reference line (``tasks.hints``)."""
    text, removed = make_exercise(lesson_id, level)
    item = removed[index]
    return tasks.hints(item.code, _reader(text, index, tasks.stored(item.code)))


def _reader(text: str, index: int, name: str) -> tuple[int, str] | None:
    """The first line after the ``index``-th TODO of the exercise ``text`` that reads ``name``: (line, code)."""
    lines = text.splitlines()
    todos = [n for n, line in enumerate(lines) if line.lstrip().startswith("# TODO:")]
    names = [part.strip("() ") for part in name.split(",") if part.strip("() ")]
    if index >= len(todos) or not names:
        return None
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")(?!\w)")
    for number in range(todos[index] + 1, len(lines)):
        code = lines[number].split("#")[0].strip()
        if code and pattern.search(code):
            return number + 1, code
    return None
