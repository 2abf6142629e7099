"""The step-wise trainer: drives a lesson's generator and is itself an iterator of events.

Pulling one event runs the lesson's code up to its next ``yield``; not pulling is pausing. Between
events the caller may read and set ``lr``, change live options, take a ``snapshot()`` (plain data,
never live tensors), ``advance()`` by a phase, a step or an epoch, ``reset()`` or save a checkpoint.
All of it happens in the thread that pulls: a UI drives the trainer from one worker thread.
The pull and the event it makes are ``core/engine/stepping.py``'s (``Stepping``, which ``Trainer`` extends).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from core import yields
from core.base import rng
from core.base.device import resolve_device
from core.base.events import Diverged, Finished, Progress
from core.base.parse import lr_limit, parse_count, parse_lr
from core.base.settings import RunSettings
from core.base.status import Status
from core.checkpoint import tensors
from core.checkpoint.errors import MidStep
from core.checkpoint.store import load_checkpoint, save_checkpoint
from core.distributed import check_world_size
from core.engine.divergence import DivergenceWatch
from core.engine.history import History
from core.engine.snapshot import Snapshot, UpdateRatios, WeightTrail, take_snapshot
from core.engine.stepping import Stepping
from core.engine.trainer_words import say
from core.errors import CheckpointError, LearnTuiError, UsageError
from core.lesson import Lesson
from core.phases import EPOCH, EVAL
from core.run import Run


class Trainer(Stepping):
    def __init__(self, lesson: Lesson, settings: RunSettings | None = None, /, **changes: Any) -> None:
        """A new run of ``lesson`` with ``settings`` (or ``changes`` to the defaults: ``Trainer(lesson, lr=0.1)``).
        ``settings.resume`` is not read here: ``core.engine.session.start`` continues a checkpoint."""
        settings = RunSettings.of(settings, **changes)
        self.lesson = lesson
        self.options = lesson.config(settings.options)
        self._lr = parse_lr(settings.lr) if settings.lr is not None else lesson.lr
        self.seed = int(settings.seed)
        self.device = resolve_device(settings.device)
        steps, epochs = settings.steps, settings.epochs
        if steps is not None and epochs is not None:
            raise UsageError(say("budget"))  # (the front ends refuse both first)
        self.max_steps = parse_count(steps, "steps") if steps is not None else None
        self.max_epochs = parse_count(epochs, "epochs") if epochs is not None else None
        if steps is None and epochs is None:
            self.max_steps, self.max_epochs = lesson.steps, lesson.epochs
        self._gen = None  # the lesson's train(run) generator
        self.generators = rng.OwnGenerators() if settings.own_rng else None  # (None: the process's)
        self.reset()

    # -- the learning rate ----------------------------------------------------------------------
    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: Any) -> None:
        self._lr = parse_lr(value, *lr_limit(self.run.optimizers))  # raises UsageError and keeps the old value
        self.progress = replace(self.progress, lr=self._lr)  # what the status shows now
        self.apply_lr()

    def apply_lr(self) -> None:
        """Put the learning rate into the optimizers' param groups (unless the lesson schedules its own); a
        rate given before the optimizers existed that their parameters can't hold is a UsageError here."""
        parse_lr(self._lr, *lr_limit(self.run.optimizers))
        if not self.lesson.schedules_lr:
            for optimizer in self.run.optimizers:
                for group in optimizer.param_groups:
                    group["lr"] = self._lr

    def set_option(self, name: str, value: Any) -> None:
        """Change a live option between events (it takes effect where the loop next reads it)."""
        option = self.lesson.option(name)
        if not option.live:
            raise UsageError(say("fixed", name=name))
        self.options[name] = option.parse(value, self.run)  # the one check: the CLI's, and the run's own
        self.run.set_live_option(name, self.options[name])

    # -- starting over --------------------------------------------------------------------------
    def reset(self, seed: int | None = None) -> None:
        """Start the lesson again from scratch (same lr and options), optionally with a new seed."""
        if self._gen is not None:
            self._gen.close()
        if seed is not None:
            self.seed = int(seed)
        if self.generators is not None:
            self.generators.seed(self.seed)
        else:
            rng.seed_all(self.seed)
        self.step = 0  # steps completed
        self.loss = None
        self.history = History()
        self.evals = {}
        self.metrics = {}
        self.status = Status.READY
        self.progress = Progress(Status.READY, None, 0, 1, 0, self._lr, None)
        self.ended = None
        self.step_open = False  # phases ran since the last completed step
        self.epoch_done = False  # the last event closed an epoch
        self._divergence = DivergenceWatch(self.lesson.divergence_factor)
        self._pending = None
        self._ratios = UpdateRatios()
        self.trail = WeightTrail()  # the weights after each update of a tiny model: the landscape's path
        self.run = Run(self, dict(self.options), self.device)
        self._loop_frame = None  # the loop's frame, kept: once the loop ends, its variables as it left them
        try:
            self._gen = yields.start(self.lesson.train, self.run)
            self._loop_frame = self._gen.gi_frame
        except LearnTuiError:
            self._crash()
            raise
        except Exception as exc:  # a train() that is a plain function ran, and raised
            raise self._crashed(exc) from exc

    # -- the trainer's state, as checkpoints hold it --------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Everything a checkpoint needs to continue this run exactly (``core.checkpoint.store`` writes it):
        settings, counters, histories, the run's place in its epoch, the watched tensors, the optimizers'
        states and every random state. Taken between steps only."""
        if self.status == Status.CRASHED:
            raise CheckpointError(say("crashed"))
        if self.step_open:  # (the app adds its key for a step: MidStep.saying)
            raise MidStep(say("mid-step"))
        if not self.run.entered_epochs:
            raise CheckpointError(say("no epochs yet", lesson=self.lesson.id))
        return {
            "lesson": self.lesson.id,
            "options": dict(self.options),
            "seed": self.seed,
            "lr": self._lr,
            "step": self.step,
            "loss": self.loss,
            "loss_limit": self._divergence.loss_limit,
            "metrics": dict(self.metrics),
            "status": str(self.status),
            "after_eval": self.phase is EVAL,
            "max_steps": self.max_steps,
            "max_epochs": self.max_epochs,
            "history": self.history.state(),
            "evals": {k: h.state() for k, h in self.evals.items()},
            "last_epoch": self.epoch,
            **self._run_state(),
            "watched": {name: tensors.watched_state(obj) for name, obj in self.run.watched.items()},
        }

    def _run_state(self) -> dict[str, Any]:
        with self.turn():  # (its random states: this run's own, when it has them)
            return self.run.state_dict(self.epoch_done)

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Continue the run ``state`` describes (a trainer built with its options, lr and seed): start the
        lesson again, run its set-up, and restore everything where its loop enters ``run.epochs()``. The
        events the set-up yields before that were shown before the checkpoint: they are not shown again."""
        self.reset()
        self.run.load_state_dict(state, tensors.restore_watched)
        self.step, self.loss = state["step"], state["loss"]
        self._divergence.loss_limit = state["loss_limit"]
        self.metrics = dict(state["metrics"])
        self.history = History.from_state(state["history"])
        self.evals = {k: History.from_state(h) for k, h in state["evals"].items()}
        item = self._pull()
        while item is not None and not self.run.entered_epochs:  # the set-up's own events (autograd's demo)
            item = self._pull()
        if not self.run.entered_epochs:
            raise CheckpointError(say("ended early", lesson=self.lesson.id))
        if state["after_eval"] and yields.phase_of(item) is EVAL:
            # Saved just after an evaluation: the lesson re-ran it to get here. Drop its event and undo
            # what it drew from the RNGs (e.g. dropout), then carry on from the checkpoint's state.
            self.run.restore_rng(state["rng"])
            item = self._pull()
        self._pending = item
        self.progress = Progress(Status.READY, None, self.step, state["last_epoch"], 0, self._lr, self.loss)

    # -- moving by a unit -----------------------------------------------------------------------
    def advance(self, unit: str = "step") -> list[Progress | Diverged | Finished]:
        """Pull events up to the end of one ``phase``, ``step`` or ``epoch`` (or the end of the run)."""
        if unit not in ("phase", "step", "epoch"):
            raise ValueError(f"unit must be phase, step or epoch, not {unit!r}")
        start, events = self.step, []
        for event in self:
            events.append(event)
            if not isinstance(event, Progress) or unit == "phase":
                break
            if unit == "step" and self.step > start:
                break
            if unit == "epoch" and event.phase is EPOCH:
                break
        return events

    # -- reading the state ----------------------------------------------------------------------
    def snapshot(self, views: bool = True, ratios: bool = True, params: bool = True) -> Snapshot:
        """A plain-data copy of every watched parameter and gradient (unless ``params`` is off: a lesson view
        alone is on screen), and the lesson's views, as of ``self.progress`` (which the snapshot carries).

        ``ratios`` asks the trainer to measure the update-to-parameter ratio at the updates that follow (a
        copy of every weight then; a big model only at the next one): leave it off when nobody shows it."""
        self._ratios.wanted = ratios
        return take_snapshot(self.progress, self.run, self.lesson.views if views else None, self._ratios, params)

    def loop_variables(self) -> dict[str, Any]:
        """The local variables of the lesson's paused loop (read in this thread, at a yield point): what the
        model's pictures read (its data, its latest loss), so the course's loop needs no extra lines for them.
        Once the loop has ended (or crashed), its variables as it left them: a frame object kept alive keeps
        its locals when its generator finishes, so a finished run's pictures and ``--vars`` still have them."""
        frame = self._loop_frame
        return dict(frame.f_locals) if frame is not None else {}

    def call(self, action: str, argument: Any = None) -> Any:
        """Run one of the lesson's actions (e.g. predict a typed name) between events."""
        if action not in self.lesson.actions:
            raise UsageError(say("no action", lesson=self.lesson.id, action=action))
        with self.turn():  # (an action may draw random numbers: a sample)
            return self.lesson.actions[action](self.run, argument)

    # -- checkpoints ----------------------------------------------------------------------------
    def save(self, path: Any) -> str:
        return save_checkpoint(self, path)

    @classmethod
    def from_checkpoint(
        cls, path: Any, lesson: Lesson, settings: RunSettings | None = None, /, **changes: Any
    ) -> Trainer:
        """A trainer continuing ``path`` (``settings``: its device and an optional new budget)."""
        settings = RunSettings.of(settings, **changes)
        state = load_checkpoint(path, lesson.id)
        check_world_size(state, path)
        outer_rng = rng.capture()
        try:
            lesson.config(state["options"])
            parse_lr(state["lr"])
        except UsageError as exc:
            raise CheckpointError(say("misfit", path=path, lesson=lesson.id, why=exc.message)) from None
        try:
            trainer = cls(
                lesson,
                RunSettings(
                    options=state["options"],
                    lr=state["lr"],
                    seed=state["seed"],
                    device=settings.device,
                    steps=settings.steps,
                    epochs=settings.epochs,
                ),
            )
            if settings.steps is None and settings.epochs is None:  # no new budget: the checkpoint's
                trainer.max_steps, trainer.max_epochs = state["max_steps"], state["max_epochs"]
            trainer.load_state_dict(state)
        except LearnTuiError:
            rng.restore(outer_rng)
            raise
        return trainer
