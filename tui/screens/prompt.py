"""A one-line question (a learning rate, a checkpoint path, a lesson's input) with its error shown inline.

``validate(text)`` turns the text into a value or raises a ``LearnTuiError``; with ``submit(value, dialog)``
the value then goes to the training driver, which answers the dialog with a ``RequestDone`` (applied, or
the one line saying why not: a checkpoint that won't load, a lesson action's ``UsageError``). Either way the
message is shown under the input and the dialog stays open until the answer is accepted or the learner
presses escape (which answers ``None``: nothing changes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from core.base.i18n import pick
from core.errors import LearnTuiError
from tui.driver.messages import RequestDone
from tui.screens import DIALOG_STYLES

if TYPE_CHECKING:
    from textual.message_pump import MessagePump


class PromptScreen(ModalScreen[Any]):
    CSS_PATH = DIALOG_STYLES
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        question: str,
        *,
        value: str = "",
        placeholder: str = "",
        validate: Callable[[str], Any] | None = None,
        submit: Callable[[Any, MessagePump], None] | None = None,
        hint: str = "",
    ) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.validate = validate
        self.submit = submit
        self.hint = hint or pick("enter: accept · escape: cancel", "enter：确定 · escape：取消")
        self.error = ""  # the message shown under the input now
        self.asked: Any = None  # the value sent to the driver, waiting for its answer

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="dialog"):
            yield Label(self.question, id="prompt-question")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input", select_on_focus=True)
            yield Static("", id="prompt-error")
            yield Static(self.hint, id="prompt-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            answer = self.validate(event.value) if self.validate is not None else event.value
        except LearnTuiError as exc:
            self._show_error(str(exc))
            return
        if self.submit is None:
            self.dismiss(answer)
            return
        self.asked = answer
        self.submit(answer, self)

    def on_request_done(self, message: RequestDone) -> None:
        message.stop()
        if message.error:
            self._show_error(message.error)
        elif self.is_current:  # (not already answered and closing)
            self.dismiss(self.asked)

    def _show_error(self, text: str) -> None:
        self.error = text
        self.query_one("#prompt-error", Static).update(Text(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.error = ""
        self.query_one("#prompt-error", Static).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)
