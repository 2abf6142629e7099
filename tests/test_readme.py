"""The README's two set-up commands stay true: CI runs the test one, and the other names a real lesson."""

import re

from conftest import REPO

from core import catalog


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


def test_the_first_command_opens_the_first_lesson_of_the_picker():
    first = catalog.catalog()[0].id
    assert readme_commands()[0].endswith(f".venv/bin/learn-tui run {first}")


def test_the_lesson_table_lists_every_lesson():
    text = (REPO / "README.md").read_text()
    for info in catalog.catalog():
        assert f"| `{info.id}` |" in text
