"""The gradient table: each parameter's gradient (every value when small), its norm, the size of the last
update relative to the parameter, and a flag for vanishing or exploding gradients."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui import formatting
from tui.widgets.snapshot_table import SnapshotTable, tensor_text

FLAG_STYLES = {"exploding": "bold red", "vanishing": "bold yellow"}


class GradTable(SnapshotTable):
    COLUMNS = (("name", "parameter"), ("grad", "gradient"), ("grad_norm", "grad norm"),
               ("ratio", "update/param"), ("flag", "flag"))
    WIDE = "grad"

    def cells(self, param: Any) -> tuple[str | Text, ...]:
        norm = param.grad_stats.norm if param.grad_stats is not None else None
        flag = Text(f"⚠ {param.flag}", FLAG_STYLES.get(param.flag, "")) if param.flag else Text("ok", "dim")
        return (param.name, tensor_text(param.grad, param.grad_stats, param.complete), formatting.number(norm),
                formatting.number(param.update_ratio, 3), flag)
