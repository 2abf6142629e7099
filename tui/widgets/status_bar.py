"""One line a person and a script can read: lesson │ state │ step N │ epoch N │ lr X │ loss Y │ Z steps/s.

It repaints without a relayout (a full layout per frame cost more than all the training view's
drawing); only when the text stops fitting on one line does it grow to two (and back).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget

from tui import formatting
from tui.worker_messages import Frame

SEPARATOR = " │ "
STATE_STYLES = {"running": "bold green", "paused": "bold yellow", "finished": "bold cyan",
                "diverged": "bold red", "crashed": "bold red", "failed": "bold red", "loading": "italic"}


class StatusBar(Widget):
    """The run's state in words; ``show_speed=False`` leaves steps/s out (for reproducible screenshots)."""

    DEFAULT_CSS = "StatusBar { height: 1; }"

    def __init__(self, lesson_id: str, *, show_speed: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lesson_id = lesson_id
        self.show_speed = show_speed
        self.text = ""  # the plain text shown now
        self._rich = Text()
        self.show_loading()

    def render(self) -> Text:
        return self._rich

    def show_loading(self, what: str = "loading torch…") -> None:
        self._set(Text.assemble((self.lesson_id, "bold"), SEPARATOR, (what, STATE_STYLES["loading"])))

    def show(self, frame: Frame, flags: dict[str, bool] | None = None) -> None:
        if frame.state in ("loading", "failed"):
            self.show_loading("could not start" if frame.state == "failed" else "loading…")
            return
        parts: list = [(self.lesson_id, "bold"), SEPARATOR, (frame.state, STATE_STYLES.get(frame.state, "")),
                       SEPARATOR, f"step {frame.step}", SEPARATOR, f"epoch {frame.epoch}", SEPARATOR,
                       f"lr {formatting.lr(frame.lr)}", SEPARATOR, f"loss {formatting.number(frame.loss)}"]
        if self.show_speed:
            parts += [SEPARATOR, formatting.rate(frame.steps_per_s)]
        for name, value in (flags or {}).items():
            parts += [SEPARATOR, (f"{name} {'on' if value else 'off'}", "" if value else "bold magenta")]
        self._set(Text.assemble(*parts))

    def _set(self, text: Text) -> None:
        if text.plain != self.text:  # the styles follow from the words
            self.text = text.plain
            self._rich = text
            self._fit()
            self.refresh()

    def _fit(self) -> None:
        width = self.content_region.width
        lines = 1 if width <= 0 or self._rich.cell_len <= width else 2
        if self.styles.height is None or self.styles.height.value != lines:
            self.styles.height = lines

    def on_resize(self, event: events.Resize) -> None:
        self._fit()
