"""The code panel: a lesson opens on its loop, the loop's lines show whole at 120 columns, and while training
the highlight follows the loop at every frame, repainting only the lines whose highlight changed."""

from __future__ import annotations

import ast
from pathlib import Path

from app_helpers import TOY, async_test, ready, settle, wait_for
from test_gpt_lesson import SMALL
from textual.app import App, ComposeResult

from core.engine import catalog
from tui.app import LearnApp
from tui.widgets.code_panel import CodePanel

SIZE = (120, 36)


def visible(code: CodePanel, line: int) -> bool:
    top = code.scroll_offset.y
    return top <= line - 1 < top + code.scrollable_content_region.height


def drawn(code: CodePanel, line: int) -> str:
    """The text the panel draws for a 1-based source line on screen (its gutter included)."""
    return code.render_line(line - 1 - int(code.scroll_offset.y)).text


def first_loop(source: str) -> tuple[int, int, int]:
    """(head, last line, first yield) of the outermost loop holding the first yield that sits in a loop."""
    loops = [n for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.For, ast.While))]
    yields = sorted(n.lineno for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Yield))
    line = next(y for y in yields if any(loop.lineno <= y <= loop.end_lineno for loop in loops))
    loop = min((loop for loop in loops if loop.lineno <= line <= loop.end_lineno), key=lambda loop: loop.lineno)
    return loop.lineno, loop.end_lineno, line


def source_of(lesson_id: str) -> str:
    path = next(info.path for info in catalog.catalog() if info.id == lesson_id)
    return Path(path).read_text(encoding="utf-8")


@async_test
async def test_at_120_columns_every_line_of_a_lessons_loop_shows_whole():
    source = source_of("simple-nn")
    first, last, _yield = first_loop(source)
    lines = source.splitlines()
    async with LearnApp("simple-nn", preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.pause()
        code = screen.query_one(CodePanel)
        for number in range(first, last + 1):
            assert visible(code, number), (number, code.scroll_offset)  # the whole loop on screen at first
            text = lines[number - 1].split("  #")[0].rstrip()  # the code, its comment aside
            assert text in drawn(code, number), (number, text, drawn(code, number))


@async_test
async def test_a_lesson_opens_on_its_loop_with_its_first_yield_in_view():
    head, _last, first_yield = first_loop(source_of("char-gpt"))  # its loop starts 34 lines below `def train(`
    options = {**SMALL, "n_layer": 1}
    async with LearnApp("char-gpt", preload_torch=False, options=options).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.pause()
        code = screen.query_one(CodePanel)
        assert code.current == 0
        assert visible(code, head) and visible(code, first_yield), (head, first_yield, code.scroll_offset)
        assert "for epoch in run.epochs():" in drawn(code, head)


@async_test
async def test_while_training_the_highlight_follows_the_loop():
    async with LearnApp(TOY, preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        code = screen.query_one(CodePanel)
        await pilot.press("space")
        seen = set()
        for _ in range(3):  # three frames drawn while running, each lighting its own yield's line
            drawn_before = screen.frames_drawn
            await wait_for(pilot, lambda before=drawn_before: screen.frames_drawn > before, what="a frame")
            frame = screen.frame
            if frame.state != "running":
                continue
            assert frame.line > 0 and code.current == frame.line
            assert "pause to see" not in str(code.border_subtitle)
            seen.add(frame.line)
        assert seen, "no frame drawn while running"
        await pilot.press("space")
        await settle(pilot, screen)
        assert code.current == screen.frame.line > 0 and "▶" in drawn(code, code.current)


class OnePanel(App):
    def compose(self) -> ComposeResult:
        yield CodePanel()


LOOP = "def train(run):\n" + "    for step in range(3):\n" + "".join(f"        yield {i}\n" for i in range(10))


@async_test
async def test_a_new_line_repaints_only_the_lines_whose_highlight_changed():
    async with OnePanel().run_test(size=(60, 20)) as pilot:
        code = pilot.app.query_one(CodePanel)
        code.set_source("loop.py", LOOP)
        code.show_line(4, 3)
        await pilot.pause()
        repainted: list[tuple] = []
        refresh = code.refresh
        code.refresh = lambda *regions, **kwargs: repainted.append(regions) or refresh(*regions, **kwargs)
        code.show_line(6, 4)  # line 4 loses its highlight, 5 ran, 6 is the new one
        assert repainted and all(regions for regions in repainted), repainted  # never the whole panel
        rows = sorted(region.y for regions in repainted for region in regions)
        assert rows == [3, 4, 5], rows
        code.show_line(6, 4)  # nothing changed: nothing repainted
        assert len(repainted) == 3


@async_test
async def test_where_the_panel_ends_up_depends_on_the_last_line_not_on_the_frames_drawn_before_it():
    """Stepping draws at most 20 frames a second, so a busy machine skips some of a step's lines: the panel
    must end where a quiet one ends (the snapshot tests depend on it)."""
    source = source_of("linear-regression")
    head, last, first = first_loop(source)
    lines = [number for number in range(first, last + 1) if source.splitlines()[number - 1].strip().startswith("yield")]
    ends = set()
    for shown in (lines, lines[-1:], [lines[0], lines[-1]], lines[::2] + lines[-1:]):
        async with OnePanel().run_test(size=(60, 24)) as pilot:
            code = pilot.app.query_one(CodePanel)
            code.set_source("linear_regression.py", source)
            await pilot.pause()  # (the lesson opens on its loop)
            for number in shown:
                code.show_line(number)
            await pilot.pause()
            assert visible(code, lines[-1])
            ends.add(code.scroll_offset.y)
    assert len(ends) == 1, ends
