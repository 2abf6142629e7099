"""The picker's first frame waits for nothing it does not show: parsing the command line and building the
picker import neither the compare/sample commands nor a lesson module (nor the lesson API and its view types, nor
the --until parser), nor Textual's Markdown (the notes panel is mounted after the first frame)."""

import subprocess
import sys

from conftest import REPO

PROBE = """
import sys
from core.front import cli
cli.parse([])
import tui.app, tui.screens.picker
late = {"core.front.compare", "core.front.sample", "markdown_it", "textual.widgets._markdown"}
late |= {"core.lesson", "core.base.view_data", "core.engine.until"}
late |= {"hashlib", "core.base.events", "core.front.report"}  # (OpenSSL's ~3 ms; the run's events)
late |= {"json", "core.exercises.make", "core.exercises.progress"}  # (the exercise marks: after the first frame)
late |= {name for name in sys.modules if name.startswith("core.lessons.")}
print(sorted(late & set(sys.modules)))
"""


def test_starting_the_picker_imports_only_what_its_first_frame_needs():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_compare_and_sample_still_parse_their_own_arguments():
    from core.front import cli

    assert cli.parse(["compare", "linear-regression", "--lr", "0.1,1"]).args.lr == "0.1,1"
    assert cli.parse(["sample", "a.pt", "--tokens", "3"]).args.tokens == "3"


def test_a_command_line_without_a_sub_command_builds_none_of_their_arguments():
    """The app's start-up parses ``learn-tui`` alone: the sub-commands are named (for --help and a typo's
    "invalid choice"), but their arguments are built only for the one the command line names."""
    from core.front import cli

    bare = cli.parse([]).parser
    assert set(bare.commands) >= {"run", "compare", "attach"}
    assert all(len(sub._actions) <= 1 for sub in bare.commands.values())  # (at most its own -h)
    assert "--lr" in cli.parse(["run", "linear-regression"]).parser.commands["run"]._option_string_actions
    assert cli.parse(["attach", "8765"]).args.address == "8765"


def test_the_picker_reads_each_lesson_as_python_does(tmp_path):
    """The catalog cuts a lesson's docstring and its LESSON statement out of the file (the picker's first frame
    reads every lesson): what it reads is what Python's own parse of the whole file gives (the oracle), for each
    built-in lesson and for docstrings with escapes, a raw prefix or none."""
    import ast
    from pathlib import Path

    from core.engine import catalog

    def oracle(path: Path) -> tuple[str, str]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        call = next(node.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "LESSON")
        title = next(ast.literal_eval(k.value) for k in call.keywords if k.arg == "title")
        return ast.get_docstring(tree) or "", title

    lesson = 'LESSON = Lesson(\n    id="x",\n    title="T",\n    lecture=None,\n)\n'
    written = []
    for index, head in enumerate(
        ['"""A \\\\n escape\n    indented."""\n', 'r"""Raw \\\\d."""\n', "# none\n", '"""One."""\n']
    ):
        path = tmp_path / f"lesson_{index}.py"
        path.write_text(head + "from core.lesson import Lesson\n\n" + lesson, encoding="utf-8")
        written.append(path)
    for path in [*sorted(catalog.LESSONS_DIR.glob("[!_]*.py")), *written]:
        info = catalog.read_info(path)
        assert (info.notes, info.title) == oracle(path), path.name
