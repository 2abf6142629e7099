"""How long does one line step (i) take to reach the screen? (target: 100 ms or less)

Drives the app's own driver (core/driver) in its thread, as the app does, on a lesson; asks for one line step
at a time and times from the request to the frame that shows the new line (the frame the screen draws).
Prints the median and the worst of the steps, in milliseconds. With the Variables tab shown (the default),
each stop also describes the frame's locals.
    .venv/bin/python benchmarks/line_step.py [--lesson mnist-cnn --data-dir DIR] [--steps 200] [--hidden]
"""

from __future__ import annotations

import argparse
import queue
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.base.settings import RunSettings
from core.driver.driver import Driver
from core.driver.frames import Frame, Needs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="simple-nn")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--hidden", action="store_true", help="Variables hidden: no locals described")
    args = parser.parse_args()
    frames: queue.Queue[Frame] = queue.Queue()

    def sink(record: object) -> None:
        if isinstance(record, Frame):
            frames.put(record)
            driver.frame_done()

    options = {"data_dir": args.data_dir} if args.data_dir else {}
    driver = Driver(sink, args.lesson, RunSettings(options=options))
    # what the app asks for with the Variables tab in front (or the Loss tab, with --hidden)
    driver.needs = Needs(chart=args.hidden, snapshot=False, views=False, ratios=False, variables=not args.hidden)
    thread = threading.Thread(target=driver.run, daemon=True)
    thread.start()
    frames.get(timeout=120)  # the first frame: the lesson is loaded and primed
    times = []
    for _ in range(args.steps):
        while not frames.empty():
            frames.get_nowait()
        started = time.perf_counter()
        driver.advance("line")
        while True:
            frame = frames.get(timeout=60)
            if frame.at_line is not None or frame.progress.phase is not None:
                break
        times.append((time.perf_counter() - started) * 1000)
    driver.stop()
    thread.join(10)
    print(
        f"{args.lesson}: {len(times)} line steps, median {statistics.median(times):.2f} ms, "
        f"95th percentile {sorted(times)[int(len(times) * 0.95) - 1]:.2f} ms, worst {max(times):.2f} ms "
        f"(target: 100 ms; Variables {'hidden' if args.hidden else 'shown'})"
    )


if __name__ == "__main__":
    main()
