"""The options form's fields (``lesson_form.py``): one ``Field`` per setting, its name, the widget that edits it,
what it takes in words, and the error of the last check.

``option_field`` makes a lesson ``Option``'s (a choice, a switch or a text input); ``run_fields`` the run's learning
rate, seed and budget, optional (empty: the lesson's own). Values are checked as on the command line
(``Option.parse``, ``parse_lr``, ``parse_seed``, ``parse_count``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static, Switch

from core.base.i18n import is_chinese, option_help, pick
from core.base.parse import parse_count, parse_lr, parse_seed
from core.errors import LearnTuiError

if TYPE_CHECKING:
    from core.base.settings import RunSettings
    from core.lesson import Lesson, Option


RANGE_ZH = (("at least ", "至少 "), ("at most ", "至多 "), (" to ", " 到 "))  # Option.describe_range's words


def kind(option: Option) -> str:
    """What the option takes, in words: ``a whole number, at least 1 · live``."""
    if option.choices is not None:
        choices = ", ".join(str(choice) for choice in option.choices)
        text = pick(f"one of {choices}", f"{choices} 之一")
    elif isinstance(option.default, bool):
        text = pick("on or off", "开或关")
    elif isinstance(option.default, int):
        text = pick("a whole number", "整数")
    elif isinstance(option.default, float):
        text = pick("a number", "数字")
    else:
        text = pick("text", "文本")
    if option.describe_range:
        described = option.describe_range
        for english, chinese in RANGE_ZH if is_chinese() else ():
            described = described.replace(english, chinese)
        text += f", {described}"
    return text + (pick(" · live: can change while training", " · 可在训练中修改") if option.live else "")


class Field(Vertical):
    """One setting: its name, the widget that edits it, what it takes, and the error of the last check."""

    def __init__(
        self, name: str, control: Input | Select[Any] | Switch, about: str, parse: Callable[[Any], Any], note: str = ""
    ) -> None:
        super().__init__(id=f"field-{name}", classes="form-field")
        self.setting = name
        self.control = control
        self.about = about
        self.parse = parse
        self.note = note  # shown in full above the field (a data error above the data folder)
        self.error = ""

    def compose(self) -> ComposeResult:
        if self.note:
            yield Static(Text(self.note), classes="form-note")
        with Horizontal(classes="form-row"):
            yield Label(Text(self.setting, "bold"), classes="form-name")
            yield self.control
        yield Static(Text(self.about, "dim"), classes="form-about")
        error = Static("", classes="form-error")
        error.display = False
        yield error

    def read(self) -> Any:
        """The checked value (``UsageError`` when refused); the error is shown under the field."""
        try:
            value = self.parse(self.control.value)
        except LearnTuiError as exc:
            self.show_error(str(exc))
            raise
        self.show_error("")
        return value

    def show_error(self, text: str) -> None:
        self.error = text
        line = self.query_one(".form-error", Static)
        line.update(Text(text))
        line.display = bool(text)


def option_field(option: Option, value: Any, note: str = "", lesson_id: str = "") -> Field:
    """A field for one lesson option, showing ``value`` (text from the command line, or typed)."""
    try:
        value = option.parse(value)
    except LearnTuiError:
        value = option.default
    if option.choices is not None:
        choices = [(str(choice), choice) for choice in option.choices]
        control: Input | Select[Any] | Switch = Select(choices, value=value, allow_blank=False, compact=True)
    elif isinstance(option.default, bool):
        control = Switch(bool(value), animate=False)
    else:
        placeholder = (
            pick(
                "empty: $LEARN_TUI_DATA, else ~/.local/share/learn-tui",
                "留空：$LEARN_TUI_DATA，否则 ~/.local/share/learn-tui",
            )
            if option.name == "data_dir"
            else ""
        )
        control = Input(str(value), placeholder=placeholder, compact=True)
    about = f"{option.flag}: {kind(option)} · {option_help(lesson_id, option)}"
    return Field(option.name, control, about, option.parse, note)


def optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """Empty text is None (the lesson's own value); anything else goes through ``parse``."""
    return lambda text: parse(text) if text.strip() else None


def run_fields(lesson: Lesson, settings: RunSettings) -> list[Field]:
    """The learning rate, the seed and the budget: optional, empty for the lesson's own."""
    budget = (
        pick(f"{lesson.epochs} epochs", f"{lesson.epochs} 轮")
        if lesson.epochs is not None
        else pick(f"{lesson.steps} steps", f"{lesson.steps} 步")
        if lesson.steps is not None
        else pick("until the loop ends", "直到循环结束")
    )
    own = pick(f"the lesson's: {budget}", f"本课默认：{budget}")

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return [
        Field(
            "lr",
            Input(
                text(settings.lr),
                placeholder=pick(f"{lesson.lr:g} (the lesson's)", f"{lesson.lr:g}（本课默认）"),
                compact=True,
            ),
            pick("--lr: the learning rate, a positive number such as 0.01", "--lr：学习率，一个正数，如 0.01"),
            optional(parse_lr),
        ),
        Field(
            "seed",
            Input(str(settings.seed), compact=True),
            pick("--seed: the random seed, a whole number", "--seed：随机种子，一个整数"),
            parse_seed,
        ),
        Field(
            "steps",
            Input(text(settings.steps), placeholder=own, compact=True),
            pick(
                "--steps: stop after this many steps (batches) in all; or give epochs",
                "--steps：总共走这么多步（批量）后停止；或给出 epochs",
            ),
            optional(lambda value: parse_count(value, "--steps")),
        ),
        Field(
            "epochs",
            Input(text(settings.epochs), placeholder=own, compact=True),
            pick(
                "--epochs: stop after this many epochs in all; or give steps",
                "--epochs：总共训练这么多轮后停止；或给出 steps",
            ),
            optional(lambda value: parse_count(value, "--epochs")),
        ),
    ]
