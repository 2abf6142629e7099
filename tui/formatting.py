"""How numbers look on screen: short, stable widths, nan/inf spelled out."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from core.base.i18n import pick


def number(value: float | None, digits: int = 4) -> str:
    """``0.1234``, ``1.235e+08``, ``nan``; a dash for a value not known yet."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    return f"{value:.{digits}g}"


def lr(value: float) -> str:
    """A learning rate as a person types it: ``0.01``, ``0.003``, ``1e-05``."""
    return f"{value:g}"


def values(items: Iterable[float], digits: int = 4) -> str:
    """A short list of numbers: ``1.993`` alone, else ``[0.1, -0.3, ...]``. Four digits, as every number in the
    tables: the fifth digit of a trained float32 value can differ between CPUs (their kernels add in other orders)."""
    items = list(items)
    if len(items) == 1:
        return number(items[0], digits)
    return "[" + ", ".join(number(v, digits) for v in items) + "]"


def shape(dims: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in dims) if dims else pick("scalar", "标量")


def plain_result(result: Any) -> str:
    """An action's plain-data result as a readable line (for a notification): a string as it is; a dict
    as ``batch size 100 · from epoch 2`` (underscores in keys become spaces); a nested list or dict
    below its key, one bullet per item::

        name Nakamura · step 12
        top:
          • country Japanese, probability 0.61
    """
    if result is None:
        return pick("done", "完成")
    if isinstance(result, dict):
        line = " · ".join(f"{key_words(key)} {inline(value)}" for key, value in result.items() if not nested(value))
        blocks = [f"{key_words(key)}:" + bullets(value) for key, value in result.items() if nested(value)]
        return "\n".join(([line] if line else []) + blocks) or pick("done", "完成")
    if isinstance(result, (list, tuple)) and nested(result):
        return bullets(result).lstrip("\n")
    return inline(result)


def key_words(key: Any) -> str:
    return str(key).replace("_", " ")


# The metrics the lessons evaluate, in the course's Chinese terms (a chart legend is prose, not code)
METRIC_WORDS = {
    "loss": "损失",
    "test_loss": "测试损失",
    "val_loss": "验证损失",
    "avg_train_loss": "平均训练损失",
    "accuracy": "准确率",
    "test_accuracy": "测试准确率",
    "train_accuracy": "训练准确率",
    "baseline_accuracy": "基线准确率",
}


def metric_words(name: str) -> str:
    """A metric's name for a legend: ``test loss``, or in Chinese ``测试损失`` (a name it does not know stays
    the lesson's identifier, ``test_f1``: words half translated would read worse)."""
    return pick(name.replace("_", " "), METRIC_WORDS.get(name, name))


def nested(value: Any) -> bool:
    """A dict, or a list holding lists or dicts: shown as bullets rather than on the line."""
    return isinstance(value, dict) or (
        isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in value)
    )


def bullets(value: Any) -> str:
    items = [f"{key_words(k)} {inline(v)}" for k, v in value.items()] if isinstance(value, dict) else list(value)
    return "".join(f"\n  • {item if isinstance(item, str) else inline(item)}" for item in items)


def inline(value: Any) -> str:
    """One value on one line: ``0.6123``, ``a, b``, ``country Japanese, probability 0.61``."""
    if isinstance(value, dict):
        return ", ".join(f"{key_words(key)} {inline(v)}" for key, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(inline(v) for v in value)
    if isinstance(value, float):
        return number(value)
    return str(value)
