"""The pictures of the models (core/pictures/model.py, core/pictures/conv.py, tui/views/{fit,sigmoid,boundary,
weights,filters,graph}.py): what they draw, that they follow the parameters, and how they fit the screen."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch
from app_helpers import async_test, ready, settle
from textual.app import App, ComposeResult

from core.engine.trainer import Trainer
from core.lessons import _mnist_common as common
from core.lessons.linear_regression import LESSON as LINEAR
from core.lessons.mnist_cnn import Net
from core.lessons.simple_nn import LESSON as SIMPLE_NN
from core.phases import EVAL, UPDATE
from tui.app import LearnApp
from tui.views import make_view
from tui.views.boundary import drawn_at, sample
from tui.views.filters import render_filters
from tui.views.weights import WeightsView

SIZES = [(80, 24), (120, 36)]


def test_the_fit_changes_at_update_not_before():
    trainer = Trainer(LINEAR)
    lines = []
    for event in trainer:
        lines.append((event.phase, trainer.snapshot().views["fit"]["line"]))
        if event.phase is UPDATE:
            break
    before = [line for phase, line in lines if phase is not UPDATE]
    assert len(before) == 4 and all(line == before[0] for line in before)  # FORWARD ... BACKWARD: the old line
    assert lines[-1][1] != before[0]
    assert trainer.snapshot().views["fit"]["previous"] == [before[0]]  # the earlier line, drawn faint


@pytest.mark.parametrize("dataset", ["circles", "spiral"])
def test_the_new_datasets_are_two_balanced_classes(dataset):
    from core.lessons.simple_nn import make_points

    x, y = make_points(dataset, 100, 0.0, torch.Generator().manual_seed(0))
    assert x.shape == (100, 2) and y.sum().item() == 50
    if dataset == "circles":  # the disc inside the ring
        radius = x.norm(dim=1)
        assert radius[y[:, 0] == 1].max() < radius[y[:, 0] == 0].min()


def test_the_drawn_boundary_separates_the_test_points_as_the_accuracy_says():
    trainer = Trainer(SIMPLE_NN, options={"samples": 200})
    evaluations = 0
    for event in trainer:
        if event.phase is EVAL:
            evaluations += 1
            if evaluations == 2:
                break
    accuracy = trainer.metrics["accuracy"]
    data = trainer.snapshot().views["boundary"]
    for columns, pixels in ((len(data["probability"][0]), len(data["probability"])), (79, 40), (119, 60)):
        right = 0
        for x, y, label in data["test"]:
            column, row = drawn_at([x, y], data["box"], columns, pixels)
            right += (sample(data["probability"], column, row, columns, pixels) >= 50) == bool(label)
        assert abs(right / len(data["test"]) - accuracy) <= 0.03, (columns, right, accuracy)
    assert accuracy > 0.6  # a boundary that has learned something, so the check means something


def test_weights_view_shows_every_value_and_the_cursor_reads_it():
    from core.lessons.multi_input import LESSON

    trainer = Trainer(LESSON)
    next(trainer)
    data = trainer.snapshot().views["weights"]
    names = [m["name"] for m in data["matrices"]]
    assert names == [
        "linear1.weight",
        "linear1.bias",
        "linear2.weight",
        "linear2.bias",
        "linear3.weight",
        "linear3.bias",
    ]
    assert data["matrices"][0]["shape"] == [6, 8] and len(data["matrices"][0]["values"][5]) == 8


def test_filters_and_feature_maps_of_the_first_digit():
    torch.manual_seed(0)
    model = Net()
    images = torch.randn(4, 1, 28, 28)
    run = SimpleNamespace(
        watched={"": model}, state=SimpleNamespace(batch=(images, torch.tensor([7, 1, 2, 3]), model(images)))
    )
    data = common.filters_view(run)
    assert data["layer"] == "conv1" and len(data["filters"]) == 10 and len(data["filters"][0]) == 5
    assert len(data["maps"]) == 10 and len(data["maps"][0]) == 12 and data["label"] == 7
    expected = torch.relu(torch.max_pool2d(model.conv1(images[:1]), 2))[0, 3, 5, 6].item()
    assert data["maps"][3][5][6] == pytest.approx(expected, abs=1e-3)
    for width in (80, 120):
        text = render_filters(data, width).plain
        assert "conv1: 10 filters" in text and "f10" in text and "input" in text
        assert max(len(line) for line in text.splitlines()) <= width


class Host(App):
    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


@pytest.mark.parametrize("size", SIZES)
def test_filters_and_graph_views_fit_the_screen(size):
    torch.manual_seed(0)
    model = Net()
    images = torch.randn(2, 1, 28, 28)
    run = SimpleNamespace(watched={"": model}, state=SimpleNamespace(batch=(images, torch.tensor([7, 1]), images)))

    async def scenario(name, data, words):
        view = make_view(name)
        async with Host(view).run_test(size=size) as pilot:
            view.show(data)
            await pilot.pause()
            text = view.render().plain
            assert words in text and not view.panel_error
            assert max(len(line) for line in text.splitlines()) <= size[0] - 2

    import asyncio

    from core.pictures.graph import describe, names_of

    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = (x * 2).mean()
    z.backward()
    asyncio.run(scenario("filters", common.filters_view(run), "f10"))
    asyncio.run(scenario("graph", describe(z, *names_of([("x", x), ("z", z)])), "x → MulBackward0 → MeanBackward0 → z"))


async def open_view(pilot, presses=3):
    screen = await ready(pilot)
    await pilot.press("n")
    await settle(pilot, screen)
    await pilot.press(*["right_square_bracket"] * presses)
    await settle(pilot, screen)
    await pilot.pause()
    return screen


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "lesson, words",
    [
        ("linear-regression", "y = w·x + b  with w ="),
        ("logistic-regression", "p = 0.5 at"),
        ("simple-nn", "first hidden layer: 16 neurons"),
        ("multi-input", "linear1.weight"),
    ],
)
def test_each_picture_in_the_app(lesson, words, size):
    @async_test
    async def scenario():
        app = LearnApp(lesson, preload_torch=False, show_speed=False)
        async with app.run_test(size=size) as pilot:
            screen = await open_view(pilot)
            view = screen._views["tab-view-0"][1]
            text = view.render().plain
            assert words in text, text
            assert not view.panel_error
            assert max(len(line) for line in text.splitlines()) <= size[0]

    scenario()


@async_test
async def test_the_cursor_reads_any_weight_in_the_dataloader_lesson():
    app = LearnApp("dataloader", preload_torch=False, show_speed=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_view(pilot, presses=4)  # Loss, Params, Grads, Batch, Weights
        view = screen.query_one(WeightsView)
        assert pilot.app.focused is view
        await pilot.press("down", "down", "right", "right", "right")
        text = view.render().plain
        value = view._data["matrices"][0]["values"][2][3]
        assert f"▶ linear1.weight[2, 3] = {value:.4g}" in text
        await pilot.press(*["down"] * 4)  # past linear1.weight's last row (5): into linear1.bias
        assert "▶ linear1.bias[" in view.render().plain
