"""What the training view shows besides the lesson's own panels: the key bar at narrow widths, the loss
chart's step axis and series, readable tab names and action results, and a scheduled learning rate."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import torch
from app_helpers import PLAIN, TOY, async_test, ready, settle, status, toy_weights, wait_for
from textual.app import App, ComposeResult
from textual.widgets import Checkbox, Tab

from core.lesson import Lesson, PlainView
from core.phases import LOSS, STEP
from tui.app import LearnApp
from tui.chart_ticks import axis, tick_label
from tui.formatting import plain_result
from tui.screens.help import HelpScreen
from tui.views import title
from tui.widgets.key_bar import KeyBar
from tui.widgets.loss_chart import TRAIN_COLOR, LossChart, LossPlot, series_style, step_ticks
from tui.widgets.status_bar import StatusBar
from tui.widgets.too_small import TooSmall


def app_for(lesson=TOY) -> LearnApp:
    return LearnApp(lesson, preload_torch=False, show_speed=False)


@async_test
async def test_the_key_bar_is_one_line_and_the_keys_left_out_are_behind_help():
    width = 70
    async with app_for().run_test(size=(width, 30)) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(KeyBar)
        await pilot.pause()
        (spans,) = bar._spans  # one line
        assert bar.size.height == 1 and all(end <= width for _, end, _ in spans)
        keys = [key for _, _, key in spans]
        assert keys[-1] == "question_mark" and "more keys" in bar.render().plain  # the rest are behind "?"
        assert len(keys) < len(bar.shown) and {"space", "n"} <= set(keys)
        start = spans[-1][0]
        await pilot.click(KeyBar, offset=(start + 1, 0))  # clicking "?" opens the help...
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        listed = {key for key, _ in pilot.app.screen.rows}
        assert {display for display, _, _ in bar.shown} <= listed  # ...which lists every key, the hidden too
        await pilot.press("escape")
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "running")
        await pilot.press("space")
        await settle(pilot, screen)
        assert bar.size.height == 1  # run/pause only dims keys


@async_test
async def test_at_80x24_the_status_is_one_line_of_whole_fields_and_the_chart_has_8_rows():
    async with LearnApp(TOY, preload_torch=False).run_test(size=(80, 24)) as pilot:  # steps/s shown
        screen = await ready(pilot)
        await pilot.press("n", "n")
        await settle(pilot, screen)
        bar = screen.query_one(StatusBar)
        await pilot.pause()
        line = bar.render().plain
        assert bar.size.height == 1 and "\n" not in line and len(line) <= bar.content_region.width
        fields = set(status(screen).split(" │ "))
        shown = line.split(" │ ")
        assert all(field in fields for field in shown), (shown, fields)  # whole fields, none cut
        assert "steps/s" in line and "step 2" in line and "loss" in line
        assert screen.query_one(LossPlot).size.height >= 8
        assert screen.query_one(KeyBar).size.height == 1


@async_test
async def test_below_60x18_the_view_says_the_terminal_is_too_small():
    async with app_for().run_test(size=(50, 16)) as pilot:
        screen = await ready(pilot)
        await pilot.pause()
        notice = screen.query_one(TooSmall)
        assert notice.display and notice.region.height == 16
        assert "terminal too small: need 60×18, have 50×16" in notice.render()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert not notice.display and screen.query_one(LossPlot).size.height >= 8


@async_test
async def test_a_key_the_lesson_has_no_use_for_is_left_out():
    async with app_for(PLAIN).run_test(size=(110, 34)) as pilot:
        screen = await ready(pilot)
        await pilot.pause()
        shown = [key for key, _, _ in screen.query_one(KeyBar).shown]
        assert "z" not in shown and "n" in shown  # PLAIN has no zero_grad option


def test_step_ticks_are_whole_steps():
    assert step_ticks(1, 1, 6) == [1]
    assert step_ticks(1, 2, 6) == [1, 2]
    assert step_ticks(1, 5, 6) == [1, 2, 3, 4, 5]
    assert step_ticks(1, 1000, 6) == [200, 400, 600, 800, 1000]
    assert step_ticks(1, 1469, 7) == [250, 500, 750, 1000, 1250]
    assert step_ticks(0, 12_345, 8) == [0, 2000, 4000, 6000, 8000, 10000, 12000]
    for first, last, most in [(3, 97, 4), (1, 250, 10), (10, 11, 2)]:
        ticks = step_ticks(first, last, most)
        assert all(isinstance(t, int) and first <= t <= last for t in ticks) and 1 <= len(ticks) <= max(most, 2)


def test_each_evaluation_series_has_its_own_marker_and_colour():
    names = ["val_loss", "avg_train_loss", "test_loss", "accuracy"]
    styles = [series_style(index, name) for index, name in enumerate(names)]
    assert len({s["marker"] for s in styles}) == len({s["color"] for s in styles}) == len(names)
    assert all(s["marker"] != "braille" and s["color"] != TRAIN_COLOR for s in styles)
    assert [s["yside"] for s in styles] == ["left", "left", "left", "right"]  # losses left, accuracy right
    assert styles[0]["label"] == "val loss"


class ChartHost(App):
    def compose(self) -> ComposeResult:
        yield LossChart()


def axis_labels(plot: LossPlot) -> str:
    lines = plot.render().plain.splitlines()
    return next(lines[i + 1] for i, line in enumerate(lines) if "└" in line)


@async_test
async def test_the_loss_chart_labels_whole_steps_and_tells_the_series_apart():
    async with ChartHost().run_test(size=(90, 30)) as pilot:
        chart, plot = pilot.app.query_one(LossChart), pilot.app.query_one(LossPlot)
        await pilot.pause()
        for losses in ([(1, 4.2)], [(1, 4.2), (2, 4.1)], [(s, 4 - s / 400) for s in range(1, 1001)]):
            chart.show(losses, {})
            await pilot.pause()
            labels = axis_labels(plot).split()
            assert labels and all(label.isdigit() for label in labels), labels
        assert axis_labels(plot).split()[-1] == "1000"
        chart.show(
            [(s, 4 - s / 400) for s in range(1, 1001)],
            {"val_loss": [(250, 3.5), (500, 3.0), (1000, 2.0)], "avg_train_loss": [(250, 3.4), (500, 2.9)]},
        )
        await pilot.pause()
        text = plot.render().plain
        val, avg = series_style(0, "val_loss"), series_style(1, "avg_train_loss")
        assert f"{val['marker'] * 2} val loss" in text and f"{avg['marker'] * 2} avg train loss" in text


def round_value(tick: float) -> bool:
    """1, 2 or 5 × 10^k."""
    mantissa = abs(tick) / 10 ** math.floor(math.log10(abs(tick))) if tick else 1
    return any(math.isclose(mantissa, nice) for nice in (1, 2, 5, 10))


def round_ticks(ticks: list[float], log: bool) -> bool:
    """A log axis: each tick 1, 2 or 5 × 10^k; a linear one: multiples of such a spacing, evenly spaced."""
    if log:
        return all(round_value(t) for t in ticks)
    spacing = ticks[1] - ticks[0]
    return (
        round_value(spacing)
        and all(math.isclose(b - a, spacing) for a, b in zip(ticks, ticks[1:]))
        and all(abs(t / spacing - round(t / spacing)) < 1e-6 for t in ticks)
    )


def test_value_ticks_are_round_cover_the_data_and_read_short():
    for values, log in (
        ([4.67, 3.89, 2.33, 1.56], False),
        ([291.2, 12.0], False),
        ([2.3e7, 3.0], False),
        ([0.93, 0.981], False),
        ([975735636361220.6, 0.2], False),
        ([1e-7, 0.5, 44.0], True),
        ([0.3, 2.9], True),
    ):
        ticks, labels = axis(values, 6, log)
        assert 2 <= len(ticks) <= 6 and round_ticks(ticks, log), (values, ticks)
        assert ticks[0] <= min(values) and ticks[-1] >= max(values), (values, ticks)  # the top tick at or above
        assert all(len(label) <= 6 and not label.startswith("0.0000") for label in labels), labels
    assert tick_label(975735636361220.6) == "9.76e14" and tick_label(1e-7) == "1e-7" and tick_label(0.05) == "0.05"


def y_labels(plot: LossPlot) -> list[str]:
    lines = plot.render().plain.splitlines()
    return [line.split("┤")[0].strip() for line in lines if "┤" in line]


@async_test
async def test_the_chart_labels_round_values_up_to_the_peak_and_names_each_axis():
    async with ChartHost().run_test(size=(90, 30)) as pilot:
        chart, plot = pilot.app.query_one(LossChart), pilot.app.query_one(LossPlot)
        await pilot.pause()
        chart.show([(1, 291.2), (2, 120.0), (3, 12.5)], {})
        await pilot.pause()
        labels = y_labels(plot)
        assert float(labels[0]) >= 291.2 and round_ticks([float(label) for label in labels[::-1]], False), labels
        chart.show([(1, 3.0), (2, 975735636361220.6), (3, 1e-7)], {})
        await pilot.pause()
        assert "975735636361220" not in plot.render().plain and "1e15" in y_labels(plot)
        checkbox = chart.query_one(Checkbox)
        assert "log scale: off" in str(checkbox.label)  # the state in words: the box looks alike on and off
        chart.toggle_log()
        await pilot.pause()
        assert "log scale: on" in str(checkbox.label)
        labels = y_labels(plot)
        assert labels[-1] != "0.000000" and float(labels[-1]) <= 1e-7 <= 975735636361220.6 <= float(labels[0]), labels
        chart.toggle_log()
        chart.show(
            [(s, 2 - s / 100) for s in range(1, 100)], {"val_loss": [(50, 1.6)], "accuracy": [(50, 0.9), (99, 0.95)]}
        )
        await pilot.pause()
        text = plot.render().plain
        assert "val loss (left)" in text and "accuracy (right)" in text and "train loss (left)" in text
        assert "⅃" not in text and " L " not in text  # plotext's own axis marks are gone


def test_view_tabs_are_named_as_the_notes_name_them():
    assert [title(name) for name in ("hidden_states", "name_predictions", "batch", "samples", "attention")] == [
        "Hidden states",
        "Name predictions",
        "Batch",
        "Samples",
        "Attention",
    ]


@async_test
async def test_a_lesson_view_tab_shows_its_readable_name():
    lesson = dataclasses.replace(TOY, views={"weight_values": PlainView(toy_weights)})
    async with app_for(lesson).run_test(size=(110, 34)) as pilot:
        await ready(pilot)
        await pilot.pause()
        labels = [tab.label.plain for tab in pilot.app.screen.query(Tab)]
        assert "Weight values" in labels and "weight_values" not in labels


def test_action_results_read_as_a_line():
    assert plain_result({"batch_size": 100, "from_epoch": 2}) == "batch size 100 · from epoch 2"
    assert plain_result({"shuffle": False, "from_epoch": 2}) == "shuffle False · from epoch 2"
    assert plain_result("ROMEO:\nWhat, ho!") == "ROMEO:\nWhat, ho!"  # a string as it is
    assert plain_result({"layer": 0, "head": 3}) == "layer 0 · head 3"
    assert plain_result(None) == "done"
    query = {
        "name": "Nakamura",
        "top": [{"country": "Japanese", "probability": 0.61}, {"country": "Chinese", "probability": 0.2}],
        "step": 12,
    }
    assert plain_result(query) == (
        "name Nakamura · step 12\ntop:\n  • country Japanese, probability 0.61\n  • country Chinese, probability 0.2"
    )


def scheduled_train(run):
    w = torch.tensor([1.0], requires_grad=True)
    run.watch(w=w)
    optimizer = torch.optim.SGD([w], lr=run.lr)
    for epoch in run.epochs():
        for _ in run.batches(range(3)):
            lr = run.lr / 10  # a schedule: a tenth of the base rate
            for group in optimizer.param_groups:
                group["lr"] = lr
            loss = ((w * 3.0 - 6.0) ** 2).sum()
            yield LOSS, loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            yield STEP, {"lr_now": lr}


SCHEDULED = Lesson(
    id="scheduled",
    title="Schedules its rate",
    lecture=None,
    train=scheduled_train,
    lr=0.01,
    epochs=100,
    schedules_lr=True,
    source_file=str(Path(__file__).resolve()),
)


@async_test
async def test_a_lesson_that_schedules_its_rate_shows_the_rate_in_use():
    async with app_for(SCHEDULED).run_test(size=(110, 34)) as pilot:
        screen = await ready(pilot)
        assert "│ lr 0.01 │" in status(screen)  # no step yet: no scheduled rate known
        await pilot.press("n")
        await settle(pilot, screen)
        assert "│ lr 0.01 (now 0.001) │" in status(screen)
        await pilot.press("plus")
        await settle(pilot, screen)
        assert "│ lr 0.03 (now 0.001) │" in status(screen)  # the schedule follows at the next step
        await pilot.press("n")
        await settle(pilot, screen)
        assert "│ lr 0.03 (now 0.003) │" in status(screen)


@async_test
async def test_a_grid_search_shows_its_best_loss_and_offers_no_learning_rate():
    """linear-grid has no learning rate: no lr in the status bar, no +/-/l keys; its loss is the best so far."""
    from core.engine import catalog

    async with app_for(catalog.load("linear-grid")).run_test(size=(110, 34)) as pilot:
        screen = await ready(pilot)
        await pilot.press("e")  # the whole sweep: w = 0.0 … 9.9, the last candidate's MSE is 291.2
        await settle(pilot, screen)
        assert screen.state == "finished" and status(screen).endswith("│ epoch 1 │ best loss 0")
        assert "lr" not in status(screen) and "291" not in status(screen)
        shown = [key for key, _, _ in screen.query_one(KeyBar).shown]
        assert not {"+", "-", "l"} & set(shown) and "n" in shown
        await pilot.press("plus")  # not bound for this lesson: nothing changes
        await settle(pilot, screen)
        assert screen.frame.lr == 0.01 and "lr" not in status(screen)
