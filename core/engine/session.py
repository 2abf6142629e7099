"""Starting a run: resume ``settings.resume`` or build a new ``Trainer``, written once for headless mode and
the app's driver. Torch is imported here (through the trainer), never at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.base.settings import RunSettings

if TYPE_CHECKING:
    from core.base.events import Diverged, Finished
    from core.engine.trainer import Trainer
    from core.lesson import Lesson


def start(lesson: Lesson, settings: RunSettings) -> Trainer:
    """A new run of ``lesson``, or the checkpoint ``settings.resume`` continued with ``settings``' device,
    budget (else the checkpoint's) and learning rate (else the checkpoint's). A resumed run keeps the seed
    and options it was saved with, so giving either with ``resume`` is refused (``run_args.check_run_arguments``)."""
    from core.engine.trainer import Trainer

    if settings.resume is None:
        return Trainer(lesson, settings)
    trainer = Trainer.from_checkpoint(settings.resume, lesson, settings)
    if settings.lr is not None:
        trainer.lr = settings.lr
    return trainer


def nothing_left(
    settings: RunSettings, trainer: Trainer, ended: Finished | Diverged | None, steps_before: int
) -> str | None:
    """A resumed run that stopped at once because its checkpoint had reached its budget: one line saying so
    and how to train on (else None)."""
    from core.base.events import Finished

    if settings.resume is None or not isinstance(ended, Finished) or trainer.step != steps_before:
        return None
    if ended.reason == "steps" and trainer.max_steps is not None:
        unit, budget = "steps", trainer.max_steps
    elif ended.reason == "epochs" and trainer.max_epochs is not None:
        unit, budget = "epochs", trainer.max_epochs
    else:
        return None
    return (
        f"{settings.resume} already reached its budget of {budget} {unit}, so there was nothing to train; "
        f"add --{unit} {2 * budget} to train on"
    )
