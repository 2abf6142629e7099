"""While training, the loss chart (plotext: tens of milliseconds a redraw) is redrawn no more often than
50 times what its last redraw cost, so a slow chart never takes much from training; a paused or finished
run's chart is drawn at once."""

from types import SimpleNamespace

from core.base.status import Status
from tui.screens import frame_painter
from tui.screens.frame_painter import CHART_COST_FACTOR, FramePainter


class FakeScreen:
    """What the painter asks of the training screen: the active tab, the chart, and after-refresh callbacks."""

    def __init__(self) -> None:
        self.tabs = SimpleNamespace(active="tab-chart")
        self.shown: list[tuple] = []
        self.after_refresh: list = []

    def query_one(self, kind):
        if kind.__name__ == "TabbedContent":
            return self.tabs
        return SimpleNamespace(show=lambda losses, evals: self.shown.append(losses))

    def call_after_refresh(self, callback, *args) -> None:
        self.after_refresh.append((callback, args))


def frame(losses, state=Status.RUNNING):
    return SimpleNamespace(losses=losses, evals={}, state=state, snapshot=None)


def test_a_costly_chart_is_redrawn_less_often_while_training_and_at_once_when_paused(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(frame_painter.time, "perf_counter", lambda: clock[0])
    screen = FakeScreen()
    painter = FramePainter(screen, None, None, {})
    painter.draw_active(frame(((1, 2.0),)))
    assert screen.shown == [((1, 2.0),)]
    clock[0] += 0.1  # the refresh that built the chart took 0.1 s: the next redraw waits 50 * 0.1 = 5 s
    callback, args = screen.after_refresh.pop()
    callback(*args)
    assert abs(painter.chart_seconds - 0.1) < 1e-9
    clock[0] = 103.0  # past the 2 s the frames bring a new history at, not yet 5 s
    painter.draw_active(frame(((1, 2.0), (2, 1.5))))
    assert len(screen.shown) == 1
    clock[0] = 100.0 + CHART_COST_FACTOR * 0.1 + 0.01
    painter.draw_active(frame(None))  # a frame without history draws the one held back
    assert screen.shown[-1] == ((1, 2.0), (2, 1.5))
    painter.draw_active(frame(((1, 2.0), (2, 1.5), (3, 1.0)), state=Status.PAUSED))
    assert screen.shown[-1] == ((1, 2.0), (2, 1.5), (3, 1.0))  # paused: at once
