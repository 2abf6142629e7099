"""``C`` in a training view: which option to compare (or the learning rate) and which values, for the lesson
that is open; the values are checked as ``--compare`` checks them (``core/front/compare_args.py``: the option's
own ``Option.parse``, then each variant's options together), a bad one said under the field. Accepted, the app
opens the compare view in place of this one (``CompareChosen``, handled by ``tui/app.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Select, Static

from core.base.i18n import pick
from core.base.settings import RunSettings
from core.errors import LearnTuiError
from core.front.compare_args import MAX_SIDE_BY_SIDE, Variant, side_by_side, suggested_values

if TYPE_CHECKING:
    from core.lesson import Lesson


@dataclass
class CompareChosen(Message):
    """The learner chose a comparison in ``screen``: the app opens it there."""

    screen: Screen
    lesson: Lesson
    base: RunSettings
    variants: list[Variant]


def comparable(lesson: Lesson) -> list[str]:
    """What a comparison can vary: the learning rate (when the lesson has one), then each option."""
    return (["lr"] if lesson.uses_lr else []) + [option.name for option in lesson.options]


class CompareForm(ModalScreen[list[Variant] | None]):
    DEFAULT_CSS = """
    CompareForm { align: center middle; }
    CompareForm #compare-error { height: auto; color: $error; text-style: bold; }
    CompareForm #compare-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, lesson: Lesson, base: RunSettings, current: dict[str, Any]) -> None:
        """``base``: what every variant shares; ``current``: the run's values now (the field starts from them)."""
        super().__init__()
        self.lesson, self.base, self.current = lesson, base, current
        names = comparable(lesson)
        self.option_name = "optimizer" if "optimizer" in names else names[0]
        self.error = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(pick(f"Compare runs of {self.lesson.id} side by side", f"并排比较 {self.lesson.id} 的几次训练"))
            yield Select(
                [(name, name) for name in comparable(self.lesson)],
                value=self.option_name,
                allow_blank=False,
                id="compare-name",
            )
            yield Input(self._suggested(), id="compare-values", select_on_focus=False)
            yield Static("", id="compare-error")
            yield Static(
                pick(
                    f"values separated by commas (2 to {MAX_SIDE_BY_SIDE}), each its own run from the same seed · "
                    "enter: compare · escape: cancel",
                    f"用逗号分隔的值（2 到 {MAX_SIDE_BY_SIDE} 个），每个值从同一个随机种子各训练一次 · "
                    "enter：比较 · escape：取消",
                ),
                id="compare-hint",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _suggested(self) -> str:
        return suggested_values(self.lesson, self.option_name, self.current.get(self.option_name))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.option_name:
            self.option_name = event.value
            self.query_one(Input).value = self._suggested()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            chosen = side_by_side(self.lesson, self.option_name, event.value, self.base.options, self.base.lr)
        except LearnTuiError as exc:
            self.error = str(exc)
            self.query_one("#compare-error", Static).update(Text(self.error))
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_compare(screen: Any) -> None:
    """Open the form for ``screen``'s lesson (a training or compare view: its ``compare_base()`` is shared)."""
    lesson = screen.lesson
    if lesson is None:
        screen.notify(pick("the lesson is still loading", "课程还在加载"), severity="warning")
        return
    if not comparable(lesson):
        screen.notify(
            pick(f"{lesson.id} has no learning rate nor options to compare", f"{lesson.id} 没有可比较的学习率或选项"),
            severity="warning",
        )
        return
    base = screen.compare_base()
    frame = screen.frame
    current = {**(dict(frame.options) if frame is not None else {}), "lr": frame.lr if frame is not None else None}

    def chosen(variants: list[Variant] | None) -> None:
        if variants:
            screen.post_message(CompareChosen(screen, lesson, base, variants))

    screen.app.push_screen(CompareForm(lesson, base, current), chosen)
