"""A DataTable with one row per watched parameter, updated in place (``update_cell``) from snapshots.

The cells a phase just changed (the weights at ``update``, the gradients at ``backward`` and ``zero_grad``) are
highlighted until the next phase: a learner stepping with ``.`` sees at a glance what each phase did."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from core.base.i18n import is_chinese
from tui import formatting
from tui.widgets.safe_panel import SafePanel


def tensor_text(values: Sequence[float] | None, stats: Any, complete: bool) -> str:
    """Every value of a small tensor, else its statistics."""
    if values is None or stats is None:
        return "尚无" if is_chinese() else "none yet"
    if complete:
        return formatting.values(values)
    n = formatting.number
    if is_chinese():
        return f"均值 {n(stats.mean)}  标准差 {n(stats.std)}  最小 {n(stats.min)}  最大 {n(stats.max)}"
    return f"mean {n(stats.mean)}  std {n(stats.std)}  min {n(stats.min)}  max {n(stats.max)}"


CHANGED_STYLE = "bold #000000 on #e5c07b"  # a cell the phase that just ran changed


def cut(text: str | Text, room: int) -> str | Text:
    """``text``, cut to ``room`` columns with an ellipsis when it is longer (a ``Text`` keeps its style)."""
    plain = str(text)
    if cell_len(plain) <= room:
        return text
    short = plain[: max(room - 1, 0)] + "…"
    return Text(short, style=text.style) if isinstance(text, Text) else short


class SnapshotTable(SafePanel, DataTable):
    """Subclasses name their ``COLUMNS`` and turn a ``ParamSnapshot`` into cells with ``cells``. The ``WIDE``
    column (a tensor's values) is cut with an ellipsis to the room the other columns leave, so that they
    all stay on screen (64 gradient values would push the norm and the flag off the right edge)."""

    COLUMNS: tuple[tuple[str, str], ...] = ()  # (key, English label)
    COLUMNS_ZH: dict[str, str] = {}  # key -> Chinese label
    WIDE = ""
    MIN_WIDE = 10  # the values column keeps at least this many columns however narrow the table
    CHANGED_BY: dict[str, tuple[str, ...]] = {}  # column -> the phases whose change of it is highlighted

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._names: tuple[str, ...] = ()
        self._shown: dict[tuple[str, str], str] = {}
        self._params: Sequence[Any] = ()
        self.phase: str | None = None  # the phase that just ran (the screen sets it with each frame)
        self._before: dict[tuple[str, str], str] = {}  # each cell's text in the snapshot shown before
        self._phase: str | None = None  # the phase of that snapshot
        self.changed: frozenset[tuple[str, str]] = frozenset()  # (row, column) cells highlighted now
        self.natural_width = self.least_width = 0  # what the rows shown need (``fitted``)

    def on_mount(self) -> None:
        for key, label in self.column_labels():
            self.add_column(label, key=key)

    def column_labels(self) -> list[tuple[str, str]]:
        """(key, label) of each column, the label in the chosen language."""
        chinese = is_chinese()
        return [(key, self.COLUMNS_ZH.get(key, label) if chinese else label) for key, label in self.COLUMNS]

    def cells(self, param: Any) -> tuple[str | Text, ...]:
        raise NotImplementedError

    def column_widths(self, rows: list[tuple[str | Text, ...]]) -> list[int]:
        """Each column's width with its label and every cell of ``rows`` whole, padding included."""
        pad = 2 * self.cell_padding
        return [
            pad + max([cell_len(label)] + [cell_len(str(row[index])) for row in rows])
            for index, (_key, label) in enumerate(self.column_labels())
        ]

    def fitted(self, rows: list[tuple[str | Text, ...]]) -> list[tuple[str | Text, ...]]:
        """``rows`` with the ``WIDE`` column cut to the width the other columns leave. Also notes the width
        the table needs (``natural_width``: every cell whole; ``least_width``: the ``WIDE`` column cut to
        ``MIN_WIDE``; border and scrollbar included)."""
        keys = [key for key, _ in self.COLUMNS]
        widths = self.column_widths(rows)
        chrome = self.styles.gutter.width + self.styles.scrollbar_size_vertical
        self.natural_width = sum(widths) + chrome
        self.least_width = self.natural_width
        if self.WIDE not in keys:
            return rows
        wide, pad = keys.index(self.WIDE), 2 * self.cell_padding
        others = sum(widths) - widths[wide]
        label = cell_len(self.column_labels()[wide][1])  # (a column is never narrower than its label)
        self.least_width = others + pad + max(label, min(self.MIN_WIDE, widths[wide] - pad)) + chrome
        if not rows or self.size.width <= 0:
            return rows
        room = max(self.MIN_WIDE, self.size.width - self.styles.scrollbar_size_vertical - others - pad)
        return [(*row[:wide], cut(row[wide], room), *row[wide + 1 :]) for row in rows]

    def on_resize(self) -> None:
        if self._params:
            self.show(self._params)

    def highlight(self, params: Sequence[Any], rows: list[tuple[str | Text, ...]]) -> list[tuple[str | Text, ...]]:
        """``rows`` with the cells that ``self.phase`` changed since the snapshot shown before styled. A frame
        that changes nothing (a resize, a tab switch, a second frame of the same phase) keeps the highlight."""
        keys = [key for key, _ in self.COLUMNS]
        phase = str(self.phase) if self.phase is not None else None
        texts = {(p.name, k): str(v) for p, row in zip(params, rows) for k, v in zip(keys, row)}
        if phase != self._phase or texts != self._before:
            self.changed = frozenset(
                cell
                for cell, text in texts.items()
                if phase in self.CHANGED_BY.get(cell[1], ()) and cell in self._before and self._before[cell] != text
            )
            self._before, self._phase = texts, phase
        if not self.changed:
            return rows
        return [
            tuple(Text(str(v), style=CHANGED_STYLE) if (p.name, k) in self.changed else v for k, v in zip(keys, row))
            for p, row in zip(params, rows)
        ]

    def show(self, params: Sequence[Any]) -> None:
        rows = self.fitted(self.highlight(params, [self.cells(param) for param in params]))
        self._params = params
        names = tuple(p.name for p in params)
        keys = [key for key, _ in self.COLUMNS]
        if names != self._names:
            self.clear()
            self._shown = {}
            for param, row in zip(params, rows):
                self.add_row(*row, key=param.name)
                self._shown.update({(param.name, k): shown(v) for k, v in zip(keys, row)})
            self._names = names
            return
        for param, row in zip(params, rows):
            for key, value in zip(keys, row):
                text = shown(value)
                if self._shown.get((param.name, key)) != text:
                    self._shown[(param.name, key)] = text
                    self.update_cell(param.name, key, value, update_width=True)

    def cell_text(self, name: str, column: str) -> str:
        """What a cell shows now (tests read the table through this)."""
        return self._shown.get((name, column), "").split("\0", 1)[0]


def shown(value: str | Text) -> str:
    """A cell's text and style, to tell whether it must be redrawn (the highlight comes and goes alone)."""
    return f"{value}\0{value.style}" if isinstance(value, Text) else str(value)
