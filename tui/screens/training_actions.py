"""The training view's keys and what they do: a mixin of ``TrainingScreen`` (``training.py``).

One table (``training_keys.py``) makes the bindings, ``check_action``, the key bar and the help; the lesson's own
keys join it when the lesson is loaded. Each ``action_`` method asks the driver (``DriverApi``) or opens a dialog
(``training_dialogs.py``); ``c`` keeps this run's loss curve on the chart, ``C`` opens the compare form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.widgets import TabbedContent, Tabs

from core.base.i18n import pick
from core.base.settings import RunSettings
from tui.keys import FOCUS_KEYS, Key
from tui.screens import training_dialogs
from tui.screens.compare_form import ask_compare
from tui.screens.help import HelpScreen, help_rows
from tui.screens.training_keys import lesson_keys, training_keys
from tui.widgets.key_bar import panel_bindings
from tui.widgets.loss_chart import LossChart

if TYPE_CHECKING:
    from textual.screen import Screen

    from core.base.status import Status
    from core.driver.api import DriverApi
    from core.driver.frames import Frame
    from core.lesson import Lesson
    from tui.screens.kept_runs import KeptRuns

    _Screen = Screen  # (for the type checker: the mixin's methods run on a TrainingScreen)
else:
    _Screen = object


class TrainingActions(_Screen):
    """The keys of ``TrainingScreen``, which sets these attributes in its ``__init__``."""

    driver: DriverApi
    lesson: Lesson | None
    settings: RunSettings
    state: Status
    frame: Frame | None
    exercise: Any
    kept: KeptRuns
    keys: tuple[Key, ...]
    _by_action: dict[tuple[str, tuple[object, ...]], Key]
    _lesson_keys: dict[str, Key]
    _toggled: tuple[str, ...]
    _references: tuple
    _break_text: str

    # -- keys: one table (training_keys.py) makes the bindings, check_action, the key bar and the help --------
    def _use_keys(self, keys: tuple[Key, ...]) -> None:
        self.keys = keys
        self._by_action = {(key.action, key.args): key for key in keys}  # check_action's look-up

    def _add_lesson_keys(self, lesson: Lesson) -> None:
        keys, problems = lesson_keys(lesson)
        for problem in problems:
            self.notify(problem, severity="warning")
        self._use_keys(training_keys(keys))
        self._lesson_keys = {key.key: key for key in keys}
        self._toggled = tuple(c.toggles for c in lesson.controls if c.toggles and c.key in self._lesson_keys)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        key = self._by_action.get((action, tuple(parameters)))
        return True if key is None else key.applies(self.state, self.lesson)

    def shown_keys(self) -> list[tuple[Key, bool]]:
        """The key bar's keys in order, each with whether it applies now (else it is dimmed)."""
        shown = []
        for key in self.keys:
            applies = key.applies(self.state, self.lesson)
            if key.in_bar and applies is not False:
                shown.append((key, applies is True))
        return shown

    async def on_key(self, event: events.Key) -> None:
        """The lesson's own keys (known once it is loaded): through ``check_action`` like the others."""
        key = self._lesson_keys.get(event.key)
        if key is not None:
            event.stop()
            await self.run_action(key.call)

    def action_toggle_pause(self) -> None:
        self.driver.toggle()

    def action_step_batch(self) -> None:
        self.driver.advance("step")

    def action_step_phase(self) -> None:
        self.driver.advance("phase")

    def action_run_epoch(self) -> None:
        self.driver.advance("epoch")

    def action_step_line(self) -> None:
        self.driver.advance("line")

    def action_lr_up(self) -> None:
        self.driver.nudge_lr(+1)

    def action_lr_down(self) -> None:
        self.driver.nudge_lr(-1)

    def action_type_lr(self) -> None:
        self.app.push_screen(training_dialogs.lr_dialog(self.driver, self.frame.lr if self.frame else None))

    def action_set_break(self) -> None:
        def remember(text: str | None) -> None:
            self._break_text = text if text is not None else self._break_text

        self.app.push_screen(training_dialogs.break_dialog(self.driver, self._break_text), remember)

    def action_reset(self) -> None:
        self.driver.reset()

    def action_save(self) -> None:
        self.driver.save()

    def action_open(self) -> None:
        self.app.push_screen(training_dialogs.open_dialog(self.driver))

    def action_options(self) -> None:
        if self.lesson is None:
            return
        if not any(option.live for option in self.lesson.options):
            fixed = ", ".join(option.flag for option in self.lesson.options)
            where = (
                pick(
                    f" ({fixed}: fixed for a run, chosen with ctrl+o in the picker)",
                    f"（{fixed}：每次运行固定，在课程列表中用 ctrl+o 选择）",
                )
                if fixed
                else ""
            )
            said = pick(
                f"{self.lesson.id} has no options to change while it runs", f"{self.lesson.id} 没有可在运行中修改的选项"
            )
            self.notify(said + where, severity="warning")
            return
        values = self.frame.options if self.frame is not None else {}
        self.app.push_screen(training_dialogs.options_dialog(self.driver, self.lesson, values))

    def action_control(self, index: int) -> None:
        """A lesson's ``Control``: switch its option, run its action, or first ask for the action's text."""
        if self.lesson is None:
            return
        control = self.lesson.controls[index]
        if control.toggles:
            self.driver.toggle_option(control.toggles)
        elif control.prompt is None:
            self.driver.call(control.action, None, control.description)
        else:
            self.app.push_screen(training_dialogs.control_dialog(self.driver, control))

    def _draw_references(self) -> None:
        """The kept runs on the chart, labelled by what differs from the current settings (which may change)."""
        if self.frame is None:
            return
        references = self.kept.labelled(self.frame.lr, self.frame.options)
        if references != self._references:
            self._references = references
            self.query_one(LossChart).show_references(references)

    def action_keep_reference(self) -> None:
        if self.frame is None or not self.kept.keep(self.frame.lr, self.frame.options):
            self.notify(
                pick("no loss curve yet: take a few steps first", "还没有损失曲线：先走几步"), severity="warning"
            )
            return
        self.notify(
            pick(
                "this run's loss curve is kept on the Loss chart: reset (r) with another setting to compare",
                "这次训练的损失曲线已留在损失图上：换个设置重置（r）即可对比",
            )
        )
        self._draw_references()

    def action_compare(self) -> None:
        ask_compare(self)  # (tui/screens/compare_form.py: then the app opens the compare view)

    def compare_base(self) -> RunSettings:
        """What ``C`` compares from: this run's settings, its learning rate and options as they are now."""
        if self.frame is None or self.lesson is None:
            return self.settings
        return RunSettings.of(self.settings, lr=self.frame.lr, options=dict(self.frame.options), resume=None)

    def action_hint(self) -> None:
        if self.exercise is not None:
            self.notify(self.exercise.hint(), title=pick("hint", "提示"), markup=False)

    def action_toggle_log(self) -> None:
        self.query_one(LossChart).toggle_log()

    def action_tab(self, offset: int) -> None:
        tabs = self.query_one(TabbedContent).query_one(Tabs)
        (tabs.action_next_tab if offset > 0 else tabs.action_previous_tab)()

    def action_help(self) -> None:
        keys = [key for key, _ in self.shown_keys()]
        panel = [binding for binding, _ in panel_bindings(self)]
        self.app.push_screen(HelpScreen(help_rows(self.app, keys, panel) + help_rows(self.app, FOCUS_KEYS)))

    def action_back(self) -> None:
        self.app.pop_screen()
