"""The Variables table: one row per local variable of the lesson's loop at the current stop (``Variable``s of
``core/engine/variables.py``: plain data read in the training thread), updated in place.

A tensor's row shows its shape, dtype, device, ``requires_grad``, ``grad_fn``, whether it is a leaf and has a
``.grad``, and a preview; a module's its parameter count; a number or a short string itself. The rows of the
variables that changed since the stop shown before are highlighted (a new tensor, one changed in place, a
model whose weights or gradients moved, a number that differs) until a stop changes something again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding

from core.base.i18n import pick
from core.engine.variables import Variable, changed
from core.engine.variables_text import HEADINGS, cells
from tui.widgets.snapshot_table import CHANGED_STYLE, SnapshotTable, cut


class VariablesTable(SnapshotTable):
    BINDINGS = [Binding("enter", "select_cursor", "Open/close the variable in full")]
    WIDE = "value"
    MIN_WIDE = 24  # a preview (min/mean/max) stays readable however narrow the table

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # (the headings in the language chosen on the command line, which is known once the screen is built)
        self.COLUMNS = tuple((key, pick(en, zh)) for key, en, zh in HEADINGS)
        self._previous: Sequence[Variable] | None = None  # the variables of the stop shown before

    def cells(self, param: Any) -> tuple[str | Text, ...]:
        return cells(param)

    def highlight(self, params: Sequence[Any], rows: list[tuple[str | Text, ...]]) -> list[tuple[str | Text, ...]]:
        """Rows of the variables that changed since the previous stop styled; a frame that changes nothing (a
        resize, the same stop again, a variable opened in full) keeps the highlight."""
        keys = [key for key, _ in self.COLUMNS]
        if self._previous is not None:
            names = changed(self._previous, params)
            if names:
                self.changed = frozenset((name, key) for name in names for key in keys)
        self._previous = params
        if not self.changed:
            return rows
        return [
            tuple(
                Text(str(cell), style=CHANGED_STYLE) if (v.name, k) in self.changed else cell
                for k, cell in zip(keys, row)
            )
            for v, row in zip(params, rows)
        ]

    def fitted(self, rows: list[tuple[str | Text, ...]]) -> list[tuple[str | Text, ...]]:
        """``rows`` with the value cut to the width the columns before it leave: the preview fills the screen, and
        the columns after it (dtype, device, the autograd facts) scroll in from the right."""
        keys = [key for key, _ in self.COLUMNS]
        if not rows or self.size.width <= 0:
            return rows
        wide, pad = keys.index(self.WIDE), 2 * self.cell_padding
        before = sum(
            pad + max([cell_len(label)] + [cell_len(str(row[index])) for row in rows])
            for index, (_, label) in enumerate(self.COLUMNS[:wide])
        )
        room = max(self.MIN_WIDE, self.size.width - self.styles.scrollbar_size_vertical - before - pad)
        return [(*row[:wide], cut(row[wide], room), *row[wide + 1 :]) for row in rows]

    def forget(self) -> None:
        """A new run (reset, a checkpoint opened): nothing is highlighted against the old one."""
        self._previous, self.changed = None, frozenset()

    def name_at_cursor(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def show(self, params: Sequence[Any]) -> None:
        """The rows (new variables re-add them all: the cursor stays on the variable it was on)."""
        at = self.name_at_cursor()
        super().show(params)
        if at is not None and at in self._names and self.cursor_row != self._names.index(at):
            self.move_cursor(row=self._names.index(at), animate=False)
