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

import logging
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from core.distributed import EXIT_AFTER_PEER, LAUNCHER, world_size_advice
from core.errors import DeviceError, UsageError


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

    from core.front.cli import EXIT_DIVERGED, EXIT_DONE, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE

    if settings.resume is not None:  # say it once, here, rather than once per process
        from core.checkpoint.store import load_checkpoint

        saved = load_checkpoint(settings.resume).get("world_size", 1)
        if saved != nproc:
            raise UsageError(world_size_advice(settings.resume, saved, nproc))
    if settings.device != "cpu":
        import torch

        count = torch.cuda.device_count()
        if (settings.device == "cuda" or count) and nproc > count:
            raise DeviceError(f"--nproc {nproc} needs {nproc} GPUs and this machine has {count}; use --nproc {count}")
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
        print("learn-tui: interrupted: every process was stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ChildFailedError as exc:
        codes = {failure.exitcode for failure in exc.failures.values()} - {EXIT_AFTER_PEER}
        if len(codes) == 1 and codes <= {EXIT_USAGE, EXIT_DIVERGED, EXIT_INTERRUPTED}:
            return codes.pop()  # every rank stopped alike, and rank 0 said why
        print(f"learn-tui: error: the run stopped: {who_stopped(exc.failures, nproc)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        del os.environ[LAUNCHER]
    return EXIT_DONE


def who_stopped(failures: dict[int, Any], nproc: int) -> str:
    """The ranks that stopped first, from torchrun's failures (rank: ProcessFailure): not those that stopped
    because another did (``EXIT_AFTER_PEER``), nor those the launcher then ended (SIGTERM), if any is left."""
    after = {EXIT_AFTER_PEER, -signal.SIGTERM}
    first = sorted(r for r, failure in failures.items() if failure.exitcode not in after) or sorted(failures)
    said = ", ".join(how_it_stopped(r, failures[r].exitcode, failures[r].signal_name(), nproc) for r in first)
    if len(first) == nproc:
        return said
    return f"{said}; {'the other process was' if nproc - len(first) == 1 else 'the others were'} stopped"


def how_it_stopped(rank: int, exitcode: int, signal_name: str, nproc: int) -> str:
    if exitcode < 0:
        return f"rank {rank} of {nproc} was killed by {signal_name}"
    return f"rank {rank} of {nproc} failed (its error is above)"
