"""What a stop condition (``core/engine/until.py``) says when it refuses one, in English and in Chinese:
``say(key, **values)`` picks the chosen language's text when the message is made and fills it in."""

from __future__ import annotations

from core.base.i18n import Texts

HELP = 'e.g. loss < 0.1, accuracy >= 0.9 and step > 100, grad_norm("fc.weight") > 10, nan'  # README: the rest
HELP_ZH = '例如 loss < 0.1、`accuracy >= 0.9 and step > 100`、grad_norm("fc.weight") > 10、nan'

TEXTS: dict[str, tuple[str, str]] = {
    "refused": (
        "{source} {shown!r}: {what}, {where} (" + HELP + ")",
        "{source} {shown!r}：{what}，{where}（" + HELP_ZH + "）",
    ),
    "at end": ("at its end", "位于末尾"),
    "at": ("at character {position}", "位于第 {position} 个字符"),
    "not text": ("a condition is text", "条件必须是文本"),
    "control": (
        "{char!r} does not belong in a condition (one line of text)",
        "条件里不能有 {char!r}（条件是一行文本）",
    ),
    "empty": ("the condition is empty", "条件是空的"),
    "too long": ("a condition is at most {limit} characters", "条件最多 {limit} 个字符"),
    "syntax": ("not a condition ({why})", "不是条件（语法错误）"),
    "unparsable": ("not a condition ({why})", "不是条件（{why}）"),
    "too deep": ("the condition is nested too deeply", "条件嵌套太深"),
    "alone": (
        "{shown} alone is a number, not a condition (compare it: {shown} < 0.1)",
        "单独的 {shown} 是一个数，不是条件（请比较它：{shown} < 0.1）",
    ),
    "not a comparison": (
        "{name} is not a comparison here (use < <= > >= == !=)",
        "`{name}` 在这里不是比较（请用 < <= > >= == !=）",
    ),
    "not a number": ("{shown} is not a number", "{shown} 不是数"),
    "nan": (
        "nan is a condition of its own (a value went nan or inf): write nan, not x == nan",
        "nan 本身就是一个条件（某个值变成了 nan 或 inf）：请写 nan，而不是 x == nan",
    ),
    "call": (
        'calling {called} is not allowed (only grad_norm("param") and metric("name"))',
        '不能调用 `{called}`（只能用 grad_norm("param") 和 metric("name")）',
    ),
    "one name": ("{function} takes one name in quotes, nothing else", "{function} 只接受一个带引号的名字"),
    "quoted name": (
        '{function} takes one name in quotes, e.g. {function}("fc.weight")',
        '{function} 需要一个带引号的名字，例如 {function}("fc.weight")',
    ),
    "attribute": ("attribute access (.{attr}) is not allowed", "不允许访问属性（.{attr}）"),
    "subscript": ("subscripts ([...]) are not allowed", "不允许下标（[...]）"),
    "arithmetic": ("arithmetic is not allowed (compare values with numbers)", "不允许算术运算（请把值和数比较）"),
    "quoted text": (
        'text in quotes belongs only in grad_norm("param") or metric("name")',
        '带引号的文本只能用在 grad_norm("param") 或 metric("name") 里',
    ),
    "not allowed": ("{name} is not allowed", "不允许 `{name}`"),
}


say = Texts(TEXTS).say  # TEXTS[key] in the chosen language, filled in
