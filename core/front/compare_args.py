"""Variants of one lesson, from comma lists: ``learn-tui compare LESSON --optimizer SGD,Adam --lr 0.01,0.1``
(``core/front/compare.py`` runs them one after another) and ``learn-tui run LESSON --compare optimizer=SGD,Adam``
(the app trains them side by side: ``tui/screens/compare_view.py``), and the app's compare form (``C``).

Each value is checked by its option's own ``Option.parse`` (its choices, its range) or ``parse_lr``, and each
variant's options together by ``Lesson.config``, so a bad one is a ``UsageError`` in one line before any training.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.base.i18n import pick
from core.base.parse import parse_lr
from core.errors import UsageError
from core.front.args import lesson_option_text, parse_lesson_options

MAX_VARIANTS = 32  # learn-tui compare's
MAX_SIDE_BY_SIDE = 9  # the app's compare view: keys 1..9 select one


@dataclass(frozen=True)
class Variant:
    label: str  # what differs from the other variants: "Adam", "lr=0.1", "hidden=8 lr=0.1"
    options: dict[str, Any]  # the lesson options given (every variant's own value of a list)
    lr: float | None  # None: the lesson's own


def comma_list(text: str, parse: Any) -> list[Any]:
    """``"SGD,adam"`` -> ``["SGD", "Adam"]``: each value parsed (a bad one is a UsageError), repeats dropped."""
    values = [parse(item) for item in str(text).split(",")]
    return list(dict.fromkeys(values))


def variants(lesson: Any, rest: Sequence[str], lr: str | None, most: int = MAX_VARIANTS) -> list[Variant]:
    """Every combination of the comma lists given (lesson options in the lesson's order, then --lr)."""

    lesson.check_lr_given(lr)
    given = lesson_option_text(lesson, rest)
    lists = [(o.name, comma_list(given[o.name], o.parse)) for o in lesson.options if o.name in given]
    lists.append(("lr", comma_list(lr, parse_lr) if lr is not None else [None]))
    count = math.prod(len(choices) for _, choices in lists)
    if count > most:
        sizes = " × ".join(f"{len(c)} {name}" for name, c in lists if len(c) > 1)
        raise UsageError(
            pick(
                f"{sizes} make {count} variants, more than {most}: shorten a list",
                f"{sizes} 组成 {count} 个变体，超过了 {most} 个：请缩短某个列表",
            )
        )
    varying = {name for name, choices in lists if len(choices) > 1}
    result = []
    for combination in itertools.product(*(choices for _, choices in lists)):
        chosen = dict(zip((name for name, _ in lists), combination))
        rate = chosen.pop("lr")
        parts = [label_part(lesson, name, chosen[name]) for name in chosen if name in varying]
        parts += [f"lr={rate:g}"] if "lr" in varying else []
        result.append(Variant(" ".join(parts) or lesson.id, chosen, rate))
    return result


def label_part(lesson: Any, name: str, value: Any) -> str:
    """A choice names itself ("Adam"); any other value says whose it is ("hidden=8")."""
    return str(value) if lesson.option(name).choices and isinstance(value, str) else f"{name}={value}"


def split_spec(text: str) -> tuple[str, str]:
    """``"optimizer=SGD,Adam"`` -> ``("optimizer", "SGD,Adam")``; the option may be written as its flag."""
    name, equals, values = str(text).partition("=")
    name = name.strip().removeprefix("--").replace("-", "_")
    if not equals or not name or not values.strip():
        raise UsageError(
            pick(
                f"--compare takes OPTION=V1,V2, e.g. optimizer=SGD,Adam or lr=0.01,0.1; got {text!r}",
                f"--compare 的写法是 选项=值1,值2，例如 optimizer=SGD,Adam 或 lr=0.01,0.1；收到 {text!r}",
            )
        )
    return name, values.strip()


def side_by_side(
    lesson: Any, name: str, values: str, options: Mapping[str, Any] | None = None, lr: Any = None
) -> list[Variant]:
    """The app's variants: option ``name`` (or ``lr``) taking each of the comma list ``values``, the other
    options ``options`` and the rate ``lr`` shared (None: the lesson's). At least two, at most nine; every
    variant's options are checked together (``Lesson.config``), as a run would check them."""
    shared = {key: value for key, value in (options or {}).items() if key != name}
    if name == "lr":
        if not values.strip():
            raise UsageError(pick("type learning rates, e.g. 0.01,0.1", "输入学习率，例如 0.01,0.1"))
        found = variants(lesson, [], values, MAX_SIDE_BY_SIDE)
        found = [Variant(v.label, dict(shared), v.lr) for v in found]
    else:
        option = lesson.option(name)  # (an unknown name: UsageError naming the lesson's options)
        found = variants(lesson, [option.flag, values], None, MAX_SIDE_BY_SIDE)
        rate = parse_lr(lr) if lr is not None else None
        found = [Variant(v.label, {**shared, **v.options}, rate) for v in found]
    if len(found) < 2:
        raise UsageError(
            pick(
                f"give two or more values of {name} to compare, separated by commas, e.g. {example(lesson, name)}",
                f"要比较 {name}，请给出两个或更多用逗号分隔的值，例如 {example(lesson, name)}",
            )
        )
    for variant in found:
        lesson.config(variant.options)
    return found


def example(lesson: Any, name: str) -> str:
    """``optimizer=SGD,Adam``: the first two choices of an option that has them."""
    if name != "lr" and lesson.option(name).choices:
        return f"{name}={','.join(map(str, lesson.option(name).choices[:2]))}"
    return f"{name}=0.01,0.1" if name == "lr" else f"{name}=A,B"


def suggested_values(lesson: Any, name: str, current: Any = None) -> str:
    """What the compare form starts with: an option's first three choices (the current one first), or for the
    learning rate the current one and ten times it."""
    if name == "lr":
        rate = float(current) if current is not None else float(lesson.lr)
        return f"{rate:g},{rate * 10:g}"
    option = lesson.option(name)
    if option.choices:
        ordered = [current, *option.choices] if current in option.choices else list(option.choices)
        return ",".join(map(str, list(dict.fromkeys(ordered))[:3]))
    if isinstance(option.default, bool):
        return "true,false"
    return str(current if current is not None else option.default)


def app_variants(lesson: Any, spec: str, rest: Sequence[str], lr: Any) -> list[Variant]:
    """``learn-tui run LESSON --compare NAME=V1,V2 [--other-option X] [--lr R]``: the app's variants, the other
    options and the rate shared by all (``lr`` was checked already)."""
    name, values = split_spec(spec)
    lesson.check_lr_given(lr if name != "lr" else values)
    shared = parse_lesson_options(lesson, rest)
    given_twice = name in shared or (name == "lr" and lr is not None)
    if given_twice:
        flag = "--lr" if name == "lr" else lesson.option(name).flag
        raise UsageError(f"{flag} is given twice, on its own and in --compare; drop one")
    return side_by_side(lesson, name, values, shared, lr)
