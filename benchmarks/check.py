"""What does ``learn-tui check`` cost next to one plain run of the lesson? (target: every ratio < 2.5)

``check`` runs the reference lesson and then the learner's file, and compares them at every yield (the loss, every
watched parameter and gradient), so 2x is its floor. For each lesson the reference solution of its level-1
exercise (``core.exercises.make.solution``) is checked, with check's default budget (``default``: two epochs,
within 20 to 100 steps, ``core/exercises/budget.py``) or ``--steps N``, and the lesson itself is run plainly
through the Trainer for the same steps of its own run (every event consumed, no UI): set-up (data, model) included
in both, as a learner waits for it. The two alternate round by round (which goes first alternates too) so both see
the same machine load; the median of the per-round ratios is printed per lesson (wall time, and the process's CPU
time, less sensitive to other processes on a shared machine), and the largest of them. Torch uses one thread
unless told otherwise.

MNIST lessons read ``$LEARN_TUI_DATA`` when it holds MNIST/raw, else ../shared/data (the real files) when present,
else small IDX files written here. rnn-names uses its built-in names.

    .venv/bin/python benchmarks/check.py [--only autograd,mnist-cnn] [--steps default,3] [--rounds 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from core.base.events import Progress  # noqa: E402
from core.engine import catalog  # noqa: E402
from core.engine.trainer import Trainer  # noqa: E402
from core.exercises import make  # noqa: E402
from core.exercises.check import check_file, forget_lessons  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def mnist_data(folder: Path) -> str:
    """A data folder holding MNIST/raw: the environment's, the shared real copy, or 2,000 written images."""
    for candidate in (os.environ.get("LEARN_TUI_DATA"), str(SHARED)):
        if candidate and any((Path(candidate) / "MNIST" / "raw").glob("train-images*")):
            return candidate
    raw = folder / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for split, count in (("train", 2000), ("t10k", 500)):
        images = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
        labels = (np.arange(count) % 10).astype(np.uint8)
        for what, array, magic in (("images-idx3", images, 2051), ("labels-idx1", labels, 2049)):
            head = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape)
            (raw / f"{split}-{what}-ubyte.gz").write_bytes(gzip.compress(head + array.tobytes()))
    return str(folder)


def timed(run, *args) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of ``run(*args)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def plain(lesson_id: str, steps: int) -> None:
    """The first ``steps`` steps of the lesson's own run (its epochs: check's budget truncates the same run)."""
    for event in Trainer(catalog.load(lesson_id), seed=0):
        if isinstance(event, Progress) and event.step > steps:
            break


def checked(path: Path, steps: int | None) -> int:
    """Check the file (``steps`` None: check's default budget); the steps it compared. Like ``plain``, it finds
    and loads its lesson each time, as a fresh process does (the app, checking again and again, finds it once)."""
    forget_lessons()
    result = check_file(path, steps=steps)
    if not result.passed:
        raise SystemExit(f"{path.name}: the reference solution failed check: {result.message}")
    return result.steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated lesson ids (default: every exercise lesson)")
    parser.add_argument(
        "--steps", default="default", help="comma-separated step budgets (default: check's own, two epochs in 20-100)"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    lessons = [x for x in args.only.split(",") if x] or make.exercise_lessons()
    budgets = [None if x == "default" else int(x) for x in args.steps.split(",")]
    worst = worst_cpu = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LEARN_TUI_DATA"] = mnist_data(Path(tmp))
        print(f"{'lesson':<22} {'steps':>5} {'plain s':>8} {'check s':>8} {'ratio':>6} {'cpu':>6}")
        for lesson_id in lessons:
            path = Path(tmp) / f"{lesson_id.replace('-', '_')}_level1.py"
            path.write_text(make.solution(lesson_id, 1), encoding="utf-8")
            for budget in budgets:
                steps = checked(path, budget)  # warm: imports, the lesson's module, torch's first calls
                base, check = [], []
                for round_ in range(args.rounds):
                    if round_ % 2:
                        check.append(timed(checked, path, budget))
                        base.append(timed(plain, lesson_id, steps))
                    else:
                        base.append(timed(plain, lesson_id, steps))
                        check.append(timed(checked, path, budget))
                wall = statistics.median(c[0] / p[0] for p, c in zip(base, check))
                cpu = statistics.median(c[1] / p[1] for p, c in zip(base, check))
                worst, worst_cpu = max(worst, wall), max(worst_cpu, cpu)
                print(
                    f"{lesson_id:<22} {steps:>5} {statistics.median(t[0] for t in base):>8.3f} "
                    f"{statistics.median(t[0] for t in check):>8.3f} {wall:>6.2f} {cpu:>6.2f}",
                    flush=True,
                )
    print(f"max ratio {worst:.2f} wall, {worst_cpu:.2f} CPU (target < 2.5)")


if __name__ == "__main__":
    main()
