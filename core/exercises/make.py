"""Exercise files: a lesson's own source with the lines of one level taken out and marked ``# TODO``.

Level 1 takes out one line that matters (``LEVEL_ONE`` says which, per lesson); level 2 the code of every
phase (the statement before each ``yield FORWARD/LOSS/ZERO_GRAD/BACKWARD/UPDATE``); level 3 the whole step
up to its update. The ``yield`` lines stay at every level: they are where learn-tui compares the learner's
run with the reference, and they show the phase order the lesson follows. Lines that feed the app (those
naming ``run``) and metrics computed only for ``STEP``/``EVAL``/``EPOCH`` stay too: they are not the lesson.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from core.base.i18n import pick
from core.engine.catalog import find
from core.errors import UsageError
from core.exercises import files

LEVELS = (1, 2, 3)
PHASE_NAMES = ("FORWARD", "LOSS", "ZERO_GRAD", "BACKWARD", "UPDATE")
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


def _is_yield(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield)


def _yield_phase(stmt: ast.stmt) -> str | None:
    if not _is_yield(stmt) or stmt.value.value is None:  # type: ignore[attr-defined]
        return None
    value = stmt.value.value  # type: ignore[attr-defined]
    head = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
    return head.id if isinstance(head, ast.Name) else None


def _bodies(stmts: list[ast.stmt]):
    """Every statement list inside ``stmts`` (itself included), nested blocks after their parent."""
    yield stmts
    for stmt in stmts:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from _bodies(inner)
        for handler in getattr(stmt, "handlers", []):
            yield from _bodies(handler.body)


def _step_body(tree: ast.Module, which: int) -> list[ast.stmt]:
    """The statement list holding the ``which``-th ``yield LOSS`` of ``train``: one step of the loop."""
    train = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "train"), None)
    if train is None:
        raise UsageError("this lesson has no train(run) function; exercises are made from lessons")
    found = [body for body in _bodies(train.body) if any(_yield_phase(s) == "LOSS" for s in body)]
    if len(found) <= which:
        raise UsageError("this lesson yields no LOSS in its loop; exercises need one")
    return found[which]


def _names(node: ast.AST, ctx: type) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _keeps(stmt: ast.stmt, metric_names: set[str]) -> bool:
    """A line the exercise keeps: it feeds the app (names ``run``) or computes only a metric."""
    for node in ast.walk(stmt):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "run"
            and node.attr in ("state", "batch", "step", "epoch")
        ):
            return True
        if isinstance(node, ast.Call) and any(isinstance(a, ast.Name) and a.id == "run" for a in node.args):
            return True
    stored = _names(stmt, ast.Store)
    return isinstance(stmt, ast.Assign) and bool(stored) and stored <= metric_names


def _metric_names(body: list[ast.stmt]) -> set[str]:
    """Names read only by STEP/EVAL/EPOCH yields (metrics), not by the phase yields."""
    metrics, phases = set(), set()
    for inner in _bodies(body):
        for stmt in inner:
            phase = _yield_phase(stmt)
            if phase in PHASE_NAMES:
                phases |= _names(stmt, ast.Load)
            elif phase is not None:
                metrics |= _names(stmt, ast.Load)
    return metrics - phases


def _simple(stmt: ast.stmt) -> bool:
    return not hasattr(stmt, "body") and not _is_yield(stmt)


def removed_statements(tree: ast.Module, lesson_id: str, level: int, source: str) -> list[ast.stmt]:
    target, which = LEVEL_ONE[lesson_id]
    body = _step_body(tree, which)
    metric_names = _metric_names(body)
    if level == 1:
        for inner in _bodies(body):
            for stmt in inner:
                if _simple(stmt) and target in (ast.get_source_segment(source, stmt) or ""):
                    return [stmt]
        raise UsageError(f"level 1 of {lesson_id} looks for {target!r}, which the lesson no longer has")
    chosen: list[ast.stmt] = []
    if level >= 2:
        for inner in _bodies(body):
            for index, stmt in enumerate(inner):
                if _yield_phase(stmt) not in PHASE_NAMES:
                    continue
                for before in reversed(inner[:index]):
                    if _is_yield(before) or not _simple(before):
                        break
                    if not _keeps(before, metric_names):
                        chosen.append(before)
                        break
        if level == 2:
            return chosen
    last = max((i for i, s in enumerate(body) if _yield_phase(s) in PHASE_NAMES), default=len(body) - 1)
    rest = [s for s in body[:last] if _simple(s) and not _keeps(s, metric_names) and s not in chosen]
    return chosen + rest


def task_for(code: str) -> str:
    """The one-line task that replaces ``code``: what to do, and the name to assign, never the answer."""
    stored = ""
    try:
        node = ast.parse(code).body[0]
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        stored = ", ".join(ast.unparse(t) for t in targets if t is not None)
    except (SyntaxError, IndexError):
        pass
    if "zero_grad" in code or "zero_" in code:
        return pick("zero the gradients", "把梯度清零")
    if ".backward(" in code:
        return pick("back-propagate the loss: compute every gradient", "反向传播损失：算出每个梯度")
    if ".step(" in code or "update" in code or "-=" in code:
        return pick("update the weights by their gradients", "用梯度更新权重")
    if "criterion(" in code or stored.split(",")[0].strip() in ("loss", "l", "mse", "cost_val", "loss_val"):
        return pick(f"compute the loss: {stored} = ...", f"计算损失：{stored} = ...")
    if "model(" in code or "net(" in code or "forward(" in code or "classifier(" in code:
        return pick(f"the forward pass: {stored} = ...", f"前向传播：{stored} = ...")
    if "gradient(" in code:
        return pick(f"compute the gradient: {stored} = ...", f"计算梯度：{stored} = ...")
    if stored:
        return pick(f"assign {stored}", f"给 {stored} 赋值")
    return pick("write the missing line", "写出缺少的那一行")


def make_exercise(lesson_id: str, level: int) -> tuple[str, list[Removed]]:
    """The exercise file's text and what it took out, from the built-in lesson's current source."""
    if lesson_id not in LEVEL_ONE:
        raise UsageError(f"no exercises for {lesson_id}; choose one of: {', '.join(LEVEL_ONE)}")
    if level not in LEVELS:
        raise UsageError(f"--level must be 1, 2 or 3, got {level}")
    source = Path(find(lesson_id).path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    stmts = sorted(removed_statements(tree, lesson_id, level, source), key=lambda s: s.lineno)
    lines = source.splitlines()
    removed = []
    for stmt in reversed(stmts):
        indent = lines[stmt.lineno - 1][: stmt.col_offset]
        code = "\n".join(l[stmt.col_offset :] for l in lines[stmt.lineno - 1 : stmt.end_lineno])
        task = task_for(code)
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
    todo = iter(removed)
    for line in text.splitlines():
        if line.lstrip().startswith("# TODO:"):
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + code for code in next(todo).code.splitlines())
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _renamed(text: str, lesson_id: str, level: int) -> str:
    """The exercise's own lesson id, and the constants ``check`` reads to find its reference."""
    old = f'id="{lesson_id}"'
    if old not in text:
        raise UsageError(f'lesson {lesson_id} does not write id="{lesson_id}"; can\'t make an exercise of it')
    text = text.replace(old, f'id="{lesson_id}{EXERCISE_SUFFIX}"', 1)
    head = (
        f"# learn-tui exercise: {lesson_id}, level {level}. Replace each TODO with your code, then:\n"
        f"#     learn-tui check THIS_FILE\n"
    )
    marker = "\nLESSON = Lesson("
    constants = (
        f'\nEXERCISE_OF = "{lesson_id}"  # the reference lesson learn-tui check compares with\n'
        f"EXERCISE_LEVEL = {level}\n"
    )
    return head + text.replace(marker, constants + marker, 1)


def _pass_where_needed(text: str) -> str:
    """A ``pass`` under every TODO whose block has no statement left (Python needs one)."""
    while True:
        try:
            ast.parse(text)
            return text
        except IndentationError as exc:
            lines = text.splitlines()
            at = (exc.lineno or 1) - 2
            while at >= 0 and not lines[at].strip().startswith("# TODO"):
                at -= 1
            if at < 0:
                raise
            indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
            lines.insert(at + 1, f"{indent}pass")
            text = "\n".join(lines) + "\n"


def exercise_path(folder: Path, lesson_id: str, level: int) -> Path:
    return folder / f"{lesson_id.replace('-', '_')}_level{level}.py"


def write_exercise(lesson_id: str, level: int, folder: Path, reset: bool = False) -> tuple[Path, Path | None]:
    """Write the exercise; an existing file is refused unless ``reset``, which first keeps it as ``.bakN``."""
    text, _ = make_exercise(lesson_id, level)
    path = exercise_path(folder, lesson_id, level)
    return path, files.write_new(folder, path, text, reset)


def hints(lesson_id: str, level: int, index: int) -> list[str]:
    """Three hints for the ``index``-th TODO, each stronger: the task, the calls it needs, the reference line."""
    _, removed = make_exercise(lesson_id, level)
    item = removed[index]
    calls = sorted({ast.unparse(n.func) for n in ast.walk(ast.parse(item.code)) if isinstance(n, ast.Call)})
    uses = pick(f"it uses: {', '.join(calls)}", f"要用到：{', '.join(calls)}") if calls else item.task
    return [item.task, uses, item.code]
