"""char-gpt data-parallel: tokens/s with 1 and with N processes, side by side, and their ratio.

Each count runs the lesson as a learner would (``learn-tui run char-gpt --headless --json --nproc N``: torchrun's
launcher, DistributedDataParallel, gloo on CPU / nccl on CUDA), each process with the same batch, so N processes
train on N times the tokens per step. Tokens/s is timed between the JSON records of step ``--warmup`` and of the
step before the last (the last one follows the final evaluation), so start-up and evaluation are left out. It also
times the two small collectives the lesson adds to DDP's own each step, the all-reduce of the loss rank 0
shows (``core.distributed.mean``) and the broadcast of rank 0's learning rate (``from_rank0``), against a step.

On a 2-core CPU expect no speed-up (a ratio near or below 1): one process already keeps both cores busy with
two threads, and two processes of one thread each add the gradient all-reduce and the loss all-reduce on top.
Data parallelism pays on several GPUs (``--device cuda``: one process per GPU) or several machines.

    .venv/bin/python benchmarks/ddp.py [--steps 60] [--warmup 10] [--batch-size 12] [--threads T] [--device cuda]

Each process gets ``cores // processes`` torch threads unless ``--threads`` says otherwise; on a machine that
other work keeps busy, two threads in one process suffer most (run it again with ``--threads 1`` to see).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GPU_MODEL = ["--n-layer", "6", "--n-head", "6", "--n-embd", "384", "--dropout", "0.2"]  # the lesson's GPU advice


def shape(args: argparse.Namespace) -> tuple[int, int, list[str]]:
    """Windows per process and step, characters per window, and the lesson options that set them."""
    batch, block = (64, 256) if args.device == "cuda" else (args.batch_size, 64)
    model = GPU_MODEL if args.device == "cuda" else []
    return batch, block, [*model, "--batch-size", str(batch), "--block-size", str(block)]


def train(nproc: int, args: argparse.Namespace) -> float:
    """Tokens/s of one ``--nproc`` run, over all its processes."""
    batch, block, model = shape(args)
    command = [sys.executable, "-m", "tui.main", "run", "char-gpt", "--headless", "--json", "--nproc", str(nproc)]
    command += ["--steps", str(args.steps), "--device", args.device, "--sample-interval", "0", *model]
    command += ["--eval-interval", str(10 * args.steps)]
    seen: dict[int, float] = {}
    env = {**os.environ, **({"OMP_NUM_THREADS": str(args.threads)} if args.threads else {})}
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True, env=env) as process:
        assert process.stdout is not None
        for line in process.stdout:
            record = json.loads(line)
            if record["event"] == "step":
                seen[record["step"]] = time.perf_counter()
    if process.returncode != 0:
        raise SystemExit(f"--nproc {nproc} failed with status {process.returncode}")
    first, last = args.warmup, args.steps - 1
    return (last - first) * nproc * batch * block / (seen[last] - seen[first])


def probe(rounds: int) -> None:
    """Run by each process under torchrun: rank 0 prints the mean time of the lesson's two one-number
    collectives per step (the lr broadcast and the loss all-reduce)."""
    import torch
    import torch.distributed as dist

    cuda = torch.cuda.is_available() and os.environ.get("PROBE_DEVICE") == "cuda"
    if cuda:
        torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
    dist.init_process_group("nccl" if cuda else "gloo")
    loss = torch.ones((), device="cuda" if cuda else "cpu")
    lr = torch.ones(1, dtype=torch.float64, device=loss.device)
    for _ in range(10):
        dist.all_reduce(loss)
    start = time.perf_counter()
    for _ in range(rounds):
        dist.broadcast(lr, src=0)  # core.distributed.from_rank0(run.lr)
        lr.item()
        dist.all_reduce(loss)  # core.distributed.mean(loss)
        loss.item()  # as the trainer reads it
    seconds = (time.perf_counter() - start) / rounds
    if dist.get_rank() == 0:
        print(json.dumps({"collectives_ms": seconds * 1000}))
    dist.destroy_process_group()


def collectives_ms(nproc: int, device: str) -> float:
    launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={nproc}"]
    env = {**os.environ, "PROBE_DEVICE": device, "OMP_NUM_THREADS": "1"}
    out = subprocess.run([*launcher, __file__, "--probe"], cwd=REPO, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])["collectives_ms"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10, help="steps left out of the timing")
    parser.add_argument("--batch-size", type=int, default=12, help="windows per process and step (CPU)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--threads", type=int, help="torch threads per process (default: the cores shared out)")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        return probe(500)
    many = 2
    if args.device == "cuda":
        import torch

        many = torch.cuda.device_count()
        if many < 1:
            raise SystemExit("--device cuda: torch sees no GPU here")
    load = os.getloadavg()[0]
    speeds = {n: train(n, args) for n in sorted({1, many})}
    batch, block, _ = shape(args)
    step_ms = 1000 * many * batch * block / speeds[many]
    threads = args.threads or f"{os.cpu_count()} // processes"
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"threads per process: {threads}")
    for n, speed in speeds.items():
        print(f"{n} process{'es' if n > 1 else ''}: {speed:10,.0f} tokens/s")
    print(f"ratio {many}/1: {speeds[many] / speeds[1]:.2f}")
    if many > 1:
        ms = collectives_ms(many, args.device)
        print(f"the lesson's own collectives: {ms:.3f} ms per step, {100 * ms / step_ms:.1f}% of a {many}-process step")


if __name__ == "__main__":
    main()
