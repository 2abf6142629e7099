"""Checkpoints: the model, optimizer and trainer state in one ``torch.save`` file, written atomically.

A checkpoint is taken at a step boundary. Resuming rebuilds the lesson from its seed, restores the
watched tensors, optimizers, counters, history and every random state, and skips the batches the
epoch had done, so the resumed run continues exactly like one that was never interrupted.

A checkpoint holds tensors and plain Python values only, so it loads with ``weights_only=True`` and
opening someone else's file cannot run code; its structure is checked before any of it is used
(``core.checkpoint.schema``). Where and how the file is written: ``core.checkpoint.file``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.base import rng
from core.base.settings import RunSettings
from core.checkpoint.file import check_save_path, read_checkpoint, write_atomically
from core.checkpoint.schema import check_optimizer_fits, check_structure
from core.distributed import check_world_size, world_size
from core.errors import CheckpointError, LearnTuiError, UsageError
from core.lesson import parse_lr

if TYPE_CHECKING:
    from core.engine.trainer import Trainer
    from core.lesson import Lesson

__all__ = ["FORMAT", "VERSION", "check_save_path", "load_checkpoint", "resume_trainer", "save_checkpoint"]

FORMAT = "learn-tui checkpoint"
VERSION = 2  # 2: numpy arrays and numpy's random state stored as tensors (version 1 pickled numpy objects)


def save_checkpoint(trainer: Trainer, path: Any) -> str:
    """Write ``trainer.state_dict()`` to ``path`` atomically; the path it was written to (a link's target)."""
    import torch

    plain = trainer.state_dict()  # refuses mid-step, a crashed run, a loop that never entered run.epochs()
    target = check_save_path(path)  # a symlink's target; a device, a folder or an unwritable place: refused
    watched = plain.pop("watched")
    state = {"format": FORMAT, "version": VERSION, **{key: _loadable(value, key) for key, value in plain.items()}}
    state["watched"] = watched
    state["world_size"] = world_size()  # resumed only by a run of as many processes (core.distributed)
    source = Path(trainer.lesson.source_file) if trainer.lesson.source_file else None
    if source is not None and source.parent != Path(__file__).resolve().parents[1] / "lessons":
        state["lesson_file"] = str(source)  # a lesson file: the hints name it, not an id no catalog knows
    write_atomically(target, lambda handle: torch.save(state, handle))
    return str(target)


def _loadable(value: Any, where: str) -> Any:
    """``value`` in types a weights-only load accepts: numpy scalars (``np.float64`` from a lesson's
    metrics or schedule) become Python numbers; anything else that is not plain data is refused."""
    import numpy as np
    import torch

    if value is None or type(value) in (str, int, float, bool) or isinstance(value, torch.Tensor):
        return value
    if isinstance(value, np.generic):
        return value.item()
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, dict):
        return {key: _loadable(item, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(_loadable(item, where) for item in value)
    if isinstance(value, list):
        return [_loadable(item, where) for item in value]
    raise CheckpointError(
        f"a checkpoint can't hold {where}, a {type(value).__name__}; keep numbers, strings or tensors there"
    )


def watched_state(obj: Any) -> dict:
    """One watched module, tensor or numpy array (as a tensor), with its gradients, for a checkpoint."""
    import numpy as np
    import torch

    if hasattr(obj, "state_dict"):
        grads = {n: p.grad.detach().cpu().clone() for n, p in obj.named_parameters() if p.grad is not None}
        return {"kind": "module", "state": obj.state_dict(), "grads": grads}
    if hasattr(obj, "detach"):
        grad = obj.grad.detach().cpu().clone() if obj.grad is not None else None
        return {"kind": "tensor", "value": obj.detach().cpu().clone(), "grad": grad}
    return {"kind": "array", "value": torch.from_numpy(np.array(obj, copy=True))}  # restored into the array


def load_checkpoint(path: Any, lesson_id: str | None = None) -> dict:
    """Read and check a checkpoint file; raise CheckpointError for a missing, damaged or foreign one."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise CheckpointError(f"no checkpoint at {source}; check the path (save one with ctrl+s or --save)")
    state = read_checkpoint(source)  # tensors and plain values only: never runs code from the file
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{source} is not a learn-tui checkpoint; open a file saved with ctrl+s or --save")
    version = state.get("version")
    if type(version) is int and version < VERSION:
        raise CheckpointError(
            f"{source} is a checkpoint of an older learn-tui (version {version}); run the "
            "lesson again and save a new one"
        )
    if version != VERSION:
        raise CheckpointError(
            f"{source} has checkpoint version {version!r}, this learn-tui reads version "
            f"{VERSION}; update learn-tui to open it"
        )
    check_structure(state, source)
    lesson_file = state.get("lesson_file")
    if lesson_file is not None and not isinstance(lesson_file, str):
        raise CheckpointError(
            f"{source} is a damaged learn-tui checkpoint ('lesson_file' is not text); save it "
            "again from its run (ctrl+s or --save)"
        )
    if lesson_id is not None and state["lesson"] != lesson_id:
        import shlex

        raise CheckpointError(
            f"{source} is a checkpoint of lesson {state['lesson']}, not {lesson_id}; open it "
            f"with: learn-tui run {shlex.quote(lesson_file or state['lesson'])} --resume "
            f"{shlex.quote(str(source))}"
        )
    return state


def restore_watched(run: Any, state: Mapping[str, Any]) -> None:
    """Load saved values into the lesson's freshly built tensors (called by ``Run.watch``)."""
    import numpy as np
    import torch

    saved = state["watched"]
    if set(saved) != set(run.watched):
        raise CheckpointError(
            f"checkpoint holds {sorted(saved)} but the lesson watches {sorted(run.watched)}; "
            "was it saved with other options?"
        )
    if len(state["optimizers"]) != len(run.optimizers):
        raise CheckpointError(
            f"checkpoint holds {len(state['optimizers'])} optimizers but the lesson has "
            f"{len(run.optimizers)}; was it saved with other options?"
        )
    for index, (optimizer, opt_state) in enumerate(zip(run.optimizers, state["optimizers"])):
        check_optimizer_fits(optimizer, opt_state, index)
    try:
        for name, obj in run.watched.items():
            entry = saved[name]
            kind = "module" if hasattr(obj, "state_dict") else "tensor" if hasattr(obj, "detach") else "array"
            if entry["kind"] != kind:
                raise ValueError(f"{name or 'the model'} was saved as a {entry['kind']}, the lesson has a {kind}")
            if kind == "module":
                obj.load_state_dict(entry["state"])
                for pname, param in obj.named_parameters():
                    grad = entry["grads"].get(pname)
                    if grad is not None and grad.shape != param.shape:
                        raise ValueError(
                            f"the gradient of {pname} has shape {tuple(grad.shape)}, not {tuple(param.shape)}"
                        )
                    param.grad = grad.to(param.device) if grad is not None else None
            else:
                value = entry["value"]
                if tuple(value.shape) != tuple(obj.shape):
                    raise ValueError(f"{name} has shape {tuple(value.shape)}, not {tuple(obj.shape)}")
                if kind == "tensor":
                    with torch.no_grad():
                        obj.copy_(value)
                    grad = entry["grad"]
                    obj.grad = grad.to(obj.device) if grad is not None and grad.shape == obj.shape else None
                else:
                    np.copyto(obj, value.numpy())
        for optimizer, opt_state in zip(run.optimizers, state["optimizers"]):
            optimizer.load_state_dict(opt_state)
    except (RuntimeError, ValueError, KeyError, TypeError) as exc:
        detail = " ".join(str(exc).split())  # load_state_dict's message runs over several lines
        detail = detail if len(detail) <= 200 else detail[:199] + "…"
        raise CheckpointError(
            f"checkpoint does not fit this lesson's model ({detail}); was it saved with other options?"
        ) from exc


def resume_trainer(path: Any, lesson: Lesson, settings: RunSettings | None = None) -> Trainer:
    """A new trainer continuing from ``path``, with the checkpoint's options, lr and seed and ``settings``'
    device and budget (else the checkpoint's budget); on any error the caller's current run is untouched."""
    from core.engine.trainer import Trainer

    state = load_checkpoint(path, lesson.id)
    check_world_size(state, path)
    outer_rng = rng.capture()
    try:
        lesson.config(state["options"])
        parse_lr(state["lr"])
    except UsageError as exc:
        raise CheckpointError(
            f"{path}'s settings do not fit lesson {lesson.id} ({exc.message}); was it saved "
            "with another version of the lesson?"
        ) from None
    settings = settings or RunSettings()
    try:
        trainer = Trainer(
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
