"""A served run's own progress follows the run the attached app steers: after a reset, or a checkpoint opened,
the bar (or the plain lines) shows the new run's budget, step and speed, not the old trainer's."""

import io
import json
import re
import signal
import time

from test_remote import serve  # noqa: F401  (the fixture)

from core.engine.catalog import load
from core.engine.trainer import Trainer
from core.front.progress import ProgressDisplay


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_bar_follows_a_new_trainer_its_budget_and_its_step():
    lesson = load("linear-regression")
    first = Trainer(lesson, steps=20)
    display = ProgressDisplay(Terminal(), first)
    for event in first:
        if hasattr(event, "closes_step"):  # (a Progress; the run ends with a Finished)
            display.event(event)
    opened = Trainer(lesson, steps=400)  # (as a checkpoint opened with its own budget)
    display.follow(opened)
    task = display.bar.tasks[0]
    assert (task.total, task.completed, display.shown_step) == (400, 0, 0)
    display.close()


def test_after_a_remote_reset_the_served_runs_progress_lines_start_again_with_no_negative_speed(serve):  # noqa: F811
    served = serve("--steps", "1000000", json=False)
    sock, reader = served.connect(served.token)
    reader.readline()  # the welcome

    def lines():
        return re.findall(r"^step (\d+) .* (\S+) steps/s$", open(served.out.name).read(), re.M)  # noqa: SIM115

    deadline = time.monotonic() + 20
    while not [line for line in lines() if int(line[0]) > 50] and time.monotonic() < deadline:
        time.sleep(0.05)
    for request, then in (("toggle", 3.2), ("reset", 0.2), ("toggle", 0)):  # pause (past the speed's window),
        sock.sendall((json.dumps({"do": request, "args": {}}) + "\n").encode())  # start again from 0, run
        time.sleep(then)
    before = len(lines())
    while len(lines()) < before + 2 and time.monotonic() < deadline + 10:
        time.sleep(0.05)
    shown = lines()
    again = next(i for i in range(1, len(shown)) if int(shown[i][0]) < int(shown[i - 1][0]))
    assert all(speed == "-" or float(speed) > 0 for _, speed in shown[again:]), shown
    sock.close()
    served.proc.send_signal(signal.SIGINT)  # (the run stops at its next step boundary)
    assert served.proc.wait(timeout=30) == 130
