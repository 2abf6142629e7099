"""Screenshots of the picker and of the training view after seeded steps (pytest-textual-snapshot).

Nothing timing-dependent is on screen: steps/s is hidden (``show_speed=False``), the picker lists a
fixed set of lessons, and the run is paused at a fixed step. Update after an intended change with
``pytest tests/test_app_snapshots.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

import re
from importlib import metadata

import pytest
from app_helpers import HERE, TOY, ready, settle
from conftest import REPO

from core.engine.catalog import LessonInfo
from tui.app import LearnApp
from tui.screens import picker

FIXED_LESSONS = [
    LessonInfo("linear-grid", "Linear model by exhaustive search", 2, "A linear model by grid search.", str(HERE)),
    LessonInfo(
        "autograd",
        "Back propagation with autograd",
        4,
        "Backprop with autograd (lecture 4).\n\nThe course computes **w.grad** with `l.backward()`:\n\n"
        "    l = loss(x, y)\n    l.backward()\n    w.data = w.data - 0.01 * w.grad.data\n",
        str(HERE),
    ),
    LessonInfo("toy", "A toy linear model", 5, "Toy.", str(HERE)),
    LessonInfo("char-gpt", "A character-level GPT", None, "Beyond the course.", str(HERE)),
]


def test_the_snapshot_toolchain_is_the_pinned_one():
    """The snapshots were taken with the versions pyproject.toml pins: another textual (or rich, ...) draws them
    otherwise, and the snapshot tests would fail for that rather than for a change of learn-tui."""
    pins = re.findall(r'"([A-Za-z0-9_.-]+)==([^"]+)"', (REPO / "pyproject.toml").read_text())
    assert {"textual", "pytest-textual-snapshot"} <= {name for name, _ in pins}
    installed = {name: metadata.version(name) for name, _ in pins}
    assert installed == dict(pins), "pip install -e '.[test]' installs the pinned versions"


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
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=steps(2, "full_stop", "full_stop", "right_square_bracket")
    )


def test_loss_chart_on_a_log_scale_at_80x24(snap_compare, fixed_catalog):
    """One line of status and of keys, at least 8 rows of chart, round ticks, the log scale said in words."""
    app = LearnApp(TOY, seed=0, preload_torch=False, show_speed=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps(6, "g"))


# -- the training view of three kinds of lesson at three terminal sizes --------------------------------------
SIZES = {"80x24": (80, 24), "100x30": (100, 30), "160x45": (160, 45)}  # 160 columns: Params and Grads beside


@pytest.fixture(scope="module")
def tiny_mnist(tmp_path_factory):
    """A fixed tiny MNIST (synthetic digits, seeded): 64 training and 20 test images."""
    from test_mnist_data import write_mnist

    root = tmp_path_factory.mktemp("mnist")
    write_mnist(root / "MNIST" / "raw", train=64, test=20)
    return str(root)


@pytest.fixture(scope="module")
def tiny_text(tmp_path_factory):
    from test_gpt_lesson import POEM

    path = tmp_path_factory.mktemp("text") / "poem.txt"
    path.write_text(POEM * 30, encoding="utf-8")
    return str(path)


def lesson_app(lesson: str, tiny_mnist: str, tiny_text: str) -> LearnApp:
    from test_gpt_lesson import SMALL

    options = {
        "mnist-softmax": {"data_dir": tiny_mnist, "batch_size": 16},
        "char-gpt": {**SMALL, "n_layer": 1, "text": tiny_text},
    }.get(lesson, {})
    return LearnApp(lesson, seed=0, preload_torch=False, show_speed=False, options=options)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lesson", ["linear-regression", "mnist-softmax", "char-gpt"])
def test_training_view_of_a_lesson(snap_compare, lesson, size, tiny_mnist, tiny_text):
    """Three steps in: the status bar, code, chart (and at 160 columns the tables) whole, nothing cut mid-word."""
    app = lesson_app(lesson, tiny_mnist, tiny_text)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps(3))
