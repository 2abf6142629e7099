"""One line a person and a script can read: lesson │ state │ step N │ epoch N │ lr X │ loss Y │ Z steps/s
(``lr X (now Y)`` for a lesson that schedules its own rate: Y is the rate its latest step used; no lr for
a lesson without one; ``best loss Y`` for a lesson that reports a ``best_loss`` metric).

It is always one line and repaints without a relayout (a full layout per frame cost more than all the
training view's drawing). Where the fields don't fit, whole fields are left out by priority (the lesson's
name first, then the switches, the epoch …; the state, step and loss last): never a field cut mid-word.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from core.base.i18n import is_chinese, pick
from core.base.rate import format_rate
from core.driver.frames import Frame
from core.driver.records import LessonReady
from tui import formatting
from tui.widgets.safe_panel import SafePanel

SEPARATOR = " │ "
# Which fields go first where the line is too short: the higher, the sooner it is left out.
PRIORITY = {"lesson": 9, "flag": 7, "epoch": 6, "speed": 5, "lr": 4, "loss": 2, "step": 1, "state": 0}
STATE_STYLES = {
    "running": "bold green",
    "paused": "bold yellow",
    "finished": "bold cyan",
    "diverged": "bold red",
    "crashed": "bold red",
    "failed": "bold red",
    "loading": "italic",
    "needs data": "bold yellow",
}
STATE_ZH = {
    "running": "训练中",
    "paused": "已暂停",
    "finished": "已完成",
    "diverged": "已发散",
    "crashed": "已崩溃",
    "failed": "失败",
    "loading": "加载中",
    "needs data": "需要数据",
}


def state_word(state: str) -> str:
    """The run's state in the chosen language (the style still follows the English word)."""
    return STATE_ZH.get(str(state), str(state)) if is_chinese() else str(state)


def on_off(value: bool) -> str:
    return pick("on", "开") if value else pick("off", "关")


class StatusBar(SafePanel, Widget):
    """The run's state in words; ``show_speed=False`` leaves steps/s out (for reproducible screenshots).
    What it shows comes from the frames (``show``) and, once, from the loaded lesson (``lesson_ready``)."""

    DEFAULT_CSS = "StatusBar { height: 1; }"

    def __init__(self, lesson_id: str, *, show_speed: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lesson_id = lesson_id
        self.uses_lr = True  # False for a lesson with no learning rate (``Lesson(uses_lr=False)``): no lr shown
        self.schedules_lr = False  # the lesson sets its own rate from the base one: show the rate in use too
        self.show_speed = show_speed
        self.text = ""  # the plain text shown now, on one line
        self._fields: list[tuple[int, Text]] = []  # (priority, text), in the order shown
        self.show_loading()

    def render(self) -> Text:
        return self.fitted(self.content_region.width)

    def lesson_ready(self, ready: LessonReady) -> None:
        """The lesson is loaded: its name, and whether it has a learning rate and schedules it."""
        lesson = ready.lesson
        self.lesson_id, self.uses_lr, self.schedules_lr = lesson.id, lesson.uses_lr, lesson.schedules_lr

    def show_loading(self, what: str | None = None) -> None:
        what = what or pick("loading torch…", "正在加载 torch…")
        self._set([("lesson", Text(self.lesson_id, "bold")), ("state", Text(what, STATE_STYLES["loading"]))])

    def show(self, frame: Frame, flags: dict[str, bool] | None = None) -> None:
        if frame.state in ("loading", "failed"):
            self.show_loading(
                pick("could not start", "无法启动") if frame.state == "failed" else pick("loading…", "加载中…")
            )
            return
        fields = [
            ("lesson", Text(self.lesson_id, "bold")),
            ("state", Text(state_word(frame.state), STATE_STYLES.get(frame.state, ""))),
            ("step", Text(pick(f"step {frame.step}", f"第 {frame.step} 步"))),
            ("epoch", Text(pick(f"epoch {frame.epoch}", f"第 {frame.epoch} 轮"))),
        ]
        if self.uses_lr:
            fields.append(("lr", Text(self._lr(frame))))
        fields.append(("loss", Text(loss_text(frame))))
        if self.show_speed:
            fields.append(("speed", Text(format_rate(frame.steps_per_s).replace("steps/s", pick("steps/s", "步/秒")))))
        for name, value in (flags or {}).items():
            fields.append(("flag", Text(f"{name} {on_off(value)}", "" if value else "bold magenta")))
        self._set(fields)

    def _lr(self, frame: Frame) -> str:
        """``lr 0.003``; for a lesson that schedules its rate, the rate of its latest step too (the
        ``lr_now`` metric its STEP events carry) where it differs: ``lr 0.003 (now 0.0003)``."""
        text = f"lr {formatting.lr(frame.lr)}"
        scheduled = frame.metrics.get("lr_now") if self.schedules_lr else None
        if isinstance(scheduled, (int, float)) and not isinstance(scheduled, bool):
            now = formatting.number(scheduled, 2)
            if now != formatting.number(frame.lr, 2):  # (before the schedule lowers it: "lr 0.1", not "(now 0.1)")
                text += pick(f" (now {now})", f"（当前 {now}）")
        return text

    def _set(self, fields: list[tuple[str, Text]]) -> None:
        plain = SEPARATOR.join(text.plain for _, text in fields)
        if plain != self.text:  # the styles follow from the words
            self.text, self._fields = plain, [(PRIORITY[kind], text) for kind, text in fields]
            self.refresh()

    def fitted(self, width: int) -> Text:
        """The fields that fit in ``width`` cells, joined by separators: the lowest-priority whole fields
        left out first (one field alone is cropped rather than hidden)."""
        kept = list(self._fields)
        while len(kept) > 1 and width > 0 and joined_width(kept) > width:
            kept.remove(max(kept, key=lambda field: field[0]))
        text = Text(no_wrap=True, overflow="crop", end="")
        for index, (_, field) in enumerate(kept):
            if index:
                text.append(SEPARATOR)
            text.append_text(field)
        return text


def loss_text(frame: Frame) -> str:
    """``loss 0.42``; ``best loss 0`` for a lesson that reports a ``best_loss`` metric (a search, where
    the latest candidate's loss says little)."""
    best = frame.metrics.get("best_loss")
    if isinstance(best, (int, float)) and not isinstance(best, bool):
        return pick("best loss ", "最佳损失 ") + formatting.number(best)
    return pick("loss ", "损失 ") + formatting.number(frame.loss)


def joined_width(fields: list[tuple[int, Text]]) -> int:
    return sum(text.cell_len for _, text in fields) + len(SEPARATOR) * (len(fields) - 1)
