"""The parameter table: name, shape, every value of a small tensor (else statistics), and its norm."""

from __future__ import annotations

from typing import Any

from tui import formatting
from tui.widgets.snapshot_table import SnapshotTable, tensor_text


class ParamTable(SnapshotTable):
    COLUMNS = (("name", "parameter"), ("shape", "shape"), ("values", "values"), ("norm", "norm"))
    COLUMNS_ZH = {"name": "参数", "shape": "形状", "values": "值", "norm": "范数"}
    WIDE = "values"
    CHANGED_BY = {"values": ("update",), "norm": ("update",)}

    def cells(self, param: Any) -> tuple[str, ...]:
        return (
            param.name,
            formatting.shape(param.shape),
            tensor_text(param.values, param.stats, param.complete),
            formatting.number(param.stats.norm),
        )
