"""Phases a learner can trust at a glance (what a phase changed is highlighted, a cleared gradient and a stale
update ratio say so) and runs kept on the Loss chart as references."""

from __future__ import annotations

from types import SimpleNamespace

from app_helpers import TOY, async_test, ready, settle, wait_for
from rich.text import Text
from textual.app import App, ComposeResult

from tui.app import LearnApp
from tui.widgets.grad_table import GradTable
from tui.widgets.loss_chart import LossPlot
from tui.widgets.param_table import ParamTable
from tui.widgets.snapshot_table import CHANGED_STYLE

SIZE = (110, 34)


def app_for(lesson=TOY) -> LearnApp:
    return LearnApp(lesson, preload_torch=False, show_speed=False)


async def phase(pilot, screen, name: str) -> None:
    await pilot.press("full_stop")
    await settle(pilot, screen)
    assert screen.frame.phase == name


@async_test
async def test_the_cells_a_phase_changed_are_highlighted_until_the_next_phase():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("n", "right_square_bracket")  # one step, then the Params tab
        await settle(pilot, screen)
        params = screen.query_one("#params", ParamTable)
        for name in ("forward", "loss", "backward"):
            await phase(pilot, screen, name)
        assert params.changed == frozenset()  # the weights did not move before the update
        await phase(pilot, screen, "update")
        assert {("w", "values"), ("b", "values"), ("w", "norm")} <= params.changed
        assert params.get_cell("w", "values").style == CHANGED_STYLE
        await phase(pilot, screen, "zero_grad")
        assert params.changed == frozenset() and not isinstance(params.get_cell("w", "values"), Text)
        await pilot.press("right_square_bracket")  # the Grads tab: zero_grad just cleared the gradients
        await settle(pilot, screen)
        grads = screen.query_one("#grads", GradTable)
        await pilot.press("n")  # (a step ends at STEP: nothing highlighted) then to this step's backward
        await settle(pilot, screen)
        assert grads.changed == frozenset()
        for name in ("forward", "loss", "backward"):
            await phase(pilot, screen, name)
        assert ("w", "grad") in grads.changed and grads.get_cell("w", "grad").style == CHANGED_STYLE
        await phase(pilot, screen, "update")
        assert ("w", "grad") not in grads.changed and ("w", "ratio") in grads.changed
        await phase(pilot, screen, "zero_grad")
        assert grads.cell_text("w", "grad") == "0" and ("w", "grad") in grads.changed


def grad_param(**fields) -> SimpleNamespace:
    stats = SimpleNamespace(norm=1.5, mean=0.1, std=0.2, min=-0.3, max=0.4)
    base = dict(
        name="w",
        grad=(1.5,),
        grad_stats=stats,
        complete=True,
        update_ratio=0.00123,
        ratio_step=4,
        ratio_stale=False,
        grad_cleared=False,
        flag=None,
    )
    return SimpleNamespace(**(base | fields))


class TableHost(App):
    def compose(self) -> ComposeResult:
        yield GradTable()


@async_test
async def test_a_cleared_gradient_and_a_stale_ratio_say_so():
    async with TableHost().run_test(size=(100, 10)) as pilot:
        table = pilot.app.query_one(GradTable)
        await pilot.pause()
        table.show([grad_param(grad=None, grad_stats=None, update_ratio=None, ratio_step=None), grad_param(name="b")])
        await pilot.pause()
        assert table.cell_text("w", "grad") == "none yet"  # no backward yet
        assert table.cell_text("b", "ratio") == "0.00123"
        table.show([grad_param(grad=None, grad_stats=None, grad_cleared=True), grad_param(name="b", ratio_stale=True)])
        await pilot.pause()
        assert table.cell_text("w", "grad") == "None (set_to_none)"
        assert table.cell_text("b", "ratio") == "0.00123 (step 4)"
        assert "dim" in str(table.get_cell("b", "ratio").style)


@async_test
async def test_a_kept_run_shares_the_loss_chart_labelled_by_what_differed():
    async with LearnApp("autograd", preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("c")  # nothing to keep yet
        await settle(pilot, screen)
        assert screen.kept.runs == []
        await pilot.press("n", "n", "n")
        await settle(pilot, screen)
        await pilot.press("c", "z", "r")  # keep it, turn zero_grad off, start again
        await settle(pilot, screen)
        assert screen.frame.step == 0 and screen.frame.options["zero_grad"] is False
        await pilot.press("n", "n", "n")
        await settle(pilot, screen)
        plot = screen.query_one(LossPlot)
        await wait_for(pilot, lambda: "train loss" in plot.render().plain, what="the chart with this run")
        chart = plot.render().plain
        assert [label for label, _ in plot.references] == ["zero_grad on"]
        assert "zero_grad on" in chart and "train loss" in chart
        kept, now = screen.kept.runs[0].points, screen.frame.losses
        assert len(kept) == 3 and len(now) == 3 and kept[:1] == now[:1] and kept[1:] != now[1:]
