"""``Run``: what a lesson's loop sees of the trainer.

A lesson's ``train(run)`` reads its settings from ``run``, registers what it trains with
``run.watch(...)`` (after building its data and model), and walks its data through ``run.epochs()``
and ``run.batches(...)``. Those give the trainer what it needs to resume a checkpoint exactly: which
epoch, how many of its batches were done, and the random state just before the epoch's batches
were drawn (so a shuffled ``DataLoader`` repeats its order).
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any, Iterable, Iterator

from core import rng


class Run:
    def __init__(self, trainer: Any, options: dict[str, Any], device: str, resume: dict | None) -> None:
        self._trainer = trainer
        self.options = SimpleNamespace(**options)  # the lesson's options; live ones may change
        self.device = device
        self.seed: int = trainer.seed
        self.epoch = 0  # the epoch in progress, from 1; 0 before the first
        self.batch = 0  # batches started in this epoch
        self.state = SimpleNamespace()  # the lesson's own state, read by its views in the trainer thread
        self.watched: dict[str, Any] = {}  # name -> nn.Module / tensor / numpy array
        self.optimizers: list[Any] = []
        self.max_epochs: int | None = trainer.max_epochs  # the run's budget, e.g. for a schedule's length
        self.max_steps: int | None = trainer.max_steps
        self.resumed = resume is not None  # True when this run continues a checkpoint
        self._resume = resume  # a loaded checkpoint, applied by watch(), epochs() and batches()
        self._epoch_rng: dict | None = None
        self._restored = False
        self._per_epoch = [o.name for o in trainer.lesson.options if o.per_epoch]
        self.epoch_options: dict[str, Any] = {}  # per-epoch options as the epoch in progress began
        self._next_epoch: dict[str, Any] = {}  # per-epoch values waiting for the resumed epoch to end
        if resume is not None and resume["trainer"]["batch"]:  # resumed mid-epoch: finish it as it began
            for name, value in resume.get("epoch_options", {}).items():
                if getattr(self.options, name) != value:
                    self._next_epoch[name] = getattr(self.options, name)
                    setattr(self.options, name, value)

    @property
    def lr(self) -> float:
        """The learning rate now; keys and ``trainer.lr = x`` change it between events."""
        return self._trainer.lr

    @property
    def step(self) -> int:
        """Steps (batches) completed so far: a lesson's schedule may depend on it."""
        return self._trainer.step

    def set_option(self, name: str, value: Any) -> None:
        """Change one of the lesson's ``live`` options from a lesson action (checked like the CLI's)."""
        self._trainer.set_option(name, value)

    def upcoming(self, name: str) -> Any:
        """The value a per-epoch option will have in the next epoch."""
        return self._next_epoch.get(name, getattr(self.options, name))

    def _set_option(self, name: str, value: Any) -> None:
        if name in self._next_epoch:  # the resumed epoch keeps its value; this one waits for the next
            self._next_epoch[name] = value
        else:
            setattr(self.options, name, value)

    def watch(self, *modules: Any, optimizer: Any = None, **named: Any) -> None:
        """Register what the learner sees and what checkpoints hold.

        ``modules``: ``nn.Module``s, shown by their parameter names. ``named``: tensors or numpy
        arrays under the given names (update numpy arrays in place: ``w -= lr * grad``).
        ``optimizer``: one or a list; it gets the live learning rate and is checkpointed.
        Call it after building data and model, before the loop.
        """
        for module in modules:
            self.watched["" if "" not in self.watched else f"module{len(self.watched)}"] = module
        self.watched.update(named)
        if optimizer is not None:
            self.optimizers.extend(optimizer if isinstance(optimizer, (list, tuple)) else [optimizer])
            self._trainer._apply_lr()
        if self._resume is not None:
            self._restored = False
            self._restore()

    def _restore(self) -> None:
        """Once per resume: load the checkpoint into what is watched, and its random state."""
        if self._resume is not None and not self._restored:
            from core.checkpoint import restore_watched

            self._restored = True
            restore_watched(self, self._resume)
            rng.restore(self._resume["rng"])

    def epochs(self, total: int | None = None) -> Iterator[int]:
        """Epoch numbers from 1 up to the run's epoch budget (else ``total``, else for ever)."""
        self._restore()
        limit = self.max_epochs if self.max_epochs is not None else total
        start = self._resume["trainer"]["epoch"] if self._resume is not None else 1
        for number in itertools.count(start) if limit is None else range(start, limit + 1):
            if number != start and self._next_epoch:  # the resumed epoch is over: the newer values now
                for name, value in self._next_epoch.items():
                    setattr(self.options, name, value)
                self._next_epoch = {}
            self.epoch = number
            self.batch = 0
            self.epoch_options = {name: getattr(self.options, name) for name in self._per_epoch}
            yield number

    def batches(self, data: Iterable[Any]) -> Iterator[Any]:
        """The epoch's batches, counted; when resuming, skips those the checkpoint had done."""
        self._restore()
        resume, skip = self._resume, 0
        self._resume = None
        if resume is not None and self.epoch == resume["trainer"]["epoch"]:
            skip = resume["trainer"]["batch"]
        if skip:
            self._epoch_rng = resume["epoch_rng"]
            rng.restore(self._epoch_rng)
        else:
            self._epoch_rng = rng.capture()
        iterator = iter(data)
        for _ in range(skip):
            next(iterator)
        if skip:
            rng.restore(resume["rng"])
        self.batch = skip
        for item in iterator:
            self.batch += 1
            yield item
