"""Panels that must stay right as the learner acts: the code panel after a resize and a sideways scroll,
the message line's notices, the gradient table's width and the loss chart's accuracy axis."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from app_helpers import TOY, async_test, line_of, ready, settle, wait_for
from textual.app import App, ComposeResult

from tui.app import LearnApp
from tui.widgets.code_panel import CodePanel
from tui.widgets.grad_table import GradTable
from tui.widgets.loss_chart import LossChart, LossPlot, fraction_limits


def app_for(lesson=TOY, **kwargs) -> LearnApp:
    return LearnApp(lesson, preload_torch=False, show_speed=False, **kwargs)


def visible(code: CodePanel, line: int) -> bool:
    top = code.scroll_offset.y
    return top <= line - 1 < top + code.scrollable_content_region.height


@async_test
async def test_the_current_line_stays_in_view_after_a_resize():
    async with app_for().run_test(size=(140, 42)) as pilot:
        screen = await ready(pilot)
        code = screen.query_one(CodePanel)
        code.scroll_to(y=0, animate=False, immediate=True)  # the top of the file, far above the loop
        await pilot.press(*["full_stop"] * 6)  # to "yield STEP"
        await settle(pilot, screen)
        line = line_of("yield STEP")
        assert code.current == line and visible(code, line)
        await pilot.resize_terminal(90, 28)
        await pilot.pause()
        await pilot.pause()
        assert visible(code, line), (code.scroll_offset.y, code.scrollable_content_region.height, line)


@async_test
async def test_scrolling_the_code_sideways_keeps_the_line_numbers():
    async with app_for().run_test(size=(80, 30)) as pilot:
        screen = await ready(pilot)
        code = screen.query_one(CodePanel)
        await pilot.press("full_stop")
        await settle(pilot, screen)
        code.focus()
        await pilot.press(*["right"] * 8)
        await pilot.pause()
        assert code.scroll_offset.x > 0
        line = code.current
        row = line - 1 - code.scroll_offset.y
        text = code.render_line(row).text
        assert text.lstrip().startswith(f"{line}▶"), text
        assert len(text) == code.scrollable_content_region.width


async def open_checkpoint(pilot, screen, path: str) -> None:
    screen.driver.open(path)
    await settle(pilot, screen)


@async_test
async def test_a_notice_goes_once_the_learner_steps(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with app_for().run_test(size=(110, 34)) as pilot:
        screen = await ready(pilot)
        await pilot.press("n")
        await settle(pilot, screen)
        screen.driver.save("checkpoints/toy.pt")
        await wait_for(pilot, lambda: Path("checkpoints/toy.pt").is_file(), what="the checkpoint")
        await open_checkpoint(pilot, screen, "checkpoints/toy.pt")
        assert "opened checkpoints/toy.pt" in screen.painter.message
        await pilot.press("n")
        await settle(pilot, screen)
        assert "opened" not in screen.painter.message and screen.frame.step == 2
        await open_checkpoint(pilot, screen, "checkpoints/toy.pt")
        await pilot.press("plus")
        await settle(pilot, screen)
        assert "opened" not in screen.painter.message


@async_test
async def test_a_divergence_message_follows_the_new_learning_rate():
    app = LearnApp("linear-regression", lr=1, preload_torch=False, show_speed=False)
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "diverged", what="the run to diverge")
        await settle(pilot, screen)
        assert "(it is 1: try 0.1" in screen.painter.message
        await pilot.press("minus")
        await settle(pilot, screen)
        assert screen.state == "diverged" and "it is 1:" not in screen.painter.message
        assert "diverged" in screen.painter.message and "now 0.3" in screen.painter.message
        await pilot.press("r")
        await settle(pilot, screen)
        assert "diverged" not in screen.painter.message


def grad(name: str, count: int) -> SimpleNamespace:
    values = [0.012345 * (i + 1) for i in range(count)]
    stats = SimpleNamespace(norm=1.2345, mean=0.1, std=0.2, min=-0.3, max=0.4)
    return SimpleNamespace(name=name, grad=values, grad_stats=stats, complete=True, update_ratio=0.00123, flag=None)


class TableHost(App):
    def compose(self) -> ComposeResult:
        yield GradTable()


@async_test
async def test_the_gradient_column_is_cut_so_that_every_column_fits():
    async with TableHost().run_test(size=(77, 12)) as pilot:
        table = pilot.app.query_one(GradTable)
        await pilot.pause()
        table.show([grad("conv1.weight", 64), grad("fc.bias", 10)])
        await pilot.pause()
        assert table.cell_text("conv1.weight", "grad").endswith("…")
        assert table.virtual_size.width <= table.size.width
        assert table.cell_text("conv1.weight", "flag") == "ok"
        await pilot.resize_terminal(140, 12)
        await pilot.pause()
        await pilot.pause()
        assert len(table.cell_text("conv1.weight", "grad")) > 40 and table.virtual_size.width <= table.size.width


def test_an_accuracy_axis_stays_within_0_and_1():
    assert fraction_limits([0.98]) == (0.975, 0.985)
    low, high = fraction_limits([0.49, 0.97])
    assert 0.4 < low < 0.49 and 0.97 < high <= 1.0
    assert fraction_limits([0.2, 1.0])[1] == 1.0 and fraction_limits([0.0, 0.3])[0] == 0.0
    assert fraction_limits([1.5]) is None and fraction_limits([]) is None


class ChartHost(App):
    def compose(self) -> ComposeResult:
        yield LossChart()


@async_test
async def test_the_charts_right_axis_never_goes_above_1_for_accuracy():
    async with ChartHost().run_test(size=(90, 30)) as pilot:
        chart, plot = pilot.app.query_one(LossChart), pilot.app.query_one(LossPlot)
        await pilot.pause()
        chart.show(
            [(s, 2.3 - s / 1000) for s in range(1, 938)],
            {"test_loss": [(938, 0.1)], "accuracy": [(469, 0.49), (938, 0.97)]},
        )
        await pilot.pause()
        right = [
            line.rsplit("├", 1)[1]
            for line in plot.render().plain.splitlines()
            if line.count("├") == 1 and line.rstrip().split("├")[-1].strip()
        ]
        values = [float(text) for text in right if text.strip()]
        assert values and max(values) <= 1.0 and min(values) >= 0.0, right
