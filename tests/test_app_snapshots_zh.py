"""Screenshots of the app in Chinese (``--lang zh``) at 80×24 and 120×36: the picker with a lesson's notes, the
training view of linear-regression three steps in, two of its pictures, and the help. Wide characters take two
cells, lines break by character with the line-breaking rules, and code stays as written.

As in ``test_app_snapshots.py``: nothing timing-dependent is on screen (no steps/s, a paused run at a fixed
step). Update after an intended change with ``--snapshot-update`` and look at the report."""

from __future__ import annotations

import pytest
from app_helpers import ready, settle, wait_for
from textual.widgets import TabbedContent, TabPane

from core.base import i18n
from tui.app import LearnApp
from tui.screens.help import HelpScreen

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


@pytest.fixture(autouse=True)
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language(None)


@pytest.mark.parametrize("size", SIZES)
def test_picker_in_chinese(snap_compare, size):
    async def show_notes(pilot):
        from textual.widgets._markdown import MarkdownBlock

        await pilot.pause()
        await wait_for(pilot, lambda: len(pilot.app.screen.query(MarkdownBlock)) > 3, what="the notes preview")
        await pilot.pause(0.3)

    assert snap_compare(LearnApp(preload_torch=False), terminal_size=SIZES[size], run_before=show_notes)


def on_tab(title: str | None, count: int = 3, *keys: str):
    async def run_before(pilot):
        screen = await ready(pilot)
        await pilot.press(*["n"] * count)
        await settle(pilot, screen)
        if title is not None:
            tabs = screen.query_one(TabbedContent)
            tabs.active = next(pane.id for pane in tabs.query(TabPane) if str(tabs.get_tab(pane.id).label) == title)
            await settle(pilot, screen)
        if keys:
            await pilot.press(*keys)
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), what="the help")
        await pilot.pause(0.2)

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("tab", [None, "拟合", "损失曲面"], ids=["loss", "fit", "landscape"])
def test_training_view_in_chinese(snap_compare, tab, size):
    app = LearnApp("linear-regression", seed=0, preload_torch=False, show_speed=False)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=on_tab(tab))


@pytest.mark.parametrize("size", SIZES)
def test_help_in_chinese(snap_compare, size):
    app = LearnApp("linear-regression", seed=0, preload_torch=False, show_speed=False)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=on_tab(None, 1, "question_mark"))
