"""The training view: status bar, loss sparkline, the lesson's code, and tabs (loss chart, parameters,
gradients, the lesson's own views, notes).

A ``TrainingDriver`` runs in a thread worker and posts ``TrainingFrame``s (plain data) at a bounded rate;
this screen draws a frame, then tells the driver it may send the next. Only the visible tab is drawn,
and the driver only snapshots what the visible tab needs.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import Sparkline, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from tui.screens.training_keys import KEYS, TrainingKeys
from tui.widgets.code_panel import CodePanel
from tui.widgets.grad_table import GradTable
from tui.widgets.key_bar import KeyBar
from tui.widgets.loss_chart import LossChart
from tui.widgets.notes_panel import NotesPanel
from tui.widgets.param_table import ParamTable
from tui.widgets.status_bar import StatusBar
from tui.worker import TrainingDriver
from tui.worker_messages import DriverFailure, DriverNotice, Frame, LessonLoaded, TrainingFrame

CHART_INTERVAL = 2.0  # seconds between loss-chart redraws while training (plotext is the costliest widget;
# the sparkline above is the live view)
SPARKLINE_INTERVAL = 0.25  # seconds between sparkline redraws while training
HINTS = {
    "loading": "loading torch and the lesson…",
    "running": "training… space pauses · + and - change the learning rate",
    "paused": "paused · space: run · n: one batch · .: one phase · e: end of epoch · ?: keys",
}


def lesson_name(lesson: Any) -> str:
    """What to call a lesson before it is loaded: its id, or its file's name."""
    if hasattr(lesson, "id"):
        return lesson.id
    text = str(lesson)
    return Path(text).stem if text.endswith(".py") or "/" in text else text


class TrainingScreen(TrainingKeys, Screen):
    BINDINGS = KEYS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(self, lesson: Any, settings: dict | None = None, *, paused: bool = True,
                 show_speed: bool = True) -> None:
        super().__init__()
        self.lesson_ref = lesson
        self.lesson_id = lesson_name(lesson)
        self.lesson: Any = None
        self.state = "loading"
        self.frame: Frame | None = None
        self.show_speed = show_speed
        self.driver = TrainingDriver(self, lesson, paused=paused, **(settings or {}))
        self._views: dict[str, tuple[str, Any]] = {}  # tab id -> (view name, widget)
        self._chart_drawn = 0.0
        self._sparkline_data: tuple[float, ...] = ()
        self._sparkline_drawn = 0.0
        self._message = ""
        self.frames_drawn = 0
        self.param_table, self.grad_table = ParamTable(id="params"), GradTable(id="grads")
        self.notes_panel = NotesPanel(id="notes")

    def compose(self) -> ComposeResult:
        yield StatusBar(self.lesson_id, show_speed=self.show_speed, id="status")
        yield Sparkline([], id="sparkline")
        with Container(id="panes"):
            yield CodePanel(id="code")
            with TabbedContent(id="tabs", initial="tab-chart"):
                with TabPane("Loss", id="tab-chart"):
                    yield LossChart(id="chart")
                # Hidden tabs are mounted just after the first frame (Lazy): the view appears sooner.
                with TabPane("Params", id="tab-params"):
                    yield Lazy(self.param_table)
                with TabPane("Grads", id="tab-grads"):
                    yield Lazy(self.grad_table)
                with TabPane("Notes", id="tab-notes"):
                    yield Lazy(self.notes_panel)
        yield Static(HINTS["loading"], id="message", markup=False)
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        if "torch" in sys.modules:
            self.query_one(StatusBar).show_loading("loading lesson…")
        self._preview()
        self._update_wants()
        self.query_one(Sparkline).visible = False
        # Start after the first frame: importing torch in the worker competes with painting for the GIL.
        self.call_after_refresh(self._start_driver)

    def _start_driver(self) -> None:
        self.run_worker(self.driver.run, thread=True, exit_on_error=False, name=f"trainer {self.lesson_id}",
                        group="trainer")

    def _preview(self) -> None:
        """Show the lesson's code and notes at once, from its file, while torch is still loading."""
        from core import catalog

        if not isinstance(self.lesson_ref, str):
            return
        from tui.screens.picker import lesson_infos

        ref = self.lesson_ref
        try:
            info = catalog.read_info(Path(ref)) if catalog.is_path(ref) else next(
                i for i in lesson_infos()[0] if i.id == ref)
        except Exception:  # the worker reports a bad or unknown lesson properly
            return
        self.query_one(CodePanel).set_source(info.path)
        self.notes_panel.set_notes(info.notes)

    def on_unmount(self) -> None:
        self.driver.stop()

    # -- messages from the training worker -----------------------------------------------------------
    def on_lesson_loaded(self, message: LessonLoaded) -> None:
        lesson = self.lesson = message.lesson
        status = self.query_one(StatusBar)
        self.lesson_id = status.lesson_id = lesson.id
        status.schedules_lr = bool(getattr(lesson, "schedules_lr", False))
        code = self.query_one(CodePanel)
        if lesson.source_file:
            code.set_source(lesson.source_file)
        self.notes_panel.set_notes(lesson.notes)
        self._add_views(lesson)
        self.bind_controls()

    def _add_views(self, lesson: Any) -> None:
        from tui.views import make_view, title

        tabs = self.query_one(TabbedContent)
        for index, name in enumerate(lesson.views):
            widget = make_view(name)
            pane = TabPane(title(name), widget, id=f"tab-view-{index}")
            self._views[pane.id] = (name, widget)
            tabs.add_pane(pane, before="tab-notes")

    def on_training_frame(self, message: TrainingFrame) -> None:
        try:
            self._draw(message.frame)
            self.frames_drawn += 1
        finally:
            self.driver.frame_done()

    def on_driver_notice(self, message: DriverNotice) -> None:
        self.notify(message.text, title=message.title, severity=message.severity, markup=False)

    def on_driver_failure(self, message: DriverFailure) -> None:
        from tui.screens.error_dialog import ErrorDialog

        self.app.push_screen(ErrorDialog(message.title, message.message, message.details))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One handler for a worker that died anyway: show why, keep the app up."""
        if event.state == WorkerState.ERROR:
            from tui.screens.error_dialog import ErrorDialog

            error = event.worker.error
            self.app.push_screen(ErrorDialog("The training worker stopped", f"{type(error).__name__}: {error}"))

    # -- drawing -------------------------------------------------------------------------------------
    def _draw(self, frame: Frame) -> None:
        previous, self.state, self.frame = self.state, frame.state, frame
        self.query_one(StatusBar).show(frame, self._flags(frame))
        now = time.monotonic()
        if frame.recent != self._sparkline_data and (frame.state != "running"
                                                     or now - self._sparkline_drawn >= SPARKLINE_INTERVAL):
            self._sparkline_data, self._sparkline_drawn = frame.recent, now
            self._draw_sparkline([v for v in frame.recent if math.isfinite(v)])
        if frame.state == "running":  # a line flickering at the refresh rate says nothing, and costs
            self.query_one(CodePanel).show_line(0, title="running… (pause to see the line)")
        else:
            where = f"after {frame.phase} · line {frame.line}" if frame.phase and frame.line else ""
            self.query_one(CodePanel).show_line(frame.line, frame.prev_line, title=where)
        self._set_message(self._message_for(frame))
        self._draw_active(frame)
        if frame.state != previous:
            self.refresh_bindings()
            if frame.state == "diverged":
                self.notify(frame.message, title="diverged", severity="warning", markup=False)

    def _draw_sparkline(self, values: list[float]) -> None:
        """About one column per loss while they fit (a few points would otherwise stretch over the whole
        width); the width grows in steps of 16 columns, as each change costs a relayout."""
        sparkline = self.query_one(Sparkline)
        sparkline.visible = bool(values)  # (an empty one draws a row of ▁)
        room = max(self.size.width - 2, 1)
        width = "1fr" if len(values) >= room else str(min(room, 16 * (len(values) // 16 + 1)))
        if str(sparkline.styles.width) != width:
            sparkline.styles.width = width
        sparkline.data = values[-room:]

    def _flags(self, frame: Frame) -> dict[str, bool]:
        return {"zero_grad": bool(frame.options.get("zero_grad"))} if self.has_option("zero_grad") else {}

    def _message_for(self, frame: Frame) -> str:
        if frame.state == "diverged":
            return f"{frame.message}  (- lowers the rate · space continues · r resets)"
        if frame.message and frame.state != "running":
            return frame.message
        return HINTS.get(frame.state, frame.message)

    def _set_message(self, text: str) -> None:
        if text != self._message:
            self._message = text
            message = self.query_one("#message", Static)
            message.set_class(self.state in ("diverged", "crashed", "failed"), "-alert")
            message.update(Text(text))

    def _draw_active(self, frame: Frame, force: bool = False) -> None:
        active = self.query_one(TabbedContent).active
        snapshot = frame.snapshot
        if active == "tab-chart":
            now = time.monotonic()
            if frame.losses is not None and (force or frame.state != "running"
                                             or now - self._chart_drawn >= CHART_INTERVAL):
                self._chart_drawn = now
                self.query_one(LossChart).show(frame.losses, frame.evals)
        elif snapshot is None:
            return
        elif active == "tab-params" and self.param_table.is_mounted:
            self.param_table.show(snapshot.params)
        elif active == "tab-grads" and self.grad_table.is_mounted:
            self.grad_table.show(snapshot.params)
        elif active in self._views:
            name, widget = self._views[active]
            if name in snapshot.views:
                try:
                    widget.show(snapshot.views[name])
                except Exception as exc:  # a view's bug: say so once in the message line, keep training
                    self._set_message(f"view {name} failed: {type(exc).__name__}: {exc}")

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._update_wants()
        if self.frame is not None:
            self._draw_active(self.frame, force=True)
        self.driver.refresh()

    def _update_wants(self) -> None:
        active = self.query_one(TabbedContent).active
        self.driver.wants_chart = active == "tab-chart"
        self.driver.wants_snapshot = active in ("tab-params", "tab-grads")
        self.driver.wants_ratios = active == "tab-grads"
        self.driver.wants_views = active in self._views
