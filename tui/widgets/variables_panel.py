"""The Variables tab: the table of the loop's local variables, and below it the one variable the learner
opened in full (enter, or a click on the highlighted row; enter again closes it).

Opening one posts ``VariablesPanel.Opened``: the screen asks the driver for that variable's whole description
(``Needs.full``), which the training thread reads at the stop, as it reads the rest; until it comes the pane
says so."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from core.base.i18n import pick
from core.engine.variables import Variable
from tui.widgets.safe_panel import SafePanel
from tui.widgets.variables_table import VariablesTable


class VariablesPanel(SafePanel, Vertical):
    DEFAULT_CSS = """
    VariablesPanel > VariablesTable { height: 1fr; }
    VariablesPanel > #variable-full { height: 1fr; display: none; border-top: solid $secondary; padding: 0 1; }
    VariablesPanel.-open > #variable-full { display: block; }
    VariablesPanel #variable-full-text { width: auto; }
    VariablesPanel > #variables-none { height: auto; color: $text-muted; padding: 0 1; display: none; }
    """

    class Opened(Message):
        """The learner opened a variable in full (``name``), or closed it (None)."""

        def __init__(self, name: str | None) -> None:
            super().__init__()
            self.name = name

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.table = VariablesTable(id="variables-table")
        self.opened: str | None = None  # the variable shown in full
        self.full_text = ""  # what the pane below shows now (tests read it)
        self._run_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            pick(
                "no variables yet: the lesson's loop has not started",
                "还没有变量：这一课的循环还没开始",
            ),
            id="variables-none",
        )
        yield self.table
        full = ScrollableContainer(id="variable-full")  # (numpy's rows as numpy lays them out: no wrapping)
        # Not focusable: focus left in a hidden tab's pane makes TabbedContent show that tab again (] would stick).
        full.can_focus = False
        with full:
            yield Static(id="variable-full-text", markup=False)

    def show(self, variables: Sequence[Variable], run_id: int = 0) -> None:
        """A frame's variables (``run_id``: a new run highlights nothing against the old one)."""
        if run_id != self._run_id:
            self._run_id = run_id
            self.table.forget()
        self.query_one("#variables-none").display = not variables
        self.table.show(variables)
        if self.opened is not None:
            found = next((v for v in variables if v.name == self.opened), None)
            if found is None:
                text = pick(f"{self.opened}: not a variable at this stop", f"{self.opened}：此处没有这个变量")
            else:
                text = (
                    found.full
                    if found.full is not None
                    else pick(f"reading {self.opened}…", f"正在读取 {self.opened}…")
                )
            self._show_full(text)

    def _show_full(self, text: str) -> None:
        if text != self.full_text:
            self.full_text = text
            self.query_one("#variable-full-text", Static).update(Text(text, no_wrap=True))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        name = str(event.row_key.value)
        self.opened = None if name == self.opened else name
        self.set_class(self.opened is not None, "-open")
        if self.opened is not None:
            self._show_full(pick(f"reading {name}…", f"正在读取 {name}…"))
        self.post_message(self.Opened(self.opened))
