"""The compare view: ``learn-tui run LESSON --compare optimizer=SGD,Adam`` trains one run per variant side by side,
from the same seed, their curves on one chart and their losses in a table; the panels follow the selected variant;
``C`` in a training view chooses a comparison."""

from __future__ import annotations

import io

from app_helpers import async_test, ready, settle, status, wait_for
from rich.console import Console

from core.engine import catalog
from core.front.compare_args import side_by_side
from tui.app import LearnApp
from tui.screens.compare_form import CompareForm
from tui.screens.compare_view import CompareScreen
from tui.widgets.compare_chart import CompareBoard

SIZE = (120, 36)


def compare_app(values: str = "SGD,Adam") -> LearnApp:
    lesson = catalog.load("linear-regression")
    variants = side_by_side(lesson, "optimizer", values)
    # (a long budget: a fast machine would finish the 1000 steps before a frame showed them running)
    return LearnApp(lesson, preload_torch=False, show_speed=False, compare=variants, steps=100_000)


async def stepped(pilot, screen, steps: int) -> None:
    """Press n ``steps`` times (every variant steps), then wait until every variant has drawn its last step."""
    board = screen.query_one(CompareBoard)
    for step in range(1, steps + 1):
        await pilot.press("n")
        await wait_for(pilot, lambda step=step: all(line.step >= step for line in board.lines), what="a step each")
    await settle(pilot, screen)


@async_test
async def test_compare_trains_each_variant_from_the_same_seed_each_curve_labelled_on_one_chart():
    async with compare_app().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert isinstance(screen, CompareScreen) and len(screen.runs.drivers) == 2
        await stepped(pilot, screen, 3)
        board = screen.query_one(CompareBoard)
        sgd, adam = board.lines
        assert (sgd.label, adam.label) == ("SGD", "Adam")
        assert sgd.step == adam.step == 3 and len(sgd.points) == len(adam.points) == 3
        # The same seed: the same model and data, so the loss before the first update is the same...
        assert sgd.points[0] == adam.points[0]
        # ...and the optimizers then differ.
        assert sgd.points[1][1] != adam.points[1][1]
        assert [d.trainer.options["optimizer"] for d in screen.runs.drivers] == ["SGD", "Adam"]
        legend = str(board.query_one("#compare-legend").render())
        assert "1 ━━ SGD" in legend and "2 ━━ Adam" in legend
        console = Console(width=60, record=True, file=io.StringIO())
        console.print(board._table())
        rows = console.export_text().splitlines()[1:]
        assert rows[0].split()[:4] == ["▶1", "SGD", "paused", "3"] and rows[1].split()[:4] == [
            "2",
            "Adam",
            "paused",
            "3",
        ]
        assert rows[0].split()[4] == f"{sgd.loss:.3g}" and rows[1].split()[5] == f"{adam.best:.3g}"
        await pilot.press("space")  # every variant runs, then pauses, together
        await wait_for(pilot, lambda: all(line.state == "running" for line in board.lines), what="both running")
        await pilot.press("space")
        await wait_for(pilot, lambda: all(line.state == "paused" for line in board.lines), what="both paused")


@async_test
async def test_the_selected_variant_is_the_one_the_panels_show_and_its_rate_the_one_changed():
    async with compare_app().run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await stepped(pilot, screen, 2)
        assert screen.frame.options["optimizer"] == "SGD" and "▶1 SGD" in str(
            screen.query_one("#compare-banner").render()
        )
        sgd_w = screen.runs.drivers[0].trainer.snapshot().params[0].values
        await pilot.press("2")
        await settle(pilot, screen)
        assert screen.selected == 1 and screen.frame.options["optimizer"] == "Adam"
        assert "▶2 Adam" in str(screen.query_one("#compare-banner").render())
        assert screen.frame.snapshot.params[0].values == screen.runs.drivers[1].trainer.snapshot().params[0].values
        assert screen.frame.snapshot.params[0].values != sgd_w  # the Params table shows Adam's weights now
        await pilot.press("minus")  # the learning rate: the selected variant's only
        await settle(pilot, screen)
        assert screen.frame.lr == 0.003 and screen.runs.drivers[0].trainer.lr == 0.01
        assert "lr 0.003" in status(screen)
        await pilot.press("full_stop")  # a phase: every variant
        await settle(pilot, screen)
        assert [d.trainer.phase is not None and str(d.trainer.phase) for d in screen.runs.drivers] == ["forward"] * 2
        await pilot.press("question_mark")  # the help says which keys act on every variant
        rows = dict(pilot.app.screen.rows)
        assert rows["n"] == "while paused: every variant runs one batch" and rows["1-2"].startswith("show SGD")


@async_test
async def test_capital_c_in_a_training_view_chooses_a_comparison_and_opens_it_in_its_place():
    app = LearnApp("linear-regression", preload_torch=False, show_speed=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await settle(pilot, screen)
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareForm), what="the compare form")
        form = app.screen
        assert form.query_one("#compare-values").value == "SGD,Adagrad,Adam"
        form.query_one("#compare-values").value = "SGD,Sideways"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CompareForm)
        assert "--optimizer must be one of" in str(form.query_one("#compare-error").render())
        form.query_one("#compare-values").value = "SGD,Adam,LBFGS"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen), what="the compare view")
        compare = await ready(pilot)
        assert [v.label for v in compare.variants] == ["SGD", "Adam", "LBFGS"]
        assert screen not in app.screen_stack  # in its place: escape goes back to the picker
