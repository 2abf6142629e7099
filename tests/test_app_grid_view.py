"""The linear-grid lesson's "grid" tab: MSE against w (a curve), or over (w, b) (a heat map)."""

from __future__ import annotations

import itertools

from app_helpers import async_test, ready, settle

from tui.app import LearnApp
from tui.views import make_view
from tui.views.grid import GridView, render_grid

WS = [round(0.1 * i, 10) for i in range(100)]  # the lesson's default candidates
BS = [round(-2 + 0.1 * i, 10) for i in range(41)]


def mse(w: float, b: float = 0.0) -> float:
    return sum((x * w + b - 2 * x) ** 2 for x in (1.0, 2.0, 3.0)) / 3


def curve_data(count: int) -> dict:
    values = [mse(w) for w in WS[:count]]
    best = min(range(count), key=values.__getitem__) if count else None
    return {"model": "wx", "w": WS[:count], "b": [], "mse": values, "best": best}


def surface_data(count: int) -> dict:
    pairs = list(itertools.product(WS, BS))[:count]
    values = [mse(w, b) for w, b in pairs]
    return {
        "model": "wx+b",
        "w": [w for w, _ in pairs],
        "b": [b for _, b in pairs],
        "mse": values,
        "best": min(range(count), key=values.__getitem__),
    }


def test_the_grid_view_has_its_own_widget():
    assert isinstance(make_view("grid"), GridView)


def test_no_candidates_yet_says_what_to_press():
    text = render_grid({"model": "wx", "w": [], "b": [], "mse": [], "best": None}).plain
    assert "No candidates tried yet" in text and "press n" in text


def test_the_curve_marks_the_best_and_the_current_w():
    text = render_grid(curve_data(35), 75, 20).plain
    lines = text.splitlines()
    assert "MSE against w · 35 candidates tried" in lines[0]
    assert "best w 2 (MSE 0)" in text and "now w 3.4 (MSE 9.147)" in text
    assert "'model'" not in text and "{" not in text  # no raw data
    marks = next(line for line in lines if line.strip().startswith("▲") and "best" not in line)
    assert marks.count("▲") == 2
    assert all(len(line) <= 75 for line in lines)
    axis = next(line for line in lines if line.strip().startswith("w →"))
    assert axis.split()[2:4] == ["0", "1"]


def test_the_curve_with_one_or_a_few_points():
    one = render_grid(curve_data(1), 60, 12).plain
    assert "1 candidate tried" in one and "best w 0 (MSE 18.67)" in one and "now w 0" in one
    few = render_grid(curve_data(3), 60, 12).plain
    assert "3 candidates tried" in few and "now w 0.2" in few
    full = render_grid(curve_data(100), 60, 12).plain
    assert all(len(line) <= 60 for line in full.splitlines())  # 100 candidates binned into the width


def test_the_heat_map_marks_the_minimum_and_labels_its_axes():
    text = render_grid(surface_data(41 * 100), 75, 30).plain
    lines = text.splitlines()
    assert "MSE over (w, b) · 4100 candidates tried" in lines[0]
    assert text.count("◆") == 2 and "◆ best w 2, b 0 (MSE 0)" in text  # in the map, and in the legend
    assert "● now w 9.9, b 2" in text
    best_row = next(line for line in lines if "◆" in line and "best" not in line)
    assert best_row.split()[0] == "0"  # the minimum's row is labelled with its b
    assert lines[2].split()[0] == "2" and any(line.split()[:1] == ["-2"] for line in lines)  # b: top and bottom
    assert any(line.split()[:3] == ["w", "→", "0"] and line.split()[-1] == "9.9" for line in lines)
    assert all(len(line) <= 75 for line in lines)


def test_the_heat_map_with_one_point_and_a_partial_sweep():
    one = render_grid(surface_data(1), 60, 20).plain
    assert "1 candidate tried" in one and "◆" in one
    partial = render_grid(surface_data(1000), 60, 20).plain
    assert "1000 candidates tried" in partial and "◆ best w 2, b 0" in partial


@async_test
async def test_linear_grid_shows_a_chart_not_raw_data():
    app = LearnApp("linear-grid", preload_torch=False, show_speed=False)
    async with app.run_test(size=(140, 42)) as pilot:
        screen = await ready(pilot)
        await pilot.press("n", "n", "n", "n")
        await settle(pilot, screen)
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        await settle(pilot, screen)
        view = screen.query_one(GridView)
        await pilot.pause()
        text = view.render().plain
        assert "MSE against w · 4 candidates tried" in text and "now w 0.3" in text
        assert "'model'" not in text
