"""``learn-tui run LESSON --headless``: train without the app and print progress, then the results.

With ``--json`` stdout carries only JSON objects, one per line, flushed as written: one per completed
step (``"event": "step"``), one per evaluation (``"eval"``), then a final ``"summary"`` whose keys name
the lesson's results plainly (``loss``, ``w``, ``b``, ``accuracy``, ``prediction``, ...).
"""

from __future__ import annotations

import json
import math
import sys
import time
from typing import Any, TextIO

from core.events import Diverged, Finished, PhaseEvent
from core.phases import EVAL

PROGRESS_INTERVAL = 0.1  # seconds between redraws of the live progress bar on a terminal
LINE_INTERVAL = 1.0  # seconds between plain progress lines when stdout is not a terminal


def _clean(value: Any) -> Any:
    """JSON has no nan/inf: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def format_value(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}" if value == 0 or 1e-3 <= abs(value) < 1e6 else f"{value:.3e}"
    if isinstance(value, list):
        shown = ", ".join(format_value(v) for v in value[:8])
        return f"[{shown}{', ...' if len(value) > 8 else ''}]"
    return str(value)


def format_summary(summary: dict[str, Any]) -> str:
    """``w = 2.000  b = 0.000  loss = 0.000``: the lesson's results first, the loss last; text of
    several lines (a GPT's sample) below that line, under its name, indented."""
    items = [(k, v) for k, v in summary.items() if k != "loss"] + [("loss", summary.get("loss"))]
    texts = {k: v.strip("\n") for k, v in items if isinstance(v, str) and "\n" in v.strip("\n")}
    line = "  ".join(f"{k} = {format_value(v)}" for k, v in items if not isinstance(v, dict) and k not in texts)
    blocks = [f"{k}:\n" + "\n".join("    " + row for row in v.splitlines()) for k, v in texts.items()]
    return "\n".join([line, *blocks])


class Progress:
    """A live bar on a terminal, a plain line now and then otherwise."""

    def __init__(self, out: TextIO, total: int | None, unit: str) -> None:
        self.out, self.total, self.unit = out, total, unit
        self.live = out.isatty()
        self.start = self.last = time.perf_counter()
        self.last_step = 0

    def update(self, event: PhaseEvent, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self.last < (PROGRESS_INTERVAL if self.live else LINE_INTERVAL):
            return
        rate = (event.step - self.last_step) / max(now - self.last, 1e-9)
        self.last, self.last_step = now, event.step
        done = event.step if self.unit == "steps" else event.epoch
        loss = "-" if event.loss is None else f"{event.loss:.4g}"
        text = f"step {event.step}  epoch {event.epoch}  loss {loss}  lr {event.lr:g}  {rate:.0f} steps/s"
        if self.live:
            bar = ""
            if self.total:
                filled = int(20 * min(done / self.total, 1.0))
                bar = f"[{'#' * filled}{'.' * (20 - filled)}] {done}/{self.total} {self.unit}  "
            self.out.write(f"\r\x1b[2K{bar}{text}")
        else:
            self.out.write(text + "\n")
        self.out.flush()

    def close(self) -> None:
        if self.live:
            self.out.write("\n")
            self.out.flush()


def run_headless(lesson: Any, args: Any, options: dict[str, Any]) -> int:
    from core.trainer import Trainer

    if args.resume:
        budget = {k: getattr(args, k) for k in ("steps", "epochs") if getattr(args, k) is not None}
        trainer = Trainer.from_checkpoint(args.resume, lesson, device=args.device, **budget)
        if args.lr is not None:
            trainer.lr = args.lr
    else:
        trainer = Trainer(lesson, options=options, lr=args.lr, seed=args.seed, device=args.device,
                          steps=args.steps, epochs=args.epochs)
    out = sys.stdout
    unit = "epochs" if trainer.max_epochs is not None else "steps"
    progress = None if args.json else Progress(out, trainer.max_epochs or trainer.max_steps, unit)
    started, ended, interrupted = time.perf_counter(), None, False
    try:
        last_step = trainer.step
        for event in trainer:
            if isinstance(event, PhaseEvent):
                if args.json:
                    if event.step != last_step:
                        record = {"event": "step", "step": event.step, "epoch": event.epoch, "loss": event.loss,
                                  "lr": event.lr}
                        if event.metrics:
                            record["metrics"] = event.metrics
                        out.write(json.dumps(_clean(record)) + "\n")
                        out.flush()
                    if event.phase is EVAL:
                        out.write(json.dumps(_clean({"event": "eval", "step": trainer.eval_step(), "epoch": event.epoch,
                                                     **(event.metrics or {})})) + "\n")
                        out.flush()
                elif event.step != last_step:
                    progress.update(event)
                last_step = event.step
            else:
                ended = event
    except KeyboardInterrupt:
        interrupted = True
    if progress is not None:
        progress.close()
    if args.save:
        if trainer.step_open and trainer.status not in ("crashed", "diverged"):
            trainer.advance("step")  # a checkpoint is taken between steps
        path = trainer.save(args.save)
        print(f"saved checkpoint {path}", file=sys.stderr)
    summary = ended.summary if isinstance(ended, Finished) else trainer.summary()
    status = "interrupted" if interrupted else ("diverged" if isinstance(ended, Diverged) else "finished")
    seconds = time.perf_counter() - started
    if args.json:
        record = {"event": "summary", "lesson": lesson.id, "status": status, "steps": trainer.step,
                  "epochs": max(trainer.run.epoch, 1), "seconds": round(seconds, 3), **summary}
        if isinstance(ended, Diverged):
            record["message"] = ended.message
        out.write(json.dumps(_clean(record)) + "\n")
        out.flush()
    else:
        print(f"{lesson.id}: {status} after {trainer.step} steps in {seconds:.1f} s")
        print(format_summary(summary))
    if isinstance(ended, Diverged):
        print(f"learn-tui: {ended.message}", file=sys.stderr)
        return 3
    return 130 if interrupted else 0
