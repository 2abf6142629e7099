"""Lesson views laid out to the room their tab has, in the app at 80×24 and 120×36: nothing that matters
wraps or falls below the tab's last row (the confusion matrix's ten rows and headers, the newest predictions
of rnn-hello, simple-nn's boundary with its hidden neurons, linear-grid's axis)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from app_helpers import async_test, ready, settle, wait_for
from textual.widgets import TabbedContent, TabPane

from core.engine import catalog
from tui.app import LearnApp

SIZES = [(80, 24), (120, 36)]
SAMPLES = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]  # MNIST's test digits of each class


def trained_matrix() -> list[list[int]]:
    """A well-trained model's counts: four digits on the diagonal, a few mistakes beside it."""
    matrix = [[0] * 10 for _ in range(10)]
    for digit, count in enumerate(SAMPLES):
        matrix[digit][digit] = count - 12
        matrix[digit][(digit + 3) % 10] = 12
    return matrix


def early_matrix() -> list[list[int]]:
    """After a few steps: most digits taken for a 2 or a 4, three-digit counts across the table."""
    matrix = [[0] * 10 for _ in range(10)]
    for digit, count in enumerate(SAMPLES):
        matrix[digit][2], matrix[digit][4] = count // 2, count // 3
        matrix[digit][digit] += count - count // 2 - count // 3
    return matrix


async def open_tab(pilot, title: str, steps: int = 0):
    screen = await ready(pilot)
    if steps:
        await pilot.press(*["n"] * steps)
    await settle(pilot, screen)
    tabs = screen.query_one(TabbedContent)
    tabs.active = next(pane.id for pane in tabs.query(TabPane) if str(tabs.get_tab(pane.id).label) == title)
    await settle(pilot, screen)
    await pilot.pause(0.2)
    return screen


def shown_lines(view) -> list[str]:
    """The view's text, each line as drawn; it must neither wrap nor run below the tab."""
    lines = view.render().plain.splitlines()
    width, rows = view.content_size.width, view.parent.content_size.height  # (the tab's rows: the view's own grow)
    assert max(len(line) for line in lines) <= width, "\n".join(lines)
    assert len(lines) <= rows, f"{len(lines)} lines in {rows} rows:\n" + "\n".join(lines)
    return lines


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("matrix", [trained_matrix(), early_matrix()], ids=["trained", "early"])
def test_the_whole_confusion_matrix_is_in_sight(tiny_mnist, size, matrix):
    """mnist-cnn's code panel and tabs: the ten rows, every count of each, and the predicted digits."""
    lesson = dataclasses.replace(catalog.load("mnist-cnn"), views={"confusion": lambda run: matrix})

    @async_test
    async def scenario():
        app = LearnApp(lesson, seed=0, preload_torch=False, show_speed=False, options={"data_dir": tiny_mnist})
        async with app.run_test(size=size) as pilot:
            screen = await open_tab(pilot, "Confusion")
            from tui.views.confusion import ConfusionView

            lines = shown_lines(screen.query_one(ConfusionView))
            for digit, row in enumerate(matrix):  # the true digit, then its ten counts
                assert any(line.split()[:11] == [str(digit), *map(str, row)] for line in lines), "\n".join(lines)
            header = [line.split() for line in lines if line.split()[:10] == [str(d) for d in range(10)]]
            legend = [line for line in lines if "predicted" in line]
            assert header or legend, "\n".join(lines)  # the columns named: their digits, or a legend beside
            if size == (120, 36):
                assert header and any("accuracy" in line for line in lines)

    scenario()


@pytest.fixture(scope="module")
def tiny_mnist(tmp_path_factory):
    from test_mnist_data import write_mnist

    root = tmp_path_factory.mktemp("mnist")
    write_mnist(root / "MNIST" / "raw", train=64, test=20)
    return str(root)


@pytest.mark.parametrize("size", SIZES)
def test_linear_grids_axis_covers_the_mse_it_names_and_the_summary_tells_w_from_best_w(size):
    """After the whole sweep: the y axis's top label is at least the largest MSE the tab names (a column of
    several candidates shows the lowest of them), and the end's summary gives the last w and the best w."""

    @async_test
    async def scenario():
        app = LearnApp("linear-grid", seed=0, preload_torch=False, show_speed=False)
        async with app.run_test(size=size) as pilot:
            screen = await ready(pilot)
            await pilot.press("space")
            await wait_for(pilot, lambda: screen.state == "finished", what="the sweep to end")
            screen = await open_tab(pilot, "Grid")
            from tui.views.grid import GridView

            lines = shown_lines(screen.query_one(GridView))
            top = float(lines[1].split()[0])  # the axis's first label, on its top row
            named = [float(word.strip("()")) for line in lines for word in line.split() if word.endswith(")")]
            assert named and top >= max(named), "\n".join(lines)
            message = str(screen.query_one("#message").render())
            assert "w 9.9, best_w 2," in message, message

    scenario()


@pytest.mark.parametrize("size", SIZES)
def test_rnn_hello_lists_its_newest_predictions(size):
    """At the end of rnn-hello's 30 steps the list of predicted strings ends with step 30, in sight."""

    @async_test
    async def scenario():
        app = LearnApp("rnn-hello", seed=0, preload_torch=False, show_speed=False)
        async with app.run_test(size=size) as pilot:
            screen = await ready(pilot)
            await pilot.press("space")
            await wait_for(pilot, lambda: screen.state == "finished", what="the run to end")
            screen = await open_tab(pilot, "Hidden states")
            from tui.views.hidden_states import HiddenStatesView

            lines = shown_lines(screen.query_one(HiddenStatesView))
            steps = [int(number) for line in lines for number in re.findall(r"step +(\d+)", line)]  # below or beside
            assert steps and steps[-1] == 30 and steps == list(range(steps[0], 31)), "\n".join(lines)
            assert any(line.startswith("prediction:") for line in lines)
            if size == (120, 36):
                assert len(steps) >= 10

    scenario()


@pytest.mark.parametrize("size", SIZES)
def test_simple_nns_boundary_has_its_rows_and_the_hidden_neurons_maps(size):
    """The decision boundary gets most of the tab's rows, and the first hidden layer's maps show: every
    one of its 16 neurons at 120×36, beside the map (fewer, smaller ones allowed) at 80×24."""

    @async_test
    async def scenario():
        app = LearnApp("simple-nn", seed=0, preload_torch=False, show_speed=False)
        async with app.run_test(size=size) as pilot:
            screen = await open_tab(pilot, "Boundary", steps=3)
            from tui.views.boundary import BoundaryView

            view = screen.query_one(BoundaryView)
            lines = shown_lines(view)
            picture = [line for line in lines if "●" in line or line.startswith("▀")]  # the map's rows
            labels = [int(n) for line in lines for n in re.findall(r"\bh(\d+)\b", line)]
            assert len(picture) >= min(8, view.parent.content_size.height - 2), "\n".join(lines)
            assert labels and labels == list(range(1, len(labels) + 1)), "\n".join(lines)
            assert len(labels) == 16 if size == (120, 36) else len(labels) >= 8

    scenario()
