"""The training view: status bar, loss sparkline, the lesson's code, and tabs (loss chart, parameters,
gradients, the lesson's own views, notes).

Its driver (``DriverApi``: a ``TrainingDriver`` in this process, or a ``RemoteDriver`` for an attached run) runs
in a thread worker and posts ``DriverRecord``s: frames (plain data) at a bounded rate, which this screen draws,
then tells the driver it may send the next, and the lesson, notices and failures. Only the visible tab is drawn,
and the driver only snapshots what the visible tab needs. Its keys come from one table
(``training_keys.py``): the bindings, ``check_action``, the key bar and the help are made from it; what they do
is in ``training_actions.py`` (a mixin of this screen).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Container
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import Sparkline, Static, TabbedContent, TabPane
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
from tui.keys import Key, control_words
from tui.screens import TRAINING_STYLES
from tui.screens.error_dialog import ErrorDialog
from tui.screens.exercise_check import ExerciseCheck
from tui.screens.frame_painter import FramePainter, hint
from tui.screens.kept_runs import KeptRuns
from tui.screens.lesson_form import ask_for_data
from tui.screens.lesson_list import lesson_infos
from tui.screens.training_actions import TrainingActions
from tui.screens.training_keys import BUILT_IN, is_exercise, training_keys
from tui.views import make_view, title
from tui.widgets.code_panel import CodePanel
from tui.widgets.grad_table import GradTable
from tui.widgets.key_bar import KeyBar
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


class TrainingScreen(TrainingActions, Screen):
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
