"""The headless command line: a contract scripts depend on."""

import json
import re
import subprocess
import sys

import pytest
from conftest import REPO

from core.base.settings import RunSettings
from core.front.cli import main

EXAMPLE = REPO / "docs" / "examples" / "fahrenheit.py"


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_lesson_with_its_lecture(capsys):
    code, out, _ = run_cli(capsys, "list")
    assert code == 0
    assert any(line.startswith("linear-regression ") and line.endswith("lecture 5") for line in out.splitlines())
    code, out, _ = run_cli(capsys, "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert {"id": "linear-regression", "title": "Linear regression with nn.Linear", "lecture": 5} in rows


def test_json_prints_one_object_per_step_and_a_plain_summary(capsys):
    code, out, err = run_cli(capsys, "run", "linear-regression", "--json", "--steps", "300", "--lr", "0.02")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]  # nothing but JSON on stdout
    steps = [r for r in records if r["event"] == "step"]
    assert [r["step"] for r in steps] == list(range(1, 301))
    assert all(r["lr"] == 0.02 for r in steps)
    summary = records[-1]
    assert summary["event"] == "summary" and summary["status"] == "finished" and summary["steps"] == 300
    assert summary["w"] == pytest.approx(2.0, abs=0.05) and summary["prediction"] == pytest.approx(8.0, abs=0.05)
    assert summary["loss"] < 1e-2


def test_headless_ends_with_a_readable_summary(capsys):
    code, out, _ = run_cli(capsys, "run", "linear-regression", "--headless", "--optimizer", "Adam", "--lr", "0.1")
    assert code == 0
    last = out.splitlines()[-1]
    assert last.startswith("w = 2.000") and "prediction = 8.000" in last and "loss = " in last


def test_a_diverging_run_exits_3_with_advice(capsys):
    code, out, err = run_cli(capsys, "run", "linear-regression", "--headless", "--lr", "1")
    assert code == 3 and "diverged" in out and "loss = " in out  # the summary
    [line] = err.splitlines()  # one line, with advice for the command line, none for the app's keys
    assert re.fullmatch(
        r"learn-tui: training diverged in step \d+: loss is \S+\. Lower the learning rate: "
        r"rerun with --lr 0\.1 or lower",
        line,
    ), line


def test_a_diverging_run_with_save_keeps_the_old_checkpoint_and_says_so(capsys, tmp_path):
    path = tmp_path / "lr.pt"
    code, _, _ = run_cli(capsys, "run", "linear-regression", "--headless", "--steps", "3", "--save", str(path))
    before = path.read_bytes()
    code, out, err = run_cli(capsys, "run", "linear-regression", "--json", "--lr", "1", "--save", str(path))
    summary = json.loads(out.splitlines()[-1])
    assert code == 3 and summary["status"] == "diverged" and "rerun with --lr 0.1" in summary["message"]
    assert err.splitlines()[-1] == f"learn-tui: not saved: a diverged run is not worth resuming; {path} is as it was"
    assert path.read_bytes() == before
    fresh = tmp_path / "n.pt"
    code, _, err = run_cli(capsys, "run", "linear-regression", "--headless", "--lr", "1", "--save", str(fresh))
    assert code == 3 and err.splitlines()[-1].endswith(f"; nothing written to {fresh}") and not fresh.exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", "nope", "--headless"], "unknown lesson 'nope'; choose one of:"),
        (["run", "linear-regression", "--headless", "--lr", "abc"], "learning rate must be a number"),
        (["run", "linear-regression", "--headless", "--lr", "0"], "learning rate must be greater than 0"),
        (["run", "linear-regression", "--headless", "--lr", "nan"], "learning rate must be finite"),
        (["run", "linear-regression", "--headless", "--lr", "-1"], "learning rate must be greater than 0"),
        (["run", "linear-regression", "--headless", "--optimizer", "Foo"], "--optimizer must be one of SGD"),
        (["run", "missing/lesson.py", "--headless"], "no lesson file at missing/lesson.py"),
        (["run", "linear-regression", "--headless", "--resume", "nowhere.pt"], "no checkpoint at nowhere.pt"),
        (["run", "linear-regression", "--headless", "--steps", "0"], "--steps must be at least 1"),
        (["run", "linear-regression", "--headless", "--steps", "1", "--epochs", "1"], "not allowed with argument"),
        (["run", "linear-regression", "--headless", "--seed", "x"], "--seed must be a whole number"),
        (
            ["run", "linear-regression", "--headless", "--seed", "99999999999999999999999"],
            "from 0 to 9223372036854775807",
        ),
        (["run", "linear-regression", "--headless", "--save", "."], ". is a folder"),
        (["run", "linear-regression", "--headless", "--save", "/dev/null"], "/dev/null"),
        (["run", "linear-regression"], "this opens the app: start it with learn-tui, or add --headless"),
        (["run", "linear-regression", "--headless", "--device", "tpu"], "invalid choice: 'tpu'"),
        (["run", "linear-regression", "--headless", "--bogus", "1"], "does not take --bogus 1; its own options are"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_every_bad_argument_gets_one_line_naming_the_fix(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("learn-tui: error: ") and message in lines[0]


@pytest.mark.parametrize("content", [b"not a checkpoint", "other lesson"])
def test_a_resume_file_that_does_not_load_is_a_bad_argument(capsys, tmp_path, content):
    path = tmp_path / "bad.pt"
    if content == "other lesson":
        run_cli(capsys, "run", "simple-nn", "--headless", "--steps", "1", "--save", str(path))
    else:
        path.write_bytes(content)
    code, out, err = run_cli(capsys, "run", "linear-regression", "--headless", "--resume", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1 and str(path) in err
    if content != "other lesson":  # the core says to save one from a run; the command line says how, not the app
        assert err.endswith("open one a learn-tui run saved (with --save PATH)\n") and "ctrl+s" not in err


def test_a_device_the_machine_lacks_is_a_bad_argument(capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    code, out, err = run_cli(capsys, "run", "linear-regression", "--headless", "--device", "cuda")
    assert (
        code == 2
        and out == ""
        and err.splitlines()
        == ["learn-tui: error: CUDA is not available on this machine (torch sees no GPU); use --device cpu or auto"]
    )


def test_the_console_script_opens_the_app_only_with_good_arguments(monkeypatch, capsys):
    """learn-tui's own dispatch: the app's arguments are checked before Textual is imported."""
    import tui.main

    opened = []
    monkeypatch.setattr(tui.main, "open_app", lambda settings: opened.append(settings) or 0)
    assert tui.main.main(["run", "linear-regression", "--lr", "0.5", "--steps", "9", "--optimizer", "Adam"]) == 0
    assert opened == [
        {
            "lesson": "linear-regression",
            "settings": RunSettings(
                options={"optimizer": "Adam"}, lr=0.5, seed=0, device="cpu", steps=9, epochs=None, resume=None
            ),
        }
    ]
    assert tui.main.main([]) == 0 and opened[-1] == {"lesson": None, "data_dir": None}
    assert tui.main.main(["--data-dir", "digits"]) == 0 and opened[-1] == {"lesson": None, "data_dir": "digits"}
    for argv, message in (
        (["run", "nope"], "unknown lesson 'nope'"),
        (["--bogus"], "unknown command --bogus"),
        (["run", "linear-regression", "--save", "x.pt"], "--save is for --headless runs"),
    ):
        assert tui.main.main(argv) == 2
        assert message in capsys.readouterr().err
    assert len(opened) == 3
    assert tui.main.main(["list"]) == 0 and "linear-regression" in capsys.readouterr().out


def test_save_then_resume_continues_the_same_run(capsys, tmp_path):
    path = tmp_path / "lr.pt"
    _, full, _ = run_cli(capsys, "run", "linear-regression", "--json", "--steps", "40")
    code, _, err = run_cli(capsys, "run", "linear-regression", "--json", "--steps", "25", "--save", str(path))
    assert code == 0 and path.is_file()
    code, resumed, _ = run_cli(capsys, "run", "linear-regression", "--json", "--steps", "40", "--resume", str(path))

    def steps(out):
        return [json.loads(line) for line in out.splitlines() if '"event": "step"' in line]

    assert steps(resumed) == steps(full)[25:]


def test_the_documented_example_lesson_runs_and_learns(capsys):
    doc = (REPO / "docs" / "writing-lessons.md").read_text()
    assert EXAMPLE.read_text().strip() in doc  # the docs show the file exactly as it runs
    code, out, _ = run_cli(capsys, "run", str(EXAMPLE), "--json", "--epochs", "60")
    summary = json.loads(out.splitlines()[-1])
    assert code == 0 and summary["w"] == pytest.approx(1.8, abs=0.01) and summary["b"] == pytest.approx(0.32, abs=0.01)


def test_a_lesson_file_with_a_syntax_error_is_reported_not_crashed(capsys, tmp_path):
    bad = tmp_path / "broken.py"
    bad.write_text(EXAMPLE.read_text().replace("    model = torch.nn.Linear(1, 1)", "    model = torch.nn.Linear(1, 1"))
    code, out, err = run_cli(capsys, "run", str(bad), "--headless")
    assert code == 1 and "Traceback (most recent call last)" not in err
    assert f"{bad}, line" in err and "fix the syntax" in err


def test_an_exception_in_the_users_loop_shows_their_traceback(capsys, tmp_path):
    bad = tmp_path / "raises.py"
    bad.write_text(
        EXAMPLE.read_text().replace(
            "            loss = criterion(y_pred, y)\n", "            loss = criterion(y_pred, y.view(-1, 2))\n"
        )
    )
    code, out, err = run_cli(capsys, "run", str(bad), "--headless")
    assert code == 1
    assert "raises.py" in err and "loss = criterion(y_pred, y.view(-1, 2))" in err  # their line, in their file
    assert "core/engine/trainer.py" not in err
    assert err.strip().splitlines()[-1].startswith("learn-tui: error: lesson fahrenheit raised")


def test_a_file_without_a_lesson_says_what_to_define(capsys, tmp_path):
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    code, _, err = run_cli(capsys, "run", str(empty), "--headless")
    assert code == 1 and "defines no LESSON = Lesson(...)" in err


def test_the_console_script_runs_in_a_fresh_process():
    result = subprocess.run(
        [sys.executable, "-m", "tui.main", "run", "linear-regression", "--json", "--steps", "2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["event"] for line in result.stdout.splitlines()] == ["step", "step", "summary"]


def test_a_lessons_help_lists_its_options_in_aligned_columns(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run_cli(capsys, "run", "multi-input", "--help")
    assert code == 0
    listed = out[out.index("options of multi-input") :].splitlines()[1:]
    flags = [line for line in listed if line.startswith("  --")]
    assert [line.split()[0] for line in flags] == [
        "--csv",
        "--holdout-fold",
        "--scale",
        "--optimizer",
        "--momentum",
        "--activation",
    ]
    assert "--holdout-fold 0 " in flags[1] and "--scale 'auto' " in flags[2]
    columns = {len(line) - len(line[2:].split("  ", 1)[1].lstrip()) for line in flags}
    assert len(columns) == 1  # every description starts in the same column
    assert all(len(line) <= 100 for line in listed) and "(one of 0, 1, 2, 3, 4, 5)" in " ".join(listed)
