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

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from core.errors import CheckpointError, DataError, DeviceError, LearnTuiError, UsageError

DEFAULT_TIMEOUT_S = 600  # longer than rank 0's evaluation and sample, which the other ranks wait for
EXIT_AFTER_PEER = 75  # (EX_TEMPFAIL) a process of --nproc's launcher that stopped because another one did
LAUNCHER = "LEARN_TUI_LAUNCHER"  # set by --nproc's launcher for its processes: it names the rank that stopped
PEER_GONE = ("Connection closed by peer", "Connection reset by peer", "Broken pipe")  # gloo's words for it


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
        raise LearnTuiError(f"the processes could not agree where to stop: {exc}") from exc
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
        raise UsageError(f"LEARN_TUI_DIST_TIMEOUT must be a positive number of seconds, not {text!r}")
    return seconds


@contextlib.contextmanager
def process_group(device: str) -> Iterator[None]:
    """Join torchrun's processes (gloo on CPU, nccl on CUDA with this process's GPU) and leave at the end."""
    import datetime

    import torch
    import torch.distributed as dist

    from core.base.device import resolve_device

    cuda = resolve_device(device) == "cuda"
    if cuda:
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if local_rank >= torch.cuda.device_count():
            raise DeviceError(
                f"this machine has {torch.cuda.device_count()} GPUs and torchrun started local rank "
                f"{local_rank}; start at most one process per GPU (--nproc-per-node)"
            )
        torch.cuda.set_device(local_rank)  # "cuda" now means this process's GPU
    timeout = datetime.timedelta(seconds=timeout_s())
    dist.init_process_group("nccl" if cuda else "gloo", timeout=timeout)
    try:
        yield
        # Leave together: a rank tearing its group down while rank 0 still saves could abort in gloo's threads
        # ("terminate called without an active exception"). A peer that already failed ends the wait at once.
        with contextlib.suppress(Exception):
            dist.barrier()
    finally:
        dist.destroy_process_group()


def headless(run_headless: Callable[..., int], lesson: Any, args: Any, settings: Any, argv: Sequence[str]) -> int:
    """``learn-tui run --headless``: as before in one process; ``--nproc N`` starts N under torchrun's
    launcher; under torchrun rank 0 runs ``run_headless`` (prints, serves, saves) and the others train silently."""
    if getattr(args, "nproc", None) is not None:
        from core.front.launch import launch

        return launch(argv, args.nproc, settings)
    if not launched():
        return run_headless(lesson, args, settings)
    with process_group(settings.device):
        try:
            return run_headless(lesson, args, settings) if is_main() else follow(lesson, settings)
        except LearnTuiError as exc:
            if os.environ.get(LAUNCHER) and peer_stopped(exc):
                return EXIT_AFTER_PEER  # quietly: --nproc's launcher names the process that stopped, in one line
            if (waited := peer_failure(exc)) is not None:
                exc.message, exc.details = waited, ""  # a collective's internals say less than this line
            exc.message = f"rank {rank()} of {world_size()}: {exc.message}"
            exc.args = (exc.message,)
            raise


def peer_failure(exc: BaseException) -> str | None:
    """What an error that another process caused means here (None for this process's own error)."""
    cause = str(exc.__cause__ or "")
    if "timed out" in cause.lower():
        return (
            f"waited {timeout_s():g} s for the other processes (LEARN_TUI_DIST_TIMEOUT) and stopped: "
            "one of them hangs, is paused or died"
        )
    if peer_stopped(exc):
        return "another process stopped (failed or was killed), so this one did too"
    return None


def peer_stopped(exc: BaseException) -> bool:
    """Whether ``exc`` says that another process left the group (it exited, failed or was killed)."""
    cause = str(exc.__cause__ or "")
    return any(words in cause for words in PEER_GONE)


def follow(lesson: Any, settings: Any) -> int:
    """A rank other than 0: train to the end of the run in step with rank 0, printing nothing."""
    from core.base.events import Diverged, Progress
    from core.engine import session
    from core.front.cli import EXIT_DIVERGED, EXIT_DONE, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE
    from core.front.ctrl_c import StopAtStepBoundary

    try:
        trainer = session.start(lesson, settings)
        start = trainer.step
        with StopAtStepBoundary() as ctrl_c:  # as rank 0's: ctrl+c stops every process at the same boundary
            for event in trainer:
                if not isinstance(event, Progress):
                    return EXIT_DIVERGED if isinstance(event, Diverged) else EXIT_DONE
                if ctrl_c.at_boundary(trainer, start, lambda text: None):
                    return EXIT_INTERRUPTED
    except KeyboardInterrupt:  # before the first step was done: rank 0 says so
        return EXIT_INTERRUPTED
    except (UsageError, CheckpointError, DataError) as exc:
        # Rank 0 on this machine read the same arguments and files, and says what is wrong, once.
        if os.environ.get("LOCAL_RANK") == os.environ.get("RANK"):
            resuming = isinstance(exc, CheckpointError) and settings.resume is not None
            return EXIT_USAGE if isinstance(exc, UsageError) or resuming else EXIT_FAILED  # as rank 0 exits
        raise
    return EXIT_DIVERGED if isinstance(trainer.ended, Diverged) else EXIT_DONE


def check_nproc(args: Any) -> None:
    """``--nproc N``: a whole number from 1, headless only, and not under torchrun (which starts them)."""
    if getattr(args, "nproc", None) is None:
        return
    from core.lesson import parse_count

    args.nproc = parse_count(args.nproc, "--nproc")
    if not (args.headless or args.json):
        raise UsageError("--nproc is for headless runs: learn-tui run LESSON --headless --nproc N")
    if launched():
        raise UsageError("--nproc starts torchrun's launcher itself; under torchrun leave it out")


def check_world_size(state: dict, source: Any) -> None:
    """A checkpoint resumes at the world size it was saved with (each rank's batch rows depend on it)."""
    saved, running = state.get("world_size", 1), world_size()
    if type(saved) is not int or saved < 1:
        raise CheckpointError(f"{source} is a damaged learn-tui checkpoint ('world_size' is {saved!r}); save it again")
    if saved != running:
        raise CheckpointError(world_size_advice(source, saved, running))


def world_size_advice(source: Any, saved: int, running: int) -> str:
    how = (
        "in one process (no --nproc, no torchrun)"
        if saved == 1
        else f"with --nproc {saved} (or torchrun --nproc-per-node {saved})"
    )
    return f"{source} was saved by a run of {saved} processes and this run has {running}; resume it {how}"
