"""The docs' code is true: every complete lesson in docs/*.md (a ```python block right after a
``<!-- complete lesson ... -->`` line) trains, its keys bind and its views and actions answer; every other
snippet names only what exists (``core`` imports, ``run.`` attributes, ``Lesson``/``Option``/``Control``
arguments; options and controls written with literals are built as written)."""

from __future__ import annotations

import ast
import importlib
import json
import re
import textwrap
from dataclasses import fields
from pathlib import Path

import pytest

from core.engine import catalog
from core.engine.trainer import Trainer
from core.front.cli import main
from core.lesson import Control, Lesson, Option

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"^(<!-- complete lesson[^\n]*-->\n)?```python\n(.*?)^```", re.S | re.M)


def blocks(complete: bool) -> list[tuple[str, str]]:
    """``(doc:line, source)`` of the python blocks that are (or are not) marked as complete lessons."""
    found = []
    for doc in sorted(DOCS.glob("*.md")):
        text = doc.read_text()
        for match in BLOCK.finditer(text):
            if bool(match.group(1)) == complete:
                found.append((f"{doc.name}:{text.count(chr(10), 0, match.start()) + 1}", match.group(2)))
    return found


LESSONS = blocks(complete=True)
SNIPPETS = blocks(complete=False)


def load(tmp_path: Path, source: str, name: str = "lesson.py") -> tuple[Path, Lesson]:
    path = tmp_path / name
    path.write_text(source)
    return path, catalog.load_file(path)


def run_names() -> set[str]:
    """What a lesson's ``run`` offers (a built run of the documented example)."""
    return set(dir(Trainer(catalog.load_file(DOCS / "examples" / "fahrenheit.py"), steps=1).run))


def test_the_guide_and_the_api_page_each_hold_a_complete_lesson():
    assert {name.split(":")[0] for name, _ in LESSONS} == {"writing-lessons.md", "lesson-api.md"}


@pytest.mark.parametrize("source", [s for _, s in LESSONS], ids=[n for n, _ in LESSONS])
def test_a_complete_lesson_in_the_docs_trains_headless(tmp_path, capsys, source):
    path, _ = load(tmp_path, source)
    code = main(["run", str(path), "--json", "--steps", "5"])
    out, err = capsys.readouterr()
    summary = json.loads(out.splitlines()[-1])
    assert code == 0, err
    assert summary["event"] == "summary" and summary["status"] == "finished" and summary["steps"] == 5


@pytest.mark.parametrize("source", [s for _, s in LESSONS], ids=[n for n, _ in LESSONS])
def test_a_complete_lessons_keys_bind_and_its_views_and_actions_answer(tmp_path, source):
    from tui.screens.training_keys import lesson_keys

    _, lesson = load(tmp_path, source)
    keys, problems = lesson_keys(lesson)
    assert problems == [] and len(keys) == len(lesson.controls)
    trainer = Trainer(lesson, steps=3)
    events = list(trainer)
    assert trainer.step == 3 and events[-1].reason == "steps"
    views = trainer.snapshot().views
    assert set(views) == set(lesson.views)
    assert not any(isinstance(v, dict) and "error" in v for v in views.values()), views
    json.dumps(views)  # plain data
    for control in lesson.controls:
        if control.toggles:
            before = trainer.options[control.toggles]
            trainer.set_option(control.toggles, not before)
            assert getattr(trainer.run.options, control.toggles) is (not before)
        else:
            json.dumps(trainer.call(control.action, "4" if control.prompt else None))  # plain data


def test_the_api_example_shows_its_hand_computed_gradient_and_its_scheduled_rate(tmp_path):
    source = next(s for n, s in LESSONS if n.startswith("lesson-api.md"))
    _, lesson = load(tmp_path, source, "line_by_hand.py")
    trainer = Trainer(lesson, steps=40, options={"decay": True})
    list(trainer)
    w = next(p for p in trainer.snapshot().params if p.name == "w")
    assert w.grad is not None  # yield BACKWARD, {"w": grad}: the Grads tab shows it
    assert lesson.schedules_lr and trainer.metrics["lr_now"] < trainer.lr  # decayed, reported as lr_now
    assert trainer.call("predict", "4") == {"x": 4.0, "y": pytest.approx(8.0, abs=0.05)}
    with pytest.raises(Exception, match="type a number"):
        trainer.call("predict", "four")


def _tree(source: str) -> ast.AST:
    """A snippet as code: a loop fragment (with ``yield``) is read inside a generator function."""
    try:
        return ast.parse(source)
    except SyntaxError:
        return ast.parse("def _fragment():\n" + textwrap.indent(source, "    ") + "\n    yield\n")


@pytest.mark.parametrize("source", [s for _, s in SNIPPETS], ids=[n for n, _ in SNIPPETS])
def test_a_snippet_in_the_docs_names_only_what_exists(source):
    names = run_names()
    built = {cls.__name__: (cls, {f.name for f in fields(cls)}) for cls in (Lesson, Option, Control)}
    for node in ast.walk(_tree(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core"):
            module = importlib.import_module(node.module)
            assert all(hasattr(module, alias.name) for alias in node.names), ast.unparse(node)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "run":
            assert node.attr in names, f"run.{node.attr}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in built:
            cls, allowed = built[node.func.id]
            assert {k.arg for k in node.keywords} <= allowed, ast.unparse(node)
            literal = all(isinstance(a, ast.Constant) for a in [*node.args, *(k.value for k in node.keywords)])
            if cls is not Lesson and literal:
                eval(ast.unparse(node), {cls.__name__: cls})  # builds as written (checks pass)


def test_the_prose_names_only_what_run_and_lesson_offer():
    """``run.x`` and ``Lesson(x=...)`` written in backticks in the guide exist too."""
    names, lesson_fields = run_names(), {f.name for f in fields(Lesson)}
    for doc in ("writing-lessons.md", "lesson-api.md"):
        text = (DOCS / doc).read_text()
        for attr in re.findall(r"`run\.([a-z_]+)", text):
            assert attr in names, f"{doc}: run.{attr}"
        for field_name in re.findall(r"Lesson\(([a-z_]+)=", text):
            assert field_name in lesson_fields, f"{doc}: Lesson({field_name}=)"
