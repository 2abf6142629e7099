"""A DataTable with one row per watched parameter, updated in place (``update_cell``) from snapshots."""

from __future__ import annotations

from typing import Any, Sequence

from rich.cells import cell_len
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


def cut(text: str, room: int) -> str:
    """``text``, cut to ``room`` columns with an ellipsis when it is longer."""
    return text if cell_len(text) <= room else text[:max(room - 1, 0)] + "…"


class SnapshotTable(DataTable):
    """Subclasses name their ``COLUMNS`` and turn a ``ParamSnapshot`` into cells with ``cells``. The ``WIDE``
    column (a tensor's values) is cut with an ellipsis to the room the other columns leave, so that they
    all stay on screen (64 gradient values would push the norm and the flag off the right edge)."""

    COLUMNS: tuple[tuple[str, str], ...] = ()
    WIDE = ""
    MIN_WIDE = 10  # the values column keeps at least this many columns however narrow the table

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._names: tuple[str, ...] = ()
        self._shown: dict[tuple[str, str], str] = {}
        self._params: Sequence[Any] = ()

    def on_mount(self) -> None:
        for key, label in self.COLUMNS:
            self.add_column(label, key=key)

    def cells(self, param: Any) -> tuple[str | Text, ...]:
        raise NotImplementedError

    def fitted(self, rows: list[tuple[str | Text, ...]]) -> list[tuple[str | Text, ...]]:
        """``rows`` with the ``WIDE`` column cut to the width the other columns leave."""
        keys = [key for key, _ in self.COLUMNS]
        if self.WIDE not in keys or not rows or self.size.width <= 0:
            return rows
        wide, pad = keys.index(self.WIDE), 2 * self.cell_padding
        others = sum(pad + max([cell_len(label)] + [cell_len(str(row[index])) for row in rows])
                     for index, (key, label) in enumerate(self.COLUMNS) if index != wide)
        room = max(self.MIN_WIDE, self.size.width - self.styles.scrollbar_size_vertical - others - pad)
        return [(*row[:wide], cut(str(row[wide]), room), *row[wide + 1:]) for row in rows]

    def on_resize(self) -> None:
        if self._params:
            self.show(self._params)

    def show(self, params: Sequence[Any]) -> None:
        self._params = params
        names = tuple(p.name for p in params)
        keys = [key for key, _ in self.COLUMNS]
        rows = self.fitted([self.cells(param) for param in params])
        if names != self._names:
            self.clear()
            self._shown = {}
            for param, row in zip(params, rows):
                self.add_row(*row, key=param.name)
                self._shown.update({(param.name, k): str(v) for k, v in zip(keys, row)})
            self._names = names
            return
        for param, row in zip(params, rows):
            for key, value in zip(keys, row):
                text = str(value)
                if self._shown.get((param.name, key)) != text:
                    self._shown[(param.name, key)] = text
                    self.update_cell(param.name, key, value, update_width=True)

    def cell_text(self, name: str, column: str) -> str:
        """What a cell shows now (tests read the table through this)."""
        return self._shown.get((name, column), "")
