"""``RunSettings``: what a run is started with, in one frozen record for the trainer, headless mode, the
app and its driver (the command line's ``--lr``, ``--seed``, ``--device``, ``--steps``/``--epochs``, the
lesson's own options, and ``--resume``).

Values are checked where the trainer is built (``parse_lr``, ``parse_count``, ``Lesson.config``), as on the
command line, so text from the CLI and typed values are both accepted here. Lessons opened from the app's
picker get ``RunSettings(seed=..., device=...)``: the defaults, with the same seed and device.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any


@dataclass(frozen=True)
class RunSettings:
    options: Mapping[str, Any] = field(default_factory=dict)  # option name -> value (text from the CLI, or typed)
    lr: float | str | None = None  # None: the lesson's own
    seed: int = 0
    device: str = "cpu"
    steps: int | str | None = None  # a budget; None (both): the lesson's own (or the checkpoint's)
    epochs: int | str | None = None
    resume: str | None = None  # a checkpoint to continue (core.engine.session.start), instead of step 0
    own_rng: bool = False  # keep its own random generators (runs side by side in one process: rng.OwnGenerators)

    @classmethod
    def of(cls, base: RunSettings | None = None, **changes: Any) -> RunSettings:
        """``base`` (or the defaults) with ``changes``; an unknown name is a TypeError, as for a call."""
        unknown = sorted(set(changes) - {f.name for f in fields(cls)})
        if unknown:
            raise TypeError(f"RunSettings has no {', '.join(unknown)}")
        return replace(base or cls(), **changes)
