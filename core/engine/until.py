"""Stop conditions: ``learn-tui run LESSON --headless --until "loss < 0.1 or step >= 500"`` and the app's break (b).

A condition compares the values of a step's record with numbers (``<  <=  >  >=  ==  !=``, chains such as
``0.1 < loss < 0.5`` too) and joins comparisons with ``and``, ``or`` and ``not``. The values: ``loss``,
``step``, ``epoch``, ``lr``, a metric by its name (``accuracy``, ``test_loss``; ``metric("name")`` for a name
that is not a plain word), ``grad_norm`` (the gradient's L2 norm over every watched parameter) and
``grad_norm("fc.weight")`` (one parameter's). ``nan`` is a condition of its own: some value of the step (the
loss, a metric, a gradient or a parameter) is nan or inf.

It is read by Python's own parser (``ast``) and then checked against an allow-list of node types: anything
else (attribute access, subscripts, calls other than ``grad_norm`` and ``metric``, lambdas, imports, strings
outside those calls) is refused with a ``ConditionError`` naming the character where it went wrong. Nothing
is ever ``eval``'d: the checked tree is turned into plain Python closures here.

A value that is not known yet (a metric the lesson reports only after an evaluation) makes the comparisons
that use it unknown, and logic over unknown is Kleene's (``unknown or True`` is True, ``not unknown`` is
unknown): a condition holds only when it is True. The step's values come from a ``Reading``
(``core/engine/until_watch.py`` makes one at the end of each step).
"""

from __future__ import annotations

import ast
import json
import operator
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from core.engine.until_words import say
from core.errors import UsageError

MAX_LENGTH = 400  # characters: a condition is a line, not a program (and deep nesting stays far from limits)
RECORD = ("loss", "step", "epoch", "lr")  # the step record's own values (a metric of the same name is metric("x"))
GRAD, METRIC, NAN = "grad_norm", "metric", "nan"
COMPARISONS: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


class ConditionError(UsageError):
    """A condition that is not one: ``position`` is the character (from 1) where it went wrong."""

    def __init__(self, source: str, text: str, position: int, what: str) -> None:
        self.position = position
        shown = text if len(text) <= 60 else text[:57] + "..."
        where = say("at end") if position > len(text.rstrip()) else say("at", position=position)
        super().__init__(say("refused", source=source, shown=shown, what=what, where=where))


class Reading(Protocol):
    """A step's values, as a condition reads them (None: not known yet)."""

    def record(self, name: str) -> float | None: ...  # one of RECORD

    def metric(self, name: str) -> float | None: ...  # a metric of the lesson, as last reported

    def grad_norm(self, param: str | None) -> float | None: ...  # None: over every parameter

    def nan(self) -> bool | None: ...


Truth = Callable[[Reading], bool | None]
Value = Callable[[Reading], float | None]


@dataclass(frozen=True)
class Condition:
    """A checked condition: ``holds(reading)`` is True, False or None (unknown); ``parts`` are the operands of a
    top-level ``or`` (the whole condition when there is none), by their text, to say which one held."""

    text: str
    test: Truth
    parts: tuple[tuple[str, Truth], ...]
    values: tuple[tuple[str, Value], ...]  # what it reads, by its text ("loss", 'grad_norm("fc.weight")')
    metrics: frozenset[str]  # the names it reads as metrics
    params: frozenset[str]  # the parameters named in grad_norm("...")
    grads: bool  # it reads a gradient norm
    nan: bool  # it reads nan (which looks at the gradients too)

    def holds(self, reading: Reading) -> bool:
        return self.test(reading) is True

    def held_parts(self, reading: Reading) -> list[str]:
        """The parts of a top-level ``or`` that hold (all of the condition when it has no ``or``)."""
        return [text for text, test in self.parts if test(reading) is True]


def parse(text: str, source: str = "--until") -> Condition:
    """The condition ``text`` means, or ``ConditionError`` (a ``UsageError``) naming where it went wrong."""
    if not isinstance(text, str):
        raise ConditionError(source, repr(text), 1, say("not text"))
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char != "\t":
            raise ConditionError(source, text, index + 1, say("control", char=char))
    stripped = text.lstrip()
    if not stripped.strip():
        raise ConditionError(source, text, 1, say("empty"))
    if len(text) > MAX_LENGTH:
        raise ConditionError(source, text, MAX_LENGTH + 1, say("too long", limit=MAX_LENGTH))
    indent = len(text) - len(stripped)
    try:
        with warnings.catch_warnings():  # (an invalid escape in a string warns on stderr otherwise)
            warnings.simplefilter("ignore")
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        offset = exc.offset or len(stripped) + 1  # (0: the input ended too soon)
        where = indent + min(max(offset, 1), len(stripped) + 1)
        raise ConditionError(source, text, where, say("syntax", why=exc.msg)) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # (a nesting too deep for the parser)
        raise ConditionError(source, text, indent + 1, say("unparsable", why=type(exc).__name__)) from None
    builder = _Builder(source, text, stripped, indent)
    try:
        test = builder.truth(tree.body)
        parts = tuple((builder.segment(op), builder.truth(op)) for op in _or_operands(tree.body))
    except RecursionError:
        raise ConditionError(source, text, indent + 1, say("too deep")) from None
    return Condition(
        text=text.strip(),
        test=test,
        parts=parts,
        values=tuple(builder.values.items()),
        metrics=frozenset(builder.metrics),
        params=frozenset(builder.params),
        grads=builder.grads,
        nan=builder.nan,
    )


def _or_operands(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        return list(node.values)
    return [node]


class _Builder:
    """Checks a parsed tree node by node (an allow-list) and turns it into closures."""

    def __init__(self, source: str, text: str, stripped: str, indent: int) -> None:
        self.source, self.text, self.stripped, self.indent = source, text, stripped, indent
        self.values: dict[str, Value] = {}
        self.metrics: set[str] = set()
        self.params: set[str] = set()
        self.grads = self.nan = False

    def refuse(self, node: ast.AST, what: str, offset: int | None = None) -> ConditionError:
        """``offset`` (UTF-8 bytes, as ``ast`` counts) where the fault is (spaces skipped), else ``node``'s start."""
        encoded = self.stripped.encode()
        offset = getattr(node, "col_offset", 0) if offset is None else offset
        while offset < len(encoded) and encoded[offset : offset + 1] in (b" ", b"\t"):
            offset += 1
        characters = len(encoded[:offset].decode(errors="ignore"))
        return ConditionError(self.source, self.text, self.indent + characters + 1, what)

    def segment(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.stripped, node) or self.stripped

    # -- places that want a condition (True, False or unknown) ------------------------------------------------
    def truth(self, node: ast.expr) -> Truth:
        if isinstance(node, ast.BoolOp):
            tests = [self.truth(value) for value in node.values]
            return _combine(tests, decides=not isinstance(node.op, ast.And))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.truth(node.operand)
            return lambda reading: None if (value := inner(reading)) is None else not value
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Name) and node.id == NAN:
            self.nan = True
            return lambda reading: reading.nan()
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            answer = node.value
            return lambda reading: answer
        if isinstance(node, (ast.Name, ast.Constant, ast.Call, ast.UnaryOp)):
            self.value(node)  # (refused first if it is not even a value)
            raise self.refuse(node, say("alone", shown=self.segment(node)))
        raise self.not_allowed(node)

    def compare(self, node: ast.Compare) -> Truth:
        values = [self.value(node.left), *(self.value(v) for v in node.comparators)]
        ops: list[Callable[[Any, Any], bool]] = []
        for op in node.ops:
            function = COMPARISONS.get(type(op))
            if function is None:
                after = ([node.left, *node.comparators])[len(ops)]
                what = say("not a comparison", name=type(op).__name__.lower())
                raise self.refuse(node, what, after.end_col_offset)
            ops.append(function)

        def test(reading: Reading) -> bool | None:
            numbers = [value(reading) for value in values]
            unknown = False
            for op, left, right in zip(ops, numbers, numbers[1:], strict=False):
                if left is None or right is None:
                    unknown = True
                elif not op(left, right):
                    return False
            return None if unknown else True

        return test

    # -- places that want a number ------------------------------------------------------------------------------
    def value(self, node: ast.expr) -> Value:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                number = float(node.value)
                return lambda reading: number
            raise self.refuse(node, say("not a number", shown=self.segment(node)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.value(node.operand)
            if isinstance(node.op, ast.UAdd):
                return inner
            return lambda reading: None if (value := inner(reading)) is None else -value
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.not_allowed(node)

    def name(self, node: ast.Name) -> Value:
        name = node.id
        if name == NAN:
            raise self.refuse(node, say("nan"))
        if name == GRAD:
            return self.read(GRAD, lambda reading: reading.grad_norm(None))
        if name in RECORD:
            return self.read(name, lambda reading: reading.record(name))
        self.metrics.add(name)
        return self.read(name, lambda reading: reading.metric(name))

    def read(self, text: str, value: Value) -> Value:
        """A value of the step, by the text that names it."""
        self.values.setdefault(text, value)
        self.grads = self.grads or text.startswith(GRAD)
        return value

    def call(self, node: ast.Call) -> Value:
        function = node.func
        if isinstance(function, (ast.Attribute, ast.Subscript)):
            raise self.not_allowed(function)
        if not isinstance(function, ast.Name) or function.id not in (GRAD, METRIC):
            raise self.refuse(node, say("call", called=self.segment(function)))
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.refuse(node, say("one name", function=function.id))
        if function.id == GRAD and not node.args:
            return self.read(GRAD, lambda reading: reading.grad_norm(None))
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
            raise self.refuse(node, say("quoted name", function=function.id))
        argument = node.args[0].value
        text = f"{function.id}({json.dumps(argument, ensure_ascii=False)})"
        if function.id == GRAD:
            self.params.add(argument)
            return self.read(text, lambda reading: reading.grad_norm(argument))
        self.metrics.add(argument)
        return self.read(text, lambda reading: reading.metric(argument))

    def not_allowed(self, node: ast.expr) -> ConditionError:
        if isinstance(node, ast.Attribute):
            return self.refuse(node, say("attribute", attr=node.attr), node.value.end_col_offset)
        if isinstance(node, ast.Subscript):
            return self.refuse(node, say("subscript"), node.value.end_col_offset)
        if isinstance(node, ast.BinOp):
            return self.refuse(node, say("arithmetic"), node.left.end_col_offset)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return self.refuse(node, say("quoted text"))
        return self.refuse(node, say("not allowed", name=type(node).__name__.lower()))


def _combine(tests: list[Truth], decides: bool) -> Truth:
    """``and`` (a False part decides) or ``or`` (a True part decides) in three-valued logic: a part not known
    yet (None) leaves the whole unknown unless another part decides."""

    def test(reading: Reading) -> bool | None:
        unknown = False
        for part in tests:
            value = part(reading)
            if value is decides:
                return decides
            unknown = unknown or value is None
        return None if unknown else not decides

    return test
