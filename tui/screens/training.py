"""The training view: status bar, loss sparkline, the lesson's code, and tabs (loss chart, parameters,
gradients, the lesson's own views, notes).

Its driver (``DriverApi``: a ``TrainingDriver`` in this process, or a ``RemoteDriver`` for an attached run) runs
in a thread worker and posts ``DriverRecord``s: frames (plain data) at a bounded rate, which this screen draws,
then tells the driver it may send the next, and the lesson, notices and failures. Only the visible tab is drawn,
and the driver only snapshots what the visible tab needs. Its keys come from one table
(``training_keys.py``): the bindings, ``check_action``, the key bar and the help are made from it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Container
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import Sparkline, Static, TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerState

from core.base.i18n import pick
from core.base.settings import RunSettings
from core.base.status import Status
from core.driver.frames import Frame, Needs
from core.driver.records import ActionDone, Failure, LessonReady, Notice
from core.engine import catalog
from tui.driver.local import local_driver
from tui.driver.messages import DriverRecord
from tui.formatting import plain_result
from tui.keys import FOCUS_KEYS, Key, control_words
from tui.screens import TRAINING_STYLES, training_dialogs
from tui.screens.compare_form import ask_compare
from tui.screens.error_dialog import ErrorDialog
from tui.screens.exercise_check import ExerciseCheck
from tui.screens.frame_painter import FramePainter, hint
from tui.screens.help import HelpScreen, help_rows
from tui.screens.kept_runs import KeptRuns
from tui.screens.lesson_form import ask_for_data
from tui.screens.lesson_list import lesson_infos
from tui.screens.training_keys import BUILT_IN, is_exercise, lesson_keys, training_keys
from tui.views import make_view, title
from tui.widgets.code_panel import CodePanel
from tui.widgets.grad_table import GradTable
from tui.widgets.key_bar import KeyBar, panel_bindings
from tui.widgets.loss_chart import LossChart
from tui.widgets.loss_sparkline import LossSparkline
from tui.widgets.model_panel import ModelPanel
from tui.widgets.notes_panel import NotesPanel
from tui.widgets.param_table import ParamTable
from tui.widgets.side_tables import BESIDE, SideTables
from tui.widgets.status_bar import StatusBar
from tui.widgets.too_small import TooSmall
from tui.widgets.variables_panel import VariablesPanel

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.message_pump import MessagePump

    from core.driver.api import DriverApi
    from core.lesson import Lesson


INSPECTING = ("tab-variables", "tab-model")  # tabs that show a table, wider when the side tables are shown


def lesson_name(lesson: str | Lesson) -> str:
    """What to call a lesson before it is loaded: its id, or its file's name."""
    if not isinstance(lesson, str):
        return lesson.id
    text = str(lesson)
    return Path(text).stem if text.endswith(".py") or "/" in text else text


class TrainingScreen(Screen):
    CSS_PATH = TRAINING_STYLES
    BINDINGS = [key.binding for key in BUILT_IN]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(
        self,
        driver: Callable[[MessagePump], DriverApi],
        lesson: str | Lesson,
        settings: RunSettings | None = None,
        *,
        show_speed: bool = True,
    ) -> None:
        """``driver`` makes this view's driver, given the view, where it posts its records: ``local_driver`` for a
        run in this process, a ``RemoteDriver`` for an attached one (``tui/attach.py``). ``lesson`` names the view
        (and previews the lesson's code) until the driver's lesson is loaded; ``settings``: what the run started
        with (the options form starts from it)."""
        super().__init__()
        self.lesson_ref = lesson
        self.lesson_id = lesson_name(lesson)
        self.lesson: Lesson | None = None
        self.settings = settings or RunSettings()
        self.state = Status.LOADING
        self.frame: Frame | None = None
        self.show_speed = show_speed
        self.driver = driver(self)
        self._use_keys(training_keys())  # the lesson's own keys join when it is loaded
        self._lesson_keys: dict[str, Key] = {}  # key name -> the lesson's control (handled in on_key)
        self._toggled: tuple[str, ...] = ()  # the options the lesson's toggle keys switch: shown in the status
        self._views: dict[str, tuple[str, Any]] = {}  # tab id -> (view name, widget)
        self.frames_drawn = 0
        self.param_table, self.grad_table = ParamTable(id="params"), GradTable(id="grads")
        self.notes_panel = NotesPanel(id="notes")
        self.variables_panel, self.model_panel = VariablesPanel(id="variables"), ModelPanel(id="model")
        self.side_tables = SideTables(id="side-tables")  # Params and Grads beside the tabs, 160 columns and more
        self.painter = FramePainter(self, self.param_table, self.grad_table, self._views)
        self.kept = KeptRuns()  # runs kept as references on the Loss chart (c)
        self._references: tuple = ()  # what the chart shows of them now
        self.exercise: Any = None  # an ExerciseCheck when the file is an exercise (exercise_check.py)
        self._break_text = ""  # the last condition set with b (its dialog starts from it)

    def compose(self) -> ComposeResult:
        yield StatusBar(self.lesson_id, show_speed=self.show_speed, id="status")
        yield LossSparkline([], id="sparkline")
        with Container(id="panes"):
            yield CodePanel(id="code")
            with TabbedContent(id="tabs", initial="tab-chart"):
                with TabPane(pick("Loss", "损失"), id="tab-chart"):
                    yield LossChart(id="chart")
                # Hidden tabs are mounted just after the first frame (Lazy): the view appears sooner.
                with TabPane(pick("Params", "参数"), id="tab-params"):
                    yield Lazy(self.param_table)
                with TabPane(pick("Grads", "梯度"), id="tab-grads"):
                    yield Lazy(self.grad_table)
                with TabPane(pick("Variables", "变量"), id="tab-variables"):
                    yield Lazy(self.variables_panel)
                with TabPane(pick("Model", "模型"), id="tab-model"):
                    yield Lazy(self.model_panel)
                with TabPane(pick("Notes", "笔记"), id="tab-notes"):
                    yield Lazy(self.notes_panel)
            yield self.side_tables
        yield Static(hint(Status.LOADING), id="message", markup=False)
        yield KeyBar(self.shown_keys, id="keys")
        yield TooSmall()

    def on_mount(self) -> None:
        if "torch" in sys.modules:
            self.query_one(StatusBar).show_loading(pick("loading lesson…", "正在加载课程…"))
        self._preview()
        self.exercise = ExerciseCheck.watch(self)  # an exercise file is watched even when it does not load
        self._update_wants()
        self.query_one(Sparkline).visible = False
        # Start after the first frame: importing torch in the worker competes with painting for the GIL.
        self.call_after_refresh(self._start_driver)

    def _start_driver(self) -> None:
        self.run_worker(
            self.driver.run, thread=True, exit_on_error=False, name=f"trainer {self.lesson_id}", group="trainer"
        )

    def _preview(self) -> None:
        """Show the lesson's code and notes at once, from its file, while torch is still loading."""
        if not isinstance(self.lesson_ref, str):
            return
        ref = self.lesson_ref
        try:
            info = (
                catalog.read_info(Path(ref))
                if catalog.is_path(ref)
                else next(i for i in lesson_infos()[0] if i.id == ref)
            )
        except Exception:  # the worker reports a bad or unknown lesson properly
            return
        self.query_one(CodePanel).set_source(info.path)
        self.notes_panel.set_notes(info.notes)

    def reopened(self) -> TrainingScreen:
        """A new view of the same lesson file from step 0, paused (an exercise file saved in an editor)."""
        ref = self.lesson_ref
        return TrainingScreen(
            local_driver(ref, self.settings, paused=True), ref, self.settings, show_speed=self.show_speed
        )

    def on_unmount(self) -> None:
        self.driver.stop()

    # -- the driver's records -------------------------------------------------------------------------
    def on_driver_record(self, message: DriverRecord) -> None:
        record = message.record
        if isinstance(record, Frame):
            try:
                self._draw(record)
                self.frames_drawn += 1
            finally:
                self.driver.frame_done()
        elif isinstance(record, Notice):
            self.notify(record.text, title=record.title, severity=record.severity, markup=False)
        elif isinstance(record, ActionDone):
            self.notify(plain_result(record.result), title=control_words(record.title), markup=False)
        elif isinstance(record, Failure):
            if self.exercise is not None and self.lesson is None:  # the file does not load: the Check tab says so
                self.exercise.load_failed(record.message, record.details)
                return
            self.app.push_screen(ErrorDialog(record.title, record.message, record.details))
        elif isinstance(record, LessonReady):
            self.lesson_loaded(record)

    def lesson_loaded(self, ready: LessonReady) -> None:
        """The lesson module was imported: its code, notes, views and keys join the view."""
        lesson = self.lesson = ready.lesson
        self.lesson_id = lesson.id
        self.query_one(StatusBar).lesson_ready(ready)
        code = self.query_one(CodePanel)
        if lesson.source_file:
            code.set_source(lesson.source_file)
        self.notes_panel.set_notes(lesson.notes)
        self._add_views(lesson)
        self._add_lesson_keys(lesson)
        if is_exercise(lesson) and self.exercise is None:
            self.exercise = ExerciseCheck(self, lesson.source_file)
            self.exercise.mount()
        if self.exercise is not None:
            self.exercise.loaded()

    def _add_lesson_keys(self, lesson: Lesson) -> None:
        keys, problems = lesson_keys(lesson)
        for problem in problems:
            self.notify(problem, severity="warning")
        self._use_keys(training_keys(keys))
        self._lesson_keys = {key.key: key for key in keys}
        self._toggled = tuple(c.toggles for c in lesson.controls if c.toggles and c.key in self._lesson_keys)
        self.refresh_bindings()

    def _add_views(self, lesson: Lesson) -> None:
        tabs = self.query_one(TabbedContent)
        for index, (name, compute) in enumerate(lesson.views.items()):
            widget, tab_id = make_view(name, compute), f"tab-view-{index}"
            self._views[tab_id] = (name, widget)
            pane = TabPane(title(name), widget, id=tab_id)
            tabs.add_pane(pane, before="tab-variables")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One handler for a worker that died anyway: show why, keep the app up."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.app.push_screen(
                ErrorDialog(pick("The training worker stopped", "训练线程停止了"), f"{type(error).__name__}: {error}")
            )

    # -- drawing (FramePainter) ------------------------------------------------------------------------
    def _draw(self, frame: Frame) -> None:
        previous, self.state, self.frame = self.state, frame.state, frame
        self.param_table.phase = self.grad_table.phase = frame.progress.phase  # (highlights what it changed)
        self.painter.draw(frame, {name: bool(frame.options.get(name)) for name in self._toggled})
        self.side_tables.show(frame.snapshot)
        self.kept.seen(frame)
        self._draw_references()
        if self.exercise is not None:
            self.exercise.seen(frame.progress, frame.state)
        if frame.state != previous:
            self.refresh_bindings()
            if frame.state == Status.DIVERGED:
                self.notify(frame.message, title=pick("diverged", "已发散"), severity="warning", markup=False)
            elif frame.state == Status.NEEDS_DATA:
                ask_for_data(self, frame.message)  # the whole message, and a field for the data folder

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._update_wants()
        if self.frame is not None:
            self.painter.draw_active(self.frame, force=True)
        self.driver.refresh()

    def _update_wants(self) -> None:
        active, side = self.query_one(TabbedContent).active, self.side_tables.shown
        self.set_class(active in INSPECTING, "-inspecting")  # (wider tabs beside the side tables: training.tcss)
        self.driver.needs = Needs(
            chart=active == "tab-chart",
            snapshot=side or active in ("tab-params", "tab-grads"),
            views=active in self._views,
            ratios=side or active == "tab-grads",
            variables=active == "tab-variables",
            full=self.variables_panel.opened if active == "tab-variables" else None,
            model=active == "tab-model",
        )

    def on_variables_panel_opened(self, message: VariablesPanel.Opened) -> None:
        """A variable opened in full (or closed): the driver reads its whole description at the stop."""
        self._update_wants()
        self.driver.refresh()

    def on_side_tables_toggled(self, message: SideTables.Toggled) -> None:
        """Wide enough for Params and Grads beside the chart: their tabs go away (and come back when narrower)."""
        tabs = self.query_one(TabbedContent)
        if message.shown and tabs.active in BESIDE:
            tabs.active = "tab-chart"
        for tab in BESIDE:
            (tabs.hide_tab if message.shown else tabs.show_tab)(tab)
        self._update_wants()
        self.driver.refresh()

    # -- keys: one table (training_keys.py) makes the bindings, check_action, the key bar and the help --------
    def _use_keys(self, keys: tuple[Key, ...]) -> None:
        self.keys = keys
        self._by_action = {(key.action, key.args): key for key in keys}  # check_action's look-up

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
