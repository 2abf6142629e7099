"""The training driver's frames: what the screen draws, built in the training thread at a bounded rate.

A frame holds plain data only. It carries a ``trainer.snapshot()`` only when a visible panel needs one
(or the run is paused), and the loss history only when the chart is visible; the interval between
frames grows when a snapshot is costly (big models), so drawing never takes much from training.
"""

from __future__ import annotations

import time
from typing import Any

from tui.worker_messages import Frame, TrainingFrame

MIN_INTERVAL = 0.1  # seconds between frames while training: the screen refreshes at about 10 Hz
SNAPSHOT_INTERVAL = 0.25  # while training, tables and lesson views get a snapshot at most 4 times a second
COST_FACTOR = 40  # a frame may cost the training thread at most 1/40 of the interval (snapshots of big models)
SPARKLINE_POINTS = 160
RATE_WINDOW = 0.5  # seconds over which steps/s is measured


class FramePublisher:
    """Mixed into ``TrainingDriver``."""

    def _state(self) -> str:
        trainer = self.trainer
        if trainer is None:
            return "failed" if self._failed else "loading"
        if trainer.status in ("finished", "diverged", "crashed"):
            return trainer.status
        return "running" if self._moving else "paused"

    def _close_rate_window(self) -> None:
        if self._rate_start is not None and self.trainer is not None:
            started, step = self._rate_start
            elapsed = time.perf_counter() - started
            if elapsed > 0.05 and self.trainer.step > step:
                self._rate = (self.trainer.step - step) / elapsed
        self._rate_start = None

    def _publish(self) -> None:
        if self._stopped:
            return
        now = time.perf_counter()
        trainer = self.trainer
        if trainer is None:
            self._post(TrainingFrame(Frame("failed" if self._failed else "loading", message=self._failed)))
            return
        moving = self._moving
        if moving:
            if self._rate_start is None:
                self._rate_start = (now, trainer.step)
            elif now - self._rate_start[0] >= RATE_WINDOW:
                self._close_rate_window()
                self._rate_start = (now, trainer.step)
        snapshot = None
        if not moving or ((self.wants_snapshot or self.wants_views) and now >= self._next_snapshot):
            snapshot = self._snapshot(views=self.wants_views or not moving, ratios=self.wants_ratios or not moving)
            self._next_snapshot = now + SNAPSHOT_INTERVAL
        chart = self.wants_chart or not moving
        history = trainer.history
        frame = Frame(
            state=self._state(), step=trainer.step, epoch=trainer.last_epoch, lr=trainer.lr,
            loss=trainer.loss, phase=str(trainer.phase) if trainer.phase else None, line=self._line,
            prev_line=self._prev_line, steps_per_s=self._rate, options=dict(trainer.options),
            metrics=dict(trainer.metrics), snapshot=snapshot, recent=tuple(history.values(SPARKLINE_POINTS)),
            losses=tuple(history.points()) if chart else None,
            evals={name: tuple(h.points()) for name, h in trainer.evals.items()} if chart else {},
            message=self._message, run_id=self._run_id)
        self._frame_pending = True
        self._post(TrainingFrame(frame))
        cost = time.perf_counter() - now
        self._interval = max(MIN_INTERVAL, COST_FACTOR * cost)
        self._next_frame = now + self._interval

    def _snapshot(self, views: bool, ratios: bool) -> Any:
        """``trainer.snapshot()``; without ``ratios`` the next update is not measured (for a big model that
        copy-and-compare of every parameter costs several times the snapshot itself)."""
        return self.trainer.snapshot(views=views, ratios=ratios)


FINISH_REASONS = {"steps": "reached its step budget", "epochs": "reached its epoch budget",
                  "lesson": "the lesson's loop ended", "crashed": "crashed"}


def finished_message(event: Any) -> str:
    """'finished after 1000 steps (reached its epoch budget): w 2, b 0.0002 · press r to train again'."""
    from tui.formatting import number

    results = [f"{key} {number(value)}" for key, value in event.summary.items()
               if key != "loss" and isinstance(value, (int, float, str)) and not isinstance(value, bool)]
    text = f"finished after {event.step} steps ({FINISH_REASONS.get(event.reason, event.reason)})"
    if results:
        text += ": " + ", ".join(results[:6])
    return text + " · press r to train again"
