"""A one-line question (a learning rate, a checkpoint path, a lesson's input) with its error shown inline.

``validate(text)`` turns the text into a value or raises a ``LearnTuiError`` whose one-line message is
shown under the input; the dialog stays open until the answer is valid or the learner presses escape
(which answers ``None``: nothing changes).
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from core.errors import LearnTuiError


class PromptScreen(ModalScreen[Any]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, *, value: str = "", placeholder: str = "",
                 validate: Callable[[str], Any] | None = None, hint: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.validate = validate
        self.hint = hint or "enter: accept · escape: cancel"
        self.error = ""  # the message shown under the input now

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
            self.error = str(exc)
            self.query_one("#prompt-error", Static).update(Text(self.error))
            return
        self.dismiss(answer)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.error = ""
        self.query_one("#prompt-error", Static).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)

