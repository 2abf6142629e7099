"""The lesson's explanation (its module docstring) as Markdown, scrollable.

The Markdown is built when the panel is first shown (a hidden tab costs nothing at start-up).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownFence

NO_NOTES = "*This lesson has no notes.*"


class PythonFence(MarkdownFence):
    """A code block; untagged ones are Python (Textual would otherwise guess, loading every lexer: ~0.2 s)."""

    def __init__(self, markdown: Markdown, token, code: str) -> None:
        if not token.info:
            token.info = "python"
        super().__init__(markdown, token, code)


class NotesMarkdown(Markdown):
    BLOCKS = {**Markdown.BLOCKS, "fence": PythonFence, "code_block": PythonFence}


def as_markdown(notes: str) -> str:
    """A docstring as Markdown: its first line (the summary) becomes the heading."""
    first, _, rest = notes.strip().partition("\n")
    if not first or first.startswith("#"):
        return notes or NO_NOTES
    return f"## {first.strip()}\n{rest}"


class NotesPanel(VerticalScroll):
    def __init__(self, notes: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.notes = notes  # the text to show
        self._shown: str | None = None  # the text the Markdown holds

    def compose(self) -> ComposeResult:
        yield NotesMarkdown()

    def set_notes(self, notes: str) -> None:
        self.notes = notes
        if self.is_mounted and self.is_on_screen:
            self._render_notes()

    def on_show(self, event: events.Show) -> None:
        self._render_notes()

    def _render_notes(self) -> None:
        if self._shown != self.notes:
            self._shown = self.notes
            self.query_one(NotesMarkdown).update(as_markdown(self.notes))
            self.scroll_home(animate=False)
