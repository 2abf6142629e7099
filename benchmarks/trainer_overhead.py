"""How much does driving a loop through the trainer cost? (target: median ratio <= 1.05)

An MLP 784-256-128-10 on random MNIST-shaped data, batch 64, SGD. The same steps run as a plain
PyTorch loop and as a lesson through ``core.engine.trainer.Trainer`` (every event consumed, no UI),
interleaved round by round (which goes first alternates) so both see the same machine load; the median
of the per-round ratios is printed, with the median ratio of CPU times (less sensitive to other
processes on a shared machine). Torch uses one thread unless told otherwise: on a shared 2-core
machine more threads make both timings erratic.

    .venv/bin/python benchmarks/trainer_overhead.py [--steps 2000] [--rounds 7] [--threads 1]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from core.engine.trainer import Trainer  # noqa: E402
from core.lesson import Lesson  # noqa: E402
from core.phases import BACKWARD, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD  # noqa: E402

BATCH = 64


def make_data(batches: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(0)
    return [
        (torch.randn(BATCH, 784, generator=generator), torch.randint(0, 10, (BATCH,), generator=generator))
        for _ in range(batches)
    ]


def make_model() -> torch.nn.Module:
    return torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )


def plain_loop(data, steps: int) -> float:
    torch.manual_seed(0)
    model = make_model()
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    start = time.perf_counter()
    for step in range(steps):
        x, y = data[step % len(data)]
        y_pred = model(x)
        loss = criterion(y_pred, y)
        loss_value = loss.item()  # the trainer reports the loss as a float too
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    del loss_value
    return time.perf_counter() - start


def lesson_for(data, threads: int | None = None) -> Lesson:
    """The benchmark's lesson; ``threads``: set torch's thread count in the thread that runs the loop (OpenMP's
    setting is per thread: the app's training thread would otherwise use another number than the plain loop)."""

    def train(run):
        if threads is not None:
            torch.set_num_threads(threads)
        model = make_model()
        criterion = torch.nn.CrossEntropyLoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=run.lr)
        run.watch(model, optimizer=optimizer)
        for _epoch in run.epochs():
            for x, y in run.batches(data):
                y_pred = model(x)
                yield FORWARD
                loss = criterion(y_pred, y)
                yield LOSS, loss
                optimizer.zero_grad()
                yield ZERO_GRAD
                loss.backward()
                yield BACKWARD
                optimizer.step()
                yield UPDATE
                yield STEP

    return Lesson(id="bench-mlp", title="benchmark MLP", lecture=None, train=train, lr=0.01, source_file=__file__)


def trainer_loop(data, steps: int) -> float:
    trainer = Trainer(lesson_for(data), steps=steps, seed=0)
    start = time.perf_counter()
    for _event in trainer:
        pass
    elapsed = time.perf_counter() - start
    assert trainer.step == steps, trainer.step
    return elapsed


def timed(loop, data, steps: int) -> tuple[float, float]:
    """Wall and CPU seconds of one loop, each started from a collected heap (the last round's trainer,
    which holds a reference cycle through its run, is not left for this one's collector)."""
    gc.collect()
    cpu = time.process_time()
    wall = loop(data, steps)
    return wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = make_data(200)
    plain_loop(data, 100), trainer_loop(data, 100)  # warm up both paths
    ratios, cpu_ratios = [], []
    for index in range(args.rounds):
        if index % 2:
            driven, driven_cpu = timed(trainer_loop, data, args.steps)
            plain, plain_cpu = timed(plain_loop, data, args.steps)
        else:
            plain, plain_cpu = timed(plain_loop, data, args.steps)
            driven, driven_cpu = timed(trainer_loop, data, args.steps)
        ratios.append(driven / plain)
        cpu_ratios.append(driven_cpu / plain_cpu)
        print(
            f"round {index + 1}: plain {plain:.3f} s ({plain / args.steps * 1e6:.0f} us/step), "
            f"trainer {driven:.3f} s, ratio {driven / plain:.3f}; CPU ratio {driven_cpu / plain_cpu:.3f}",
            flush=True,
        )
    median = statistics.median(ratios)
    print(
        f"median ratio trainer/plain over {args.rounds} rounds of {args.steps} steps: {median:.3f} "
        f"(target <= 1.05: {'met' if median <= 1.05 else 'NOT met'}); median CPU-time ratio "
        f"{statistics.median(cpu_ratios):.3f}"
    )


if __name__ == "__main__":
    main()
