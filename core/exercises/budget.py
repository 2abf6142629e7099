"""How much of the lesson ``check`` compares, and how it says so.

Both runs use the lesson's own budget (its epochs, so a schedule decays as in a real run) and ``check`` stops
comparing after ``--steps N`` steps, or by default after two epochs (the first epoch's end and the second
one's start are where an epoch's accumulation, reset or scheduled step shows), at least ``MIN_STEPS`` steps
(a lesson whose epoch is one step) and at most ``MAX_STEPS`` (an MNIST epoch is 938 steps: the message then
says the epoch's end was not reached, and how to check further).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.base.i18n import pick

EPOCHS = 2
MIN_STEPS = 20
MAX_STEPS = 100


@dataclass
class Coverage:
    """What one check covered: filled in as the reference runs (``seen``), read for the message."""

    wanted: int | None = None  # --steps (None: the default)
    steps: int = 0  # the last step the reference ran within the budget
    epoch: int = 0  # the epoch that step belongs to
    per_epoch: int | None = None  # the steps of one epoch, known once the second began
    whole: bool = False  # the reference's whole run fitted in the budget
    lesson: Any = None  # the reference lesson

    @property
    def limit(self) -> int:
        if self.wanted is not None:
            return self.wanted
        if self.per_epoch is None:
            return MAX_STEPS
        return min(max(EPOCHS * self.per_epoch, MIN_STEPS), MAX_STEPS)

    def seen(self, step: int, epoch: int) -> bool:
        """The reference reached ``step`` of ``epoch``: False once that is past the budget (not compared)."""
        if epoch == 2 and self.per_epoch is None:
            self.per_epoch = step - 1
        if step > self.limit:
            return False
        self.steps, self.epoch = max(self.steps, step), max(self.epoch, epoch)
        return True


def trainer_budget(lesson: Any) -> dict[str, int]:
    """The lesson's own budget, for both runs (the learner's file may have changed its ``epochs=``)."""
    if lesson.steps is not None:
        return {"steps": lesson.steps}
    return {"epochs": lesson.epochs} if lesson.epochs is not None else {}


def passed_message(coverage: Coverage, phases: int) -> str:
    """The verdict of a check that passed ("all N phases of M steps match …"), with how much of the lesson's run
    that is and how to check more."""
    lesson = coverage.lesson
    name, steps, epochs = lesson.id, coverage.steps, lesson.epochs
    total = lesson.steps or (epochs * coverage.per_epoch if epochs and coverage.per_epoch else None)
    if coverage.whole:
        return pick(
            f"all {phases} phases of the whole run ({steps} steps) match the reference {name}",
            f"整个训练（{steps} 步）共 {phases} 个阶段都与参考 {name} 一致",
        )
    head = pick(
        f"all {phases} phases of {steps} steps match the reference {name}",
        f"{steps} 步共 {phases} 个阶段都与参考 {name} 一致",
    )
    of = pick(f"{steps} of its {total} steps", f"它 {total} 步中的 {steps} 步") if total else None
    if coverage.epoch > 1:
        span = pick(f"epochs 1-{coverage.epoch}", f"第 1-{coverage.epoch} 轮") + (
            pick(f" of {epochs}", f"（共 {epochs} 轮）") if epochs else ""
        )
    else:
        span = pick("inside epoch 1, before its end", "都在第 1 轮内，没到轮末")
    whole = pick(f" (the whole run: --steps {total})", f"（整个训练：--steps {total}）") if total else ""
    return head + pick(
        f": {of or f'the first {steps} steps'} ({span}); check more with --steps N{whole}",
        f"：检查了{of or f'前 {steps} 步'}（{span}）；要检查更多请用 --steps N{whole}",
    )
