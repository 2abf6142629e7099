"""``Run``: what a lesson's loop sees of the trainer.

A lesson's ``train(run)`` reads its settings from ``run``, registers what it trains with
``run.watch(...)`` (after building its data and model), and walks its data through ``run.epochs()``
and ``run.batches(...)``. Those give the trainer what it needs to resume a checkpoint exactly: which
epoch, how many of its batches were done, and the random state just before the epoch's batches
were drawn (so a shuffled ``DataLoader`` repeats its order).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from core.base import rng
from core.errors import CheckpointError

if TYPE_CHECKING:
    from core.engine.trainer import Trainer

_END = object()  # an iterator ran out


class Run:
    def __init__(self, trainer: Trainer, options: dict[str, Any], device: str) -> None:
        self._trainer = trainer
        self.options = SimpleNamespace(**options)  # the lesson's options; live ones may change
        self.device = device
        self.seed: int = trainer.seed
        self.epoch = 0  # the epoch in progress, from 1; 0 before the first
        self.batch = 0  # batches started in this epoch
        self.epoch_batches: int | None = None  # batches in the epoch in progress, when its data have a len()
        self.state = SimpleNamespace()  # the lesson's own state, read by its views in the trainer thread
        self.watched: dict[str, Any] = {}  # name -> nn.Module / tensor / numpy array
        self.optimizers: list[Any] = []
        self.max_epochs: int | None = trainer.max_epochs  # the run's budget, e.g. for a schedule's length
        self.max_steps: int | None = trainer.max_steps
        self.resumed = False  # True when this run continues a checkpoint
        self.entered_epochs = False  # the loop reached run.epochs(): a checkpoint can resume it there
        self.reported_grads: dict[str, Any] = {}  # hand-computed gradients (yield BACKWARD, {"w": grad})
        self._resume: Mapping[str, Any] | None = None  # a loaded checkpoint: epochs() and batches() apply it
        self.totals: SimpleNamespace | None = None  # the epoch's running totals (epoch_totals); checkpointed
        self._epoch_rng: dict | None = None
        self._per_epoch = [o.name for o in trainer.lesson.options if o.per_epoch]
        self.epoch_options: dict[str, Any] = {}  # per-epoch options as the epoch in progress began
        self._next_epoch: dict[str, Any] = {}  # per-epoch values waiting for the resumed epoch to end

    @property
    def lr(self) -> float:
        """The learning rate now; keys and ``trainer.lr = x`` change it between events."""
        return self._trainer.lr

    @property
    def step(self) -> int:
        """Steps (batches) completed so far: a lesson's schedule may depend on it."""
        return self._trainer.step

    @property
    def eval_step(self) -> int:
        """The step an evaluation made now belongs to: the step in progress once any of its phases ran, else
        ``run.step`` (a lesson yields ``EVAL`` before the ``STEP`` it follows: a checkpoint never falls between)."""
        return self._trainer.step_now

    def weight_trail(self, *names: str) -> list[list[float]] | None:
        """The values of ``names`` after each update, oldest first, for a model of a few weights (None
        for a bigger one): what the loss landscape draws as the optimizer's path."""
        return self._trainer.trail.of(list(names))

    def loop_variables(self) -> dict[str, Any]:
        """The lesson loop's local variables at the current yield (for views: ``x_data``, the latest ``loss``)."""
        return self._trainer.loop_variables()

    def set_option(self, name: str, value: Any) -> None:
        """Change one of the lesson's ``live`` options from a lesson action (checked like the CLI's)."""
        self._trainer.set_option(name, value)

    def check_option(self, name: str) -> None:
        """Check an option's value again with this run, once the set-up built what its check needs (char-gpt's
        prompt against the characters of the text it read); UsageError when it won't do."""
        self._trainer.lesson.option(name).parse(getattr(self.options, name), self)

    def upcoming(self, name: str) -> Any:
        """The value a per-epoch option will have in the next epoch."""
        return self._next_epoch.get(name, getattr(self.options, name))

    def set_live_option(self, name: str, value: Any) -> None:
        """The trainer's side of ``set_option`` (already checked): a per-epoch option in a resumed epoch
        keeps its value until that epoch ends, as in the run that was saved."""
        if name in self._next_epoch:
            self._next_epoch[name] = value
        else:
            setattr(self.options, name, value)

    def report_grads(self, grads: Mapping[str, Any]) -> None:
        """Hand-computed gradients (``yield BACKWARD, {"w": grad}``), shown until the next report."""
        self.reported_grads.update(grads)

    def watch(self, *modules: Any, optimizer: Any = None, **named: Any) -> None:
        """Register what the learner sees and what checkpoints hold.

        ``modules``: ``nn.Module``s, shown by their parameter names. ``named``: tensors or numpy
        arrays under the given names (update numpy arrays in place: ``w -= lr * grad``).
        ``optimizer``: one or a list; it gets the live learning rate and is checkpointed.
        Call it after building data and model, before the loop (a resumed run restores them when the
        loop enters ``run.epochs()``).
        """
        for module in modules:
            self.watched["" if "" not in self.watched else f"module{len(self.watched)}"] = module
        self.watched.update(named)
        if optimizer is not None:
            self.optimizers.extend(optimizer if isinstance(optimizer, (list, tuple)) else [optimizer])
            self._trainer.apply_lr()

    # -- checkpoints ---------------------------------------------------------------------------------
    def state_dict(self, epoch_done: bool) -> dict[str, Any]:
        """Where the loop stands (``epoch_done``: the last event closed an epoch), what it watches and every
        random state: the run's part of a checkpoint."""
        return {
            "trainer": (
                {"epoch": self.epoch + 1, "batch": 0}
                if epoch_done
                else {"epoch": max(self.epoch, 1), "batch": self.batch}
            ),
            "rng": rng.capture(),
            "epoch_rng": self._epoch_rng,
            "epoch_options": dict(self.epoch_options),
            "optimizers": [opt.state_dict() for opt in self.optimizers],
            "totals": dict(vars(self.totals)) if self.totals is not None else {},
            "lesson_state": {name: value for name, value in vars(self.state).items() if _is_plain(value)},
        }

    def load_state_dict(
        self, state: Mapping[str, Any], restore_watched: Callable[[Run, Mapping[str, Any]], None]
    ) -> None:
        """Continue a checkpoint: applied when the loop enters ``run.epochs()`` (watched values, lesson state,
        random state) and ``run.batches()`` (the batches already done)."""
        self._resume = state
        self._restore_watched = restore_watched  # (the checkpoint package's: the trainer passes it)
        self.resumed = True
        if state["trainer"]["batch"]:  # resumed mid-epoch: finish it with the options it began with
            for name, value in state.get("epoch_options", {}).items():
                if getattr(self.options, name) != value:
                    self._next_epoch[name] = getattr(self.options, name)
                    setattr(self.options, name, value)

    def restore_rng(self, state: dict) -> None:
        """A checkpoint's random state; one whose values do not fit (a damaged file) is a CheckpointError."""
        _restore_rng(state)

    def _restore(self, state: Mapping[str, Any]) -> None:
        self._restore_watched(self, state)
        for name, value in state["lesson_state"].items():  # plain data: the last evaluation, ...
            setattr(self.state, name, value)
        _restore_rng(state["rng"])

    def epochs(self, total: int | None = None) -> Iterator[int]:
        """Epoch numbers from 1 up to the run's epoch budget (else ``total``, else for ever)."""
        start, self.entered_epochs = 1, True
        if self._resume is not None:
            self._restore(self._resume)
            start = self._resume["trainer"]["epoch"]
        limit = self.max_epochs if self.max_epochs is not None else total
        for number in itertools.count(start) if limit is None else range(start, limit + 1):
            if number != start and self._next_epoch:  # the resumed epoch is over: the newer values now
                for name, value in self._next_epoch.items():
                    setattr(self.options, name, value)
                self._next_epoch = {}
            self.epoch = number
            self.batch = 0
            self.epoch_options = {name: getattr(self.options, name) for name in self._per_epoch}
            yield number

    def epoch_totals(self, **start: Any) -> SimpleNamespace:
        """Running totals of the epoch in progress, e.g. ``totals = run.epoch_totals(correct=0, seen=0)``.

        Call it at the start of each epoch, before ``run.batches()``, and add to its attributes batch by
        batch. Checkpoints carry them: an epoch resumed mid-way starts from the totals saved with it, so
        an epoch's accuracy still counts every batch of the epoch, not only those after the resume.
        """
        resume = self._resume
        if resume is not None and resume["trainer"]["batch"] and self.epoch == resume["trainer"]["epoch"]:
            start = {**start, **{k: v for k, v in resume["totals"].items() if k in start}}
        self.totals = SimpleNamespace(**start)
        return self.totals

    def batches(self, data: Iterable[Any]) -> Iterator[Any]:
        """The epoch's batches, counted; when resuming, skips those the checkpoint had done."""
        resume, self._resume = self._resume, None
        try:
            self.epoch_batches = len(data)  # type: ignore[arg-type]  # (a DataLoader's, a list's)
        except TypeError:  # a generator, zip(), an iterable dataset: how far the epoch is goes unknown
            self.epoch_batches = None
        mid_epoch = resume if resume is not None and self.epoch == resume["trainer"]["epoch"] else None
        skip = mid_epoch["trainer"]["batch"] if mid_epoch is not None else 0
        if mid_epoch is not None and skip:
            self._epoch_rng = mid_epoch["epoch_rng"] or rng.capture()
            _restore_rng(self._epoch_rng)
        else:
            self._epoch_rng = rng.capture()
        iterator = iter(data)
        for done in range(skip):
            if next(iterator, _END) is _END:
                raise CheckpointError(
                    f"the checkpoint was saved after batch {skip} of epoch {self.epoch}, which "
                    f"has {done} batches now; was it saved with other options?"
                )
        if mid_epoch is not None and skip:
            _restore_rng(mid_epoch["rng"])
        self.batch = skip
        for item in iterator:
            self.batch += 1
            yield item


def _restore_rng(state: dict) -> None:
    """A checkpoint's random state; one whose values do not fit (a damaged file) is a CheckpointError."""
    try:
        rng.restore(state)
    except (TypeError, ValueError, RuntimeError, KeyError) as exc:
        raise CheckpointError(
            f"the checkpoint's random state does not load ({exc}); save it again from its run"
        ) from None


def _is_plain(value: Any) -> bool:
    """Numbers, strings and lists/tuples/dicts of them: the part of ``run.state`` a checkpoint carries
    (e.g. the last evaluation a view shows); models, tensors and data stay with the lesson's set-up."""
    if value is None or type(value) in (str, int, float, bool):
        return True
    if type(value) in (list, tuple):
        return all(_is_plain(item) for item in value)
    if type(value) is dict:
        return all(type(key) is str and _is_plain(item) for key, item in value.items())
    return False
