"""Every key of the screen underneath, the lesson's own controls included, with what it does."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

# Longer explanations than the Footer has room for, by action name.
EXPLAIN = {
    "toggle_pause": "run or pause training (after a divergence: continue from here)",
    "step_batch": "while paused: run one batch (one full training step)",
    "step_phase": "while paused: run to the next phase (forward, loss, backward, update, zero_grad)",
    "run_epoch": "while paused: run to the end of the epoch",
    "lr_up": "raise the learning rate to the next rung (… 0.01, 0.03, 0.1, 0.3, 1 …)",
    "lr_down": "lower the learning rate to the next rung",
    "type_lr": "type an exact learning rate",
    "reset": "start the lesson again from step 0 (same learning rate and options)",
    "save": "save a checkpoint in ./checkpoints (finishes the step in progress first)",
    "open": "open a checkpoint (type its path)",
    "open_lesson": "open the highlighted lesson",
    "toggle_zero_grad": "turn optimizer.zero_grad() off and on: without it gradients pile up",
    "toggle_log": "loss chart: log scale on or off",
    "help": "this help",
    "focus_next": "move the keyboard focus to the next panel (then arrows scroll it)",
    "focus_previous": "move the keyboard focus to the previous panel",
    "back": "back to the lesson picker",
    "quit": "quit learn-tui",
    "open_file": "open your own lesson file (a path to a .py file)",
}


GENERIC = {"focus_next", "focus_previous"}  # every Textual screen has these: listed last


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        """``rows``: (key as shown, action name, description)."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", expand=True, padding=(0, 1))
        table.add_column("key", no_wrap=True, style="bold")
        table.add_column("what it does", ratio=1)
        for key, action, description in self.rows:
            table.add_row(key, explain(action, description))
        with Vertical(id="help-box", classes="dialog"):
            yield Label("Keys", id="help-title")
            with VerticalScroll(id="help-table"):
                yield Static(table)
            yield Static("The mouse works too: click a key at the bottom, a tab, or a lesson. escape closes.",
                         id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)


def explain(action: str, description: str) -> str:
    """The help's words for a key: the longer explanation of its action, else the key bar's description."""
    if action.startswith("tab("):  # one action, two keys: say which way each goes
        which = "previous" if "-" in action else "next"
        return f"show the {which} tab (loss, params, grads, the lesson's views, notes)"
    return EXPLAIN.get(action.split("(")[0], description)


def rows_for(screen) -> list[tuple[str, str, str]]:
    """(key, action, description) for each key the key bar at the bottom of ``screen`` shows (the same
    ``show`` and ``check_action`` logic: a key this lesson has no use for is left out), in its order;
    then Tab / shift+Tab, which move the keyboard focus on every screen."""
    from tui.widgets.key_bar import shown_bindings

    def row(binding) -> tuple[str, str, str]:
        action = binding.action.removeprefix("app.").removeprefix("screen.")
        return screen.app.get_key_display(binding), action, binding.description

    rows = [row(binding) for _, binding, _ in shown_bindings(screen)]
    seen = {action for _, action, _ in rows}
    for bindings in (screen._bindings, screen.app._bindings):
        for _, binding in bindings:
            generic = row(binding)
            if generic[1] in GENERIC and generic[1] not in seen:
                seen.add(generic[1])
                rows.append(generic)
    return rows
