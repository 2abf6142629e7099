"""The one parsing of the numbers a run is given (learning rate, counts, seed): text or a number in, the
value or a UsageError saying what a valid one looks like. The command line, the app's forms and dialogs,
the trainer and the served run all call these."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from core.base.i18n import pick
from core.errors import UsageError

FLOAT32_MAX = 3.4028234663852886e38  # torch.finfo(torch.float32).max, without importing torch


def parse_lr(value: Any, most: float = FLOAT32_MAX, dtype: str = "float32") -> float:
    """A learning rate from text or a number, or UsageError saying what a valid one looks like: the one check of
    a learning rate (the command line, the app's dialogs, ``trainer.lr``, an attached app's ``set_lr``).

    Finite, above 0, and at most ``most``: the largest number the parameters' ``dtype`` holds (float32's by
    default; ``lr_limit`` gives a smaller one for float16 parameters). The optimizer multiplies the gradient
    by the rate in that dtype, and a rate past it cannot even be stored there (torch raises mid-step); any
    rate near it diverges at the first step, which the trainer reports as a divergence."""
    text = str(value).strip()
    if not text:
        raise UsageError(pick("type a learning rate, e.g. 0.01", "请输入学习率，例如 0.01"))
    try:
        lr = float(text)
    except ValueError:
        raise UsageError(
            pick(
                f"learning rate must be a number like 0.01, got {text!r}",
                f"学习率必须是像 0.01 这样的数，收到 {text!r}",
            )
        ) from None
    if not math.isfinite(lr):
        raise UsageError(
            pick(
                f"learning rate must be finite, got {text!r}; try 0.01", f"学习率必须是有限数，收到 {text!r}；试试 0.01"
            )
        )
    if lr <= 0:
        raise UsageError(
            pick(
                f"learning rate must be greater than 0, got {text!r}; try 0.01",
                f"学习率必须大于 0，收到 {text!r}；试试 0.01",
            )
        )
    if lr > most:
        raise UsageError(
            pick(
                f"learning rate must be at most {most:.3g}, the largest number a {dtype} parameter holds (a bigger "
                f"step cannot be stored in it), got {text!r}; try 0.01",
                f"学习率最大为 {most:.3g}，即 {dtype} 参数能存的最大数（更大的步长存不下），收到 {text!r}；试试 0.01",
            )
        )
    return lr


def lr_limit(optimizers: Sequence[Any]) -> tuple[float, str]:
    """The largest learning rate the optimizers' parameters hold, and their dtype, for ``parse_lr``: float32's,
    or less where some are float16 (an optimizer scales their gradients by the rate in their own dtype)."""
    limit = (FLOAT32_MAX, "float32")
    if not optimizers:
        return limit
    import torch  # (whoever built an optimizer has imported it)

    dtypes = {p.dtype for opt in optimizers for group in opt.param_groups for p in group["params"]}
    for dtype in dtypes:
        if dtype.is_floating_point:
            limit = min(limit, (float(torch.finfo(dtype).max), str(dtype).removeprefix("torch.")))
    return limit


def parse_count(value: Any, what: str) -> int:
    """A positive whole number (steps, epochs, batch size) or UsageError."""
    try:
        count = int(str(value).strip())
    except ValueError:
        raise UsageError(
            pick(
                f"{what} must be a whole number like 100, got {value!r}",
                f"{what} 必须是像 100 这样的整数，收到 {value!r}",
            )
        ) from None
    if count <= 0:
        raise UsageError(pick(f"{what} must be at least 1, got {count}", f"{what} 至少为 1，收到 {count}"))
    return count


MAX_SEED = 2**63 - 1  # what every random generator learn-tui seeds accepts


def parse_seed(value: Any) -> int:
    """A seed for ``--seed`` (run and sample): a whole number from 0 to 2**63 - 1."""
    try:
        seed = int(str(value).strip())
    except ValueError:
        raise UsageError(
            pick(
                f"--seed must be a whole number like 0, got {value!r}", f"--seed 必须是像 0 这样的整数，收到 {value!r}"
            )
        ) from None
    if not 0 <= seed <= MAX_SEED:
        raise UsageError(
            pick(
                f"--seed must be a whole number from 0 to {MAX_SEED}, got {value}",
                f"--seed 必须是 0 到 {MAX_SEED} 之间的整数，收到 {value}",
            )
        )
    return seed
