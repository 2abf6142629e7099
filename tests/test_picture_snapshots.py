"""Screenshots of each picture of the model at 80×24 and 120×36 (pytest-textual-snapshot), after three
seeded steps with the run paused: the fitted line, the sigmoid, the decision boundary, the loss landscape,
the weight cells and the autograd graph. Update after an intended change with ``--snapshot-update``."""

from __future__ import annotations

import pytest
from app_helpers import ready, settle
from textual.widgets import TabbedContent, TabPane

from tui.app import LearnApp

PICTURES = [
    ("linear-regression", "Fit"),
    ("linear-regression", "Landscape"),
    ("gradient-descent", "Landscape"),
    ("logistic-regression", "Sigmoid"),
    ("simple-nn", "Boundary"),
    ("multi-input", "Weights"),
    ("autograd", "Graph"),
]


def on_tab(title: str, count: int = 3):
    async def run_before(pilot):
        screen = await ready(pilot)
        await pilot.press(*["n"] * count)
        await settle(pilot, screen)
        tabs = screen.query_one(TabbedContent)
        tabs.active = next(pane.id for pane in tabs.query(TabPane) if str(tabs.get_tab(pane.id).label) == title)
        await settle(pilot, screen)
        await pilot.pause(0.2)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize(("lesson", "tab"), PICTURES, ids=[f"{lesson}-{tab}" for lesson, tab in PICTURES])
def test_each_picture_of_the_model(snap_compare, lesson, tab, size):
    app = LearnApp(lesson, seed=0, preload_torch=False, show_speed=False)
    assert snap_compare(app, terminal_size=size, run_before=on_tab(tab))
