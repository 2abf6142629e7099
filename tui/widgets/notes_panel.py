"""The lesson's explanation (its module docstring) as Markdown, scrollable, in the chosen language.

The Markdown is built when the panel is first shown (a hidden tab costs nothing at start-up). Maths
written as plain text stays as written: a ``*`` between two operands (``2*x1 + 2*x2``) is escaped, so
Markdown cannot read a pair of them as emphasis. Code blocks wrap their long lines: a narrow panel (the
picker's at 80 columns) shows them whole, as it does the prose.
"""

from __future__ import annotations

import re

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownFence

from core.base.linebreak import WIDE_CHARS
from core.engine.catalog import localized_notes
from tui.widgets.safe_panel import SafePanel

NO_NOTES = "*This lesson has no notes.*"


class PythonFence(MarkdownFence):
    """A code block; untagged ones are Python (Textual would otherwise guess, loading every lexer: ~0.2 s).
    Its long lines wrap (Textual's scroll sideways, with no scrollbar, under a panel that cannot focus them)."""

    DEFAULT_CSS = """
    PythonFence {
        overflow: hidden hidden;
    }
    PythonFence > #code-content {
        width: 1fr;
        text-wrap: wrap;
    }
    """

    def __init__(self, markdown: Markdown, token, code: str) -> None:
        if not token.info:
            token.info = "python"
        super().__init__(markdown, token, code)


class NotesMarkdown(Markdown):
    BLOCKS = {**Markdown.BLOCKS, "fence": PythonFence, "code_block": PythonFence}


CODE_SPAN = re.compile(r"(``.+?``|`[^`]+`)", re.DOTALL)
OPERATOR_STAR = re.compile(r"(?<=[\w)\]])\*(?=[\w(\[])")  # 2*x, w*x, )*log: maths, never emphasis
WIDE = re.compile(f"[{WIDE_CHARS}]")  # CJK characters and their punctuation
BLOCK_START = re.compile(r"[-*+>#|=]|\d+[.)](\s|$)")  # a list item, a heading, a quote, a table row, an underline


def _prose(text: str) -> str:
    return OPERATOR_STAR.sub(r"\*", text)


def _joins(previous: str, line: str) -> bool:
    """Whether a soft line break between these lines is Chinese's, with no space: a wide character on either
    side of it (``、`` then ``LBFGS``), not a break between two other words (Markdown shows that as a space),
    not a hard break (trailing spaces or a backslash), nor one that ends a heading or a table row or starts a
    block."""
    if not previous or not line or previous[-1].isspace() or line[0].isspace() or previous.endswith("\\"):
        return False
    if previous.lstrip().startswith(("#", "|")) or BLOCK_START.match(line):
        return False
    return bool(WIDE.match(previous[-1]) or WIDE.match(line[0]))


def _joined(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if out and _joins(out[-1], line):
            out[-1] += line
        else:
            out.append(line)
    return out


def _is_code_line(line: str, previous: str, in_block: bool) -> bool:
    """An indented code block's line: four spaces in, after a blank line or another code line."""
    return line.startswith("    ") and (in_block or not previous.strip())


def protect_operators(markdown: str) -> str:
    """Escape each ``*`` that sits between two operands, and join Chinese lines (a soft line break would show
    as a space), outside code blocks and code spans."""
    out: list[str] = []
    prose: list[str] = []
    fenced = in_block = False
    previous = ""

    def flush() -> None:
        parts = CODE_SPAN.split("\n".join(_joined(prose)))
        out.extend(
            "".join(part if i % 2 else _prose(part) for i, part in enumerate(parts)).split("\n") if prose else []
        )
        prose.clear()

    for line in markdown.split("\n"):
        fence = line.lstrip().startswith(("```", "~~~"))
        in_block = not fenced and _is_code_line(line, previous, in_block) or (in_block and not line.strip())
        if fence or fenced or in_block:
            flush()
            out.append(line)
            fenced ^= fence
        else:
            prose.append(line)
        previous = line
    flush()
    return "\n".join(out)


def as_markdown(notes: str) -> str:
    """A docstring as Markdown: its first line (the summary) becomes the heading."""
    first, _, rest = notes.strip().partition("\n")
    if not first or first.startswith("#"):
        return protect_operators(notes) if notes else NO_NOTES
    return protect_operators(f"## {first.strip()}\n{rest}")


class NotesPanel(SafePanel, VerticalScroll):
    def __init__(self, notes: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.notes = notes  # the text to show
        self._hint: str | None = None  # Markdown shown instead of notes (the picker's filter matched nothing)
        self._shown: str | None = None  # the text the Markdown holds

    def compose(self) -> ComposeResult:
        yield NotesMarkdown()

    def set_notes(self, notes: str) -> None:
        self.notes = localized_notes(notes)  # a built-in lesson's notes, in the chosen language
        self._hint = None
        if self.is_mounted and self.is_on_screen:
            self._render_notes()

    def show_hint(self, markdown: str) -> None:
        """A line in place of any lesson's notes (until the next ``set_notes``)."""
        self.notes, self._hint = "", markdown
        if self.is_mounted and self.is_on_screen:
            self._render_notes()

    def on_show(self, event: events.Show) -> None:
        self._render_notes()

    def _render_notes(self) -> None:
        markdown = self._hint if self._hint is not None else as_markdown(self.notes)
        if self._shown != markdown:
            self._shown = markdown
            self.query_one(NotesMarkdown).update(markdown)
            self.scroll_home(animate=False)
