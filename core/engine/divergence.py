"""When a run diverges: the loss limit and the (costly) parameter check, kept apart from the trainer's loop.

The loss is checked at every ``LOSS`` (it is a float already): nan/inf, or above ``divergence_factor`` ×
max(|first finite loss|, 1). The parameters cost a pass over every weight, so they are checked at each
epoch's end and otherwise at most once per ``PARAM_CHECK_SECONDS``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

from core.base.i18n import pick
from core.engine.arrays import first_non_finite

PARAM_CHECK_SECONDS = 1.0


def diverged_message(step: int, reason: str, advice: str) -> str:
    """The one sentence about a divergence, then what to do, which each front end says its own way:
    ``training diverged in step 3: loss is nan. `` + the trainer's "Lower the learning rate (it is 0.5: try
    0.05 or lower).", the command line's "rerun with --lr 0.05", the app's "continue with it, or reset"."""
    return pick(f"training diverged in step {step}: {reason}. {advice}", f"训练在第 {step} 步发散：{reason}。{advice}")


class DivergenceWatch:
    def __init__(self, factor: float | None) -> None:
        """``factor``: the lesson's ``divergence_factor`` (None: only nan/inf losses diverge)."""
        self.factor = factor
        self.loss_limit: float | None = None  # set by the first finite loss (checkpoints carry it)
        self._param_check = time.perf_counter()

    def restart(self) -> None:
        """Carry on after a divergence: the next finite loss sets a fresh limit."""
        self.loss_limit = None

    def loss(self, loss: float) -> str | None:
        """Why ``loss`` means the run diverged, else None."""
        if not math.isfinite(loss):
            return pick(f"loss is {loss}", f"损失为 {loss}")
        if self.loss_limit is None:
            self.loss_limit = math.inf if self.factor is None else self.factor * max(abs(loss), 1.0)
        return None if loss <= self.loss_limit else pick(f"loss is {loss:.4g}", f"损失为 {loss:.4g}")

    def params(self, watched: Mapping[str, Any], epoch_end: bool) -> str | None:
        """At a step's end: why the parameters mean the run diverged (checked when it is time), else None."""
        now = time.perf_counter()
        if not epoch_end and now - self._param_check <= PARAM_CHECK_SECONDS:
            return None
        self._param_check = now
        bad = first_non_finite(watched)
        return None if bad is None else pick(f"parameter {bad} holds nan or inf", f"参数 {bad} 含有 nan 或 inf")
