"""The options form: a lesson's settings chosen before it starts (the picker's ctrl+o, and a lesson that
stopped for want of its data).

Every ``Option`` of the lesson gets a field showing its type, choices and help, and the run's learning rate,
seed and budget (steps or epochs) are optional fields (``lesson_fields.py``). Values are checked as on the
command line (``Option.parse``, ``parse_lr``, ``parse_seed``, ``parse_count``): a refused one is shown under its
field and the form stays open. Options are read from the lesson module, so the lesson is imported in a thread worker
(torch takes seconds) while the form says "loading…". It answers ``(lesson, RunSettings)``, or None.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState

from core.base.i18n import is_chinese, pick, translation
from core.base.settings import RunSettings
from core.engine import catalog
from core.errors import LearnTuiError
from tui.screens import DIALOG_STYLES
from tui.screens.lesson_fields import Field, option_field, run_fields

if TYPE_CHECKING:
    from core.lesson import Lesson


def hint() -> str:
    return pick(
        "enter or ctrl+s: start · tab: next field · escape: back",
        "enter 或 ctrl+s：开始 · tab：下一项 · escape：返回",
    )


def catalog_title(lesson: Lesson) -> str:
    """The lesson's title in the chosen language (a built-in lesson's translation, else its own)."""
    zh = translation(lesson.id) if is_chinese() else None
    return zh.title if zh is not None else lesson.title


class LessonForm(ModalScreen[Any]):
    """The options of one lesson, checked, then ``(lesson, RunSettings)`` to start it with."""

    CSS_PATH = DIALOG_STYLES

    BINDINGS = [Binding("escape", "cancel", "Back"), Binding("ctrl+s", "start", "Start", priority=True)]
    DEFAULT_CSS = """
    LessonForm { align: center middle; }
    #form-box { width: 90; height: 90%; }
    #form-title { text-style: bold; }
    #form-fields { height: 1fr; margin: 1 0 0 0; }
    .form-field { height: auto; margin: 0 0 1 0; }
    .form-row { height: auto; }
    .form-name { width: 14; }
    .form-row Input, .form-row Select { width: 1fr; }
    .form-note { color: $error; text-style: bold; margin: 0 0 1 0; }
    .form-error { height: auto; color: $error; text-style: bold; }
    #form-loading { color: $text-muted; }
    #form-buttons { height: auto; }
    #form-hint { color: $text-muted; }
    """

    def __init__(self, lesson: str | Lesson, settings: RunSettings | None = None, *, data_error: str = "") -> None:
        """``lesson``: an id, a path, or a loaded ``Lesson``; ``settings``: the values to start from (None: what
        the picker would open it with); ``data_error``: shown in full above the data folder's field."""
        super().__init__()
        self.lesson_ref = lesson
        self.lesson: Lesson | None = None if isinstance(lesson, str) else lesson
        self.settings = settings
        self.data_error = data_error
        self.fields: dict[str, Field] = {}

    def compose(self) -> ComposeResult:
        name = self.lesson_ref if isinstance(self.lesson_ref, str) else self.lesson_ref.id
        with Vertical(id="form-box", classes="dialog"):
            yield Label(Text(pick(f"Options for {name}", f"{name} 的选项")), id="form-title")
            yield Static(
                pick("loading the lesson… (its options are in its code)", "正在加载课程…（选项写在它的代码里）"),
                id="form-loading",
            )
            yield VerticalScroll(id="form-fields")
            with Horizontal(id="form-buttons"):
                yield Button(pick("Start (ctrl+s)", "开始 (ctrl+s)"), id="form-start", variant="primary", disabled=True)
                yield Button(pick("Back (escape)", "返回 (escape)"), id="form-back")
            yield Static(hint(), id="form-hint")

    def on_mount(self) -> None:
        if self.lesson is not None:
            self._show_lesson(self.lesson)
        else:
            self.run_worker(self._load, thread=True, exit_on_error=False, name="load lesson options", group="form")

    def _load(self) -> Lesson:
        return catalog.load(str(self.lesson_ref))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "form":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self._show_lesson(event.worker.result)
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            text = str(error) if isinstance(error, LearnTuiError) else f"{type(error).__name__}: {error}"
            self.query_one("#form-loading", Static).update(
                Text(pick("the lesson could not be loaded: ", "无法加载课程：") + text, "bold red")
            )

    def _show_lesson(self, lesson: Lesson) -> None:
        self.lesson = lesson
        if self.settings is None:
            picker = getattr(self.app, "picker_settings", None)
            self.settings = picker(lesson) if picker is not None else RunSettings()
        settings = self.settings
        self.query_one("#form-title", Label).update(
            Text(pick(f"Options for {lesson.id} · ", f"{lesson.id} 的选项 · ") + catalog_title(lesson))
        )
        fields = [
            option_field(
                option,
                settings.options.get(option.name, option.default),
                self.data_error if option.name == "data_dir" else "",
                lesson.id,
            )
            for option in lesson.options
        ]
        fields += run_fields(lesson, settings)
        self.fields = {field.setting: field for field in fields}
        self.query_one("#form-loading").display = False
        widgets: list[Widget] = list(fields)
        if self.data_error and "data_dir" not in self.fields:  # no folder option: the error heads the form
            widgets.insert(0, Static(Text(self.data_error), classes="form-note"))
        self.query_one("#form-fields", VerticalScroll).mount_all(widgets)
        self.query_one("#form-start", Button).disabled = False
        first = self.fields.get("data_dir", fields[0]) if self.data_error else fields[0]
        self.call_after_refresh(lambda: first.control.focus() if first is not None else None)

    def values(self) -> RunSettings | None:
        """The form's settings, each field checked; None (errors shown) when any is refused."""
        assert self.lesson is not None and self.settings is not None
        checked: dict[str, Any] = {}
        for name, field in self.fields.items():
            with contextlib.suppress(LearnTuiError):  # (the field shows why)
                checked[name] = field.read()
        if checked.get("steps") is not None and checked.get("epochs") is not None:
            self.fields["epochs"].show_error(
                pick("give steps or epochs, not both: empty one of them", "steps 和 epochs 只能给一个：清空其中一个")
            )
            checked.pop("epochs")
        failed = [field for field in self.fields.values() if field.error]
        if failed:
            failed[0].control.focus()
            return None
        options = {
            option.name: checked[option.name]
            for option in self.lesson.options
            if checked[option.name] != option.default
        }
        return RunSettings.of(
            self.settings,
            options=options,
            lr=checked["lr"],
            seed=checked["seed"],
            steps=checked["steps"],
            epochs=checked["epochs"],
            resume=None,
        )

    def action_start(self) -> None:
        if self.lesson is None:
            return
        settings = self.values()
        if settings is not None:
            self.dismiss((self.lesson, settings))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "form-start":
            self.action_start()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_for_data(screen: Any, message: str) -> None:
    """A lesson stopped on a ``DataError`` (training view, status ``needs data``): the form, with the whole
    message above the data folder's field; starting it replaces that training view with a new run."""
    if screen.lesson is None or not screen.is_current:
        return
    # The toast cut the message short; the form shows all of it. (Its Notify is still in the app's queue.)
    screen.app.call_later(screen.app.clear_notifications)

    def start(answer: Any) -> None:
        if answer is None:
            return
        if screen.app.screen is screen:
            screen.app.pop_screen()
        screen.app.open_lesson(*answer)

    screen.app.push_screen(LessonForm(screen.lesson, screen.settings, data_error=message), start)
