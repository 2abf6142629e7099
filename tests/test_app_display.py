"""What the training view shows besides the lesson's own panels: the key bar at narrow widths, the loss
chart's step axis and series, readable tab names and action results, and a scheduled learning rate."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import torch
from app_helpers import PLAIN, TOY, async_test, ready, settle, status, toy_weights, wait_for
from textual.app import App, ComposeResult
from textual.widgets import Tab

from core.lesson import Lesson
from core.phases import LOSS, STEP
from tui.app import LearnApp
from tui.formatting import plain_result
from tui.views import title
from tui.widgets.key_bar import KeyBar
from tui.widgets.loss_chart import TRAIN_COLOR, LossChart, LossPlot, series_style, step_ticks


def app_for(lesson=TOY) -> LearnApp:
    return LearnApp(lesson, preload_torch=False, show_speed=False)


@async_test
async def test_the_key_bar_wraps_so_that_every_key_is_on_screen_and_clickable():
    width = 70
    async with app_for().run_test(size=(width, 30)) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(KeyBar)
        await pilot.pause()
        spans = [(row, start, end, key) for row, line in enumerate(bar._spans) for start, end, key in line]
        assert len(spans) == len(bar.shown) >= 17  # every entry is laid out...
        assert all(end <= width for _, _, end, _ in spans)  # ...whole, inside the screen
        assert bar.lines == len(bar._spans) > 1 and bar.size.height == bar.lines
        keys = [key for _, _, _, key in spans]
        assert {"q", "p", "ctrl+s", "g", "right_square_bracket"} <= set(keys)
        assert keys.index("q") < keys.index("p") < keys.index("ctrl+s")  # the lesson's keys come early
        row, start, _, _ = next(span for span in spans if span[3] == "g")
        assert row > 0
        await pilot.click(KeyBar, offset=(start + 1, row))  # a key on a wrapped line takes a click too
        await pilot.pause()
        assert screen.query_one(LossChart).log_scale is True
        lines = bar.lines
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "running")
        await pilot.press("space")
        await settle(pilot, screen)
        assert bar.lines == lines and bar.size.height == lines  # run/pause only dims keys


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
        chart.show([(s, 4 - s / 400) for s in range(1, 1001)],
                   {"val_loss": [(250, 3.5), (500, 3.0), (1000, 2.0)], "avg_train_loss": [(250, 3.4), (500, 2.9)]})
        await pilot.pause()
        text = plot.render().plain
        val, avg = series_style(0, "val_loss"), series_style(1, "avg_train_loss")
        assert f"{val['marker'] * 2} val loss" in text and f"{avg['marker'] * 2} avg train loss" in text


def test_view_tabs_are_named_as_the_notes_name_them():
    assert [title(name) for name in ("hidden_states", "name_predictions", "batch", "samples", "attention")] == [
        "Hidden states", "Name predictions", "Batch", "Samples", "Attention"]


@async_test
async def test_a_lesson_view_tab_shows_its_readable_name():
    lesson = dataclasses.replace(TOY, views={"weight_values": toy_weights})
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
    query = {"name": "Nakamura", "top": [{"country": "Japanese", "probability": 0.61},
                                         {"country": "Chinese", "probability": 0.2}], "step": 12}
    assert plain_result(query) == ("name Nakamura · step 12\ntop:\n  • country Japanese, probability 0.61\n"
                                   "  • country Chinese, probability 0.2")


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


SCHEDULED = Lesson(id="scheduled", title="Schedules its rate", lecture=None, train=scheduled_train, lr=0.01,
                   epochs=100, schedules_lr=True, source_file=str(Path(__file__).resolve()))


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
