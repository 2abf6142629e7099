"""The Variables and Model tabs of the training view: the loop's local variables at each stop (changes
highlighted, one opened in full with enter), and the model's layers with their output shapes and parameters."""

from __future__ import annotations

from app_helpers import async_test, ready, settle, wait_for
from textual.widgets import TabbedContent, Tabs

from core.base import i18n
from tui.app import LearnApp
from tui.widgets.variables_panel import VariablesPanel

SIZE = (120, 36)


def app_for(lesson: str = "linear-regression") -> LearnApp:
    return LearnApp(lesson, preload_torch=False, show_speed=False)


async def show_tab(pilot, screen, tab: str) -> None:
    screen.query_one(TabbedContent).active = tab
    await pilot.pause()
    await settle(pilot, screen)


@async_test
async def test_the_variables_tab_lists_the_loops_variables_after_a_step():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.frame.variables is None  # hidden: not read
        await show_tab(pilot, screen, "tab-variables")
        await pilot.press("n")
        await settle(pilot, screen)
        table = screen.variables_panel.table
        assert table.cell_text("y_pred", "shape") == "3×1" and table.cell_text("y_pred", "grad_fn") == "AddmmBackward0"
        assert table.cell_text("y_pred", "is_leaf") == "False" and table.cell_text("x_data", "is_leaf") == "True"
        assert table.cell_text("model", "value") == "2 parameters" and table.cell_text("x_data", "value") == "[1, 2, 3]"
        await pilot.press("full_stop")  # the next forward pass: a new y_pred
        await settle(pilot, screen)
        assert ("y_pred", "value") in table.changed and ("x_data", "value") not in table.changed
        table.focus()
        table.move_cursor(row=table.get_row_index("loss"))
        await pilot.press("enter")  # open it in full
        panel = screen.query_one(VariablesPanel)
        await wait_for(pilot, lambda: "MseLossBackward0" in panel.full_text, what="the loss in full")
        assert "is_leaf False" in panel.full_text and screen.driver.needs.full == "loss"
        await pilot.press("enter")  # and close it
        await pilot.pause()
        assert panel.opened is None and screen.driver.needs.full is None
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("right_square_bracket")  # the next tab, with a variable open
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "tab-model"


@async_test
async def test_the_model_tab_shows_layers_shapes_and_parameter_counts():
    async with app_for().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await show_tab(pilot, screen, "tab-model")
        panel = screen.model_panel
        assert panel.table.cell_text("/linear", "output") == "–"  # no forward pass seen yet
        await pilot.press("n", "n")  # the second step's forward runs with the hooks on
        await settle(pilot, screen)
        assert panel.table.cell_text("/", "layer") == "model" and panel.table.cell_text("/", "type") == "LinearModel"
        assert panel.table.cell_text("/linear", "layer") == "└─ linear"
        assert panel.table.cell_text("/linear", "output") == "3×1" and panel.table.cell_text("/linear", "params") == "2"
        assert panel.totals == "Total params: 2 · trainable: 2 · frozen: 0"
        await show_tab(pilot, screen, "tab-chart")  # hidden again: no summary, no hooks
        assert screen.frame.model is None and screen.driver.needs.model is False
        model = screen.driver.trainer.run.watched[""]
        assert not any(layer._forward_hooks for layer in model.modules())


@async_test
async def test_the_tabs_in_chinese():
    i18n.set_language("zh")
    try:
        async with app_for().run_test(size=SIZE) as pilot:
            screen = await ready(pilot)
            labels = [str(tab.label) for tab in screen.query_one(Tabs).query("Tab")]
            assert "变量" in labels and "模型" in labels
            await show_tab(pilot, screen, "tab-model")
            assert screen.model_panel.totals.startswith("参数总数：2 · 可训练：2 · 冻结：0")
            assert [label for _, label in screen.variables_panel.table.COLUMNS][:4] == ["名称", "形状", "值", "类型"]
    finally:
        i18n.set_language(None)
