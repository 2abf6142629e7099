"""The keys at the bottom of the training view, dimmed while they don't apply (``check_action``); click one
to press it.

A one-line stand-in for Textual's Footer: the Footer rebuilds a widget per key whenever the bindings
change (every run/pause), which cost training speed; this one only repaints its line.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget


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
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) for clicks
        self.shown: list[tuple[str, str, bool]] = []  # (key as shown, description, enabled), for tests

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        dimmed = self.get_component_rich_style("key-bar--dimmed")
        text, spans, shown, seen = Text(no_wrap=True, overflow="crop"), [], [], set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue  # (one entry per action: "+" and "=" both raise the learning rate)
            seen.add(binding.action)
            display = self.app.get_key_display(binding)
            start = text.cell_len
            text.append(f" {display} ", key_style if active.enabled else dimmed + Style(bold=True))
            text.append(f"{binding.description} ", Style() if active.enabled else dimmed)
            spans.append((start, text.cell_len, key))
            shown.append((display, binding.description, active.enabled))
        self._spans, self.shown = spans, shown
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
