"""The keys at the bottom of the training view, made from the screen's key table (``tui/keys.py``): dimmed
while they don't apply, left out where the lesson has no use for them; then the focused panel's own keys
(a gallery's arrows). Click one to press it.

A stand-in for Textual's Footer: the Footer rebuilds a widget per key whenever the bindings change (every
run/pause), which cost training speed; this one only repaints its text. It is always one line: the keys
that fit, in the table's order, then ``? more keys`` where some were left out (the help screen lists them
all), so a short terminal keeps its rows for the charts. An entry is never split.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from core.base.i18n import pick
from tui.keys import Key, label_of


class Entry(NamedTuple):
    key: str  # the key name to press when clicked
    display: str  # the key as shown ("^s", "?")
    description: str
    enabled: bool

    @property
    def width(self) -> int:
        return cell_len(f" {self.display} {self.description} ")


HELP_KEY = "question_mark"


def one_line(entries: list[Entry], room: int) -> list[Entry]:
    """The entries to show on one line of ``room`` cells: all of them where they fit; otherwise the first
    ones, in order, that fit beside the help key, which comes last and says there are more keys."""
    if room <= 0 or sum(entry.width for entry in entries) <= room:
        return entries
    help_entry = next((entry for entry in entries if entry.key == HELP_KEY), None)
    if help_entry is None:
        return entries[:1]
    more = help_entry._replace(description=pick("more keys", "更多按键"))
    shown, used = [], more.width
    for entry in entries:
        if entry is help_entry:
            continue
        if used + entry.width > room:
            break
        shown.append(entry)
        used += entry.width
    return shown + [more]


def panel_bindings(screen: Screen) -> list[tuple[Binding, bool]]:
    """(binding, enabled) for the keys of the focused panel and its containers that a footer would show (a
    description, ``show``), one per action: keys a widget brings along, outside the screen's own table."""
    shown, seen = [], set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if active.node in (screen, screen.app) or not binding.show or not binding.description:
            continue
        if binding.action not in seen:
            seen.add(binding.action)
            shown.append((binding, active.enabled))
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

    def __init__(self, keys: Callable[[], list[tuple[Key, bool]]], **kwargs) -> None:
        """``keys()``: the screen's keys to show now, in order, each with whether it applies (else dimmed)."""
        super().__init__(**kwargs)
        self._keys = keys
        self._spans: list[list[tuple[int, int, str]]] = []  # [[(start, end, key)]]: the one line, for clicks
        self.shown: list[tuple[str, str, bool]] = []  # (key as shown, description, enabled): every key, for tests
        self.on_bar: list[str] = []  # the key names on the line now (the rest are behind "?")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self._bindings_changed())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _entries(self) -> list[Entry]:
        display = self.app.get_key_display
        entries = [Entry(key.first, display(key.binding), key.shown_label, enabled) for key, enabled in self._keys()]
        return entries + [
            Entry(binding.key.split(",")[0], display(binding), label_of(binding.action, binding.description), enabled)
            for binding, enabled in panel_bindings(self.screen)
        ]

    def _bindings_changed(self) -> None:
        self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        dimmed = self.get_component_rich_style("key-bar--dimmed")
        entries = self._entries()
        text, spans = Text(no_wrap=True, overflow="crop", end=""), []
        for entry in one_line(entries, self.size.width):
            start = text.cell_len
            text.append(f" {entry.display} ", key_style if entry.enabled else dimmed + Style(bold=True))
            text.append(f"{entry.description} ", Style() if entry.enabled else dimmed)
            spans.append((start, text.cell_len, entry.key))
        self._spans = [spans]
        self.shown = [(entry.display, entry.description, entry.enabled) for entry in entries]
        self.on_bar = [key for _, _, key in spans]
        return text

    def on_click(self, event: events.Click) -> None:
        if not 0 <= event.y < len(self._spans):
            return
        for start, end, key in self._spans[event.y]:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
