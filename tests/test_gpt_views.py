"""The char-gpt lesson's panels: samples and the attention heat map, fed the lesson's real view data."""

import pytest
from textual.app import App, ComposeResult

from core.engine.catalog import load
from core.engine.trainer import Trainer
from tui.views import make_view
from tui.views.attention import AttentionView, glyph, level_of, render_attention
from tui.views.samples import SamplesView, printable, render_samples


@pytest.fixture(scope="module")
def views(tmp_path_factory):
    path = tmp_path_factory.mktemp("text") / "song.txt"
    path.write_text("row, row, row your boat\ngently down the stream\n" * 20, encoding="utf-8")
    options = {
        "text": str(path),
        "n_layer": 1,
        "n_head": 2,
        "n_embd": 16,
        "block_size": 12,
        "batch_size": 4,
        "eval_interval": 100,
        "eval_batches": 2,
        "sample_interval": 2,
        "sample_tokens": 30,
        "prompt": "row",
    }
    trainer = Trainer(load("char-gpt"), steps=4, options=options)
    for _ in trainer:
        pass
    return trainer.snapshot().views


def test_the_lesson_views_map_to_these_widgets():
    assert isinstance(make_view("samples"), SamplesView)
    assert isinstance(make_view("attention"), AttentionView)


def test_samples_show_newest_first_with_prompt_and_settings(views):
    text = render_samples(views["samples"]).plain
    latest = views["samples"]["samples"][-1]
    assert text.index("step 4") < text.index("step 2")
    assert "row" + printable(latest["text"]) in text
    assert "temperature 0.8, top-k off" in text
    assert "prompt 'row'" in text


def test_samples_before_the_first_and_after_an_error():
    empty = {"samples": [], "prompt": "", "temperature": 0.8, "top_k": 0, "source": "", "vocab_size": 0}
    assert "No sample yet" in render_samples(empty).plain
    assert "(a new line)" in render_samples(empty).plain
    assert "boom" in render_samples({"error": "RuntimeError: boom"}).plain


def test_control_characters_in_a_sample_cannot_reach_the_terminal():
    assert printable("a\x1b[31mb\tc\nd\u200e") == "a·[31mb\tc\nd·"


def test_the_heat_map_has_a_row_per_character_and_brighter_cells_for_more_weight(views):
    data = views["attention"]
    lines = render_attention(data).plain.splitlines()
    rows = [line for line in lines[4:] if "→" in line]
    assert len(rows) == len(data["tokens"]) == 12
    assert rows[0].startswith(glyph(data["tokens"][0]))
    assert "100%" in rows[0]  # the first character can only look at itself
    assert level_of(0.0) == 0 and level_of(1.0) == 63 and level_of(0.25) == 32
    assert glyph("\n") == "⏎" and glyph(" ") == "␣" and glyph("\x07") == "·" and glyph("学") == "·"
    assert "No sample yet" in render_attention(None).plain


def test_the_widgets_render_in_an_app(views):
    class ViewsApp(App):
        def compose(self) -> ComposeResult:
            yield SamplesView()
            yield AttentionView()

    async def scenario():
        app = ViewsApp()
        async with app.run_test(size=(100, 60)) as pilot:
            app.query_one(SamplesView).show(views["samples"])
            app.query_one(AttentionView).show(views["attention"])
            await pilot.pause()
            shown = str(app.query_one(SamplesView).render())
            assert "step 4" in shown
            assert app.query_one(AttentionView).size.height >= 12

    import asyncio

    asyncio.run(scenario())
