"""The README's two set-up commands stay true: CI runs the test one, and the other names a real lesson."""

import re
from pathlib import Path

import pytest
from conftest import REPO

from core.engine import catalog


def readme_commands():
    text = (REPO / "README.md").read_text()
    start = text.index("## Start")
    return re.findall(r"```\n(.+?)\n```", text[start : text.index("## What you see")])


def test_the_readme_gives_exactly_two_commands_that_create_the_venv_if_missing():
    commands = readme_commands()
    assert len(commands) == 2
    assert all(c.startswith("test -d .venv || python3 -m venv .venv && ") for c in commands)


def test_ci_runs_the_readmes_test_command():
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci


def test_ci_runs_every_snapshot_test_again_with_another_cpus_rounding():
    """After the README's command, the snapshot tests on ATen's portable kernels (issue #19: a CPU whose kernels
    add in another order must draw the same screens), reached only when every command of the README's passed."""
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    readme = ci.index(readme_commands()[1])
    [again] = [i for i, line in enumerate(ci) if line.startswith("ATEN_CPU_CAPABILITY=default ")]
    tests = [path for path in (REPO / "tests").glob("test_*.py") if path.name != Path(__file__).name]
    snapshot_tests = {path.relative_to(REPO).as_posix() for path in tests if "snap_compare" in path.read_text()}
    run = {path.relative_to(REPO).as_posix() for word in ci[again].split() for path in REPO.glob(word)}
    assert len(snapshot_tests) >= 3 and snapshot_tests <= run  # (the line's globs, expanded as the shell does)
    assert readme < again and any('exit "$status"' in line for line in ci[readme + 1 : again])


def test_the_first_command_opens_the_first_lesson_of_the_picker():
    first = catalog.catalog()[0].id
    assert readme_commands()[0].endswith(f".venv/bin/learn-tui run {first}")


def test_the_lesson_table_lists_every_lesson():
    text = (REPO / "README.md").read_text()
    for info in catalog.catalog():
        assert f"| `{info.id}` |" in text


def test_every_tool_the_test_command_runs_is_installed_by_the_test_extra():
    """A fresh clone has only what ``pip install -e '.[test]'`` brings: each ``.venv/bin`` tool of the command must
    come from a package of the test extra (lint-imports once went missing from it and only a fresh clone saw)."""
    tomllib = pytest.importorskip("tomllib")  # (Python 3.11+)
    packages = {"lint-imports": "import-linter", "ruff": "ruff", "mypy": "mypy", "pytest": "pytest"}
    extra = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    names = {re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower() for requirement in extra}
    command = readme_commands()[1]
    tools = set(re.findall(r"\.venv/bin/([\w-]+)", command)) - {"pip", "python"}
    tools |= set(re.findall(r"\.venv/bin/python -m ([\w-]+)", command))
    assert tools <= set(packages), f"tell this test which package gives {tools - set(packages)}"
    assert {packages[tool] for tool in tools} <= names
