"""The keys at the bottom of the training view, dimmed while they don't apply (``check_action``); click one
to press it.

A stand-in for Textual's Footer: the Footer rebuilds a widget per key whenever the bindings change (every
run/pause), which cost training speed; this one only repaints its text. Entries that don't fit on one line
wrap onto the next (an entry is never split), so every key stays on screen; the bar's height changes only
when its number of lines does (a resize, or the lesson's keys arriving), never on a run/pause.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget


class Entry(NamedTuple):
    key: str  # the key name to press when clicked
    display: str  # the key as shown ("^s", "?")
    description: str
    enabled: bool

    @property
    def width(self) -> int:
        return cell_len(f" {self.display} {self.description} ")


def pack(widths: list[int], room: int) -> list[list[int]]:
    """Indices of the entries on each line: as many whole entries per line as fit in ``room`` columns
    (an entry wider than a line gets a line of its own, cropped)."""
    lines: list[list[int]] = [[]]
    used = 0
    for index, width in enumerate(widths):
        if lines[-1] and room > 0 and used + width > room:
            lines.append([])
            used = 0
        lines[-1].append(index)
        used += width
    return lines


def shown_bindings(screen) -> list[tuple[str, Binding, bool]]:
    """(key, binding, enabled) for each key a footer shows on ``screen``: bindings with ``show`` and a
    description that ``check_action`` does not hide (False), one per action ("+" and "=" both raise the
    learning rate). The help screen lists the same keys."""
    shown, seen = [], set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.show or not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        shown.append((key, binding, active.enabled))
    return shown


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--dimmed"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._spans: list[list[tuple[int, int, str]]] = []  # per line: (start, end, key), for clicks
        self.shown: list[tuple[str, str, bool]] = []  # (key as shown, description, enabled), for tests
        self.lines = 1  # lines the entries take at the current width

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self._bindings_changed())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _entries(self) -> list[Entry]:
        return [Entry(key, self.app.get_key_display(binding), binding.description, enabled)
                for key, binding, enabled in shown_bindings(self.screen)]

    def _bindings_changed(self) -> None:
        self._fit()
        self.refresh()

    def _fit(self) -> None:
        """Grow or shrink to the number of lines the entries take (a relayout only when that changes)."""
        self.lines = len(pack([entry.width for entry in self._entries()], self.size.width))
        if self.styles.height is None or self.styles.height.value != self.lines:
            self.styles.height = self.lines

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        dimmed = self.get_component_rich_style("key-bar--dimmed")
        entries = self._entries()
        text, spans = Text(no_wrap=True, overflow="crop"), []
        for number, line in enumerate(pack([entry.width for entry in entries], self.size.width)):
            if number:
                text.append("\n")
            line_start, line_spans = text.cell_len, []
            for entry in (entries[index] for index in line):
                start = text.cell_len - line_start
                text.append(f" {entry.display} ", key_style if entry.enabled else dimmed + Style(bold=True))
                text.append(f"{entry.description} ", Style() if entry.enabled else dimmed)
                line_spans.append((start, text.cell_len - line_start, entry.key))
            spans.append(line_spans)
        self._spans = spans
        self.shown = [(entry.display, entry.description, entry.enabled) for entry in entries]
        return text

    def on_click(self, event: events.Click) -> None:
        if not 0 <= event.y < len(self._spans):
            return
        for start, end, key in self._spans[event.y]:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
