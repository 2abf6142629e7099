"""The lesson's live options (key ``O``): each with its value now, its type or choices and its help.

Enter (or a click) on an option changes it: a switch turns on or off, a choice moves to the next one, a
number or a text is typed and checked as on the command line (``Option.parse``). The new value goes to the
training driver, which checks it again with the run (``Option.parse(value, run)``: a prompt's characters in
the run's text), applies it between two events and answers (``RequestDone``); a refused value is shown under
the list and the dialog stays open, as in the learning-rate dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option as Row

from core.base.i18n import option_help, pick
from core.driver.records import option_word
from core.errors import LearnTuiError
from tui.driver.messages import RequestDone
from tui.screens import DIALOG_STYLES

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from core.lesson import Option


def list_hint() -> str:
    return pick("enter: change the highlighted option · escape: close", "enter：修改选中的选项 · escape：关闭")


def edit_hint() -> str:
    return pick("enter: set · escape: back to the list", "enter：设置 · escape：回到列表")


def kind(option: Option) -> str:
    """What the option takes, and what enter does to it."""
    if option.choices is not None:
        choices = ", ".join(str(choice) for choice in option.choices)
        return pick(f"one of {choices} · enter: the next one", f"{choices} 之一 · enter：下一个")
    if isinstance(option.default, bool):
        return pick("on or off · enter: switch", "开或关 · enter：切换")
    if isinstance(option.default, int):
        return pick("a whole number · enter: type one", "整数 · enter：输入")
    if isinstance(option.default, float):
        return pick("a number · enter: type one", "数字 · enter：输入")
    return pick("text · enter: type it", "文本 · enter：输入")


def value_word(value: Any) -> str:
    """An option's value as the form shows it: ``on``/``off`` (in the chosen language) for a switch."""
    if isinstance(value, bool):
        return pick("on", "开") if value else pick("off", "关")
    return option_word(value)


def typed(option: Option) -> bool:
    """Typed in (a number, a text) rather than switched or cycled."""
    return option.choices is None and not isinstance(option.default, bool)


class OptionsScreen(ModalScreen[None]):
    CSS_PATH = DIALOG_STYLES
    BINDINGS = [Binding("escape", "back", "Close")]

    def __init__(
        self,
        options: Sequence[Option],
        values: Mapping[str, Any],
        change: Callable[[str, Any, MessagePump], None],
        fixed: Sequence[Option] = (),
        lesson_id: str = "",
    ) -> None:
        """``options``: the live ones; ``values``: the run's values now; ``change(name, value, dialog)`` asks
        the driver (which answers this dialog); ``fixed``: the options a run cannot change, named at the end."""
        super().__init__()
        self.options = {option.name: option for option in options}
        self.values = dict(values)
        self.change = change
        self.lesson_id = lesson_id  # (a built-in lesson's option help in Chinese)
        self.fixed = fixed
        self.editing: Option | None = None  # the option being typed in
        self.asked: dict[str, Any] = {}  # option name -> the value asked for, until the driver answers
        self.error = ""  # the message shown under the list now

    def compose(self) -> ComposeResult:
        with Vertical(id="options-box", classes="dialog"):
            yield Label(
                pick("Options: they apply while the run goes on", "选项：修改后在训练中立即生效"), id="options-title"
            )
            yield OptionList(
                *(Row(self._row(option), id=name) for name, option in self.options.items()), id="options-list"
            )
            yield Input(id="options-input", select_on_focus=True)
            yield Static("", id="options-error")
            if self.fixed:
                names = ", ".join(option.flag for option in self.fixed)
                fixed = pick("Fixed for a run (give them on the command line): ", "每次运行固定（在命令行中给出）：")
                yield Static(fixed + names, id="options-fixed")
            yield Static(list_hint(), id="options-hint")

    def on_mount(self) -> None:
        self.query_one(Input).display = False
        rows = self.query_one(OptionList)
        rows.highlighted = 0 if self.options else None
        rows.focus()

    def _row(self, option: Option) -> Text:
        value = value_word(self.values.get(option.name, option.default))
        return Text.assemble(
            (option.name, "bold"),
            "  ",
            (value, "bold cyan"),
            "  ",
            (kind(option), "dim"),
            "\n",
            (option_help(self.lesson_id, option), "italic"),
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option = self.options[event.option.id or ""]
        value = self.values.get(option.name, option.default)
        if isinstance(option.default, bool) and option.choices is None:
            self._ask(option, not value)
        elif option.choices is not None:
            choices = list(option.choices)
            self._ask(option, choices[(choices.index(value) + 1) % len(choices)] if value in choices else choices[0])
        else:
            self.editing = option
            field = self.query_one(Input)
            field.display = True
            field.value = str(value)
            field.focus()
            self.query_one("#options-hint", Static).update(edit_hint())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.editing is None:
            return
        try:
            value = self.editing.parse(event.value)
        except LearnTuiError as exc:
            self._show_error(str(exc))
            return
        self._ask(self.editing, value)

    def _ask(self, option: Option, value: Any) -> None:
        self.asked[option.name] = value
        self.change(option.name, value, self)

    def on_request_done(self, message: RequestDone) -> None:
        message.stop()
        value = self.asked.pop(message.what, None)
        if message.error:
            self._show_error(message.error)
            return
        self._show_error("")
        self.values[message.what] = value
        self.query_one(OptionList).replace_option_prompt(message.what, self._row(self.options[message.what]))
        if self.editing is not None and self.editing.name == message.what:
            self._stop_editing()

    def _show_error(self, text: str) -> None:
        self.error = text
        self.query_one("#options-error", Static).update(Text(text))

    def _stop_editing(self) -> None:
        self.editing = None
        self.query_one(Input).display = False
        rows = self.query_one(OptionList)
        rows.highlighted = 0 if self.options else None
        rows.focus()
        self.query_one("#options-hint", Static).update(list_hint())

    def action_back(self) -> None:
        """Escape: from typing a value back to the list; from the list, close."""
        if self.editing is not None:
            self._show_error("")
            self._stop_editing()
        else:
            self.dismiss(None)
