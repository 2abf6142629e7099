"""The lesson's source with the line of the latest ``yield`` highlighted, and the lines that ran before it dimly.

Stepping one phase at a time walks the highlight through forward → loss → backward → update → zero_grad in
the lesson's real code; while training, the highlight follows the loop at the frame rate. The source is
highlighted once; a new line repaints only the lines whose highlight changed (``refresh_lines``).

A lesson opens on its loop (``tui.code_lines``). Where the layout lets the panel choose its
width (``width: auto`` in ``screens/training.tcss``), it asks for the width of its loop's code, so that the
loop's lines show whole.
"""

from __future__ import annotations

from pathlib import Path

from rich.segment import Segment
from rich.syntax import Syntax
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from core.base.i18n import pick
from tui.code_lines import LoopSpans
from tui.widgets.safe_panel import SafePanel


class CodePanel(SafePanel, ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"code-panel--current", "code-panel--ran", "code-panel--gutter"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._lines: list[Strip] = []
        self._loops = LoopSpans("")
        self._gutter = 0
        self._home: int | None = None  # the top line set_source scrolled to (-1: not yet), until a line is shown
        self.current = 0  # 1-based line of the latest yield; 0 = none
        self.ran: frozenset[int] = frozenset()
        self._line_styles: dict = {}
        self.border_title = pick("code", "代码")

    def set_source(self, path: str, text: str | None = None) -> None:
        """Show a lesson file (or ``text``, e.g. an error, when the file can't be read)."""
        if text is None:
            try:
                text = Path(path).read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                text = f"# could not read {path}: {exc.strerror}"
        self._loops = LoopSpans(text)
        syntax = Syntax(text, "python", theme="ansi_dark")
        highlighted = syntax.highlight(text)
        highlighted.style = ""
        lines = highlighted.split("\n", allow_blank=True)
        if lines and not lines[-1].plain and len(lines) > 1:
            lines.pop()
        self._gutter = len(str(len(lines))) + 2
        console = self.app.console
        self._lines = [Strip(list(line.render(console, end="")), line.cell_len) for line in lines]
        width = max((strip.cell_length for strip in self._lines), default=0) + self._gutter
        self.virtual_size = Size(width, len(self._lines))
        self.border_title = Path(path).name if path else pick("code", "代码")
        self.refresh(layout=True)  # (the panel's width may follow its loop's)
        if self.current == 0:  # nothing ran yet: show the loop, once the panel's height is known
            self._home = -1
            self._go_home()
            self.call_after_refresh(self._go_home)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """For ``width: auto``: the gutter and the loop's code (every line of the loop whole, comments aside)."""
        widest = self._loops.loop_width or max((strip.cell_length for strip in self._lines), default=0)
        scrollbar = 0 if self.show_vertical_scrollbar else self.styles.scrollbar_size_vertical  # (Textual adds it)
        return self._gutter + widest + scrollbar

    def _go_home(self) -> None:
        """Scroll to the lesson's loop, its head a line from the top, with its first yield in view (when the
        first yield comes before the loop, or the loop is too tall for it, around that yield)."""
        height = self.scrollable_content_region.height
        if self.current != 0 or self._home is None or height <= 0:
            return
        self.scroll_to(y=self._home_top(height), animate=False, immediate=True)
        self._home = int(self.scroll_offset.y)

    def _home_top(self, height: int) -> int:
        loops = self._loops
        top = max(loops.main_loop[0] - 2, 0) if loops.main_loop else 0
        target = loops.first_yield - 1
        if target >= 0 and not top <= target < top + height - min(3, height // 4):
            top = max(target - height // 3, 0)
        return top

    def show_line(self, line: int, prev_line: int = 0, *, title: str = "") -> None:
        """Highlight ``line`` (0: none) and dimly the lines that ran since the yield on ``prev_line``. Cheap
        enough for every frame of a running loop: only the lines whose highlight changed are repainted."""
        ran = frozenset(self._loops.ran_between(prev_line, line))
        if title != self.border_subtitle:
            self.border_subtitle = title
        if line == self.current and ran == self.ran:
            return
        changed = (self.ran ^ ran) | {self.current, line}
        self.current, self.ran = line, ran
        if self._home != -1:  # (-1: the loop is not placed yet, the panel had no height: _keep_visible places it)
            self._home = None
        top = self.scroll_offset.y
        if line > 0:
            self._keep_visible(line - 1)
        if self.scroll_offset.y != top:
            return  # (scrolling repaints the whole panel)
        for number in sorted(changed - {0}):
            self.refresh_lines(number - 1)

    def on_resize(self, event: events.Resize) -> None:
        """A smaller panel must still show the line that just ran (after the new size is laid out); before
        any line ran, the loop (unless the learner scrolled elsewhere)."""
        if self.current > 0:
            self.call_after_refresh(self._keep_current_visible)

    def _keep_current_visible(self) -> None:
        if self.current > 0:  # (it may have gone back to 0 before the refresh)
            self._keep_visible(self.current - 1)
        elif self._home is not None and self._home in (-1, int(self.scroll_offset.y)):
            self.call_after_refresh(self._go_home)

    def _keep_visible(self, index: int) -> None:
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        if height <= 0:
            return
        if self._home == -1:  # a line ran before the loop was placed: place it first, so where the panel ends
            top = self._home_top(height)  # up depends on the lines shown, not on when its height was known
            self.scroll_to(y=top, animate=False, immediate=True)
            self._home = None
        margin = min(3, height // 4)
        # As little as keeps ``margin`` lines around it (an editor's scrolloff): where the panel ends up after a
        # step then depends on its last line, not on which of the lines before it the frame rate let through.
        if index < top + margin:
            self.scroll_to(y=max(0, index - margin), animate=False, immediate=True)
        elif index >= top + height - margin:
            self.scroll_to(y=index - height + margin + 1, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        number = index + 1
        marker = "▶" if number == self.current else " "
        gutter = Segment(f"{number:>{self._gutter - 2}}{marker} ", self._style("code-panel--gutter"))
        code_width = max(width - self._gutter, 0)  # the gutter stays put; only the code scrolls sideways
        code = self._lines[index].extend_cell_length(scroll_x + code_width).crop(scroll_x, scroll_x + code_width)
        strip = (
            Strip([gutter, *code], self._gutter + code_width)
            if width >= self._gutter
            else (Strip([gutter], self._gutter).crop(0, width))
        )
        if number == self.current:
            strip = strip.apply_style(self._style("code-panel--current"))
        elif number in self.ran:
            strip = strip.apply_style(self._style("code-panel--ran"))
        return strip.apply_style(base)

    def _style(self, component: str):
        """A component class's style, looked up once per CSS/theme change (render_line runs per visible line)."""
        style = self._line_styles.get(component)
        if style is None:
            style = self._line_styles[component] = self.get_component_rich_style(component)
        return style

    def notify_style_update(self) -> None:
        self._line_styles = {}
        super().notify_style_update()

    def line_text(self, number: int) -> str:
        """The plain text of a 1-based source line (for tests and the help screen)."""
        if 1 <= number <= len(self._lines):
            return "".join(segment.text for segment in self._lines[number - 1])
        return ""
