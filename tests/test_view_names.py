"""A lesson's view names are checked, not guessed: each name a lesson declares is a picture the app draws
(``core.base.views.VIEWS``, with its data's TypedDict) with its widget in ``tui/views/<name>.py``, or the
lesson's own data wrapped in ``PlainView`` (drawn as text). Any other name is refused in one line when the
lesson is built, so a typo never silently turns a picture into pretty-printed data. And the data each built-in
lesson's views compute is of the type its picture draws."""

from __future__ import annotations

import importlib
import json
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest
from textual.widget import Widget

from core.base.views import VIEWS
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import LessonFileError, UsageError
from core.front.cli import main
from core.lesson import Lesson, PlainView
from core.phases import EVAL
from tui.views import make_view
from tui.widgets.generic_view import GenericView

VIEW_MODULES = Path(__file__).resolve().parents[1] / "tui" / "views"
BUILT_IN = [info.id for info in catalog.catalog()]


def no_data(run: Any) -> dict:
    return {}


def train(run):
    yield from ()


@pytest.mark.parametrize("lesson_id", BUILT_IN)
def test_every_view_a_built_in_lesson_declares_has_its_data_type_and_its_widget(lesson_id):
    lesson = catalog.load(lesson_id)
    for name, compute in lesson.views.items():
        assert name in VIEWS, f"{lesson_id}: view {name!r} has no data type in core/base/views.py"
        widget_class = importlib.import_module(f"tui.views.{name}").VIEW
        assert issubclass(widget_class, Widget) and callable(widget_class.show)
        widget = make_view(name, compute)
        assert type(widget) is widget_class and not isinstance(widget, GenericView)


def test_every_view_the_app_draws_has_a_widget_and_every_widget_a_name():
    modules = {path.stem for path in VIEW_MODULES.glob("*.py") if path.stem != "__init__"}
    assert set(VIEWS) == modules


def test_a_view_name_the_app_does_not_draw_is_refused_in_one_line_with_the_list():
    with pytest.raises(UsageError) as refused:
        Lesson(id="mine", title="mine", lecture=None, train=train, views={"digit": no_data})
    message = str(refused.value)
    assert "\n" not in message and message.startswith("lesson mine: the app has no view 'digit'")
    assert "did you mean 'digits'?" in message and "views={'digit': PlainView(fn)}" in message
    assert all(name in message for name in VIEWS)
    plain = Lesson(id="mine", title="mine", lecture=None, train=train, views={"digit": PlainView(no_data)})
    assert plain.views["digit"](None) == {}  # wrapped: the lesson's own data, drawn as text


def test_make_view_draws_a_plain_view_as_text_and_refuses_an_unknown_name():
    with pytest.raises(UsageError, match="no view 'samples2'.*did you mean 'samples'"):
        make_view("samples2", no_data)
    with pytest.raises(UsageError, match="no view 'line'"):
        make_view("line")
    assert isinstance(make_view("line", PlainView(no_data)), GenericView)
    assert type(make_view("fit")).__name__ == "FitView"


LEARNERS_LESSON = """
from core.lesson import Lesson
from core.phases import EPOCH, LOSS


def train(run):
    for epoch in run.epochs():
        yield LOSS, 1.0
        yield EPOCH


LESSON = Lesson(
    id="mine",
    title="mine",
    lecture=None,
    train=train,
    views={"confussion": lambda run: []},
)
"""


def test_a_learners_lesson_naming_a_view_the_app_lacks_fails_to_load_in_one_line(tmp_path, capsys):
    path = tmp_path / "mine.py"
    path.write_text(LEARNERS_LESSON)
    with pytest.raises(LessonFileError) as refused:
        catalog.load_file(path)
    assert "\n" not in str(refused.value)
    assert "no view 'confussion' (did you mean 'confusion'?)" in str(refused.value)
    assert main(["run", str(path), "--headless", "--steps", "1"]) == 1  # (a lesson file that fails to load: README's 1)
    err = capsys.readouterr().err
    assert "did you mean 'confusion'?" in err.splitlines()[-1] and f'"{path.resolve()}", line' in err  # where
    path.write_text(
        LEARNERS_LESSON.replace("lambda run: []", "PlainView(lambda run: [])").replace(
            "import Lesson", "import Lesson, PlainView"
        )
    )
    assert main(["run", str(path), "--headless", "--steps", "1"]) == 0


# -- the data of every built-in lesson's views is of its picture's type -----------------------------------------
def problems(value: Any, kind: Any, where: str) -> list[str]:
    """Where ``value`` is not of the type ``kind`` (a TypedDict, a list, a union ... of plain data)."""
    if is_typeddict(kind):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a {kind.__name__}"]
        hints = get_type_hints(kind)
        found = [f"{where}: no {key!r}" for key in sorted(kind.__required_keys__ - value.keys())]
        found += [f"{where}: {key!r} is not in {kind.__name__}" for key in sorted(value.keys() - hints.keys())]
        for key in value.keys() & hints.keys():
            found += problems(value[key], hints[key], f"{where}[{key!r}]")
        return found
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, types.UnionType):
        options = [problems(value, option, where) for option in args]
        return [] if any(not found for found in options) else min(options, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, not a list"]
        return [problem for i, item in enumerate(value) for problem in problems(item, args[0], f"{where}[{i}]")]
    if origin is Literal:
        return [] if value in args else [f"{where}: {value!r} is none of {args}"]
    if kind is Any:
        return []
    expected = (int, float) if kind is float else kind
    return [] if isinstance(value, expected) else [f"{where}: {type(value).__name__} {value!r}, not {kind}"]


def views_of(lesson_id: str, tmp_path_factory: Any) -> list[dict[str, Any]]:
    """The views' data of a short seeded run: at its start, mid-way, and after its first test where it has one."""
    from test_gpt_lesson import POEM, SMALL
    from test_mnist_data import write_mnist

    options: dict[str, Any] = {}
    if lesson_id.startswith("mnist"):
        root = tmp_path_factory.mktemp("mnist")
        write_mnist(root / "MNIST" / "raw", train=64, test=20)
        options = {"data_dir": str(root), "batch_size": 16}
    elif lesson_id == "char-gpt":
        text = tmp_path_factory.mktemp("text") / "poem.txt"
        text.write_text(POEM * 30, encoding="utf-8")
        options = {**SMALL, "n_layer": 1, "text": str(text), "sample_interval": 2}
    elif lesson_id == "rnn-names":
        options = {"hidden_size": 8, "n_layers": 1}
    trainer = Trainer(catalog.load(lesson_id), seed=0, options=options, steps=60)
    seen = [trainer.snapshot().views]
    for count, event in enumerate(trainer, 1):
        if count == 8:
            seen.append(trainer.snapshot().views)
        if getattr(event, "phase", None) is EVAL:
            break
    if lesson_id == "rnn-names":
        trainer.call("predict", "Nakamura")
    seen.append(trainer.snapshot().views)
    return seen


@pytest.mark.parametrize("lesson_id", BUILT_IN)
def test_each_built_in_lessons_views_compute_their_pictures_data(lesson_id, tmp_path_factory):
    for when, views in enumerate(views_of(lesson_id, tmp_path_factory)):
        for name, data in views.items():
            assert problems(data, VIEWS[name], f"{lesson_id} {name} (snapshot {when})") == []
            json.dumps(data)  # plain data: it crosses the wire as it is
