"""The headless run's progress: on a terminal, rich's progress bar (done/total, elapsed time, an estimate of
the time left, the latest loss, lr and speed); elsewhere (a pipe, a file, CI) a plain line now and then.

rich comes with Textual but is not the app: core may use it (core never imports textual). steps/s is
measured over the last few seconds of wall time (``core.base.rate``, as in the app's status bar), so a slow
start or a pause does not skew it for long.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

from core.base.events import Progress
from core.base.i18n import pick
from core.base.rate import StepRate, format_rate
from core.phases import Phase

REDRAW_INTERVAL = 0.1  # seconds between redraws of the bar on a terminal
LINE_INTERVAL = 1.0  # seconds between plain lines when the output is not a terminal


def progress_line(event: Progress, rate: float | None) -> str:
    """``step 12  epoch 1  loss 0.4321  lr 0.01  43 steps/s``."""
    loss = "-" if event.loss is None else f"{event.loss:.4g}"
    speed = format_rate(rate, "-")
    return pick(
        f"step {event.step}  epoch {event.epoch}  loss {loss}  lr {event.lr:g}  {speed}",
        f"第 {event.step} 步  第 {event.epoch} 轮  损失 {loss}  lr {event.lr:g}  {speed.replace('steps/s', '步/秒')}",
    )


def unit_word(unit: str) -> str:
    """The bar's unit, ``steps`` or ``epochs``, in the chosen language."""
    return pick(unit, "步" if unit == "steps" else "轮")


class ProgressDisplay:
    """``event(progress)`` for every event (it draws after each completed step, at most every
    ``REDRAW_INTERVAL`` s), ``close()`` before anything else is printed (a note, the summary)."""

    def __init__(self, out: TextIO, trainer: Any) -> None:
        self.out = out
        self.last = -float("inf")
        self.bar: Any = None
        self.follow(trainer)
        self.bar = self._rich_bar() if _is_terminal(out) else None

    def follow(self, trainer: Any) -> None:
        """Show this trainer's run from here on: its budget, its step, a fresh speed (a served run that an
        attached app reset, or where it opened a checkpoint, goes on in the same display)."""
        self.trainer = trainer
        self.unit = "epochs" if trainer.max_epochs is not None else "steps"
        self.total = trainer.max_epochs or trainer.max_steps
        self.shown_step = trainer.step
        self.rate = StepRate()
        self.rate.tick(time.perf_counter(), trainer.step)
        self.pending: Progress | None = None  # the latest completed step not drawn yet
        if self.bar is not None:
            done = trainer.step if self.unit == "steps" else self.epochs_done(None)
            self.bar.update(self.task, total=self.total, completed=done, unit=unit_word(self.unit))
            self.bar.refresh()

    def _rich_bar(self) -> Any:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        bar = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TimeElapsedColumn(),
            TextColumn(pick("left", "剩余")),
            TimeRemainingColumn(),
            TextColumn("{task.fields[line]}", markup=False),
            console=Console(file=self.out),
            auto_refresh=False,
            transient=False,
        )
        self.task = bar.add_task(pick("training", "训练"), total=self.total, line="", unit=unit_word(self.unit))
        bar.start()
        return bar

    def event(self, event: Progress) -> None:
        if event.closes_step(self.shown_step):
            self.shown_step = event.step
            self.update(event)

    def update(self, event: Progress, force: bool = False) -> None:
        now = time.perf_counter()
        rate = self.rate.tick(now, event.step)
        if not force and now - self.last < (REDRAW_INTERVAL if self.bar is not None else LINE_INTERVAL):
            self.pending = event
            return
        self.last, self.pending = now, None
        line = progress_line(event, rate)
        if self.bar is not None:
            done = event.step if self.unit == "steps" else self.epochs_done(event)
            self.bar.update(self.task, completed=done, line=line.split("  ", 1)[1])
            self.bar.refresh()
        else:
            self.out.write(line + "\n")
            self.out.flush()

    def epochs_done(self, event: Progress | None) -> float:
        """The epochs done, counting the part of the one in progress (its batches so far out of its
        ``len()``, when its data have one): so the bar and the time left move within a long epoch."""
        run = getattr(self.trainer, "run", None)
        epoch = event.epoch if event is not None else getattr(run, "epoch", 0)
        if event is not None and event.phase is Phase.EPOCH:
            return float(epoch)
        batches, done = getattr(run, "epoch_batches", None), getattr(run, "batch", 0)
        part = min(done / batches, 1.0) if isinstance(batches, int) and batches > 0 else 0.0
        return max(epoch - 1, 0) + part

    def close(self) -> None:
        """End the bar's line: what is printed next goes below it (later progress as plain lines)."""
        if self.bar is not None:
            if self.pending is not None:  # the bar ends at the last completed step
                self.update(self.pending, force=True)
            self.bar.stop()
            self.bar = None
            self.out.flush()


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False
