"""A lesson's own data, pretty-printed: the tab of a ``PlainView`` (``core.lesson``), and the fallback for a
view whose ``tui/views/<name>.py`` fails to load (with a note saying why)."""

from __future__ import annotations

from typing import Any

from rich.pretty import Pretty
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.widgets.safe_panel import PanelText, SafePanel


class GenericView(SafePanel, VerticalScroll):
    def __init__(self, note: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._note = note
        self._data: Any = object()

    def compose(self) -> ComposeResult:
        if self._note:
            yield Static(self._note, classes="view-note")
        yield PanelText("no data yet", classes="view-data")

    def show(self, data: Any) -> None:
        if data != self._data:
            self._data = data
            self.query_one(".view-data", PanelText).update(Pretty(data, max_length=64, max_string=200))
