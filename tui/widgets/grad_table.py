"""The gradient table: each parameter's gradient (every value when small), its norm, the size of the last
update relative to the parameter, and a flag for vanishing or exploding gradients."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from core.base.i18n import pick
from tui import formatting
from tui.widgets.snapshot_table import SnapshotTable, tensor_text

FLAG_STYLES = {"exploding": "bold red", "vanishing": "bold yellow"}
FLAG_ZH = {"exploding": "梯度爆炸", "vanishing": "梯度消失"}


class GradTable(SnapshotTable):
    COLUMNS = (
        ("name", "parameter"),
        ("grad", "gradient"),
        ("grad_norm", "grad norm"),
        ("ratio", "update/param"),
        ("flag", "flag"),
    )
    COLUMNS_ZH = {"name": "参数", "grad": "梯度", "grad_norm": "梯度范数", "ratio": "更新/参数", "flag": "标记"}
    WIDE = "grad"
    CHANGED_BY = {"grad": ("backward", "zero_grad"), "grad_norm": ("backward", "zero_grad"), "ratio": ("update",)}

    def cells(self, param: Any) -> tuple[str | Text, ...]:
        norm = param.grad_stats.norm if param.grad_stats is not None else None
        word = pick(str(param.flag), FLAG_ZH.get(str(param.flag), str(param.flag))) if param.flag else ""
        flag = Text(f"⚠ {word}", FLAG_STYLES.get(param.flag, "")) if param.flag else Text(pick("ok", "正常"), "dim")
        grad = (
            "None (set_to_none)"
            if getattr(param, "grad_cleared", False)
            else tensor_text(param.grad, param.grad_stats, param.complete)
        )
        return (param.name, grad, formatting.number(norm), ratio_text(param), flag)


def ratio_text(param: Any) -> str | Text:
    """The update/param ratio; one of an earlier update than the latest (not measured since) dimmed, with its
    step, so that it is never read as the current one."""
    ratio = formatting.number(param.update_ratio, 3)
    if getattr(param, "ratio_stale", False):
        return Text(pick(f"{ratio} (step {param.ratio_step})", f"{ratio}（第 {param.ratio_step} 步）"), "dim")
    return ratio
