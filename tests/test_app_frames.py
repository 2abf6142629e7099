"""The driver's frames and its run: snapshots at a bounded rate while training; any event kind handled."""

from dataclasses import dataclass

import pytest

from core.base.events import Progress
from core.base.rate import StepRate
from core.base.settings import RunSettings
from core.base.status import Status
from core.checkpoint.errors import MidStep, UnusableCheckpoint
from core.driver import frames as worker_frames
from core.driver.frames import FrameBuilder, Needs
from core.driver.requests import RunControl
from core.engine.catalog import load
from core.lesson import Lesson
from core.phases import LOSS, STEP


def test_training_frames_carry_snapshots_at_a_bounded_rate_and_at_once_on_refresh(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(worker_frames.time, "perf_counter", lambda: clock[0])
    run = RunControl(load("linear-regression"), RunSettings(), paused=False)
    run.trainer.advance("step")
    frames = FrameBuilder()
    frames.needs = Needs(chart=False, snapshot=True, views=False, ratios=False)  # the Params tab is visible
    built = []
    for _ in range(10):  # a second of frames at 10 Hz
        built.append(frames.build(run))
        clock[0] += 0.1
    carried = [frame.snapshot is not None for frame in built]
    assert len(carried) == 10 and 2 <= sum(carried) <= 4 and carried[0]
    assert all(frame.state == Status.RUNNING == "running" and frame.losses is None for frame in built)
    frames.snapshot_now()  # what refresh() asks for: e.g. the Grads tab just became visible
    assert frames.build(run).snapshot is not None
    run.running = False  # paused: every frame shows the exact state, chart included
    frame = frames.build(run)
    assert frame.snapshot is not None and frame.state == "paused" and frame.losses is not None


def test_with_only_a_lesson_view_visible_training_frames_skip_the_parameter_statistics():
    """A picture tab needs its view, not every parameter's statistics (most of a big model's snapshot)."""
    run = RunControl(load("linear-regression"), RunSettings(), paused=False)
    run.trainer.advance("step")
    frames = FrameBuilder()
    frames.needs = Needs(chart=False, snapshot=False, views=True, ratios=False)  # the Fit tab is visible
    snapshot = frames.build(run).snapshot
    assert snapshot is not None and snapshot.params == () and "fit" in snapshot.views
    frames.needs = Needs(chart=False, snapshot=True, views=False, ratios=False)  # then the Params tab
    frames.snapshot_now()
    assert {p.name for p in frames.build(run).snapshot.params} == {"linear.weight", "linear.bias"}
    run.running = False  # paused: everything, whatever is visible
    frames.needs = Needs(chart=False, snapshot=False, views=True, ratios=False)
    assert frames.build(run).snapshot.params


@dataclass(frozen=True)
class Checkpointed:
    """An event kind this app does not know (say, a future one): it has no ``line``."""

    step: int


def test_an_unknown_event_kind_does_not_end_the_run():
    run = RunControl(load("linear-regression"), RunSettings(), paused=False)
    event = next(run.trainer)
    assert isinstance(event, Progress) and run.note(event) and run.line == event.line
    assert run.note(Checkpointed(step=1)) is True  # training goes on
    assert run.moving and run.status == Status.RUNNING and run.message == "" and run.line == event.line


def test_with_the_chart_visible_training_frames_carry_the_history_only_when_the_chart_is_due(monkeypatch):
    """The chart (plotext, the costliest panel) gets its history every CHART_INTERVAL while training, not in
    every frame; the first comes CHART_INTERVAL after the run starts moving (the paused frame drew it)."""
    clock = [1000.0]
    monkeypatch.setattr(worker_frames.time, "perf_counter", lambda: clock[0])
    run = RunControl(load("linear-regression"), RunSettings(), paused=True)
    frames = FrameBuilder()
    frames.needs = Needs(chart=True, snapshot=False, views=False, ratios=False)  # the Loss tab is visible
    assert frames.build(run).losses is not None  # paused: everything
    run.running = True
    run.trainer.advance("step")
    carried = []
    for _ in range(20):  # 5 seconds of frames at 4 Hz
        clock[0] += worker_frames.MIN_INTERVAL
        frame = frames.build(run)
        assert frame.snapshot is None and frame.recent  # the sparkline's data is in every frame
        carried.append(frame.losses is not None)
    assert sum(carried) == 2 and not any(carried[:7])  # at 2 s and 4 s, none at once
    frames.snapshot_now()  # the chart tab was just shown again: its history at once
    assert frames.build(run).losses is not None


def test_training_frames_are_paced_to_what_the_screen_shows(monkeypatch):
    """While training, the status bar and the sparkline change 4 times a second: no frame is built sooner."""
    clock = [1000.0]
    monkeypatch.setattr(worker_frames.time, "perf_counter", lambda: clock[0])
    run = RunControl(load("linear-regression"), RunSettings(), paused=False)
    frames = FrameBuilder()
    frames.build(run)
    frames.sent()
    assert frames.next_at - clock[0] >= 0.25


def test_steps_per_second_follow_the_last_seconds_of_wall_time():
    """The issue saw 0.18 steps/s while 2.4 ran and 15.6 while 43 ran: a fixed window opened while the run
    was idle or slow. A sliding window over the readings of the last seconds reads what runs now."""
    rate = StepRate()
    rate.tick(0.0, 0)
    rate.tick(10.0, 1)  # a first step that took 10 s (set-up, a slow batch)
    for i in range(1, 41):  # then 43 steps/s, read at every frame (0.25 s)
        rate.tick(10.0 + 0.25 * i, 1 + round(43 * 0.25 * i))
    assert rate.value == pytest.approx(43, rel=0.05)
    rate.close(431, 20.5)
    rate.restart()  # a pause of any length is not counted
    rate.tick(100.0, 431)
    for i in range(1, 13):  # a slow model: 2.4 steps/s
        rate.tick(100.0 + 0.25 * i, 431 + int(2.4 * 0.25 * i))
    assert rate.value == pytest.approx(2.4, rel=0.15)


def test_the_app_adds_its_own_keys_to_what_the_trainer_says_to_do(tmp_path):
    """The trainer says "finish this step first" and "save one from a run"; the app's driver adds n and ctrl+s."""

    def train(run):
        for _ in run.epochs(1):
            yield LOSS, 1.0
            yield STEP
            yield LOSS, float("nan")  # diverges in the middle of step 2
            yield STEP

    run = RunControl(Lesson(id="t", title="t", lecture=None, train=train), RunSettings(), paused=True)
    while run.note(next(run.trainer)):
        pass
    with pytest.raises(MidStep, match="finish this step first$"):
        run.trainer.save(tmp_path / "x.pt")
    with pytest.raises(MidStep, match=r"finish this step first \(press n\)$"):
        run.save(str(tmp_path / "x.pt"))
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(UnusableCheckpoint, match=r"open one a learn-tui run saved \(with ctrl\+s\)$"):
        run.open(str(tmp_path / "junk.pt"))
