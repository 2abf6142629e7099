"""The course lessons' panels (batch, hidden_states, name_predictions): pure rendering of the plain data
the lessons send, and each widget standalone in a tiny Textual app."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult

from tui.views import batch, hidden_states, name_predictions

BATCH = {
    "epoch": 2,
    "iteration": 3,
    "iterations": 24,
    "batch_size": 32,
    "shuffle": True,
    "dataset_size": 759,
    "rows": list(range(100, 132)),
    "labels": [i % 2 for i in range(32)],
    "epoch_batches": [[5, 6], [7, 8], [100, 101]],
    "last_epoch_batches": [[9, 1], [3, 4], [2, 0]],
    "next": {"batch_size": 64, "shuffle": False},
}

STEPS = [
    {"input": c, "target": t, "hidden": [0.5, -0.9, 0.0, 0.2], "probabilities": [0.1, 0.2, 0.3, 0.4], "predicted": p}
    for c, t, p in zip("hello", "ohlol", "ohlll")
]
HIDDEN = {
    "cell": "rnncell",
    "input": "hello",
    "target": "ohlol",
    "steps": STEPS,
    "predictions": [[1, "hhhhh"], [2, "ohlll"], [3, "ohlol"]],
}

NAMES = {
    "query": {
        "name": "Nakamura",
        "top": [{"country": "Japanese", "probability": 0.9}, {"country": "Arabic", "probability": 0.06}],
    },
    "per_country": [["Arabic", 0.99, 667], ["English", 0.42, 1223]],
    "accuracy": 0.8,
    "source": "course",
}


def test_batch_panel_shows_position_rows_pending_change_and_order():
    text = batch.render_batch(BATCH).plain
    assert "epoch 2 · iteration 3 of 24 · batch size 32 · shuffle on · 759 rows" in text
    assert "from epoch 3: batch size 64 · shuffle off" in text
    assert "   100   101   102" in text and "rows in this batch (32)" in text
    assert "this epoch: 5 7 100" in text and "last epoch: 9 3 2" in text and "a new order" in text
    same = dict(BATCH, next={"batch_size": 32, "shuffle": True}, last_epoch_batches=BATCH["epoch_batches"])
    text = batch.render_batch(same).plain
    assert "from epoch" not in text and "same order as last epoch" in text
    assert "No batch yet" in batch.render_batch({"epoch": 0, "iteration": 0, "rows": []}).plain
    assert "boom" in batch.render_batch({"error": "ValueError: boom"}).plain


def test_hidden_state_panel_shows_each_time_step_and_the_predictions():
    text = hidden_states.render_hidden_states(HIDDEN).plain
    lines = text.splitlines()
    assert 'cell rnncell · input "hello" → target "ohlol"' in text
    step4 = next(line for line in lines if line.startswith(" 4 l"))
    assert "+0.50 -0.90 +0.00 +0.20" in step4 and step4.endswith("want o")
    assert "prediction: ohlll" in text
    assert "step    3  ohlol  ✓" in text and "step    2  ohlll\n" in text + "\n"
    assert "No forward pass yet" in hidden_states.render_hidden_states(dict(HIDDEN, steps=[], predictions=[])).plain


@pytest.mark.parametrize("units", [1, 4, 8, 10, 64])
@pytest.mark.parametrize("width", [None, 88, 68, 40])
def test_hidden_state_header_stays_over_its_columns(units, width):
    steps = [dict(step, hidden=[(-1) ** i * 0.5 for i in range(units)]) for step in STEPS]
    lines = hidden_states.render_hidden_states(dict(HIDDEN, steps=steps), width).plain.splitlines()
    header, rows = lines[2], lines[3:8]
    out = header.index("out")
    assert header.startswith(" t in hidden") and all(row[out] == step["predicted"] for row, step in zip(rows, STEPS))
    if width:
        assert max(len(line) for line in [header, *rows]) <= width
    if units == 8 and width != 40:  # gru's 8 units fit in a 70-column tab
        assert "(8 units)" in header and "…" not in rows[0] and rows[3].endswith("want o")


def test_name_panel_shows_the_typed_name_and_accuracy_per_country_worst_first():
    text = name_predictions.render_name_predictions(NAMES).plain
    assert "Nakamura" in text and "Japanese" in text and "90.0%" in text
    assert "test accuracy 80.0%" in text
    per_country = text[text.index("test accuracy") :]
    assert per_country.index("English") < per_country.index("Arabic")  # worst first
    empty = name_predictions.render_name_predictions({"query": None, "per_country": [], "accuracy": None}).plain
    assert "Press p" in empty and "after the first epoch" in empty


class Host(App):
    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


@pytest.mark.parametrize(
    "module, data, expected",
    [
        (batch, BATCH, "iteration 3 of 24"),
        (hidden_states, HIDDEN, "prediction: ohlll"),
        (name_predictions, NAMES, "Nakamura"),
    ],
)
def test_each_widget_renders_what_it_is_shown(module, data, expected):
    async def scenario():
        view = module.VIEW()
        async with Host(view).run_test(size=(100, 50)) as pilot:
            view.show(data)
            await pilot.pause()
            assert expected in str(view.render())
            view.show({"error": "RuntimeError: boom"})
            await pilot.pause()
            assert "boom" in str(view.render())

    asyncio.run(scenario())


def test_hidden_state_widget_fits_its_width():
    steps = [dict(step, hidden=[0.25] * 64) for step in STEPS]

    async def scenario():
        view = hidden_states.VIEW()
        async with Host(view).run_test(size=(50, 40)) as pilot:
            view.show(dict(HIDDEN, steps=steps))
            await pilot.pause()
            assert max(len(line) for line in str(view.render()).splitlines()) <= 48  # (a padding each side)
            await pilot.resize_terminal(90, 40)
            await pilot.pause()
            assert " +0.25" * 12 in str(view.render())  # wider: more units
