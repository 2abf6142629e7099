"""Screenshots of the picker and of the training view after seeded steps (pytest-textual-snapshot).

Nothing timing-dependent is on screen: steps/s is hidden (``show_speed=False``), the picker lists a
fixed set of lessons, and the run is paused at a fixed step. Update after an intended change with
``pytest tests/test_app_snapshots.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

import pytest
from app_helpers import HERE, TOY, ready, settle

from core.catalog import LessonInfo
from tui.app import LearnApp
from tui.screens import picker

FIXED_LESSONS = [
    LessonInfo("linear-grid", "Linear model by exhaustive search", 2, "A linear model by grid search.", str(HERE)),
    LessonInfo("autograd", "Back propagation with autograd", 4,
               "Backprop with autograd (lecture 4).\n\nThe course computes **w.grad** with `l.backward()`:\n\n"
               "    l = loss(x, y)\n    l.backward()\n    w.data = w.data - 0.01 * w.grad.data\n", str(HERE)),
    LessonInfo("toy", "A toy linear model", 5, "Toy.", str(HERE)),
    LessonInfo("char-gpt", "A character-level GPT", None, "Beyond the course.", str(HERE)),
]


@pytest.fixture
def fixed_catalog(monkeypatch):
    monkeypatch.setattr(picker, "lesson_infos", lambda: (FIXED_LESSONS, []))


def test_picker(snap_compare, fixed_catalog):
    async def show_second_lesson(pilot):
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause(0.3)  # the Markdown preview renders in the background

    app = LearnApp(preload_torch=False)
    assert snap_compare(app, terminal_size=(100, 24), run_before=show_second_lesson)


def steps(count: int, *keys: str):
    async def run_before(pilot):
        screen = await ready(pilot)
        await pilot.press(*["n"] * count)
        await settle(pilot, screen)
        await pilot.press(*keys)
        await settle(pilot, screen)

    return run_before


def test_training_view_after_five_steps(snap_compare, fixed_catalog):
    app = LearnApp(TOY, seed=0, preload_torch=False, show_speed=False)
    assert snap_compare(app, terminal_size=(120, 34), run_before=steps(5))


def test_parameter_table_mid_step_at_80x24(snap_compare, fixed_catalog):
    app = LearnApp(TOY, seed=0, preload_torch=False, show_speed=False)
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=steps(2, "full_stop", "full_stop", "right_square_bracket"))
