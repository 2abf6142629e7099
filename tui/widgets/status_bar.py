"""One line a person and a script can read: lesson │ state │ step N │ epoch N │ lr X │ loss Y │ Z steps/s
(``lr X (now Y)`` for a lesson that schedules its own rate: Y is the rate its latest step used).

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
        self.schedules_lr = False  # the lesson sets its own rate from the base one: show the rate in use too
        self.show_speed = show_speed
        self.text = ""  # the plain text shown now, on one line
        self._fields: list[Text] = []
        self.show_loading()

    def render(self) -> Text:
        return self._lines(self.content_region.width)

    def show_loading(self, what: str = "loading torch…") -> None:
        self._set([Text(self.lesson_id, "bold"), Text(what, STATE_STYLES["loading"])])

    def show(self, frame: Frame, flags: dict[str, bool] | None = None) -> None:
        if frame.state in ("loading", "failed"):
            self.show_loading("could not start" if frame.state == "failed" else "loading…")
            return
        fields = [Text(self.lesson_id, "bold"), Text(frame.state, STATE_STYLES.get(frame.state, "")),
                  Text(f"step {frame.step}"), Text(f"epoch {frame.epoch}"), Text(self._lr(frame)),
                  Text(f"loss {formatting.number(frame.loss)}")]
        if self.show_speed:
            fields.append(Text(formatting.rate(frame.steps_per_s)))
        for name, value in (flags or {}).items():
            fields.append(Text(f"{name} {'on' if value else 'off'}", "" if value else "bold magenta"))
        self._set(fields)

    def _lr(self, frame: Frame) -> str:
        """``lr 0.003``; for a lesson that schedules its rate, the rate of its latest step too (the
        ``lr_now`` metric its STEP events carry): ``lr 0.003 (now 0.0003)``."""
        text = f"lr {formatting.lr(frame.lr)}"
        scheduled = frame.metrics.get("lr_now") if self.schedules_lr else None
        if isinstance(scheduled, (int, float)) and not isinstance(scheduled, bool):
            text += f" (now {formatting.number(scheduled, 2)})"
        return text

    def _set(self, fields: list[Text]) -> None:
        plain = SEPARATOR.join(field.plain for field in fields)
        if plain != self.text:  # the styles follow from the words
            self.text, self._fields = plain, fields
            self._fit()
            self.refresh()

    def _lines(self, width: int) -> Text:
        """The fields joined by separators; where they don't fit in ``width``, a line break between two fields."""
        text, line = Text(no_wrap=True, overflow="ellipsis"), 0
        for index, field in enumerate(self._fields):
            if index:
                if width > 0 and line + len(SEPARATOR) + field.cell_len > width:
                    text.append(" │\n")
                    line = 0
                else:
                    text.append(SEPARATOR)
                    line += len(SEPARATOR)
            text.append_text(field)
            line += field.cell_len
        return text

    def _fit(self) -> None:
        lines = min(len(self._lines(self.content_region.width).plain.splitlines()) or 1, 2)
        if self.styles.height is None or self.styles.height.value != lines:
            self.styles.height = lines

    def on_resize(self, event: events.Resize) -> None:
        self._fit()
