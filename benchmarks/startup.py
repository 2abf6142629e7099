"""How soon does the app show its first frame? (target: median ratio <= 1.25 to a minimal Textual app)

Starts the app in a pseudo-terminal, the way a person starts it in a terminal, and times from the
spawn until the lesson picker's text has been written to the terminal; then presses q and waits for
the app to exit. Repeated, interleaved with the smallest Textual app that shows the same text
(Textual's own start-up on this machine), and the median of the per-run ratios printed: a ratio, not
seconds, because a loaded machine slows both alike (torch, ~2 s to import, is never on this path).

    .venv/bin/python benchmarks/startup.py [--runs 7] [--command "learn-tui"] [--size 100x30] [--marker TEXT]
    .venv/bin/python benchmarks/startup.py --command ".venv/bin/learn-tui run linear-regression" --marker "loading"
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shlex
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.25
MARKER = b"Pick a lesson"  # the picker's title, written in one run of text
DEFAULT_COMMAND = f"{shlex.quote(sys.executable)} -m tui.main"
# A reference: the smallest Textual app showing the same text (Textual's own start-up on this machine).
MINIMAL_APP = (
    "from textual.app import App\nfrom textual.widgets import Static\n"
    "class A(App):\n    def compose(self):\n        yield Static('Pick a lesson')\n"
    "    def on_key(self, event):\n        self.exit()\nA().run()\n"
)


def time_until(command: list[str], marker: bytes | None, size: tuple[int, int], timeout: float = 20.0) -> float:
    """Seconds from spawning ``command`` in a pty until ``marker`` appears in its output (or it exits)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1])}
    # An installed app has its .pyc files (pip writes them; Textual's are there): without them every start
    # compiled the app's modules again (~25 ms) in a shell that sets PYTHONDONTWRITEBYTECODE.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env, start_new_session=True
    )
    os.close(slave)
    seen, elapsed = b"", None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                seen += chunk
                if marker is not None and marker in seen:
                    elapsed = time.perf_counter() - start
                    break
            elif process.poll() is not None:
                break
        if marker is None:
            process.wait(timeout)
            elapsed = time.perf_counter() - start
        if elapsed is None:
            raise RuntimeError(f"{marker!r} never appeared; the app wrote: {seen[-400:]!r}")
        os.write(master, b"q")
        _drain_until_exit(master, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return elapsed


def _drain_until_exit(master: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while process.poll() is None and time.perf_counter() < deadline:
        if select.select([master], [], [], 0.05)[0]:
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break
    if process.poll() is None:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--command", default=DEFAULT_COMMAND, help="how to start the app (default: %(default)s)")
    parser.add_argument("--size", default="100x30", help="terminal size WxH")
    parser.add_argument(
        "--marker",
        default=MARKER.decode(),
        help="text that shows the first frame is painted "
        "(default: the picker's title; for `learn-tui run linear-regression` use 'loading torch')",
    )
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    command = shlex.split(args.command)
    size = (width, height)
    minimal = [sys.executable, "-c", MINIMAL_APP]
    marker = args.marker.encode()
    time_until(command, marker, size)  # warm the file cache and write the .pyc files
    time_until(minimal, MARKER, size)
    firsts, minimals, ratios = [], [], []
    for index in range(args.runs):
        if index % 2:  # alternate which starts first, so neither always finds the machine busier
            firsts.append(time_until(command, marker, size))
            minimals.append(time_until(minimal, MARKER, size))
        else:
            minimals.append(time_until(minimal, MARKER, size))
            firsts.append(time_until(command, marker, size))
        ratios.append(firsts[-1] / minimals[-1])
        print(
            f"run {index + 1}: first frame {firsts[-1]:.3f} s, minimal Textual app {minimals[-1]:.3f} s, "
            f"ratio {ratios[-1]:.3f}",
            flush=True,
        )
    median = statistics.median(ratios)
    print(
        f"median ratio first frame / minimal Textual app over {args.runs} runs: {median:.3f} "
        f"(target <= {TARGET_RATIO}: {'met' if median <= TARGET_RATIO else 'NOT met'}); medians "
        f"{statistics.median(firsts):.3f} s and {statistics.median(minimals):.3f} s"
    )


if __name__ == "__main__":
    main()
