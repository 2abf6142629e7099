"""The driver's frames: while training, tables and lesson views get a snapshot at most 4 times a second."""

from core.catalog import load
from core.trainer import Trainer
from tui import worker_frames
from tui.worker import TrainingDriver


class Inbox:
    def __init__(self):
        self.frames = []

    def post_message(self, message):
        self.frames.append(message.frame)


def test_training_frames_carry_snapshots_at_a_bounded_rate_and_at_once_on_refresh(monkeypatch):
    inbox, clock = Inbox(), [1000.0]
    monkeypatch.setattr(worker_frames.time, "perf_counter", lambda: clock[0])
    driver = TrainingDriver(inbox, "linear-regression", paused=False)
    driver.trainer = Trainer(load("linear-regression"))
    driver.trainer.advance("step")
    driver.wants_snapshot = True  # the Params tab is visible
    for _ in range(10):  # a second of frames at 10 Hz
        driver._publish()
        clock[0] += 0.1
    carried = [frame.snapshot is not None for frame in inbox.frames]
    assert len(carried) == 10 and 2 <= sum(carried) <= 4 and carried[0]
    driver._publish_now()  # what refresh() runs: e.g. the Grads tab just became visible
    assert inbox.frames[-1].snapshot is not None
    driver._running = False  # paused: every frame shows the exact state
    driver._publish()
    assert inbox.frames[-1].snapshot is not None and inbox.frames[-1].state == "paused"
