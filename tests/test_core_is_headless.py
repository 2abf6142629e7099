"""The core runs without a screen: importing it (and every lesson) never imports Textual."""

import subprocess
import sys

from conftest import REPO

PROBE = """
import sys
import core, core.catalog, core.cli, core.headless, core.trainer, core.checkpoint
for info in core.catalog.catalog():
    core.catalog.load(info.id)
bad = sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))
assert not bad, f"core imported {bad[:5]}"
print("ok", len(core.catalog.catalog()))
"""

LIGHT = """
import sys
import core.catalog, core.cli
core.catalog.catalog()
core.cli.build_parser()
assert "torch" not in sys.modules, "listing lessons and parsing arguments must not import torch"
print("ok")
"""


def run_probe(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_core_and_every_lesson_import_without_textual():
    assert run_probe(PROBE).startswith("ok")


def test_listing_lessons_does_not_import_torch():
    assert run_probe(LIGHT).strip() == "ok"
