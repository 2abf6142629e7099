"""A panel that fails to draw says so in itself and the app keeps running; the loss chart's log scale survives
a redraw (a learner's diverged run once took the whole app down from plotext)."""

from __future__ import annotations

import dataclasses

from app_helpers import TOY, async_test, ready, settle, wait_for
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import TabbedContent, TabPane

from tui.views.grid import GridView
from tui.widgets.data_view import DataView
from tui.widgets.generic_view import GenericView
from tui.widgets.loss_chart import LossChart, LossPlot
from tui.widgets.safe_panel import PanelNote, SafePanel

# The losses linear-regression gave with `+ + +` (lr 1): diverged at step 4, then 996 steps at lr 0.001.
DIVERGED = [(1, 44.36051940917969), (2, 3531.3955078125), (3, 284974.53125), (4, 22999112.0)]
RECOVERED = DIVERGED + [(step, 1e7 * 0.97 ** (step - 4)) for step in range(5, 1001)]


def shown(widget) -> str:
    """The text a widget puts on screen now."""
    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


class BrokenView(DataView):
    def render_data(self, data, width):
        return Text(str(1 / data["zero"]))


class SometimesBrokenView(DataView):
    def render_data(self, data, width):
        if data.get("fail"):
            raise KeyError("no such digit")
        return Text(f"digit {data['digit']}")


class CrashingRender(SafePanel, ScrollView):
    def render_line(self, y: int) -> Strip:
        return [][y]


class Unequal:
    def __ne__(self, other):
        raise TypeError("cannot compare")


class Host(App):
    def __init__(self, *widgets) -> None:
        super().__init__()
        self.widgets = widgets

    def compose(self) -> ComposeResult:
        yield from self.widgets


@async_test
async def test_a_log_scale_chart_keeps_its_points_through_a_resize_and_a_divergence():
    chart = LossChart()
    async with Host(chart).run_test(size=(90, 34)) as pilot:
        plot = pilot.app.query_one(LossPlot)
        chart.toggle_log()
        await pilot.pause()
        chart.show(DIVERGED, {})
        await pilot.pause()
        await pilot.resize_terminal(80, 33)  # a second build of the same data (the message line grew)
        await pilot.pause()
        odd = [(5, float("nan")), (6, float("inf")), (7, 0.0), (8, -1.0), (9, 1e300), (10, 1e-300)]
        for losses in (RECOVERED, DIVERGED + odd):
            chart.show(losses, {"test_loss": [(500, 0.0), (1000, 1e-9)], "accuracy": [(1000, 0.5)]})
            await pilot.pause()
            await pilot.resize_terminal(90, 34)
            await pilot.pause()
            text = shown(plot)
            assert plot.last_failure is None, plot.last_failure
            assert "loss (log scale)" in text and any("\u2800" < char <= "\u28ff" for char in text)
        assert pilot.app.is_running


@async_test
async def test_a_view_whose_drawing_raises_shows_the_error_and_the_app_goes_on():
    broken, sometimes = BrokenView(id="broken"), SometimesBrokenView(id="sometimes")
    async with Host(broken, sometimes, CrashingRender(id="lines")).run_test(size=(120, 20)) as pilot:
        broken.show({"zero": 0})
        sometimes.show({"fail": True})
        await pilot.pause()
        assert (
            shown(broken)
            .strip()
            .startswith("this panel failed to draw: ZeroDivisionError: division by zero (the run goes on)")
        )
        assert "failed to draw: KeyError: 'no such digit'" in shown(sometimes)
        assert "failed to draw: IndexError: list index out of range" in shown(pilot.app.query_one("#lines"))
        sometimes.show({"digit": 7})  # the next good data draws again
        await pilot.pause()
        assert shown(sometimes).strip() == "digit 7" and sometimes.panel_error is None
        assert pilot.app.is_running


@async_test
async def test_a_container_panel_shows_the_error_above_its_contents():
    view = GenericView()
    async with Host(view).run_test(size=(100, 12)) as pilot:
        view.show({"w": 1.5})
        await pilot.pause()
        view.show(Unequal())
        await pilot.pause()
        note = view.query_one(PanelNote)
        assert "failed to draw: TypeError: cannot compare (the run goes on)" in str(note.render())
        view.show({"w": 2.5})
        await pilot.pause()
        assert not view.query(PanelNote) and pilot.app.is_running


@async_test
async def test_the_diverged_log_chart_of_linear_regression_keeps_the_app_up():
    from tui.app import LearnApp

    app = LearnApp("linear-regression", preload_torch=False, show_speed=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("g", "plus", "plus", "plus", "space")  # log scale, lr 1: diverges at step 4
        await wait_for(pilot, lambda: screen.state == "diverged", what="the run to diverge")
        await settle(pilot, screen)
        await pilot.press("minus", "minus", "minus", "space")
        await wait_for(pilot, lambda: screen.state != "diverged", what="the run to go on")
        await pilot.press("space")
        await settle(pilot, screen)
        await pilot.resize_terminal(110, 36)  # the chart is built again for the new size
        await pilot.pause()
        plot = screen.query_one(LossPlot)
        assert plot.last_failure is None and "loss (log scale)" in shown(plot)
        assert pilot.app.is_running


class BrokenGrid(GridView):
    def render(self):
        raise IndexError("list index out of range")


@async_test
async def test_a_lesson_view_that_raises_shows_the_error_in_its_tab_and_training_goes_on(monkeypatch):
    monkeypatch.setattr("tui.views.grid.VIEW", BrokenGrid)
    from tui.app import LearnApp

    lesson = dataclasses.replace(TOY, views={"grid": lambda run: {"w": [run.state.w.item()], "mse": [1.0]}})
    app = LearnApp(lesson, preload_torch=False, show_speed=False)
    async with app.run_test(size=(159, 34)) as pilot:  # widest below the wide layout
        screen = await ready(pilot)
        view = screen.query_one(BrokenGrid)
        tabs = screen.query_one(TabbedContent)
        tabs.active = next(pane.id for pane in tabs.query(TabPane) if view in pane.query(BrokenGrid))
        await pilot.press("n", "n")
        await settle(pilot, screen)
        await pilot.pause()
        message = "this panel failed to draw: IndexError: list index out of range (the run goes on)"
        lines = [line.strip() for line in shown(view).splitlines() if line.strip()]
        assert view.last_failure == message and len(lines) == 1 and message.startswith(lines[0].rstrip("…"))
        assert screen.frame.step == 2 and pilot.app.is_running
