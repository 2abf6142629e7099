"""Stop conditions (``core/engine/until.py``): the grammar's allow-list, where a refusal points, three-valued logic,
and random text that never raises anything but the typed refusal."""

from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.engine.until import ConditionError, parse
from core.errors import UsageError


class Values:
    """A step's values for a condition: ``None`` (or a missing name) is not known yet."""

    def __init__(self, nan=False, norms=None, **values):
        self.values, self.norms, self.is_nan = values, norms or {}, nan

    def record(self, name):
        return self.values.get(name)

    def metric(self, name):
        return self.values.get(name)

    def grad_norm(self, param):
        if param is None:
            return math.sqrt(sum(n * n for n in self.norms.values())) if self.norms else None
        return self.norms.get(param)

    def nan(self):
        return self.is_nan


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("loss.real < 1", 5, "attribute access (.real)"),
        ("loss.__class__ < 1", 5, "attribute access (.__class__)"),
        ('__import__("os").system("x") < 1', 17, "attribute access (.system)"),
        ('__import__("os") < 1', 1, "calling __import__ is not allowed"),
        ("import os", 1, "not a condition"),
        ("len(loss) > 1", 1, "calling len is not allowed"),
        ("loss < 1 and", 13, "not a condition"),
        ("(loss < 1", 1, "was never closed"),
        ("loss[0] < 1", 5, "subscripts"),
        ("lambda: loss < 1", 1, "lambda is not allowed"),
        ("loss < 'a'", 8, "'a' is not a number"),
        ("loss + 1 < 2", 6, "arithmetic"),
        ("loss", 1, "loss alone is a number"),
        ("accuracy is 1", 10, "is is not a comparison"),
        ("nan == loss", 1, "nan is a condition of its own"),
        ('grad_norm("a", "b") < 1', 1, "takes one name in quotes"),
        ("grad_norm(x) < 1", 1, "takes one name in quotes"),
        ("", 1, "empty"),
        ("   ", 1, "empty"),
        ("loss < 1\nimport os", 9, "does not belong"),
        ("  ééé loss < 1", 7, "not a condition"),
        ("x" * 500, 401, "at most 400 characters"),
    ],
)
def test_anything_outside_the_grammar_is_refused_naming_where(text, position, words):
    with pytest.raises(ConditionError) as refused:
        parse(text)
    assert refused.value.position == position
    message = str(refused.value)
    assert words in message and "\n" not in message and message.startswith("--until ")
    assert isinstance(refused.value, UsageError)  # exit 2 on the command line


def test_the_values_a_condition_reads_and_its_parts():
    condition = parse('loss < 0.1 or grad_norm("fc.weight") > 3 and accuracy >= .9 or nan or metric("a b") > 1')
    assert [text for text, _ in condition.values] == ["loss", 'grad_norm("fc.weight")', "accuracy", 'metric("a b")']
    assert condition.metrics == {"accuracy", "a b"} and condition.params == {"fc.weight"}
    assert condition.grads and condition.nan
    assert [text for text, _ in condition.parts] == [
        "loss < 0.1",
        'grad_norm("fc.weight") > 3 and accuracy >= .9',
        "nan",
        'metric("a b") > 1',
    ]
    plain = parse("step >= 10")
    assert not plain.grads and not plain.nan and plain.metrics == set()


@pytest.mark.parametrize(
    ("text", "values", "holds"),
    [
        ("loss < 0.1", {"loss": 0.05}, True),
        ("loss < 0.1", {"loss": 0.1}, False),
        ("0.1 < loss <= 0.5", {"loss": 0.5}, True),
        ("0.1 < loss <= 0.5", {"loss": 0.6}, False),
        ("-1 < lr", {"lr": 0.01}, True),
        ("accuracy > 0.9 or step >= 100", {"step": 100}, True),  # accuracy unknown: the other part decides
        ("accuracy > 0.9 or step >= 100", {"step": 99}, False),
        ("not accuracy > 0.9", {}, False),  # unknown, not True
        ("accuracy > 0.9 and step >= 100", {"step": 100}, False),
        ("not (accuracy > 0.9) and step > 1", {"accuracy": 0.5, "step": 2}, True),
        ("True", {}, True),
        ("nan", {"nan": True}, True),
        ("not nan", {"nan": False}, True),
        ("grad_norm > 5", {"norms": {"a": 3.0, "b": 4.0}}, False),
        ("grad_norm() >= 5", {"norms": {"a": 3.0, "b": 4.0}}, True),
        ('grad_norm("b") > 3.5', {"norms": {"a": 3.0, "b": 4.0}}, True),
        ("loss < 1", {"loss": float("nan")}, False),
    ],
)
def test_conditions_hold_by_three_valued_logic(text, values, holds):
    assert parse(text).holds(Values(**values)) is holds


def test_which_part_held_is_named():
    condition = parse("loss < 0.1 or step >= 5 or accuracy > 0.9")
    assert condition.held_parts(Values(loss=0.5, step=5, accuracy=0.95)) == ["step >= 5", "accuracy > 0.9"]


TOKENS = st.sampled_from(
    [
        "loss", "step", "epoch", "lr", "accuracy", "grad_norm", "nan", "metric", "and", "or", "not", "(", ")",
        "<", "<=", ">", ">=", "==", "!=", "is", "in", "0.1", "-", "1e9", '"fc.weight"', ",", ".", "[", "]",
        "lambda", ":", "+", "*", "import", "__import__", "os", "True", "None", "'", '"', "\\", "é", "\t", " ",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=80), st.lists(TOKENS, max_size=25).map(" ".join), st.binary().map(repr)))
def test_random_text_parses_or_is_refused_in_one_line_and_a_parsed_one_evaluates(text):
    try:
        condition = parse(text)
    except ConditionError as refused:
        assert 1 <= refused.position <= len(text) + 1 and "\n" not in str(refused)
        return
    for values in (Values(), Values(loss=0.5, step=3, accuracy=0.2, nan=True, norms={"fc.weight": 2.0})):
        assert condition.holds(values) in (True, False)
        condition.held_parts(values)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=130), st.sampled_from(["not ", "-", "(", "+"]))
def test_deep_nesting_is_refused_or_read_never_a_crash(depth, prefix):
    text = prefix * depth + ("nan" if prefix == "not " else "loss") + (")" * depth if prefix == "(" else "")
    with contextlib.suppress(ConditionError):
        parse(text if prefix == "not " else f"{text} < 1" if prefix != "(" else text)
