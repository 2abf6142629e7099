"""i: one source line of the lesson at a time, into its model's forward (issue #22 item 2), in the app."""

from __future__ import annotations

from pathlib import Path

from app_helpers import async_test, ready, settle, wait_for

from core.engine import catalog
from tui.app import LearnApp
from tui.widgets.code_panel import CodePanel

SIZE = (120, 36)


def source_line(number: int) -> str:
    return Path(catalog.load("linear-regression").source_file).read_text().splitlines()[number - 1].strip()


async def line_step(pilot, screen) -> None:
    await pilot.press("i")
    await settle(pilot, screen)


@async_test
async def test_i_steps_line_by_line_into_forward_and_dot_runs_on_to_the_next_yield():
    async with LearnApp("linear-regression", preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("n")  # a whole step first: the next one starts at the loop's top
        await settle(pilot, screen)
        await line_step(pilot, screen)
        stop = screen.frame.at_line
        assert stop is not None and stop.function == "train"
        code = screen.query_one(CodePanel)
        assert code.current == stop.line and f"line {stop.line}" in str(code.border_subtitle)

        seen = [stop]
        for _ in range(30):
            if seen[-1].function == "forward":
                break
            await line_step(pilot, screen)
            seen.append(screen.frame.at_line)
        inside = seen[-1]
        assert inside.function == "forward", seen
        assert source_line(inside.line) == "y_pred = self.linear(x)"
        assert code.current == inside.line and "forward()" in str(code.border_subtitle)

        await pilot.press("r")  # a reset waits until the line step is over: refused, the run stays where it is
        await settle(pilot, screen)
        assert screen.frame.at_line == inside

        await pilot.press("full_stop")  # run freely to the next yield: FORWARD
        await settle(pilot, screen)
        await wait_for(pilot, lambda: screen.frame.at_line is None and screen.frame.phase == "forward")
        assert source_line(screen.frame.line).startswith("yield FORWARD")


@async_test
async def test_a_line_step_never_stops_in_torch_and_space_runs_on():
    async with LearnApp("linear-regression", preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        lesson_file = catalog.load("linear-regression").source_file
        for _ in range(12):
            await line_step(pilot, screen)
            stop = screen.frame.at_line
            if stop is not None:
                assert stop.file == lesson_file
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.frame.at_line is None and screen.frame.step > 5, what="the run to go on")
        await pilot.press("space")
