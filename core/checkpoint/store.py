"""Checkpoints: the model, optimizer and trainer state in one ``torch.save`` file, written atomically.

A checkpoint is taken at a step boundary. Resuming rebuilds the lesson from its seed, restores the
watched tensors, optimizers, counters, history and every random state, and skips the batches the
epoch had done, so the resumed run continues exactly like one that was never interrupted.

A checkpoint holds tensors and plain Python values only, so it loads with ``weights_only=True`` and
opening someone else's file cannot run code; its structure is checked before any of it is used
(``core.checkpoint.schema``). Where and how the file is written: ``core.checkpoint.file``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.base.i18n import pick
from core.checkpoint.errors import UnusableCheckpoint
from core.checkpoint.file import check_save_path, read_checkpoint, write_atomically
from core.checkpoint.format import FORMAT, VERSION
from core.checkpoint.schema import check_structure
from core.distributed import world_size
from core.errors import CheckpointError

if TYPE_CHECKING:
    from core.engine.trainer import Trainer

__all__ = ["load_checkpoint", "save_checkpoint"]


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


def load_checkpoint(path: Any, lesson_id: str | None = None) -> dict:
    """Read and check a checkpoint file; raise CheckpointError for a missing, damaged or foreign one."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise UnusableCheckpoint(
            pick(
                f"no checkpoint at {source}; check the path, or save one from a run",
                f"{source} 没有检查点；请检查路径，或者从一次训练中保存一个",
            )
        )
    state = read_checkpoint(source)  # tensors and plain values only: never runs code from the file
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise UnusableCheckpoint(
            pick(
                f"{source} is not a learn-tui checkpoint; open one a learn-tui run saved",
                f"{source} 不是 learn-tui 的检查点；请打开 learn-tui 训练保存的检查点",
            )
        )
    version = state.get("version")
    if type(version) is int and version < VERSION:
        raise UnusableCheckpoint(
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
        raise UnusableCheckpoint(
            f"{source} is a damaged learn-tui checkpoint ('lesson_file' is not text); save it again from its run"
        )
    if lesson_id is not None and state["lesson"] != lesson_id:
        import shlex

        again = f"learn-tui run {shlex.quote(lesson_file or state['lesson'])} --resume {shlex.quote(str(source))}"
        raise CheckpointError(
            pick(
                f"{source} is a checkpoint of lesson {state['lesson']}, not {lesson_id}; open it with: {again}",
                f"{source} 是课程 {state['lesson']} 的检查点，不是 {lesson_id} 的；请这样打开：{again}",
            )
        )
    return state
