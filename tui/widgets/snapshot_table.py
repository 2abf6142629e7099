"""A DataTable with one row per watched parameter, updated in place (``update_cell``) from snapshots."""

from __future__ import annotations

from typing import Any, Sequence

from rich.text import Text
from textual.widgets import DataTable

from tui import formatting


def tensor_text(values: Sequence[float] | None, stats: Any, complete: bool) -> str:
    """Every value of a small tensor, else its statistics."""
    if values is None or stats is None:
        return "none yet"
    if complete:
        return formatting.values(values)
    n = formatting.number
    return f"mean {n(stats.mean)}  std {n(stats.std)}  min {n(stats.min)}  max {n(stats.max)}"


class SnapshotTable(DataTable):
    """Subclasses name their ``COLUMNS`` and turn a ``ParamSnapshot`` into cells with ``cells``."""

    COLUMNS: tuple[tuple[str, str], ...] = ()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._names: tuple[str, ...] = ()
        self._shown: dict[tuple[str, str], str] = {}

    def on_mount(self) -> None:
        for key, label in self.COLUMNS:
            self.add_column(label, key=key)

    def cells(self, param: Any) -> tuple[str | Text, ...]:
        raise NotImplementedError

    def show(self, params: Sequence[Any]) -> None:
        names = tuple(p.name for p in params)
        keys = [key for key, _ in self.COLUMNS]
        if names != self._names:
            self.clear()
            self._shown = {}
            for param in params:
                row = self.cells(param)
                self.add_row(*row, key=param.name)
                self._shown.update({(param.name, k): str(v) for k, v in zip(keys, row)})
            self._names = names
            return
        for param in params:
            for key, value in zip(keys, self.cells(param)):
                text = str(value)
                if self._shown.get((param.name, key)) != text:
                    self._shown[(param.name, key)] = text
                    self.update_cell(param.name, key, value, update_width=True)

    def cell_text(self, name: str, column: str) -> str:
        """What a cell shows now (tests read the table through this)."""
        return self._shown.get((name, column), "")
