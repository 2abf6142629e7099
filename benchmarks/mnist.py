"""The MNIST lessons on the real data: test accuracy per epoch, seconds per epoch, samples per second,
and the trainer's first epoch against the same epoch written as a plain PyTorch loop.

Targets on the project's 2-core CPU at the lessons' defaults (seed 0):

- mnist-softmax: >= 97.5 % test accuracy after 5 epochs;
- mnist-cnn: >= 98.8 % after 5 epochs, and >= 98.3 % within 50 s of training;
- mnist-advanced: >= 99.2 % after 5 epochs, with either model (inception, resnet);
- the trainer's epoch no more than 1.05x the plain loop's.

Training time excludes the test-set evaluations. The plain loop starts from the same seed, so it
trains the very same weights on the very same batches: its test accuracy after the epoch matches the
trainer's epoch 1 (printed side by side as a check that the comparison is like for like).

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

from core import catalog, rng  # noqa: E402
from core.events import PhaseEvent  # noqa: E402
from core.lessons import _mnist_common as common  # noqa: E402
from core.phases import EVAL  # noqa: E402
from core.trainer import Trainer  # noqa: E402

RUNS = {  # name -> (lesson id, options, target accuracy after --epochs)
    "softmax": ("mnist-softmax", {}, 0.975),
    "cnn": ("mnist-cnn", {}, 0.988),
    "inception": ("mnist-advanced", {"model": "inception"}, 0.992),
    "resnet": ("mnist-advanced", {"model": "resnet"}, 0.992),
}
CNN_FAST_TARGET, CNN_FAST_SECONDS = 0.983, 50.0
RATIO_TARGET = 1.05


def build(lesson_id: str, options: dict):
    """The lesson's own model class and optimizer, as its train() builds them (same seed -> same weights)."""
    module = sys.modules[catalog.load(lesson_id).train.__module__]
    if lesson_id == "mnist-advanced":
        model = module.MODELS[options["model"]]()
        return model, torch.optim.Adam(model.parameters(), lr=module.LESSON.lr)
    model = module.Net()
    return model, torch.optim.SGD(model.parameters(), lr=module.LESSON.lr, momentum=0.5)


def plain_epoch(lesson_id: str, options: dict, epochs: int) -> tuple[float, float]:
    """One epoch of the lesson as plain PyTorch (the same cosine learning rate): (seconds, test accuracy)."""
    lesson = catalog.load(lesson_id)
    run = SimpleNamespace(options=SimpleNamespace(**lesson.config(options)), state=SimpleNamespace(), device="cpu",
                          lr=lesson.lr, max_epochs=epochs, epoch=1, batch=0)  # what load_data and scheduled_lr read
    rng.seed_all(0)
    train_loader, test_loader = common.load_data(run)
    model, optimizer = build(lesson_id, options)
    criterion = torch.nn.CrossEntropyLoss()
    batches = len(train_loader)
    start = time.perf_counter()
    for batch_idx, (inputs, target) in enumerate(train_loader):
        run.batch = batch_idx + 1
        lr = common.scheduled_lr(run, batches)
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, target)
        loss.item()  # the trainer reads every loss as a float too
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        correct = sum(int((model(x).argmax(dim=1) == y).sum()) for x, y in test_loader)
    return seconds, correct / len(test_loader.y)


def trainer_run(lesson_id: str, options: dict, epochs: int) -> list[tuple[int, float, float]]:
    """The lesson through the Trainer: (epoch, training seconds so far, test accuracy) after each epoch."""
    trainer = Trainer(catalog.load(lesson_id), options=options, epochs=epochs, seed=0)
    rows, trained, last = [], 0.0, None
    for event in trainer:
        now = time.perf_counter()
        if isinstance(event, PhaseEvent) and event.phase is EVAL:  # the time since the last event was testing
            rows.append((event.epoch, trained, event.metrics["accuracy"]))
        elif last is not None:
            trained += now - last
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
    print(f"\n{name}: {lesson_id} {flags} (lr {lesson.lr}, batch {batch}, {epochs} epoch{'s' * (epochs != 1)})",
          flush=True)
    plain_s, plain_acc = plain_epoch(lesson_id, options, epochs)
    rows = trainer_run(lesson_id, options, epochs)
    previous = 0.0
    for epoch, seconds, accuracy in rows:
        took = seconds - previous
        previous = seconds
        print(f"  epoch {epoch}: test accuracy {accuracy * 100:.2f} %, {took:.1f} s "
              f"({60000 / took:,.0f} samples/s), {seconds:.1f} s trained", flush=True)
    final = rows[-1][2]
    print(f"  after {epochs} epochs: {final * 100:.2f} % (target >= {target * 100:.1f} %: {verdict(final >= target)})")
    if name == "cnn":
        reached = next((s for _, s, a in rows if a >= CNN_FAST_TARGET), None)
        print(f"  {CNN_FAST_TARGET * 100:.1f} % reached after "
              f"{'never' if reached is None else f'{reached:.1f} s'} of training "
              f"(target <= {CNN_FAST_SECONDS:.0f} s: {verdict(reached is not None and reached <= CNN_FAST_SECONDS)})")
    ratio = rows[0][1] / plain_s
    print(f"  epoch 1: plain PyTorch {plain_s:.1f} s (test accuracy {plain_acc * 100:.2f} %), "
          f"trainer {rows[0][1]:.1f} s ({rows[0][2] * 100:.2f} %): ratio {ratio:.3f} "
          f"(target <= {RATIO_TARGET}: {verdict(ratio <= RATIO_TARGET)})", flush=True)


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
