"""The core runs without a screen: no file of core/ imports Textual or the app, and importing the core
(and every lesson) never loads Textual, nor torch just to list lessons or parse arguments."""

import ast
import subprocess
import sys

from conftest import REPO

FORBIDDEN = ("textual", "tui")

PROBE = """
import sys
import core, core.engine.catalog, core.front.cli, core.front.headless, core.engine.trainer, core.checkpoint.store
for info in core.engine.catalog.catalog():
    core.engine.catalog.load(info.id)
bad = sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))
assert not bad, f"core imported {bad[:5]}"
print("ok", len(core.engine.catalog.catalog()))
"""

LIGHT = """
import sys
import core.engine.catalog, core.front.cli
core.engine.catalog.catalog()
core.front.cli.build_parser()
assert "torch" not in sys.modules, "listing lessons and parsing arguments must not import torch"
print("ok")
"""


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an ``import`` or ``from ... import`` names, at any depth (inside functions too)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))
            and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def forbidden_imports(root):
    bad = []
    for path in sorted(root.rglob("*.py")):
        for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if module.split(".")[0] in FORBIDDEN:
                bad.append(f"{path.relative_to(root.parent)}:{line} imports {module}")
    return bad


def test_no_file_in_core_imports_textual_or_the_app_even_inside_a_function(tmp_path):
    planted = tmp_path / "core"
    (planted / "sub").mkdir(parents=True)
    (planted / "sub" / "cli.py").write_text("def main():\n    if True:\n        from tui.app import run_app\n")
    (planted / "ok.py").write_text("import textwrap\nfrom core.tuition import x\n")
    assert forbidden_imports(planted) == ["core/sub/cli.py:3 imports tui.app"]  # the walk sees into functions
    assert len(list((REPO / "core").rglob("*.py"))) > 20  # it reads all of core/: lessons, data and gpt too
    assert forbidden_imports(REPO / "core") == []


def run_probe(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_core_and_every_lesson_import_without_textual():
    assert run_probe(PROBE).startswith("ok")


def test_listing_lessons_does_not_import_torch():
    assert run_probe(LIGHT).strip() == "ok"
