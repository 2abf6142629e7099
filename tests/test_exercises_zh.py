"""``--lang zh``: an exercise file's header and TODOs, and ``check``'s verdicts and hints, are Chinese
(code and names aside, ``tests/zh_words.py``)."""

from __future__ import annotations

import pytest
from zh_words import english_words

from core.base import i18n
from core.front.cli import main

NAMES = {"check", "exercise", "autograd"}


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language(None)


def added(source: str) -> str:
    """What the exercise adds to the lesson's code (whose comments stay as written): its heading comments and
    its TODOs."""
    lines = source.splitlines()
    heading = lines[: next(i for i, line in enumerate(lines) if not line.startswith("#"))]
    return "\n".join(heading + [line.split("#", 1)[1] for line in lines if "# TODO" in line])


@pytest.mark.parametrize(("lesson", "level"), [("gradient-descent", 1), ("autograd", 2), ("linear-regression", 3)])
def test_an_exercise_and_its_check_speak_chinese(capsys, tmp_path, lesson, level):
    assert main(["--lang", "zh", "exercise", lesson, "--level", str(level), "--dir", str(tmp_path)]) == 0
    [path] = tmp_path.glob("*.py")
    written = capsys.readouterr().out
    code = main(["--lang", "zh", "check", str(path), "--steps", "3"])
    checked = capsys.readouterr()
    assert code == 1 and checked.out.strip()
    said = written + checked.out + checked.err + added(path.read_text(encoding="utf-8"))
    left = [(line, english_words(line, NAMES)) for line in said.splitlines() if english_words(line, NAMES)]
    assert not left, left


@pytest.mark.parametrize(
    ("source", "argv"),
    [("x = (\n", []), ("print(1)\n", []), ("print(1)\n", ["--steps", "0"]), ("print(1)\n", ["--timeout", "-1"])],
)
def test_check_refuses_a_bad_file_or_argument_in_chinese(capsys, tmp_path, source, argv):
    python_says = {"was", "never", "closed"}  # Python's own SyntaxError message, quoted as it gave it
    path = tmp_path / "mine.py"
    path.write_text(source, encoding="utf-8")
    assert main(["--lang", "zh", "check", str(path), *argv]) == 2
    err = capsys.readouterr().err
    assert "错误" in err and not english_words(err, NAMES | python_says), err


def test_a_filled_in_exercise_with_a_bug_is_told_where_and_why_in_chinese(capsys, tmp_path):
    assert main(["--lang", "zh", "exercise", "linear-regression", "--level", "1", "--dir", str(tmp_path)]) == 0
    [path] = tmp_path.glob("*.py")
    filled = path.read_text(encoding="utf-8").replace("# TODO: 把梯度清零", "optimizer.zero_grad()")
    path.write_text(filled.replace("            optimizer.step()\n", "            pass\n"), encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "zh", "check", str(path), "--steps", "3"]) == 1
    said = capsys.readouterr().out.strip()
    assert f"（{path.name} 第 " in said and "行）：UPDATE 之后" in said, said  # (a Chinese colon, as the rest)
    assert not english_words(said, NAMES), said
