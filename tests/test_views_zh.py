"""Every picture of every built-in lesson in Chinese (``--lang zh``): its tab's name and every line it draws at
80×24 and 120×36, at the start of a short seeded run, mid-way and after its first test, hold no English word
(three or more letters) but code: the lesson's identifiers, its options' names and values, the data it shows
(autograd's node names, the countries, the sampled text) and a few proper nouns."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path
from typing import Any

import pytest
from app_helpers import async_test
from test_view_names import BUILT_IN, views_of
from textual.app import App
from textual.geometry import Region

from core.base import i18n
from core.engine import catalog
from tui.views import make_view, title

SIZES = ((80, 24), (120, 36))
WORD = re.compile(r"[A-Za-z]{3,}")
PROPER = {"MNIST", "PyTorch", "GPT", "CNN", "RNN", "GRU", "SGD", "Adam", "MSE", "ReLU", "Python", "Sigmoid"}
CODE = {"autograd", "backward", "grad", "requires_grad", "sigmoid", "softmax", "None", "top", "Conv2d", "conv"}
SPOKEN = {"message", "error", "source"}  # the data's own sentences: these must be Chinese too


def words(text: str) -> set[str]:
    return set(WORD.findall(text))


def code_words(lesson_id: str, options: dict[str, Any]) -> set[str]:
    """The lesson's identifiers (its source's names), its options' names and values."""
    lesson = catalog.load(lesson_id)
    allowed: set[str] = set()
    if lesson.source_file:
        source = Path(lesson.source_file).read_text(encoding="utf-8")
        names = (t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.NAME)
        allowed |= {word for name in names for word in words(name)}
    for option in lesson.options:
        allowed |= words(option.name) | words(str(option.default)) | words(str(getattr(option, "choices", "")))
    for name, value in options.items():
        allowed |= words(name) | words(str(value))
    return allowed


def data_words(data: Any) -> set[str]:
    """The words of what the view shows as data (tokens, names, node ops), not of its sentences."""
    if isinstance(data, dict):
        return {word for key, value in data.items() if key not in SPOKEN for word in data_words(value)}
    if isinstance(data, list):
        return {word for value in data for word in data_words(value)}
    return words(data) if isinstance(data, str) else set()


def characters(data: Any) -> set[str]:
    """The one-character strings among the data: a model's predictions, a vocabulary."""
    if isinstance(data, dict):
        return {c for key, value in data.items() if key not in SPOKEN for c in characters(value)}
    if isinstance(data, list):
        return {c for value in data for c in characters(value)}
    return {data} if isinstance(data, str) and len(data) == 1 else set()


def path_words(data: Any) -> set[str]:
    """The words of the file a view's data came from (char-gpt's ``--text``, an option's value)."""
    source = data.get("source") if isinstance(data, dict) else None
    return words(source) if isinstance(source, str) and "/" in source else set()


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language(None)


def drawn(widget) -> str:
    width, height = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


@pytest.mark.parametrize("lesson_id", BUILT_IN)
@async_test
async def test_every_picture_of_a_lesson_speaks_chinese(chinese, lesson_id, tmp_path_factory):
    snapshots = views_of(lesson_id, tmp_path_factory)
    options = {option.name: option.default for option in catalog.load(lesson_id).options}
    allowed = PROPER | CODE | code_words(lesson_id, options)
    english: list[str] = []
    for name in snapshots[0]:
        english += [f"{name}: tab {title(name)!r}"] if words(title(name)) - PROPER else []
    for size in SIZES:
        async with App().run_test(size=size) as pilot:
            for when, views in enumerate(snapshots):
                for name, data in views.items():
                    widget = make_view(name)
                    await pilot.app.screen.mount(widget)
                    widget.show(data)
                    await pilot.pause()
                    text = drawn(widget)
                    shown = data_words(data) | path_words(data)
                    letters = characters(data)  # (rnn-hello's predicted string is its characters joined)
                    left = {w for w in words(text) - allowed - shown if not set(w) <= letters}
                    english += [f"{name} {size} snapshot {when}: {sorted(left)} in\n{text}"] if left else []
                    await widget.remove()
    assert not english, "\n\n".join(english)
