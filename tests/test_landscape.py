"""The loss landscape (core/pictures/landscape.py, tui/views/landscape.py): its values against the squared error
worked out by hand, the marker that moves at UPDATE only, the path and the range that follows it, and the
tab in the app at 80x24 and 120x36."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from app_helpers import async_test, ready, settle

from core.engine.catalog import load
from core.engine.trainer import Trainer
from core.phases import UPDATE
from core.pictures.landscape import PATH_POINTS, loss_landscape
from core.run import _is_plain
from tui.app import LearnApp
from tui.views.landscape import PATH, LandscapeView, render_landscape

X, Y = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]  # the course's data


def fake_run(**weights: float) -> SimpleNamespace:
    """A run at a yield point of a loop whose data are the course's and whose weights are ``weights``."""
    watched = {name: np.array([value]) for name, value in weights.items()}
    state = SimpleNamespace(_loop_values={"x_data": X, "y_data": Y})
    return SimpleNamespace(watched=watched, state=state, step=0, eval_step=0, loop_variables=dict)


def by_hand(w: float, b: float, mean: bool) -> float:
    total = sum((w * x + b - y) ** 2 for x, y in zip(X, Y))
    return total / len(X) if mean else total


def test_the_curve_is_the_mean_squared_error_against_w():
    data = loss_landscape("w")(fake_run(w=1.0))
    low, high = data["range"]
    assert (low, high) == pytest.approx((0.8, 3.2))  # centred on the minimum w = 2, reaching past w = 1
    ws = np.linspace(low, high, len(data["loss"]))
    for index in (0, 17, 60, 120):
        assert data["loss"][index] == pytest.approx(by_hand(ws[index], 0.0, mean=True))
    assert data["loss"][0] == pytest.approx(6.72)  # 14/3 * (0.8 - 2)^2
    assert data["minimum"] == [2.0, 0.0]
    assert data["now"] == pytest.approx([1.0, 14 / 3])


def test_the_map_is_the_summed_squared_error_over_w_and_b():
    data = loss_landscape("w", "b", reduction="sum")(fake_run(w=0.0, b=0.0))
    (w_low, w_high), (b_low, b_high) = data["box"]
    assert (w_low, w_high, b_low, b_high) == pytest.approx((-0.4, 4.4, -0.5, 0.5))
    columns, rows = data["size"]
    grid = data["loss"]
    assert len(grid) == rows and len(grid[0]) == columns
    assert grid[0][0] == pytest.approx(66.99)  # top left: w = -0.4, b = 0.5: 1.9² + 4.3² + 6.7²
    ws, bs = np.linspace(w_low, w_high, columns), np.linspace(b_high, b_low, rows)  # rows from the largest b
    for row, column in ((0, columns - 1), (rows - 1, 0), (rows // 2, columns // 3)):
        assert grid[row][column] == pytest.approx(by_hand(ws[column], bs[row], mean=False))
    assert data["minimum"] == pytest.approx([2.0, 0.0, 0.0], abs=1e-9)
    assert data["now"] == pytest.approx([0.0, 0.0, 56.0])  # 4 + 16 + 36


def test_the_range_follows_the_path_and_the_path_is_bounded_plain_data():
    run = fake_run(w=1.0)
    view = loss_landscape("w")
    view(run)
    view(run)  # the same weights: not noted twice
    run.watched["w"][0] = 9.0  # the run overshoots, far outside the first range
    data = view(run)
    assert np.allclose(data["path"], [[1.0, 14 / 3], [9.0, by_hand(9.0, 0.0, True)]])
    assert data["range"][0] <= 1.0 and data["range"][1] >= 9.0
    for step in range(PATH_POINTS + 20):
        run.watched["w"][0] = step / 100
        view(run)
    assert len(run.state.landscape_path) == PATH_POINTS and run.state.landscape_path[-1] == [(PATH_POINTS + 19) / 100]
    assert _is_plain(run.state.landscape_path)  # so a checkpoint carries it


def test_a_model_without_such_weights_gets_a_message():
    data = loss_landscape("w")(fake_run(w1=1.0, w2=1.0, b=1.0))
    assert "w1, w2, b" in data["message"]
    assert "w1, w2, b" in render_landscape(data).plain


@pytest.mark.parametrize("lesson", ["gradient-descent", "autograd", "linear-regression"])
def test_the_marker_moves_at_update_and_not_before(lesson):
    trainer = Trainer(load(lesson))
    seen = []  # (phase, the marker, the path's length) at each phase of the loop's first two steps
    for event in trainer:
        data = trainer.snapshot().views["landscape"]
        if "now" in data:  # autograd's demo comes before the loop has its data
            seen.append((event.phase, data["now"], len(data["path"])))
        if sum(phase is UPDATE for phase, _, _ in seen) == 2:
            break
    first = seen.index(next(s for s in seen if s[0] is UPDATE))
    before = [now for _, now, _ in seen[:first]]
    assert len(before) >= 2 and all(now == before[0] for now in before)  # FORWARD, LOSS, BACKWARD ...: unchanged
    assert seen[first][1] != before[0] and seen[first][2] == seen[first - 1][2] + 1  # UPDATE: moved, noted
    between = [now for phase, now, _ in seen[first + 1 : -1]]
    assert all(now == seen[first][1] for now in between)  # ... and still until the next UPDATE
    assert seen[-1][1] != seen[first][1]


def test_a_diverged_path_still_draws():
    data = {
        "kind": "curve",
        "range": [-1e3, 1e3],
        "loss": [math.inf, 0.0, 1e6],
        "minimum": [2.0, 0.0],
        "now": [math.inf, math.inf],
        "path": [[1.0, 4.6], [900.0, 3e6], [math.nan, math.nan]],
        "reduction": "mean",
        "samples": 3,
        "step": 3,
    }
    text = render_landscape(data, 80, 12).plain
    assert "◆" in text and "○" in text and "path: 3 positions" in text


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
@pytest.mark.parametrize(
    "lesson, presses, words",
    [
        ("gradient-descent", 3, "loss against w"),
        ("linear-regression", 4, "loss over (w →, b ↑)"),
    ],
)
def test_the_landscape_tab_in_the_app(lesson, presses, words, size):
    @async_test
    async def scenario():
        app = LearnApp(lesson, preload_torch=False, show_speed=False)
        async with app.run_test(size=size) as pilot:
            screen = await ready(pilot)
            await pilot.press("n")  # one step: the path has its start and one update
            await settle(pilot, screen)
            await pilot.press(*["right_square_bracket"] * presses)
            await settle(pilot, screen)
            await pilot.pause()
            view = screen.query_one(LandscapeView)
            text = view.render().plain
            assert words in text and "●" in text and "◆" in text and "path: 2" in text, text
            assert not view.panel_error
            assert max(len(line) for line in text.splitlines()) <= view.content_size.width
            assert view.region.height >= len(text.splitlines()) and view.region.bottom <= size[1]

    scenario()


def test_the_path_holds_every_update_even_when_the_view_ran_only_at_the_start_and_the_end():
    lesson = load("gradient-descent")
    trainer = Trainer(lesson, epochs=40)
    trainer.prime()
    view = lesson.views["landscape"]
    start = view(trainer.run)["path"]
    assert len(start) == 1
    for _ in range(30):  # running fast: no view between the updates
        trainer.advance("step")
    path = view(trainer.run)["path"]
    assert len(path) == 31 and path[0] == start[0]
    ws = [w for w, _ in path]
    assert ws[1] > ws[0] and abs(ws[-1] - 2.0) < abs(ws[1] - 2.0)  # walking towards the minimum, w = 2


def path_cells(text) -> int:
    """Characters of a drawn landscape with the path's colour in them (as line or as dot; the canvas
    rounds colours a little)."""

    def is_path(color) -> bool:
        triplet = color.get_truecolor() if color is not None else None
        return triplet is not None and all(abs(a - b) <= 16 for a, b in zip(triplet, PATH))

    styles = [
        span.style for span in text.spans if not isinstance(span.style, str) for _ in range(span.end - span.start)
    ]
    return sum(is_path(style.color) or is_path(style.bgcolor) for style in styles)


def test_a_long_run_keeps_where_its_walk_started_and_draws_it():
    """More updates than the trail keeps (linear-regression's 1000): the path still starts at the first
    weights, the range takes them in, and the walk is drawn from ○ to ●, not only a dot under the markers."""
    lesson = load("linear-regression")
    trainer = Trainer(lesson, epochs=PATH_POINTS + 100)
    trainer.prime()
    view = lesson.views["landscape"]
    start = view(trainer.run)["path"][0]
    for _ in range(PATH_POINTS + 99):
        trainer.advance("step")
    data = view(trainer.run)
    assert data["path"][0] == start and len(data["path"]) == PATH_POINTS + 1
    (w_low, w_high), (b_low, b_high) = data["box"]
    assert w_low <= start[0] <= w_high and b_low <= start[1] <= b_high
    for width, height in ((78, 10), (45, 27)):
        text = render_landscape(data, width, height)
        picture = "\n".join(line for line in text.plain.splitlines() if "│" in line or "┤" in line)
        assert "○" in picture and "●" in picture and "·" in picture  # the start, the end, positions thinned
        assert path_cells(text) >= 8, text.plain  # a line across the map, not a cell or two by the minimum
    assert run_state_path_keeps_its_first(loss_landscape("w"))


def run_state_path_keeps_its_first(view) -> bool:
    """Without a trail (a bigger model), the positions the view saw: the first stays when the oldest go."""
    run = fake_run(w=-3.0)
    view(run)
    for step in range(PATH_POINTS + 20):
        run.watched["w"][0] = step / 100
        view(run)
    path = run.state.landscape_path
    return len(path) == PATH_POINTS and path[0] == [-3.0] and path[-1] == [(PATH_POINTS + 19) / 100]
