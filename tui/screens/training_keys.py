"""The training view's keys: each one asks the training driver for something (it applies it between two
events). ``check_action`` dims a key in the key bar while it does not apply, and ignores it; a key the
lesson has no use for at all (``z`` without a zero_grad option) is hidden."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from core.errors import UsageError
from core.lesson import parse_lr
from tui import formatting

KEYS = [
    Binding("space", "toggle_pause", "Run/Pause"),
    Binding("n", "step_batch", "Step"),
    Binding("full_stop", "step_phase", "Phase", key_display="."),
    Binding("e", "run_epoch", "Epoch"),
    Binding("plus,equals_sign", "lr_up", "lr↑", key_display="+"),
    Binding("minus", "lr_down", "lr↓", key_display="-"),
    Binding("l", "type_lr", "Set lr"),
    Binding("r", "reset", "Reset"),
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("escape", "back", "Lessons"),
    Binding("q", "app.quit", "Quit"),
    Binding("ctrl+s", "save", "Save"),
    Binding("o", "open", "Open"),
    Binding("z", "toggle_zero_grad", "zero_grad"),
    Binding("g", "toggle_log", "Log scale"),
    Binding("left_square_bracket", "tab(-1)", "Prev tab", key_display="["),
    Binding("right_square_bracket", "tab(1)", "Next tab", key_display="]"),
]
MAIN_KEYS = 11  # space … q: shown first
RESERVED = {key for binding in KEYS for key in binding.key.split(",")} | {"tab", "shift+tab", "ctrl+q", "ctrl+c"}
READY_STATES = ("paused", "running", "finished", "diverged", "crashed")


class TrainingKeys:
    """Mixed into ``TrainingScreen``: needs ``self.driver``, ``self.state``, ``self.lesson``, ``self.frame``."""

    driver: Any
    state: str
    lesson: Any
    frame: Any

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.state
        ready = state in READY_STATES
        if action == "toggle_pause":
            return True if state in ("paused", "running", "diverged") else None
        if action in ("step_batch", "step_phase", "run_epoch"):
            return True if state in ("paused", "diverged") else None
        if action in ("lr_up", "lr_down", "type_lr", "reset", "open"):
            return True if ready else None
        if action == "save":
            return True if ready and state != "crashed" else None
        if action == "toggle_zero_grad":
            if self.lesson is not None and not self.has_option("zero_grad"):
                return False  # hidden: this lesson has no such switch
            return True if ready else None
        if action == "control":
            return True if ready and state != "crashed" else None
        return True

    def has_option(self, name: str) -> bool:
        return self.lesson is not None and any(o.name == name for o in self.lesson.options)

    def action_toggle_pause(self) -> None:
        self.driver.toggle()

    def action_step_batch(self) -> None:
        self.driver.advance("step")

    def action_step_phase(self) -> None:
        self.driver.advance("phase")

    def action_run_epoch(self) -> None:
        self.driver.advance("epoch")

    def action_lr_up(self) -> None:
        self.driver.nudge_lr(+1)

    def action_lr_down(self) -> None:
        self.driver.nudge_lr(-1)

    def action_type_lr(self) -> None:
        from tui.screens.prompt import PromptScreen

        current = formatting.lr(self.frame.lr) if self.frame is not None else ""
        self.app.push_screen(
            PromptScreen("Learning rate:", value=current, placeholder="e.g. 0.01", validate=parse_lr,
                         hint="a positive number like 0.01 or 3e-4 · enter: set · escape: keep " + current),
            lambda lr: lr is not None and self.driver.set_lr(lr))

    def action_reset(self) -> None:
        self.driver.reset()

    def action_save(self) -> None:
        self.driver.save()

    def action_open(self) -> None:
        from tui.screens.prompt import PromptScreen

        def check(text: str) -> str:
            if not text.strip():
                raise UsageError("type the path of a checkpoint, e.g. checkpoints/linear-regression-step100.pt")
            return text.strip()

        self.app.push_screen(
            PromptScreen("Open a checkpoint:", value=self.driver.last_saved or "checkpoints/",
                         placeholder="checkpoints/….pt", validate=check),
            lambda path: path is not None and self.driver.open(path))

    def action_toggle_zero_grad(self) -> None:
        self.driver.toggle_option("zero_grad")

    def action_toggle_log(self) -> None:
        from tui.widgets.loss_chart import LossChart

        self.query_one(LossChart).toggle_log()

    def action_tab(self, offset: int) -> None:
        from textual.widgets import TabbedContent, Tabs

        tabs = self.query_one(TabbedContent).query_one(Tabs)
        (tabs.action_next_tab if offset > 0 else tabs.action_previous_tab)()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen, rows_for

        self.app.push_screen(HelpScreen(rows_for(self)))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_control(self, index: int) -> None:
        from tui.screens.prompt import PromptScreen

        control = self.lesson.controls[index]
        if control.prompt is None:
            self.driver.call(control.action, None, control.description)
            return
        self.app.push_screen(PromptScreen(control.prompt),
                             lambda text: text is not None and self.driver.call(control.action, text,
                                                                                control.description))

    def bind_controls(self) -> None:
        """Bind the lesson's own keys (its ``Control``s); a key the app already uses is skipped, with a warning."""
        for index, control in enumerate(self.lesson.controls):
            if control.key in RESERVED:
                self.notify(f"lesson control {control.key!r} ({control.description}) clashes with a built-in key; "
                            "it is not bound", severity="warning")
                continue
            self._bindings.bind(control.key, f"control({index})", control.description)
        self._order_bindings()
        self.refresh_bindings()

    def _order_bindings(self) -> None:
        """The lesson's keys right after the main ones (space … q), so they show at the bottom of the screen."""
        bindings = self._bindings.key_to_bindings
        main = [key for binding in KEYS[:MAIN_KEYS] for key in binding.key.split(",")]
        ordered = {key: bindings[key] for key in main if key in bindings}
        ordered.update({key: value for key, value in bindings.items()
                        if any(b.action.startswith("control(") for b in value)})
        ordered.update({key: value for key, value in bindings.items() if key not in ordered})
        bindings.clear()
        bindings.update(ordered)
