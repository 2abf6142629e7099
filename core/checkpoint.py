"""Checkpoints: the model, optimizer and trainer state in one ``torch.save`` file, written atomically.

A checkpoint is taken at a step boundary. Resuming rebuilds the lesson from its seed, restores the
watched tensors, optimizers, counters, history and every random state, and skips the batches the
epoch had done, so the resumed run continues exactly like one that was never interrupted.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from core import rng
from core.errors import CheckpointError, LearnTuiError
from core.history import History
from core.phases import EVAL

FORMAT = "learn-tui checkpoint"
VERSION = 1


def save_checkpoint(trainer: Any, path: Any) -> str:
    import torch

    if trainer.step_open:
        raise CheckpointError("a checkpoint is taken between steps: finish this step first (press n)")
    if trainer.status == "crashed":
        raise CheckpointError("this run crashed; fix the lesson and reset before saving")
    run = trainer.run
    state = {
        "format": FORMAT, "version": VERSION, "lesson": trainer.lesson.id, "options": dict(trainer.options),
        "seed": trainer.seed, "lr": trainer.lr, "step": trainer.step, "loss": trainer.loss,
        "loss_limit": trainer._loss_limit, "metrics": dict(trainer.metrics), "status": trainer.status,
        "after_eval": trainer.phase is EVAL, "max_steps": trainer.max_steps, "max_epochs": trainer.max_epochs,
        "history": trainer.history.state(), "evals": {k: h.state() for k, h in trainer.evals.items()},
        "last_epoch": trainer.last_epoch,
        "trainer": ({"epoch": run.epoch + 1, "batch": 0} if trainer.epoch_done
                    else {"epoch": max(run.epoch, 1), "batch": run.batch}),
        "rng": rng.capture(), "epoch_rng": run._epoch_rng, "epoch_options": dict(run.epoch_options),
        "watched": {name: _watched_state(obj) for name, obj in run.watched.items()},
        "optimizers": [opt.state_dict() for opt in run.optimizers],
    }
    target = Path(path).expanduser()
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            torch.save(state, handle)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise CheckpointError(f"could not write {target}: {exc.strerror or exc}; choose a writable path") from exc
    return str(target)


def _watched_state(obj: Any) -> dict:
    import numpy as np

    if hasattr(obj, "state_dict"):
        grads = {n: p.grad.detach().cpu().clone() for n, p in obj.named_parameters() if p.grad is not None}
        return {"kind": "module", "state": obj.state_dict(), "grads": grads}
    if hasattr(obj, "detach"):
        grad = obj.grad.detach().cpu().clone() if obj.grad is not None else None
        return {"kind": "tensor", "value": obj.detach().cpu().clone(), "grad": grad}
    return {"kind": "array", "value": np.array(obj, copy=True)}


def load_checkpoint(path: Any, lesson_id: str | None = None) -> dict:
    """Read and check a checkpoint file; raise CheckpointError for a missing, damaged or foreign one."""
    import torch

    source = Path(path).expanduser()
    if not source.is_file():
        raise CheckpointError(f"no checkpoint at {source}; check the path (save one with ctrl+s or --save)")
    try:
        state = torch.load(source, map_location="cpu", weights_only=False)
    except Exception as exc:
        raise CheckpointError(f"{source} is damaged or not a learn-tui checkpoint ({type(exc).__name__}); "
                              "open another file") from exc
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{source} is not a learn-tui checkpoint; open a file saved with ctrl+s or --save")
    if state.get("version") != VERSION:
        raise CheckpointError(f"{source} has checkpoint version {state.get('version')}, this learn-tui reads "
                              f"version {VERSION}")
    if lesson_id is not None and state["lesson"] != lesson_id:
        raise CheckpointError(f"{source} is a checkpoint of lesson {state['lesson']}, not {lesson_id}; "
                              f"open it with: learn-tui run {state['lesson']} --resume {source}")
    return state


def restore_watched(run: Any, state: dict) -> None:
    """Load saved values into the lesson's freshly built tensors (called by ``Run.watch``)."""
    import numpy as np
    import torch

    saved = state["watched"]
    if set(saved) != set(run.watched):
        raise CheckpointError(f"checkpoint holds {sorted(saved)} but the lesson watches {sorted(run.watched)}; "
                              "was it saved with other options?")
    try:
        for name, obj in run.watched.items():
            entry = saved[name]
            if entry["kind"] == "module":
                obj.load_state_dict(entry["state"])
                for pname, param in obj.named_parameters():
                    grad = entry["grads"].get(pname)
                    param.grad = grad.to(param.device) if grad is not None else None
            elif entry["kind"] == "tensor":
                with torch.no_grad():
                    obj.copy_(entry["value"])
                obj.grad = entry["grad"].to(obj.device) if entry["grad"] is not None else None
            else:
                np.copyto(obj, entry["value"])
        for optimizer, opt_state in zip(run.optimizers, state["optimizers"]):
            optimizer.load_state_dict(opt_state)
    except (RuntimeError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"checkpoint does not fit this lesson's model ({exc}); was it saved with other "
                              "options?") from exc


def resume_trainer(cls: Any, path: Any, lesson: Any, device: str, **kwargs: Any) -> Any:
    """A new trainer continuing from ``path``; on any error the caller's current run is untouched."""
    state = load_checkpoint(path, lesson.id)
    outer_rng = rng.capture()
    try:
        trainer = cls(lesson, options=state["options"], lr=state["lr"], seed=state["seed"], device=device, **kwargs)
        if "steps" not in kwargs and "epochs" not in kwargs:
            trainer.max_steps, trainer.max_epochs = state["max_steps"], state["max_epochs"]
        trainer.reset(resume=state)
        trainer.step, trainer.loss = state["step"], state["loss"]
        trainer._loss_limit = state["loss_limit"]
        trainer.metrics = dict(state["metrics"])
        trainer.history = History.from_state(state["history"])
        trainer.evals = {k: History.from_state(h) for k, h in state["evals"].items()}
        trainer._pending = trainer._pull()  # runs the lesson's set-up, where watch() restores the state
        pending_phase = trainer._pending[0] if type(trainer._pending) is tuple else trainer._pending
        if state["after_eval"] and pending_phase is EVAL:
            # Saved just after an evaluation: the lesson re-ran it to get here. Drop its event and undo
            # what it drew from the RNGs (e.g. dropout), then carry on from the checkpoint's state.
            rng.restore(state["rng"])
            trainer._pending = trainer._pull()
        trainer.run._restore()  # a lesson that watches nothing and walks no epochs: restore here
        trainer.last_epoch = state.get("last_epoch", trainer.last_epoch)  # not the epoch the set-up ran into
    except LearnTuiError:
        rng.restore(outer_rng)
        raise
    return trainer
