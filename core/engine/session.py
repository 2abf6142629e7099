"""Starting a run: resume ``settings.resume`` or build a new ``Trainer``, written once for headless mode and
the app's driver. Torch is imported here (through the trainer), never at start-up."""

from __future__ import annotations

from core.base.settings import RunSettings
from core.engine.trainer import Trainer
from core.lesson import Lesson


def start(lesson: Lesson, settings: RunSettings) -> Trainer:
    """A new run of ``lesson``, or the checkpoint ``settings.resume`` continued with ``settings``' device,
    budget (else the checkpoint's) and learning rate (else the checkpoint's). A resumed run keeps the seed
    and options it was saved with, so giving either with ``resume`` is refused (``run_args.check_run_arguments``)."""
    if settings.resume is None:
        return Trainer(lesson, settings)
    trainer = Trainer.from_checkpoint(settings.resume, lesson, settings)
    if settings.lr is not None:
        trainer.lr = settings.lr
    return trainer
