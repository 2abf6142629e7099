"""The lesson's explanation (its module docstring) as Markdown, scrollable, in the chosen language.

The Markdown is built when the panel is first shown (a hidden tab costs nothing at start-up). Maths
written as plain text stays as written: a ``*`` between two operands (``2*x1 + 2*x2``) is escaped, so
Markdown cannot read a pair of them as emphasis. Code blocks wrap their long lines: a narrow panel (the
picker's at 80 columns) shows them whole, as it does the prose.
"""

from __future__ import annotations

import re
import unicodedata

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownFence

from core.base.linebreak import is_wide
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
BLOCK_START = re.compile(r"[-*+>#|=]|\d+[.)](\s|$)")  # a list item, a heading, a quote, a table row, an underline


def _prose(text: str) -> str:
    return OPERATOR_STAR.sub(r"\*", text)


def _wide_mark(char: str) -> bool:
    """Chinese punctuation (、，。：（）「」…): no space beside it, whatever follows."""
    return is_wide(char) and unicodedata.category(char).startswith("P")


def _joins(previous: str, line: str) -> bool:
    """Whether a soft line break between these lines is Chinese's, with no space: between two Chinese characters,
    or beside Chinese punctuation (``、`` then ``LBFGS``). Between Chinese and a Latin word (``每个`` then ``epoch``)
    it stays a space, as Markdown shows any other soft break; so does a hard break (trailing spaces or a
    backslash), one that ends a heading or a table row, or one that starts a block."""
    if not previous or not line or previous[-1].isspace() or line[0].isspace() or previous.endswith("\\"):
        return False
    if previous.lstrip().startswith(("#", "|")) or BLOCK_START.match(line):
        return False
    before, after = previous[-1], line[0]
    return (is_wide(before) and is_wide(after)) or _wide_mark(before) or _wide_mark(after)


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
