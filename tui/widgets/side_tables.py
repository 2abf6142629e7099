"""Params and Grads beside the tabs on a wide terminal (160 columns and more): the loss chart, the parameters
and their gradients are all on screen at once, without switching tabs.

Hidden and empty on narrower terminals, whose layout (and widget tree) stays as it was. When the screen is
wide enough it mounts and shows its own two tables, sets the ``-side-tables`` class on the screen
(``screens/training.tcss`` lays the panes out in three columns) and posts ``SideTables.Toggled``: the training screen
then hides its Params and Grads tabs and asks the driver for snapshots (it sends none for tables nobody
sees). The column is as wide as its tables' cells (up to ``MAX_SHARE`` of the screen, and never so narrow that
a column other than the values is cut): the chart beside it gets the rest.
"""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message

from core.base.i18n import pick
from tui.widgets.grad_table import GradTable
from tui.widgets.param_table import ParamTable

MIN_WIDTH = 160  # columns from which Params and Grads sit beside the chart
BESIDE = ("tab-params", "tab-grads")  # the tabs these tables stand in for while they are shown
MAX_SHARE = 0.4  # of the screen's width, unless the columns beside the values need more
SHRINK_SLACK = 6  # columns the tables must have to spare before the column narrows (no relayout per frame)


class SideTables(Vertical):
    """A column holding a ``ParamTable`` over a ``GradTable``, shown while the screen is ``MIN_WIDTH`` wide."""

    class Toggled(Message):
        """The tables appeared or went away (the terminal was resized across ``MIN_WIDTH``)."""

        def __init__(self, shown: bool) -> None:
            super().__init__()
            self.shown = shown

    DEFAULT_CSS = """
    SideTables {
        display: none;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown = False
        self.param_table, self.grad_table = ParamTable(id="side-params"), GradTable(id="side-grads")
        self.param_table.border_title = pick("Params", "参数")
        self.grad_table.border_title = pick("Grads", "梯度")
        self.grad_table.MIN_WIDE = 6  # long names (char-gpt's) leave little room: the flag must stay on screen
        self._snapshot: Any = None  # the latest snapshot given while the tables were still being mounted
        self._screen_width = 0

    def on_mount(self) -> None:
        self.screen.screen_layout_refresh_signal.subscribe(self, lambda screen: self.check(screen.size))
        self.check(self.screen.size)

    def on_unmount(self) -> None:
        self.screen.screen_layout_refresh_signal.unsubscribe(self)

    def check(self, size: Size) -> None:
        shown = size.width >= MIN_WIDTH
        resized, self._screen_width = size.width != self._screen_width, size.width
        if shown == self.shown:
            if shown and resized and self.param_table.is_mounted:
                self.fit_width(exact=True)  # (a share of another width)
            return
        self.shown = shown
        if shown and not self.param_table.is_attached:
            self.mount(self.param_table, self.grad_table)
            self.call_after_refresh(self._draw_pending)
        self.display = shown
        self.screen.set_class(shown, "-side-tables")
        self.post_message(self.Toggled(shown))

    def show(self, snapshot: Any) -> None:
        """Draw a frame's snapshot (None: the frame carries none) while the tables are on screen."""
        if not self.shown or snapshot is None:
            return
        if not (self.param_table.is_mounted and self.grad_table.is_mounted):
            self._snapshot = snapshot
            return
        self._snapshot = None
        self.param_table.phase = self.grad_table.phase = snapshot.progress.phase
        self.param_table.show(snapshot.params)
        self.grad_table.show(snapshot.params)
        self.fit_width()

    def fit_width(self, exact: bool = False) -> None:
        """As wide as the tables' cells need, up to ``MAX_SHARE`` of the screen (or what the columns beside the
        values need); it grows at once and narrows only by ``SHRINK_SLACK`` columns or more (unless ``exact``)."""
        tables = (self.param_table, self.grad_table)
        natural, least = max(t.natural_width for t in tables), max(t.least_width for t in tables)
        if natural <= 0:
            return
        want = min(natural, max(int(self.screen.size.width * MAX_SHARE), least))
        now = self.styles.width
        cells = int(now.value) if now is not None and now.is_cells else None
        if cells is None or want > cells or want <= cells - (1 if exact else SHRINK_SLACK):
            self.styles.width = want

    def _draw_pending(self) -> None:
        if self._snapshot is not None:
            self.show(self._snapshot)
