"""``learn-tui run LESSON --headless --nproc N``: torchrun's launcher (torch.distributed.run) in this process.

It starts N processes of the same command line without ``--nproc`` (``core/distributed.py`` joins them in a
process group) and ends with their exit status. Ctrl-C reaches the launcher alone (its processes run in
sessions of their own), which passes it on to each process once, waits for them (30 s, or
``TORCH_ELASTIC_SHUTDOWN_TIMEOUT``) and exits 130; a second ctrl+c ends them at once. A process that fails or
is killed ends the job within a moment (the launcher watches its processes and stops the others): one line
names the rank that stopped first (``who_stopped``) and the job exits 1, unless every process stopped alike
with a bad argument (2), a divergence (3) or an interruption (130), which rank 0 explained.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from core import distributed
from core.base.device import resolve_device
from core.base.events import Diverged, Progress
from core.base.exits import EXIT_AFTER_PEER, EXIT_DIVERGED, EXIT_DONE, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE
from core.base.i18n import pick
from core.checkpoint.store import load_checkpoint
from core.distributed import world_size_advice
from core.engine import session
from core.engine.until import Condition
from core.engine.until_watch import UntilWatch
from core.errors import CheckpointError, DataError, DeviceError, LearnTuiError, UsageError
from core.front.ctrl_c import StopAtStepBoundary
from core.front.headless import run_headless


def worker_argv(argv: Sequence[str]) -> list[str]:
    """The command line without ``--nproc N``: what each process torchrun starts is given."""
    out, skip = [], False
    for item in argv:
        if skip:
            skip = False
        elif item == "--nproc":
            skip = True
        elif not item.startswith("--nproc="):
            out.append(item)
    return out


def launch(argv: Sequence[str], nproc: int, settings: Any) -> int:
    """Start ``nproc`` processes of this command with torchrun's launcher (torch.distributed.run), on this
    machine; their exit status (the first failure's, if one failed)."""
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import get_args_parser, run

    if settings.resume is not None:  # say it once, here, rather than once per process
        saved = load_checkpoint(settings.resume).get("world_size", 1)
        if saved != nproc:
            raise UsageError(world_size_advice(settings.resume, saved, nproc))
    if settings.device != "cpu":
        import torch

        count = torch.cuda.device_count()
        if (settings.device == "cuda" or count) and nproc > count:
            raise DeviceError(
                pick(
                    f"--nproc {nproc} needs {nproc} GPUs and this machine has {count}; use --nproc {count}",
                    f"--nproc {nproc} 需要 {nproc} 块 GPU，这台机器有 {count} 块；请用 --nproc {count}",
                )
            )
    # Each process gets its share of the cores (torchrun would give each one thread, and say so).
    os.environ.setdefault("OMP_NUM_THREADS", str(max((os.cpu_count() or 1) // nproc, 1)))
    for name in list(logging.root.manager.loggerDict):  # our line says it, once (the agent's logger has a level)
        if name.startswith("torch.distributed.elastic"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    config = get_args_parser().parse_args(
        ["--standalone", f"--nproc-per-node={nproc}", "--module", "tui.main", *worker_argv(argv)]
    )
    os.environ[LAUNCHER] = "1"
    try:
        run(config)
    except SignalException:  # ctrl+c (or a kill) reached the launcher: it passed it on and waited for them
        print(
            pick("learn-tui: interrupted: every process was stopped", "learn-tui：已中断：所有进程都已停止"),
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except ChildFailedError as exc:
        codes = {failure.exitcode for failure in exc.failures.values()} - {EXIT_AFTER_PEER}
        if len(codes) == 1 and codes <= {EXIT_USAGE, EXIT_DIVERGED, EXIT_INTERRUPTED}:
            return codes.pop()  # every rank stopped alike, and rank 0 said why
        who = who_stopped(exc.failures, nproc)
        print(pick(f"learn-tui: error: the run stopped: {who}", f"learn-tui：错误：运行停止了：{who}"), file=sys.stderr)
        return EXIT_FAILED
    finally:
        del os.environ[LAUNCHER]
    return EXIT_DONE


def who_stopped(failures: dict[int, Any], nproc: int) -> str:
    """The ranks that stopped first, from torchrun's failures (rank: ProcessFailure): not those that stopped
    because another did (``EXIT_AFTER_PEER``), nor those the launcher then ended (SIGTERM), if any is left."""
    after = {EXIT_AFTER_PEER, -signal.SIGTERM}
    first = sorted(r for r, failure in failures.items() if failure.exitcode not in after) or sorted(failures)
    said = pick(", ", "，").join(
        how_it_stopped(r, failures[r].exitcode, failures[r].signal_name(), nproc) for r in first
    )
    if len(first) == nproc:
        return said
    if nproc - len(first) == 1:
        return pick(f"{said}; the other process was stopped", f"{said}；另一个进程已被停止")
    return pick(f"{said}; the others were stopped", f"{said}；其他进程已被停止")


def how_it_stopped(rank: int, exitcode: int, signal_name: str, nproc: int) -> str:
    if exitcode < 0:
        return pick(
            f"rank {rank} of {nproc} was killed by {signal_name}",
            f"{nproc} 个进程中的 rank {rank} 被 {signal_name} 杀死",
        )
    return pick(
        f"rank {rank} of {nproc} failed (its error is above)", f"{nproc} 个进程中的 rank {rank} 失败了（错误见上方）"
    )


LAUNCHER = "LEARN_TUI_LAUNCHER"  # set by --nproc's launcher for its processes: it names the rank that stopped


PEER_GONE = ("Connection closed by peer", "Connection reset by peer", "Broken pipe")  # gloo's words for it


@contextlib.contextmanager
def process_group(device: str) -> Iterator[None]:
    """Join torchrun's processes (gloo on CPU, nccl on CUDA with this process's GPU) and leave at the end."""
    import datetime

    import torch
    import torch.distributed as dist

    cuda = resolve_device(device) == "cuda"
    if cuda:
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if local_rank >= torch.cuda.device_count():
            count = torch.cuda.device_count()
            raise DeviceError(
                pick(
                    f"this machine has {count} GPUs and torchrun started local rank "
                    f"{local_rank}; start at most one process per GPU (--nproc-per-node)",
                    f"这台机器有 {count} 块 GPU，torchrun 却启动了 local rank {local_rank}；"
                    "每块 GPU 最多启动一个进程（--nproc-per-node）",
                )
            )
        torch.cuda.set_device(local_rank)  # "cuda" now means this process's GPU
    timeout = datetime.timedelta(seconds=distributed.timeout_s())
    dist.init_process_group("nccl" if cuda else "gloo", timeout=timeout)
    # On an error the group is left as it is: with a peer hung or gone, gloo's teardown can abort this process
    # (SIGABRT), and the launcher would then name a kill instead of the error this rank just printed.
    yield
    # Leave together: a rank tearing its group down while rank 0 still saves could abort in gloo's threads
    # ("terminate called without an active exception"). A peer that already failed ends the wait at once.
    with contextlib.suppress(Exception):
        dist.barrier()
    dist.destroy_process_group()


def run(lesson: Any, args: Any, settings: Any, argv: Sequence[str]) -> int:  # noqa: D401
    """``learn-tui run --headless``: as before in one process; ``--nproc N`` starts N under torchrun's
    launcher; under torchrun rank 0 runs ``run_headless`` (prints, serves, saves) and the others train silently."""
    if getattr(args, "nproc", None) is not None:
        return launch(argv, args.nproc, settings)
    if not distributed.launched():
        return run_headless(lesson, args, settings)
    with process_group(settings.device):
        try:
            if distributed.is_main():
                return run_headless(lesson, args, settings)
            return follow(lesson, settings, getattr(args, "until", None))
        except LearnTuiError as exc:
            if os.environ.get(LAUNCHER) and peer_stopped(exc):
                return EXIT_AFTER_PEER  # quietly: --nproc's launcher names the process that stopped, in one line
            if (waited := peer_failure(exc)) is not None:
                exc.message, exc.details = waited, ""  # a collective's internals say less than this line
            rank, size = distributed.rank(), distributed.world_size()
            exc.message = pick(f"rank {rank} of {size}: {exc.message}", f"{size} 个进程中的 rank {rank}：{exc.message}")
            exc.args = (exc.message,)
            raise


def peer_failure(exc: BaseException) -> str | None:
    """What an error that another process caused means here (None for this process's own error)."""
    cause = str(exc.__cause__ or "")
    if "timed out" in cause.lower():
        return pick(
            f"waited {distributed.timeout_s():g} s for the other processes (LEARN_TUI_DIST_TIMEOUT) and stopped: "
            "one of them hangs, is paused or died",
            f"等了其他进程 {distributed.timeout_s():g} 秒（LEARN_TUI_DIST_TIMEOUT）后停止：其中一个卡住、暂停或已退出",
        )
    if peer_stopped(exc):
        return pick(
            "another process stopped (failed or was killed), so this one did too",
            "另一个进程停止了（失败或被杀死），所以这个也停止了",
        )
    return None


def peer_stopped(exc: BaseException) -> bool:
    """Whether ``exc`` says that another process left the group (it exited, failed or was killed)."""
    cause = str(exc.__cause__ or "")
    return any(words in cause for words in PEER_GONE)


def follow(lesson: Any, settings: Any, condition: Condition | None = None) -> int:
    """A rank other than 0: train to the end of the run in step with rank 0, printing nothing (``condition``:
    ``--until``'s, agreed with rank 0 at each step's end)."""
    try:
        trainer = session.start(lesson, settings)
        start = trainer.step
        until = UntilWatch(condition, start, shared=True) if condition is not None else None
        if until is not None:
            until.check(trainer)
        with StopAtStepBoundary() as ctrl_c:  # as rank 0's: ctrl+c stops every process at the same boundary
            for event in trainer:
                if not isinstance(event, Progress):
                    return EXIT_DIVERGED if isinstance(event, Diverged) else EXIT_DONE
                if until is not None and until.event(event, trainer) is not None:
                    return EXIT_DONE
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
