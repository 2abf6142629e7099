"""A wide terminal (160 columns and more): the loss chart, Params and Grads on screen together, without
switching tabs; narrower terminals keep their tabs as they were."""

from __future__ import annotations

from app_helpers import TOY, async_test, ready, settle

from tui.app import LearnApp
from tui.widgets.loss_chart import LossChart
from tui.widgets.side_tables import SideTables

WIDE, MEDIUM = (160, 45), (100, 30)


def app_for() -> LearnApp:
    return LearnApp(TOY, seed=0, preload_torch=False, show_speed=False)


def tab_shown(screen, pane_id: str) -> bool:
    return screen.query_one(f"#--content-tab-{pane_id}").display


def beside_the_chart(screen) -> bool:
    side, chart = screen.query_one(SideTables), screen.query_one(LossChart)
    return side.display and side.region.width > 0 and side.region.x >= chart.region.right


@async_test
async def test_at_160_columns_params_and_grads_sit_beside_the_chart_and_follow_each_step():
    async with app_for().run_test(size=WIDE) as pilot:
        screen = await ready(pilot)
        await pilot.press("n", "n")
        await settle(pilot, screen)
        side = screen.query_one(SideTables)
        assert screen.query_one("#tabs").active == "tab-chart" and beside_the_chart(screen)
        assert not tab_shown(screen, "tab-params") and not tab_shown(screen, "tab-grads")  # no second copy
        assert screen.driver.needs.snapshot and screen.driver.needs.ratios  # the driver feeds them
        params = {p.name: p for p in screen.frame.snapshot.params}
        assert side.param_table.cell_text("w", "values") == f"{params['w'].values[0]:.4g}"
        assert side.grad_table.cell_text("b", "grad") == f"{params['b'].grad[0]:.4g}"
        assert side.grad_table.cell_text("b", "flag") == "ok"
        for table in (side.param_table, side.grad_table):  # every column on screen, none pushed off the edge
            assert table.virtual_size.width <= table.size.width, (table.virtual_size, table.size)
        await pilot.press("n")
        await settle(pilot, screen)
        params = {p.name: p for p in screen.frame.snapshot.params}
        assert side.grad_table.cell_text("w", "grad") == f"{params['w'].grad[0]:.4g}"  # updated in place

        await pilot.resize_terminal(*MEDIUM)  # narrower: the tabs come back, the side column goes
        await pilot.pause()
        await pilot.pause()
        assert not side.display and tab_shown(screen, "tab-params") and tab_shown(screen, "tab-grads")
        assert not screen.driver.needs.snapshot  # the chart is the visible tab: no snapshots for hidden tables


@async_test
async def test_at_100_columns_the_tabs_stay_and_widening_moves_the_open_table_beside_the_chart():
    async with app_for().run_test(size=MEDIUM) as pilot:
        screen = await ready(pilot)
        side = screen.query_one(SideTables)
        assert not side.display and not side.children and not screen.has_class("-side-tables")  # nothing extra
        assert tab_shown(screen, "tab-params") and tab_shown(screen, "tab-grads")
        await pilot.press("right_square_bracket")  # the Params tab
        await settle(pilot, screen)
        assert screen.query_one("#tabs").active == "tab-params"
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        await settle(pilot, screen)
        assert screen.query_one("#tabs").active == "tab-chart" and beside_the_chart(screen)
        assert side.param_table.cell_text("w", "shape") == "1"  # drawn at once, without another step


@async_test
async def test_at_170_columns_the_tables_are_as_wide_as_their_cells_and_the_chart_gets_the_rest():
    async with app_for().run_test(size=(170, 48)) as pilot:
        screen = await ready(pilot)
        await pilot.press("n", "n")
        await settle(pilot, screen)
        await pilot.pause()
        side, chart = screen.query_one(SideTables), screen.query_one(LossChart)
        tables = (side.param_table, side.grad_table)
        for table in tables:  # every column on screen, none cut
            assert table.virtual_size.width <= table.size.width, (table.virtual_size, table.size)
        chrome = 2 + 1  # the border, the scrollbar
        assert side.region.width <= max(t.virtual_size.width for t in tables) + chrome + 6, (
            side.region
        )  # no room left empty
        assert chart.region.width >= 50, (chart.region, side.region)  # the room the tables leave goes to the chart
        code = screen.query_one("#code")
        assert code.region.right <= chart.region.x and chart.region.right <= side.region.x


def test_a_tall_charts_ticks_each_read_their_own_value():
    """45 rows give the chart a tick every 0.005 near 2.3: three digits read 2.285 as a second 2.29."""
    from tui.chart_ticks import axis

    ticks, labels = axis([2.2851, 2.33], 20)
    assert labels[:3] == ["2.285", "2.29", "2.295"] and len(set(labels)) == len(labels)
    assert [float(label) for label in labels] == ticks
    assert axis([4.67, 1.56], 6)[1] == ["1", "2", "3", "4", "5"]  # round ticks keep their short labels
