"""The loss history stays bounded on arbitrarily long runs and keeps min/mean/max of old points."""

from core.engine.history import History


def test_memory_is_bounded_and_recent_points_are_exact():
    history = History(recent=100, max_buckets=50)
    for step in range(1, 200_001):
        history.append(step, float(step))
    assert history.count == 200_000
    assert len(history.recent) == 100 and len(history.buckets) <= 50
    assert list(history.recent)[-1] == (200_000, 200_000.0)
    assert len(history.points()) <= 150


def test_buckets_keep_min_mean_max_of_what_they_cover():
    history = History(recent=10, max_buckets=4)
    values = [5.0, 1.0, 9.0, 3.0] * 10
    for step, value in enumerate(values, 1):
        history.append(step, value)
    covered = sum(b.count for b in history.buckets)
    assert covered == len(values) - 10
    assert min(b.low for b in history.buckets) == 1.0 and max(b.high for b in history.buckets) == 9.0
    total = sum(b.total for b in history.buckets)
    assert total == sum(values[:covered])


def test_state_round_trips():
    history = History(recent=10, max_buckets=4)
    for step in range(1, 100):
        history.append(step, step * 0.5)
    again = History.from_state(history.state())
    assert again.points() == history.points() and again.count == history.count
