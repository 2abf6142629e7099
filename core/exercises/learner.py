"""What the learner's file says, read from its source where the runs part: the TODOs still in it, whether its
``optimizer.step()`` comes before its ``loss.backward()``, and the line that made a value (the criterion's
construction behind a wrong loss, the assignment behind a wrong shape), so that ``check`` lights that line.

Everything here reads the file with ``ast`` (``unversioned.parsed`` keeps one parse per saved version) and
gives None where the file does not say: the message then stays the generic one.
"""

from __future__ import annotations

import ast
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.base.i18n import pick
from core.errors import LearnTuiError
from core.exercises import time_limit, unversioned

TODO = re.compile(r"^\s*# TODO:\s*(.*)$")


class TodoLeft(LearnTuiError):
    """The learner's file stopped on a name a TODO still has to set: ``line`` is that TODO's."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Todo:
    line: int
    task: str


def todos(path: Path) -> list[Todo]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [Todo(n, m.group(1).strip()) for n, text in enumerate(lines, 1) if (m := TODO.match(text))]


def _tree(path: Path) -> ast.Module | None:
    try:
        return unversioned.parsed(path)
    except (OSError, SyntaxError, ValueError):
        return None


def _train(tree: ast.Module | None) -> ast.FunctionDef | None:
    if tree is None:
        return None
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "train"), None)


def _stored(stmt: ast.AST) -> set[str]:
    targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
    return {n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)}


def todo_for(path: Path, name: str, at: int | None) -> Todo | None:
    """The TODO that should set ``name``: of those whose task names it (else of all), the last one before line
    ``at``, else the first one."""
    word = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
    left = todos(path)
    candidates = [t for t in left if word.search(t.task)] or left
    before = [t for t in candidates if at is not None and t.line < at]
    return before[-1] if before else (candidates[0] if candidates else None)


def unfinished(path: Path, error: BaseException | None) -> TodoLeft | None:
    """A ``NameError`` (or ``UnboundLocalError``) in a file that still has TODOs: which TODO to fill in."""
    name = getattr(error, "name", None) if isinstance(error, NameError) else None
    if error is None or not isinstance(name, str):
        return None
    filename = str(path.resolve())
    crashed = [f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    todo = todo_for(path, name, crashed[-1] if crashed else None)
    if todo is None:
        return None
    return TodoLeft(
        pick(
            f"`{name}` is used before anything sets it: fill in the TODO at line {todo.line} ({todo.task})",
            f"`{name}` 还没有被赋值就被使用了：请补全第 {todo.line} 行的 TODO（{todo.task}）",
        ),
        todo.line,
    )


def still_todo(path: Path, line: int) -> str:
    """A note for a difference found while the file still has TODOs: the one before ``line``, or the first."""
    left = todos(path)
    if not left:
        return ""
    before = [t for t in left if t.line < line]
    todo = (before or left)[-1 if before else 0]
    return pick(
        f" (your file still has {len(left)} TODO{'s' if len(left) > 1 else ''}: fill in the one at line "
        f"{todo.line}, {todo.task})",
        f"（你的文件还有 {len(left)} 个 TODO：请补全第 {todo.line} 行的那个：{todo.task}）",
    )


def _is_optimizer(name: str, train: ast.FunctionDef) -> bool:
    if "optim" in name.lower():
        return True
    return any(
        name in _stored(s) and "optim" in ast.unparse(getattr(s, "value", s))
        for s in ast.walk(train)
        if isinstance(s, ast.Assign)
    )


def step_before_backward(path: Path) -> tuple[int, int] | None:
    """(the ``optimizer.step()`` line, the ``loss.backward()`` line) when a step of the loop calls the first
    before the second, in one block (a closure's ``backward()`` does not count: LBFGS calls it from ``step``)."""
    train = _train(_tree(path))
    if train is None:
        return None
    for block in _blocks(train.body):
        step = backward = None
        for stmt in (s for s in block if not hasattr(s, "body")):  # (a block's own lines: its blocks come next)
            for call in (n for n in ast.walk(stmt) if isinstance(n, ast.Call)):
                func = call.func
                if not isinstance(func, ast.Attribute):
                    continue
                if (
                    func.attr == "step"
                    and step is None
                    and not call.args
                    and _is_optimizer(ast.unparse(func.value), train)
                ):
                    step = stmt.lineno
                elif func.attr == "backward" and step is not None and backward is None:
                    backward = stmt.lineno
        if step is not None and backward is not None:
            return step, backward
    return None


def _blocks(stmts: list[ast.stmt]):
    """Every statement list under ``stmts``, not entering function definitions."""
    yield stmts
    for stmt in stmts:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from _blocks(inner)


def assignment(path: Path, name: str) -> int | None:
    """The line of the first statement of ``train`` that sets ``name``."""
    train = _train(_tree(path))
    if train is None:
        return None
    found = [s for s in ast.walk(train) if isinstance(s, (ast.Assign, ast.AugAssign, ast.AnnAssign))]
    return min((s.lineno for s in found if name in _stored(s)), default=None)


def _assigned(train: ast.FunctionDef, name: str) -> ast.Assign | None:
    return next((s for s in train.body if isinstance(s, ast.Assign) and name in _stored(s)), None)


def loss_source(path: Path, reference: Path, yield_line: int) -> int | None:
    """The line that made the loss the learner's ``yield LOSS`` on ``yield_line`` reports: the construction of the
    criterion it calls, where that differs from the reference lesson's; else the line that computes it."""
    train, theirs = _train(_tree(path)), _train(_tree(reference))
    if train is None:
        return None
    made = _loss_line(train, yield_line)
    if made is None:
        return None
    for name in (n.func.id for n in ast.walk(made) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)):
        mine = _assigned(train, name)
        other = _assigned(theirs, name) if theirs is not None else None
        if mine is not None and other is not None and ast.dump(mine.value) != ast.dump(other.value):
            return mine.lineno
    return made.lineno


def _loss_line(train: ast.FunctionDef, yield_line: int) -> ast.stmt | None:
    """The statement before the ``yield LOSS, name`` on ``yield_line`` that sets ``name``."""
    for block in _blocks(train.body):
        for index, stmt in enumerate(block):
            if stmt.lineno != yield_line or not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Yield):
                continue
            value = stmt.value.value
            if not isinstance(value, ast.Tuple) or len(value.elts) < 2 or not isinstance(value.elts[1], ast.Name):
                return None
            name = value.elts[1].id
            return next((s for s in reversed(block[:index]) if name in _stored(s)), None)
    return None


def lit_line(kind: str, name: str, path: Path, reference_file: Path | None, line: int) -> int | None:
    """The line that made what differs (a ``diagnose.Finding``'s ``kind`` and ``name``), where the file tells:
    the ``optimizer.step()`` that runs too early, the criterion's construction (or the line computing the
    loss), the assignment of a badly shaped value."""
    if kind == "order":
        order = step_before_backward(path)
        return order[0] if order is not None else None
    if kind == "loss" and reference_file is not None:
        return loss_source(path, reference_file, line)
    if kind == "shape":
        return assignment(path, name)
    return None


def crash_cause(message: str) -> str:
    if "leaf Variable that requires grad is being used in an in-place operation" in message:
        return pick(
            "; an in-place update of a weight is recorded in the graph: update it through `.data` or "
            "inside `with torch.no_grad():`",
            "；对权重的原地更新被记进了计算图：请通过 `.data` 或在 `with torch.no_grad():` 里更新",
        )
    return ""


def losses_after(pull: Callable[[], Any], expected: list, index: int) -> str:
    """The next loss of both runs after an update with the wrong sign (``pull``: the learner's next event, within
    its time limit; ``expected``: the reference's records, ``index`` the update's): the learner's rose, the
    reference's fell."""
    from core.exercises import record  # (numpy: the app imports this module for TodoLeft at start-up)

    losses = [r.loss for r in expected[: index + 1] if r.phase == "LOSS"]
    theirs = next((r.loss for r in expected[index + 1 :] if r.phase == "LOSS"), None)
    if theirs is None or not losses:
        return ""
    try:
        for _ in expected[index + 1 :]:
            phase, _, _, loss = record.where(pull())
            if phase is None:
                return ""
            if phase == "LOSS" and loss is not None:
                if loss > losses[-1] > theirs:
                    return pick(
                        f"; the loss then rose to {loss:.6g} where the reference's fell to {theirs:.6g}",
                        f"；之后你的损失升到 {loss:.6g}，参考的降到 {theirs:.6g}",
                    )
                return pick(
                    f"; the next loss is {loss:.6g}, the reference's {theirs:.6g}",
                    f"；下一个损失是 {loss:.6g}，参考的是 {theirs:.6g}",
                )
    except (LearnTuiError, time_limit.Expired):
        return ""
    return ""
