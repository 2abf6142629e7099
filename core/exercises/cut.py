"""Which lines of a lesson an exercise takes out, found with ``ast`` in the lesson's own source (so exercises
follow the lessons): level 1 one line that matters, level 2 the code of every phase (the statement before each
``yield FORWARD/LOSS/ZERO_GRAD/BACKWARD/UPDATE``, or the last one of each branch that ends there), level 3 every
line of the step up to its update, inside its blocks too. Each step of the loop is cut (a lesson has one per
option it branches on), and a line taken out goes wherever else the loop has it too (an LBFGS closure, another
branch): no answer is left in the file.

The ``yield`` lines stay: they are where ``check`` compares the runs and they show the lesson's phase order.
Lines that feed the app (naming ``run``'s state, or passing ``run``), metrics computed only for
``STEP``/``EVAL``/``EPOCH`` or read only by such lines, a learning-rate schedule's ``group["lr"] = lr`` and
control flow (``return``, ``pass``) stay too: they are not the lesson.
"""

from __future__ import annotations

import ast

from core.errors import UsageError

PHASE_NAMES = ("FORWARD", "LOSS", "ZERO_GRAD", "BACKWARD", "UPDATE")


def _is_yield(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield)


def _yield_phase(stmt: ast.stmt) -> str | None:
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield)) or stmt.value.value is None:
        return None
    value = stmt.value.value
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


def _train(tree: ast.Module) -> ast.FunctionDef:
    train = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "train"), None)
    if train is None:
        raise UsageError("this lesson has no train(run) function; exercises are made from lessons")
    return train


def step_bodies(tree: ast.Module) -> list[list[ast.stmt]]:
    """Every statement list of ``train`` holding a ``yield LOSS``: one step of the loop each (a lesson may have
    several, one per option: the learner's file keeps them all, so each is cut the same way)."""
    found = [body for body in _bodies(_train(tree).body) if any(_yield_phase(s) == "LOSS" for s in body)]
    if not found:
        raise UsageError("this lesson yields no LOSS in its loop; exercises need one")
    return found


def loops(tree: ast.Module) -> list[ast.stmt]:
    """The outermost ``for``/``while`` loops of ``train`` that hold a step: "the loop" of the lesson."""
    steps = {id(s) for body in step_bodies(tree) for s in body}
    holding = [
        n
        for n in ast.walk(_train(tree))
        if isinstance(n, (ast.For, ast.While)) and any(id(s) in steps for s in ast.walk(n))
    ]
    inner = {id(m) for n in holding for m in ast.walk(n) if m is not n}
    return [n for n in holding if id(n) not in inner]


def _names(node: ast.AST, ctx: type) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _feeds_app(stmt: ast.stmt) -> bool:
    """The line names ``run``'s state, batch, step or epoch, or passes ``run`` to a call: it feeds the app."""
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
    return False


def _kept_names(train: ast.FunctionDef) -> set[str]:
    """Names read only by STEP/EVAL/EPOCH yields (metrics) or by lines that feed the app: nowhere else in
    ``train`` (its helper functions included), so the lines that set them are not the lesson's."""
    side, lesson = set(), set()
    for inner in _bodies(train.body):
        for stmt in inner:
            phase = _yield_phase(stmt)
            if phase in PHASE_NAMES:
                lesson |= _names(stmt, ast.Load)
            elif phase is not None or (_simple(stmt) and _feeds_app(stmt)):
                side |= _names(stmt, ast.Load)
            elif _simple(stmt):
                lesson |= _names(stmt, ast.Load) | (
                    _names(stmt, ast.Store) if isinstance(stmt, ast.AugAssign) else set()
                )
            else:  # a block's header: a condition, what a loop iterates over, a function's defaults
                for name, value in ast.iter_fields(stmt):
                    if name not in ("body", "orelse", "finalbody", "handlers"):
                        for part in value if isinstance(value, list) else [value]:
                            lesson |= _names(part, ast.Load) if isinstance(part, ast.AST) else set()
    return side - lesson


NEVER_TAKEN = (ast.Return, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom)


def _keeps(stmt: ast.stmt, kept_names: set[str]) -> bool:
    """A line the exercise keeps: it feeds the app, computes only a metric or what the app reads, or is
    control flow (``return``, ``pass``)."""
    if isinstance(stmt, NEVER_TAKEN) or _feeds_app(stmt) or _sets_lr(stmt):
        return True
    targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
    stored = {name for t in targets if t is not None for name in _names(t, ast.Store)}
    return isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and bool(stored) and stored <= kept_names


def _sets_lr(stmt: ast.stmt) -> bool:
    """``group["lr"] = lr``: the lesson's learning-rate schedule reaching its optimizer (plumbing, not a phase)."""
    targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
    return any(
        isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value == "lr" for t in targets
    )


def _simple(stmt: ast.stmt) -> bool:
    return not hasattr(stmt, "body") and not _is_yield(stmt)


def _tail(stmts: list[ast.stmt], kept: set[str]) -> list[ast.stmt]:
    """The code just before a phase's ``yield``: the last line that is not kept, or the last of each branch
    of an ``if``/``with`` that ends there; nothing across another ``yield`` or a loop."""
    for stmt in reversed(stmts):
        if _is_yield(stmt) or isinstance(stmt, (ast.For, ast.While, ast.FunctionDef, ast.Try)):
            return []
        if isinstance(stmt, ast.If):
            return _tail(stmt.body, kept) + _tail(stmt.orelse, kept)
        if isinstance(stmt, ast.With):
            return _tail(stmt.body, kept)
        if _simple(stmt) and not _keeps(stmt, kept):
            return [stmt]
    return []


def _phase_code(body: list[ast.stmt], kept: set[str]) -> list[ast.stmt]:
    """Level 2: the code of every phase of one step (the statement before each phase's ``yield``)."""
    chosen = []
    for inner in _bodies(body):
        for index, stmt in enumerate(inner):
            if _yield_phase(stmt) in PHASE_NAMES:
                chosen += [s for s in _tail(inner[:index], kept) if s not in chosen]
    return chosen


def _whole_step(body: list[ast.stmt], kept: set[str]) -> list[ast.stmt]:
    """Level 3: every line of one step up to its last phase, inside its blocks too (kept lines stay)."""
    last = max((i for i, s in enumerate(body) if _yield_phase(s) in PHASE_NAMES), default=len(body) - 1)
    found = []
    for stmt in body[:last]:
        for inner in _bodies([stmt]):
            found += [s for s in inner if _simple(s) and not _keeps(s, kept)]
    return found


def _same(a: ast.stmt, b: ast.stmt) -> bool:
    return ast.dump(a) == ast.dump(b)


def removed_statements(
    tree: ast.Module, lesson_id: str, level: int, source: str, one: tuple[str, int]
) -> list[ast.stmt]:
    """What a level takes out: level 1 the line ``LEVEL_ONE`` names, level 2 every phase's code, level 3 the
    whole step, in each step of the loop; then the same line wherever else the loop has it (an LBFGS closure,
    another option's branch), so that no answer is left in the file."""
    target, which = one  # level 1: the text of its line, which step of the loop has it
    bodies = step_bodies(tree)
    chosen: list[ast.stmt] = []
    if level == 1:
        body = bodies[min(which, len(bodies) - 1)]
        found = [s for inner in _bodies(body) for s in inner if _simple(s) and target in _segment(source, s)]
        if not found:
            raise UsageError(f"level 1 of {lesson_id} looks for {target!r}, which the lesson no longer has")
        chosen = found[:1]
    kept = _kept_names(_train(tree))
    for body in bodies if level > 1 else ():
        picked = _phase_code(body, kept) + (_whole_step(body, kept) if level == 3 else [])
        chosen += [s for n, s in enumerate(picked) if s not in chosen and s not in picked[:n]]
    everywhere = [s for loop in loops(tree) for s in ast.walk(loop) if isinstance(s, ast.stmt) and _simple(s)]
    return chosen + [s for s in everywhere if s not in chosen and any(_same(s, c) for c in chosen)]


def _segment(source: str, stmt: ast.stmt) -> str:
    return ast.get_source_segment(source, stmt) or ""
