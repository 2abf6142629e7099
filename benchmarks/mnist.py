"""The MNIST lessons on the real data: test accuracy per epoch, seconds per epoch, samples per second,
and the trainer's first epoch against the same epoch written as a plain PyTorch loop.

Targets on the project's 2-core CPU at the lessons' defaults (seed 0):

- mnist-softmax: >= 97.5 % test accuracy after 5 epochs;
- mnist-cnn: >= 98.8 % after 5 epochs, and >= 98.3 % within 50 s of training;
- mnist-advanced: >= 99.2 % after 5 epochs, with either model (inception, resnet);
- the trainer's epoch no more than 1.05x the plain loop's.

Training time excludes the test-set evaluations. The plain loop starts from the same seed, so it
trains the very same weights on the very same batches: its test accuracy after the epoch matches the
trainer's epoch 1 (printed side by side as a check that the comparison is like for like). The two
take turns, 25 batches each, through epoch 1, so a change in machine load hits both alike. Both
clocks are printed for that epoch: wall time (the target) and the process's CPU time, which stays
meaningful on a machine shared with other work (use --threads 1 there: torch's threads fighting
other processes for the cores slow it down many times over).

    .venv/bin/python benchmarks/mnist.py [--runs softmax,cnn,inception,resnet] [--epochs 5]
        [--data-dir ../shared/data/mnist] [--threads N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from core.base import rng  # noqa: E402
from core.base.events import Progress  # noqa: E402
from core.engine import catalog  # noqa: E402
from core.engine.trainer import Trainer  # noqa: E402
from core.lessons import _mnist_common as common  # noqa: E402
from core.phases import EVAL, STEP  # noqa: E402

RUNS = {  # name -> (lesson id, options, target accuracy after --epochs)
    "softmax": ("mnist-softmax", {}, 0.975),
    "cnn": ("mnist-cnn", {}, 0.988),
    "inception": ("mnist-advanced", {"model": "inception"}, 0.992),
    "resnet": ("mnist-advanced", {"model": "resnet"}, 0.992),
}
CNN_FAST_TARGET, CNN_FAST_SECONDS = 0.983, 50.0
RATIO_TARGET = 1.05
CHUNK = 25  # batches the trainer and the plain loop take in turn during epoch 1


def build(lesson_id: str, options: dict):
    """The lesson's own model class and optimizer, as its train() builds them (same seed -> same weights)."""
    module = sys.modules[catalog.load(lesson_id).train.__module__]
    if lesson_id == "mnist-advanced":
        model = module.MODELS[options["model"]]()
        return model, torch.optim.Adam(model.parameters(), lr=module.LESSON.lr)
    model = module.Net()
    return model, torch.optim.SGD(model.parameters(), lr=module.LESSON.lr, momentum=0.5)


def clocks() -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds): on a busy machine the CPU time is the steadier one."""
    return time.perf_counter(), time.process_time()


class PlainLoop:
    """Epoch 1 of the lesson as plain PyTorch (the same cosine learning rate), run ``steps`` batches at
    a time between the trainer's, so both see the same machine load; it keeps its own clocks."""

    def __init__(self, lesson_id: str, options: dict, epochs: int) -> None:
        lesson = catalog.load(lesson_id)
        self.run = SimpleNamespace(
            options=SimpleNamespace(**lesson.config(options)),
            state=SimpleNamespace(),
            device="cpu",
            lr=lesson.lr,
            max_epochs=epochs,
            epoch=1,
            batch=0,
        )
        rng.seed_all(0)  # what the Trainer does: same initial weights, same shuffled order
        self.train_loader, self.test_loader = common.load_data(self.run)
        self.model, self.optimizer = build(lesson_id, options)
        self.criterion = torch.nn.CrossEntropyLoss()
        self.batches = iter(self.train_loader)
        self.pending = [next(self.batches)]  # draws the epoch's order now, before the trainer seeds again
        self.wall = self.cpu = 0.0

    def steps(self, count: int) -> None:
        run, model, optimizer, criterion = self.run, self.model, self.optimizer, self.criterion
        wall, cpu = clocks()
        for _ in range(count):
            batch = self.pending.pop() if self.pending else next(self.batches, None)
            if batch is None:
                break
            inputs, target = batch
            run.batch += 1
            lr = common.scheduled_lr(run, len(self.train_loader))
            for group in optimizer.param_groups:
                group["lr"] = lr
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, target)
            loss.item()  # the trainer reads every loss as a float too
            loss.backward()
            optimizer.step()
        end_wall, end_cpu = clocks()
        self.wall += end_wall - wall
        self.cpu += end_cpu - cpu

    def accuracy(self) -> float:
        with torch.no_grad():
            correct = sum(int((self.model(x).argmax(dim=1) == y).sum()) for x, y in self.test_loader)
        return correct / len(self.test_loader.y)


def trainer_run(lesson_id: str, options: dict, epochs: int, plain: PlainLoop) -> list[tuple[int, float, float, float]]:
    """The lesson through the Trainer: (epoch, wall s and CPU s trained so far, test accuracy) after each
    epoch's test. The time from the event before an EVAL to the EVAL is the test's, and is left out.
    During epoch 1, ``plain`` runs CHUNK batches after each CHUNK of the trainer's (not counted here)."""
    trainer = Trainer(catalog.load(lesson_id), options=options, epochs=epochs, seed=0)
    rows, wall, cpu, last = [], 0.0, 0.0, None
    for event in trainer:
        now = clocks()
        if isinstance(event, Progress) and event.phase is EVAL:
            rows.append((event.epoch, wall, cpu, event.metrics["accuracy"]))
        elif last is not None:
            wall, cpu = wall + now[0] - last[0], cpu + now[1] - last[1]
        if (
            isinstance(event, Progress)
            and event.epoch == 1
            and (event.phase is EVAL or (event.phase is STEP and event.step % CHUNK == 0))
        ):
            plain.steps(CHUNK if event.phase is STEP else len(plain.train_loader))
            now = clocks()
        last = now
    return rows


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def bench(name: str, data_dir: str, epochs: int) -> None:
    lesson_id, options, target = RUNS[name]
    options = {**options, "data_dir": data_dir}
    lesson = catalog.load(lesson_id)
    flags = " ".join(f"--{k} {v}" for k, v in options.items() if k != "data_dir")
    batch = lesson.config(options)["batch_size"]
    print(
        f"\n{name}: {lesson_id} {flags} (lr {lesson.lr}, batch {batch}, {epochs} epoch{'s' * (epochs != 1)})",
        flush=True,
    )
    plain = PlainLoop(lesson_id, options, epochs)
    rows = trainer_run(lesson_id, options, epochs, plain)
    plain_s, plain_cpu, plain_acc = plain.wall, plain.cpu, plain.accuracy()
    previous = 0.0
    for epoch, seconds, _, accuracy in rows:
        took = seconds - previous
        previous = seconds
        print(
            f"  epoch {epoch}: test accuracy {accuracy * 100:.2f} %, {took:.1f} s "
            f"({60000 / took:,.0f} samples/s), {seconds:.1f} s trained",
            flush=True,
        )
    final = rows[-1][3]
    print(f"  after {epochs} epochs: {final * 100:.2f} % (target >= {target * 100:.1f} %: {verdict(final >= target)})")
    if name == "cnn":
        reached = next((s for _, s, _, a in rows if a >= CNN_FAST_TARGET), None)
        print(
            f"  {CNN_FAST_TARGET * 100:.1f} % reached after "
            f"{'never' if reached is None else f'{reached:.1f} s'} of training "
            f"(target <= {CNN_FAST_SECONDS:.0f} s: {verdict(reached is not None and reached <= CNN_FAST_SECONDS)})"
        )
    _, wall, cpu, accuracy = rows[0]
    ratio = wall / plain_s
    print(
        f"  epoch 1: plain PyTorch {plain_s:.2f} s (test accuracy {plain_acc * 100:.2f} %), "
        f"trainer {wall:.2f} s ({accuracy * 100:.2f} %): ratio {ratio:.3f} "
        f"(target <= {RATIO_TARGET}: {verdict(ratio <= RATIO_TARGET)}); "
        f"CPU time {plain_cpu:.2f} s vs {cpu:.2f} s: ratio {cpu / plain_cpu:.3f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default=",".join(RUNS), help=f"comma-separated, from {', '.join(RUNS)}")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    names = [n.strip() for n in args.runs.split(",") if n.strip()]
    unknown = [n for n in names if n not in RUNS]
    if unknown:
        parser.error(f"unknown run {unknown[0]!r}; choose from {', '.join(RUNS)}")
    print(f"MNIST benchmark: torch {torch.__version__}, {torch.get_num_threads()} threads, data {args.data_dir}")
    for name in names:
        bench(name, args.data_dir, args.epochs)


if __name__ == "__main__":
    main()
