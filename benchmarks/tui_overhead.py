"""What does training inside the running app cost? (target: median ratio <= 1.10)

The MLP of benchmarks/trainer_overhead.py (784-256-128-10, batch 64, SGD) trains for --steps steps
as a plain PyTorch loop, and as a lesson inside the running app (headless ``App.run_test``: the
training thread, the coalesced frames, snapshots and every widget update, rendering included; only
the terminal write is missing). The app is timed from pressing space until it draws the ``finished`` frame.
Rounds interleave the two so both see the same machine load; the median of the per-round ratios is
printed, and the ratio of the two best times (each path at its least disturbed: on a shared machine the
per-round ratios spread by several percent even with no frame drawn at all). ``--tab`` picks the
visible tab (the default is the loss chart; ``graph`` the MLP's autograd graph, a lesson picture;
``params`` snapshots every parameter at each frame; ``variables`` reads the loop's local variables at each
frame; ``model`` the layers' summary, with forward hooks noting each layer's output shape once per frame).

    .venv/bin/python benchmarks/tui_overhead.py [--steps 2000] [--rounds 5] [--threads 1]
                                                [--tab chart|params|grads|notes|graph|variables|model]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataclasses  # noqa: E402

import torch  # noqa: E402
from trainer_overhead import lesson_for, make_data, plain_loop  # noqa: E402

from tui.app import LearnApp  # noqa: E402


async def _until(predicate, timeout: float, what: str) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)  # (seldom: a busy poll would itself slow the training thread)


def threaded_lesson(data):
    """The benchmark lesson, setting torch's thread count in the training thread too (without this the app's
    training thread would use another number of threads than the plain loop). The code panel shows its loop
    (``trainer_overhead.py``) and follows it, as it does a built-in lesson's."""
    from core.pictures.graph import graph_view

    lesson = lesson_for(data, threads=torch.get_num_threads())
    return dataclasses.replace(lesson, views={"graph": graph_view})  # a picture: --tab graph


def app_loop(data, steps: int, tab: str, size: tuple[int, int], settle: float = 1.0) -> tuple[float, float, int]:
    """Seconds from space to the finished frame, the CPU seconds the process used meanwhile (every thread),
    and how many frames the screen drew."""
    from tui.screens.training import TrainingScreen

    app = LearnApp(threaded_lesson(data), steps=steps, preload_torch=False)
    result: dict[str, float] = {}

    async def drive() -> None:
        async with app.run_test(size=size) as pilot:
            await _until(
                lambda: isinstance(app.screen, TrainingScreen) and app.screen.state == "paused",
                60,
                "the lesson to load",
            )
            screen = app.screen
            if tab != "chart":
                screen.query_one("TabbedContent").active = "tab-view-0" if tab == "graph" else f"tab-{tab}"
            await pilot.pause(settle)  # let the app finish starting up (as a learner reads the screen first)
            draw = screen._draw

            finished = asyncio.Event()

            def timed_draw(frame) -> None:  # the moment the finished frame is drawn ends the timing
                draw(frame)
                if frame.state == "finished" and "end" not in result:
                    result["end"] = time.perf_counter()
                    finished.set()  # (the UI thread's own loop: no polling, which would wake it 20 times a second)

            screen._draw = timed_draw
            drawn = screen.frames_drawn
            cpu = time.process_time()
            start = time.perf_counter()
            await pilot.press("space")
            await asyncio.wait_for(finished.wait(), 600)
            result["elapsed"] = result["end"] - start
            result["cpu"] = time.process_time() - cpu
            result["frames"] = screen.frames_drawn - drawn
            assert screen.frame.step == steps, screen.frame.step

    asyncio.run(drive())
    return result["elapsed"], result["cpu"], int(result["frames"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--tab", default="chart", choices=("chart", "params", "grads", "notes", "graph", "variables", "model")
    )
    parser.add_argument("--size", default="120x36", help="terminal size WxH")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (default 1: on a shared machine more threads make both timings erratic)",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    size = tuple(int(v) for v in args.size.split("x"))
    data = make_data(200)
    plain_loop(data, 100), app_loop(data, 100, args.tab, size)  # warm up both paths
    ratios, cpu_ratios, plains, apps = [], [], [], []
    for index in range(args.rounds):
        cpu = time.process_time()
        plain = plain_loop(data, args.steps)
        plain_cpu = time.process_time() - cpu
        in_app, app_cpu, frames = app_loop(data, args.steps, args.tab, size)
        ratios.append(in_app / plain)
        plains.append(plain)
        apps.append(in_app)
        cpu_ratios.append(app_cpu / plain_cpu)
        print(
            f"round {index + 1}: plain {plain:.3f} s ({plain / args.steps * 1e6:.0f} us/step), "
            f"in the app {in_app:.3f} s ({frames} frames, {frames / in_app:.1f}/s), ratio {in_app / plain:.3f}; "
            f"CPU ratio {app_cpu / plain_cpu:.3f}",
            flush=True,
        )
    median = statistics.median(ratios)
    print(
        f"median ratio app/plain over {args.rounds} rounds of {args.steps} steps ({args.tab} tab visible): "
        f"{median:.3f} (target <= 1.10: {'met' if median <= 1.10 else 'NOT met'}); median CPU-time ratio "
        f"{statistics.median(cpu_ratios):.3f} (all threads: training, UI, snapshots); best app / best plain "
        f"{min(apps) / min(plains):.3f} (each at its least disturbed)"
    )


if __name__ == "__main__":
    main()
