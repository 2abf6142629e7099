"""The driver's frames: what a training view draws, built in the training thread at a bounded rate.

A frame holds plain data only. While training, the frame rate follows what the screen shows: the status
bar and the sparkline change at every frame, 4 times a second (``MIN_INTERVAL``); a ``trainer.snapshot()``
comes only when a visible table or view needs one, and the loss history only when the chart is visible
and due for a redraw (every ``CHART_INTERVAL``): a panel whose data did not change gets none and is not
redrawn. A paused run's frames carry everything. The interval grows when a snapshot is costly (big
models), so drawing never takes much from training.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.base.events import Progress
from core.base.i18n import pick
from core.base.status import Status
from core.driver.records import LineStop
from core.engine.model_summary import ModelSummary, OutputShapes, summarize
from core.engine.variables import Variable, describe

if TYPE_CHECKING:
    from core.base.events import Finished
    from core.driver.requests import RunControl
    from core.engine.snapshot import Snapshot

MIN_INTERVAL = 0.25  # seconds between frames while training: the status bar and sparkline change 4 times a second
SNAPSHOT_INTERVAL = 0.25  # while training, tables and lesson views get a snapshot at most 4 times a second
CHART_INTERVAL = 2.0  # while training, the loss chart (plotext: the costliest panel) gets its history this often
COST_FACTOR = 40  # a frame may cost the training thread at most 1/40 of the interval (snapshots of big models)
SPARKLINE_POINTS = 160


NOTHING_YET = Progress(Status.READY, None, 0, 1, 0, 0.0, None)


@dataclass(frozen=True)
class Frame:
    """Everything the training view shows, as of one moment in the run: the trainer's latest ``Progress``
    (step, epoch, phase, line, lr, loss, metrics: the same record headless mode prints) and what only the
    app shows around it."""

    state: Status  # the driver's: paused or running, or the run's end; loading or failed before a run
    progress: Progress = NOTHING_YET
    prev_line: int = 0  # line of the yield before the latest (the code between them just ran)
    steps_per_s: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # the lesson's option values (bool, int, str...)
    metrics: Mapping[str, Any] = field(default_factory=dict)  # every metric so far (the latest of each)
    snapshot: Snapshot | None = None  # None when no visible table or view needed one
    recent: tuple[float, ...] = ()  # the latest losses, for the sparkline
    losses: tuple[tuple[int, float], ...] | None = None  # the loss history for the chart (None: not sent)
    evals: Mapping[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)
    message: str = ""  # why the run stopped (diverged, finished, crashed), for the message line
    run_id: int = 0  # changes on reset / opening a checkpoint: the screen forgets per-run state
    at_line: LineStop | None = None  # i: the line a line step waits before (the code panel follows it)
    variables: tuple[Variable, ...] | None = None  # the loop's local variables (None: the Variables tab is hidden)
    model: ModelSummary | None = None  # the model's layers (None: the Model tab is hidden)

    # The record's fields, read where they are shown (the status bar, the code panel).
    @property
    def step(self) -> int:
        return self.progress.step

    @property
    def epoch(self) -> int:
        return self.progress.epoch

    @property
    def lr(self) -> float:
        return self.progress.lr

    @property
    def loss(self) -> float | None:
        return self.progress.loss

    @property
    def phase(self) -> str | None:
        return str(self.progress.phase) if self.progress.phase is not None else None

    @property
    def line(self) -> int:
        return self.progress.line


@dataclass(frozen=True)
class Needs:
    """What the visible panels need in a frame; the screen sets a new one when the tab changes."""

    chart: bool = True  # the loss history (the Loss tab)
    snapshot: bool = True  # parameters and gradients (the Params and Grads tabs)
    views: bool = True  # the lesson's own views
    ratios: bool = True  # the update/parameter ratio column (the Grads tab): a copy of every weight
    variables: bool = False  # the loop's local variables (the Variables tab)
    full: str | None = None  # the one variable the learner opened, described in full
    model: bool = False  # the layers, their parameters and output shapes (the Model tab): hooks while it is shown


class FrameBuilder:
    """Builds frames from the run and paces them; the driver posts them."""

    def __init__(self) -> None:
        self.needs = Needs()  # set by the screen (from the UI thread: one attribute, replaced whole)
        self.pending = False  # a frame was posted and the screen has not drawn it yet
        self.next_at = 0.0  # while training, the time the next frame may be built
        self._next_snapshot = 0.0  # while training, the time the next frame may carry a snapshot
        self._next_chart = 0.0  # while training, the time the next frame may carry the loss history
        self._moving = False  # whether the last frame was built while the run moved
        self._started = 0.0
        self.shapes = OutputShapes()  # forward hooks noting the layers' output shapes, while the Model tab shows

    def snapshot_now(self) -> None:
        """The next frame carries a snapshot and the history (e.g. a panel that needs one became visible)."""
        self._next_snapshot = self._next_chart = 0.0

    def build(self, run: RunControl) -> Frame:
        now = self._started = time.perf_counter()
        trainer, needs, moving = run.trainer, self.needs, run.moving
        if moving:
            run.rate.tick(now, trainer.step)
            if not self._moving:  # the run starts moving: the chart shows the paused run's history already
                self._next_chart = max(self._next_chart, now + CHART_INTERVAL)
        self._moving = moving
        snapshot = None
        # A paused run's frame carries everything; a line step's (i, many a second) only what is on screen.
        stepping_lines = run.at_line is not None or run.after_line
        whole = not moving and not stepping_lines
        due = now >= self._next_snapshot or stepping_lines
        if whole or ((needs.snapshot or needs.views) and due):
            # Without ratios the next update is not measured: for a big model that copy-and-compare of every
            # parameter costs several times the snapshot itself.
            self.shapes.noting = False  # (a lesson view may run a layer itself: not the lesson's forward pass)
            try:
                snapshot = trainer.snapshot(
                    views=needs.views or whole, ratios=needs.ratios or whole, params=needs.snapshot or whole
                )
            finally:
                self.shapes.noting = True
            self._next_snapshot = now + SNAPSHOT_INTERVAL
        chart = whole or (needs.chart and (now >= self._next_chart or stepping_lines))
        if chart:
            self._next_chart = now + CHART_INTERVAL
        if needs.model:  # (hooks go on and off in this thread: the forward pass runs here)
            self.shapes.follow(trainer.run.watched)
        elif self.shapes.following:
            self.shapes.remove()
        history = trainer.history
        self.pending = True
        return Frame(
            state=run.status,
            progress=trainer.progress,
            prev_line=run.prev_line,
            steps_per_s=run.rate.value,
            options=dict(trainer.options),
            metrics=dict(trainer.metrics),
            snapshot=snapshot,
            recent=tuple(history.values(SPARKLINE_POINTS)),
            losses=tuple(history.points()) if chart else None,
            evals={name: tuple(h.points()) for name, h in trainer.evals.items()} if chart else {},
            message=run.message,
            run_id=run.run_id,
            at_line=run.at_line,
            variables=describe(self._locals(run), needs.full) if needs.variables else None,
            model=summarize(trainer.run.watched, self.shapes) if needs.model else None,
        )

    @staticmethod
    def _locals(run: RunControl) -> Mapping[str, Any]:
        """The variables to show: the line a line step waits before (in ``forward``, say), else the loop's."""
        frame = run.line_frame
        return frame.f_locals if frame is not None else run.trainer.loop_variables()

    def sent(self) -> None:
        """The frame is posted: the next one waits ``MIN_INTERVAL``, or 40 times what this one cost."""
        cost = time.perf_counter() - self._started
        self.next_at = self._started + max(MIN_INTERVAL, COST_FACTOR * cost)


FINISH_REASONS = {
    "steps": ("reached its step budget", "用完了步数预算"),
    "epochs": ("reached its epoch budget", "用完了轮数预算"),
    "lesson": ("the lesson's loop ended", "课程的循环结束了"),
    "crashed": ("crashed", "崩溃了"),
}


def finished_message(event: Finished) -> str:
    """'finished after 1000 steps (reached its epoch budget): w 2, b 0.0002 · press r to train again'."""
    results = [
        f"{key} {value:.4g}" if isinstance(value, float) else f"{key} {value}"
        for key, value in event.summary.items()
        if key != "loss" and isinstance(value, (int, float, str)) and not isinstance(value, bool)
    ]
    reason = pick(*FINISH_REASONS.get(event.reason, (event.reason, event.reason)))
    text = pick(f"finished after {event.step} steps ({reason})", f"{event.step} 步后完成（{reason}）")
    if results:
        text += pick(": ", "：") + ", ".join(results[:6])
    return text + pick(" · press r to train again", " · 按 r 重新训练")
