"""Draws the driver's frames onto the training view: the status bar, the sparkline, the code panel's line,
the message line and the visible tab. Each is redrawn only when its data changed; the driver paces what a
frame carries to what the screen shows (``core/driver/frames.py``: plotext's chart, the costliest panel,
gets its history every 2 s while training; the status bar and the sparkline are the live view). While training,
the chart is redrawn at most every ``CHART_COST_FACTOR`` times what its last redraw cost the UI thread (a
slow terminal or a wide chart: fewer redraws), so it never takes more than ~2% of the machine from training."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual.widgets import Sparkline, Static, TabbedContent

from core.base.i18n import pick
from core.base.status import ALERTS, Status
from core.driver.frames import CHART_INTERVAL
from tui.widgets.code_panel import CodePanel
from tui.widgets.loss_chart import LossChart
from tui.widgets.model_panel import ModelPanel
from tui.widgets.status_bar import StatusBar
from tui.widgets.variables_panel import VariablesPanel

if TYPE_CHECKING:
    from textual.screen import Screen

    from core.driver.frames import Frame
    from tui.widgets.grad_table import GradTable
    from tui.widgets.param_table import ParamTable

HINTS = {  # (English, Chinese)
    Status.LOADING: ("loading torch and the lesson…", "正在加载 torch 和课程…"),
    Status.RUNNING: (
        "training… space pauses · + and - change the learning rate",
        "训练中… space 暂停 · + 和 - 调整学习率",
    ),
    Status.PAUSED: (
        "paused · space: run · n: one batch · .: one phase · e: end of epoch · ?: keys",
        "已暂停 · space：运行 · n：一个批量 · .：一个阶段 · e：本轮结束 · ?：按键",
    ),
}


def hint(state: Status) -> str:
    """The message line's hint for a state, in the chosen language (empty: no hint for it)."""
    texts = HINTS.get(state)
    return pick(*texts) if texts else ""


PHASE_ZH = {  # the phases (core/phases.py) as the course says them
    "forward": "前向传播",
    "loss": "计算损失",
    "backward": "反向传播",
    "update": "更新",
    "zero_grad": "梯度清零",
    "step": "一步",
    "epoch": "一轮",
    "eval": "评估",
}
T = TypeVar("T", VariablesPanel, ModelPanel)
CHART_COST_FACTOR = 50  # while training, the chart waits at least 50 times its last redraw's cost (<= 2% of the time)


class FramePainter:
    def __init__(
        self, screen: Screen, param_table: ParamTable, grad_table: GradTable, views: dict[str, tuple[str, Any]]
    ) -> None:
        """``views``: tab id -> (view name, its widget), filled in by the screen when the lesson loads."""
        self._screen = screen
        self._param_table, self._grad_table, self._views = param_table, grad_table, views
        self.message = ""  # the message line's text now
        self._chart_data: tuple[object, object] | None = None  # (losses, evals) the chart shows now
        self._chart_next: tuple[Any, Any] | None = None  # (losses, evals) to show when the chart is due
        self._chart_due = 0.0  # while training, the time the chart may be redrawn next
        self.chart_seconds = 0.0  # what the last chart redraw cost the UI thread (until the screen was refreshed)
        self._sparkline_data: tuple[float, ...] = ()

    def draw(self, frame: Frame, flags: dict[str, bool]) -> None:
        """``flags``: switches shown in the status bar (``zero_grad off``)."""
        query = self._screen.query_one
        query(StatusBar).show(frame, flags)
        if frame.recent != self._sparkline_data:
            self._sparkline_data = frame.recent
            self._draw_sparkline([v for v in frame.recent if math.isfinite(v)])
        line, prev_line = frame.line, frame.prev_line
        if frame.at_line is not None:  # i: before this line (in the loop, or in forward or a helper)
            stop = frame.at_line
            inside = "" if stop.function == "train" else f"{stop.function}() · "
            line, prev_line = stop.line, 0
            where = pick(f"next: {inside}line {stop.line}", f"下一步：{inside}第 {stop.line} 行")
        elif frame.state == Status.RUNNING:  # the line follows the loop (a title changing per frame would repaint all)
            where = pick("running · space pauses", "训练中 · space 暂停")
        elif frame.phase and frame.line:
            phase = PHASE_ZH.get(str(frame.phase), str(frame.phase))
            where = pick(f"after {frame.phase} · line {frame.line}", f"{phase}之后 · 第 {frame.line} 行")
        else:
            where = ""
        query(CodePanel).show_line(line, prev_line, title=where)
        self.set_message(message_for(frame), frame.state in ALERTS)
        self.draw_active(frame)

    def _draw_sparkline(self, values: list[float]) -> None:
        """About one column per loss while they fit (a few points would otherwise stretch over the whole
        width); the width grows in steps of 16 columns, as each change costs a relayout."""
        sparkline = self._screen.query_one(Sparkline)
        sparkline.visible = bool(values)  # (an empty one draws a row of ▁)
        room = max(self._screen.size.width - 2, 1)
        width = "1fr" if len(values) >= room else str(min(room, 16 * (len(values) // 16 + 1)))
        if str(sparkline.styles.width) != width:
            sparkline.styles.width = width
        sparkline.data = values[-room:]

    def _draw_chart(self, losses: Any, evals: Any) -> None:
        """Redraw the chart and time it: plotext builds the chart in the next refresh, so the cost is measured
        from here until that refresh is done."""
        self._chart_data, self._chart_next = (losses, evals), None
        start = time.perf_counter()
        self._chart_due = start + CHART_INTERVAL
        self._screen.query_one(LossChart).show(losses, evals)
        self._screen.call_after_refresh(self._chart_drawn, start)

    def _chart_drawn(self, start: float) -> None:
        self.chart_seconds = time.perf_counter() - start
        self._chart_due = max(self._chart_due, start + CHART_COST_FACTOR * self.chart_seconds)

    def set_message(self, text: str, alert: bool = False) -> None:
        if text != self.message:
            self.message = text
            line = self._screen.query_one("#message", Static)
            line.set_class(alert, "-alert")
            line.update(Text(text))

    def draw_active(self, frame: Frame, force: bool = False) -> None:
        """The visible tab only (a table or view draws its snapshot; the chart its history)."""
        active = self._screen.query_one(TabbedContent).active
        snapshot = frame.snapshot
        if active == "tab-chart":
            data = (frame.losses, frame.evals)
            if frame.losses is not None and (force or data != self._chart_data):
                self._chart_next = data
            if self._chart_next is not None and (
                force or frame.state != Status.RUNNING or time.perf_counter() >= self._chart_due
            ):
                self._draw_chart(*self._chart_next)
        elif active == "tab-variables":
            if frame.variables is not None and (panel := self._mounted(VariablesPanel)) is not None:
                panel.show(frame.variables, frame.run_id)
        elif active == "tab-model":
            if frame.model is not None and (model := self._mounted(ModelPanel)) is not None:
                model.show(frame.model)
        elif snapshot is None:
            return
        elif active == "tab-params" and self._param_table.is_mounted:
            self._param_table.show(snapshot.params)
        elif active == "tab-grads" and self._grad_table.is_mounted:
            self._grad_table.show(snapshot.params)
        elif active in self._views:
            name, widget = self._views[active]
            if name in snapshot.views:
                try:
                    widget.show(snapshot.views[name])
                except Exception as exc:  # a view's bug: say so once in the message line, keep training
                    self.set_message(
                        pick(f"view {name} failed: ", f"视图 {name} 出错：") + f"{type(exc).__name__}: {exc}"
                    )

    def _mounted(self, kind: type[T]) -> T | None:
        """The screen's panel of that kind once it is mounted (hidden tabs are mounted after the first frame)."""
        found = self._screen.query(kind)
        return found.first() if found and found.first().is_mounted else None


def message_for(frame: Frame) -> str:
    """The message line: why the run stopped (with what to do after a divergence), else a hint."""
    if frame.state == Status.DIVERGED:
        return frame.message + pick(
            "  (- lowers the rate · space continues · r resets)", "（- 调低学习率 · space 继续 · r 重置）"
        )
    if frame.message and frame.state != Status.RUNNING:
        return frame.message
    return hint(frame.state) or frame.message
