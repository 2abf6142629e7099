"""The training driver's request handlers: each runs in the training thread, between two events.

A handler raising ``LearnTuiError`` (a bad learning rate, a checkpoint that won't load, a lesson action's
``UsageError``) is reported to the learner by the driver; the run carries on unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.formatting import plain_result
from tui.lr_ladder import next_rung
from tui.worker_messages import DriverNotice


class DriverRequests:
    """Mixed into ``TrainingDriver`` (which provides the state and ``_publish``, ``_post``, ``_prime``, ...)."""

    def _can_move(self) -> bool:
        trainer = self.trainer
        if trainer.status == "diverged":
            trainer.continue_after_divergence()
            self._message = ""
        if trainer.status in ("finished", "crashed"):
            self._post(DriverNotice(f"the run has {trainer.status}: press r to start it again", "warning"))
            return False
        return True

    def _acted(self) -> None:
        """The learner did something: a notice about the run as it was (a checkpoint opened, a divergence's
        advice on the old learning rate) is stale now. A finished or crashed run's message still holds."""
        trainer = self.trainer
        ended = trainer.ended
        if trainer.status == "diverged" and ended is not None and getattr(ended, "reason", None):
            self._message = (f"training diverged in step {ended.step + 1}: {ended.reason}. The learning rate is "
                             f"now {trainer.lr:g}: continue with it, or reset.")
        elif trainer.status not in ("finished", "crashed"):
            self._message = ""

    def _toggle(self) -> None:
        self._acted()
        if self._moving:
            self._stop_moving()
        elif self._can_move():
            self._running = True
            self._rate_start = None
        self._publish()

    def _advance(self, unit: str) -> None:
        self._acted()
        if not self._can_move():
            return
        kind, value = self._goal or (None, 0)
        self._running = False
        if unit == "step":
            self._goal = ("step", (value if kind == "step" else self.trainer.step) + 1)
        else:
            self._goal = (unit, (value if kind == unit else 0) + 1)
        self._rate_start = None

    def _nudge_lr(self, direction: int) -> None:
        self.trainer.lr = next_rung(self.trainer.lr, direction)
        self._acted()
        self._publish()

    def _set_lr(self, value: Any) -> None:
        self.trainer.lr = value  # parse_lr: a bad value raises UsageError and keeps the old one
        self._acted()
        self._publish()

    def _toggle_option(self, name: str) -> None:
        option, trainer = self.lesson.option(name), self.trainer
        value = not trainer.options[name]
        word = "on" if value else "off"
        if option.live:
            trainer.set_option(name, value)
            self._acted()
            self._post(DriverNotice(f"{name} {word}"))
        else:
            options = {**trainer.options, name: value}
            self.trainer = self._new_trainer(options, trainer.lr)
            self._settings["options"] = options
            self._restart(f"{name} {word}: the run started again (this option is fixed during a run)")
        self._publish()

    def _reset(self) -> None:
        self.trainer.reset()
        self._restart("")
        self._publish()

    def _restart(self, message: str) -> None:
        self._stop_moving(message)
        self._line = self._prev_line = 0
        self._rate = None
        self._run_id += 1
        self._prime()

    def _save(self, path: str | None) -> None:
        trainer = self.trainer
        while trainer.step_open and trainer.ended is None:  # a checkpoint is taken between steps
            event = next(trainer, None)
            if event is None or not self._note(event):
                break
        target = path or str(Path("checkpoints") / f"{self.lesson.id}-step{trainer.step}.pt")
        saved = self.last_saved = trainer.save(target)
        self._post(DriverNotice(f"saved {saved} at step {trainer.step}; press o to open it later",
                                title="checkpoint saved"))
        self._publish()

    def _open(self, path: str) -> None:
        from core.trainer import Trainer

        settings = self._settings
        trainer = Trainer.from_checkpoint(path, self.lesson, device=settings["device"])
        self.trainer = trainer
        self._stop_moving(f"opened {path} at step {trainer.step}")
        self._line = self._prev_line = 0
        self._run_id += 1
        self._publish()

    def _call(self, action: str, argument: Any, description: str) -> None:
        result = self.trainer.call(action, argument)
        self._post(DriverNotice(plain_result(result), title=description))
        self._publish()
