"""Data-parallel training with torch.distributed: one process per share of the CPU, or per GPU.

``torchrun --nproc-per-node N -m tui.main run LESSON --headless ...`` (or ``learn-tui run LESSON --headless
--nproc N``, which starts torchrun's launcher in this process) runs the lesson in N processes and gives each
its RANK, LOCAL_RANK and WORLD_SIZE. ``headless`` joins them in a process group (gloo on CPU, nccl on CUDA,
one GPU per process), lets rank 0 alone print, serve and save, runs the others silently, and leaves the
group at the end. A lesson needs these calls, each a no-op in a single process (no torchrun, or the app):

- ``wrap(model)``: DistributedDataParallel; its ``backward`` averages the gradients over the processes;
- ``mean(loss)``: the loss over every process's batch, for the record (the same number on every rank);
- ``is_main()``: rank 0, the one process that evaluates, samples and saves;
- ``from_rank0(run.lr)``: rank 0's learning rate, which an app attached to rank 0 may change.

Every collective has a timeout (``LEARN_TUI_DIST_TIMEOUT`` seconds, default 600): a rank that hangs stops
the job with a timeout error instead of holding the others for ever; a rank that fails or is killed exits,
and the launcher stops the others. Under ``--nproc`` a rank that stopped only because another did exits
quietly with ``EXIT_AFTER_PEER`` (75, the launcher's to read, never the job's), and the launcher ends with one
line naming the rank that stopped first and exits 1. Ctrl-C reaches the launcher, which passes it on to every
process once: they stop at the same step boundary (``any_rank``), rank 0 saves there with ``--save``, and the
job exits 130. Torch is imported inside the functions: the CLI imports this module at start-up.
"""

from __future__ import annotations

import os
from typing import Any

from core.base.i18n import pick
from core.errors import CheckpointError, LearnTuiError, UsageError

DEFAULT_TIMEOUT_S = 600  # longer than rank 0's evaluation and sample, which the other ranks wait for


def launched() -> bool:
    """True in a process that torchrun started (it sets RANK and WORLD_SIZE)."""
    return "RANK" in os.environ and "WORLD_SIZE" in os.environ


def _group() -> Any:
    """torch.distributed when this process is in a process group, else None."""
    import torch.distributed as dist

    return dist if dist.is_available() and dist.is_initialized() else None


def rank() -> int:
    dist = _group()
    return dist.get_rank() if dist is not None else 0


def world_size() -> int:
    dist = _group()
    return dist.get_world_size() if dist is not None else 1


def is_main() -> bool:
    """Rank 0: the process that prints, evaluates, samples and saves (the only one without torchrun)."""
    return rank() == 0


def wrap(model: Any) -> Any:
    """``model`` in DistributedDataParallel when there are several processes (else ``model`` itself). Train
    through what this returns; the model's own parameters are the ones updated, so watch and save ``model``."""
    if _group() is None:
        return model
    import torch

    params = next(model.parameters())
    device_ids = [params.device.index] if params.device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(model, device_ids=device_ids)


def mean(value: Any) -> Any:
    """The mean of ``value`` (a one-element tensor, e.g. the loss) over the processes, detached; ``value``
    itself in a single process. One small all-reduce per call (benchmarks/ddp.py measures it)."""
    dist = _group()
    if dist is None:
        return value
    total = value.detach().clone()
    dist.all_reduce(total)  # sum over the ranks
    return total / dist.get_world_size()


def any_rank(flag: bool) -> bool:
    """True on every process when ``flag`` is True on any of them (one all-reduce of one number): ctrl+c's stop,
    agreed at a step boundary so that all stop at the same one. ``flag`` itself in a single process."""
    dist = _group()
    if dist is None:
        return flag
    import torch

    number = torch.tensor([float(flag)], device=_device(dist))
    try:
        dist.all_reduce(number, op=dist.ReduceOp.MAX)
    except Exception as exc:  # a peer that stopped or hangs: the same words as inside the lesson (peer_failure)
        raise LearnTuiError(
            pick("the processes could not agree where to stop", "各进程无法商定在哪里停下") + f": {exc}"
        ) from exc
    return bool(number.item())


def _device(dist: Any) -> str:
    return "cuda" if dist.get_backend() == "nccl" else "cpu"


def from_rank0(value: float) -> float:
    """Rank 0's ``value`` on every process, e.g. the learning rate, which an app attached to rank 0 may
    change there: the processes must all step alike. ``value`` itself in a single process."""
    dist = _group()
    if dist is None:
        return value
    import torch

    number = torch.tensor([value], dtype=torch.float64, device=_device(dist))
    dist.broadcast(number, src=0)
    return number.item()


def timeout_s() -> float:
    text = os.environ.get("LEARN_TUI_DIST_TIMEOUT", str(DEFAULT_TIMEOUT_S))
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise UsageError(
            pick(
                "LEARN_TUI_DIST_TIMEOUT must be a positive number of seconds, not {text!r}",
                "LEARN_TUI_DIST_TIMEOUT 必须是正的秒数，而不是 {text!r}",
            ).format(text=text)
        )
    return seconds


def check_world_size(state: dict, source: Any) -> None:
    """A checkpoint resumes at the world size it was saved with (each rank's batch rows depend on it)."""
    saved, running = state.get("world_size", 1), world_size()
    if type(saved) is not int or saved < 1:
        raise CheckpointError(
            pick(
                "{source} is a damaged learn-tui checkpoint ('world_size' is {saved!r}); save it again",
                "{source} 是一个损坏的 learn-tui 检查点（'world_size' 是 {saved!r}）；请重新保存",
            ).format(source=source, saved=saved)
        )
    if saved != running:
        raise CheckpointError(world_size_advice(source, saved, running))


def world_size_advice(source: Any, saved: int, running: int) -> str:
    """Why a checkpoint saved at one world size cannot resume at another, and how to resume it (in the chosen
    language)."""
    if saved == 1:
        how = pick("in one process (no --nproc, no torchrun)", "在单个进程中（不加 --nproc，不用 torchrun）")
    else:
        how = pick(
            "with --nproc {n} (or torchrun --nproc-per-node {n})", "用 --nproc {n}（或 torchrun --nproc-per-node {n}）"
        )
    return pick(
        "{source} was saved by a run of {saved} processes and this run has {running}; resume it {how}",
        "{source} 是由 {saved} 个进程的运行保存的，而这次运行有 {running} 个；请{how}继续它",
    ).format(source=source, saved=saved, running=running, how=how.format(n=saved))
