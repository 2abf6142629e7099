"""What the headless front ends print alike: values and summaries, JSON without nan, one note on stderr, and how a
run ended (``ended_words``)."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any, Protocol

from core.base.events import Diverged, Finished
from core.base.i18n import pick


class Output(Protocol):
    def close(self) -> None: ...


def json_safe(value: Any) -> Any:
    """JSON has no nan/inf: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
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


def format_summary(summary: Mapping[str, Any]) -> str:
    """``w = 2.000  b = 0.000  loss = 0.000``: the lesson's results first, the loss last; text of
    several lines (a GPT's sample) below that line, under its name, indented."""
    items = [(k, v) for k, v in summary.items() if k != "loss"] + [("loss", summary.get("loss"))]
    texts = {k: v.strip("\n") for k, v in items if isinstance(v, str) and "\n" in v.strip("\n")}
    line = "  ".join(f"{k} = {format_value(v)}" for k, v in items if not isinstance(v, dict) and k not in texts)
    blocks = [f"{k}:\n" + "\n".join("    " + row for row in v.splitlines()) for k, v in texts.items()]
    return "\n".join([line, *blocks])


def note(output: Output | None, text: str) -> None:
    """One line on stderr, below the progress bar."""
    if output is not None:
        output.close()
    sys.stderr.write(f"learn-tui: {text}\n")  # (one write: a --serve run's server thread prints here too)
    sys.stderr.flush()


def ended_words(ended: Finished | Diverged | None, steps: int) -> str:
    """``diverged in step 3``, ``finished after 100 steps``, ``interrupted after 7 steps`` (None: ctrl+c)."""
    if isinstance(ended, Diverged):
        return pick(f"diverged in step {ended.step}", f"在第 {ended.step} 步发散")
    if ended is None:
        return pick(f"interrupted after {steps} steps", f"{steps} 步后中断")
    return pick(f"finished after {steps} steps", f"{steps} 步后完成")
