"""learn-tui exercise / check on paths a new user gets wrong: each is one line on stderr and exit 2, and nothing is
written when writing fails (issue 19)."""

from __future__ import annotations

import errno
import os

import pytest

from core.exercises import files, make
from core.front.cli import main

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0  # root reads and writes whatever the mode bits say


@pytest.fixture(autouse=True)
def progress_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LEARN_TUI_PROGRESS", str(tmp_path / "progress.json"))


def one_line(capsys, *words: str) -> str:
    captured = capsys.readouterr()
    err = captured.err
    assert captured.out == "" and err.startswith("learn-tui: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and len(err) < 400, err
    for word in words:
        assert word in err, err
    return err


def listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_dir_that_is_a_file(tmp_path, capsys):
    (tmp_path / "notes").write_text("mine")
    assert main(["exercise", "autograd", "--level", "1", "--dir", str(tmp_path / "notes")]) == 2
    one_line(capsys, "is a file, not a folder")
    assert (tmp_path / "notes").read_text() == "mine"


def test_dir_under_a_file_a_missing_parent_and_a_name_too_long(tmp_path, capsys):
    (tmp_path / "notes").write_text("mine")
    before = listing(tmp_path)
    assert main(["exercise", "autograd", "--dir", str(tmp_path / "notes" / "sub")]) == 2
    one_line(capsys, "give another folder")
    assert main(["exercise", "autograd", "--dir", str(tmp_path / "no" / "such")]) == 2
    one_line(capsys, "parent folder", "does not exist")
    assert main(["exercise", "autograd", "--dir", str(tmp_path / ("d" * 5000))]) == 2
    one_line(capsys, "(5", "characters)", "give another folder")
    assert listing(tmp_path) == before
    assert main(["exercise", "autograd", "--dir", str(tmp_path / "new")]) == 0  # a new folder whose parent exists
    assert (tmp_path / "new" / "autograd_level1.py").is_file()


def test_a_failed_write_leaves_nothing_and_keeps_the_old_file(tmp_path, capsys, monkeypatch):
    assert main(["exercise", "autograd", "--dir", str(tmp_path)]) == 0
    mine = tmp_path / "autograd_level1.py"
    mine.write_text("# my work\n")
    capsys.readouterr()

    def full(*_args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "replace", full)
    assert main(["exercise", "autograd", "--dir", str(tmp_path), "--reset"]) == 2
    one_line(capsys, "No space left", "--dir")
    assert mine.read_text() == "# my work\n" and listing(tmp_path) == ["autograd_level1.py"]
    assert main(["exercise", "autograd", "--dir", str(tmp_path / "new")]) == 2
    one_line(capsys, "can't write the exercise")
    assert listing(tmp_path) == ["autograd_level1.py"]  # the new folder is gone again


@pytest.mark.skipif(ROOT, reason="root writes in a read-only folder")
def test_dir_under_a_read_only_folder(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert main(["exercise", "autograd", "--dir", str(locked / "sub")]) == 2
        one_line(capsys, "Permission denied")
        assert main(["exercise", "autograd", "--dir", str(locked)]) == 2
        one_line(capsys, "Permission denied")
        assert listing(locked) == []
    finally:
        locked.chmod(0o755)


def test_check_a_name_too_long_a_folder_and_a_missing_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "a" * 5000]) == 2
    one_line(capsys, "File name too long", "(5000 characters)")
    assert main(["check", str(tmp_path)]) == 2
    one_line(capsys, "is a folder", "LESSON_levelN.py")
    assert main(["exercise", "autograd", "--dir", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["check", str(tmp_path)]) == 2
    one_line(capsys, "is a folder", f"learn-tui check {tmp_path / 'autograd_level1.py'}")
    assert main(["check", str(tmp_path / "missing.py")]) == 2
    one_line(capsys, "no file at")


def test_check_a_binary_file_and_one_not_utf8(tmp_path, capsys):
    binary = tmp_path / "a.out"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" * 10)
    assert main(["check", str(binary)]) == 2
    one_line(capsys, "not a Python file (it holds binary data)")
    latin = tmp_path / "mine.py"
    latin.write_bytes(make.solution("autograd", 1).encode() + b"# caf\xe9\n")
    assert main(["check", str(latin)]) == 2
    line = make.solution("autograd", 1).count("\n") + 1
    one_line(capsys, f"mine.py, line {line}: not UTF-8 text", "save it as UTF-8")


def test_check_a_pipe_and_a_syntax_error(tmp_path, capsys):
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.py"
        os.mkfifo(fifo)
        assert main(["check", str(fifo)]) == 2  # (reading it would wait for a writer for ever)
        one_line(capsys, "not a regular file")
    plain = tmp_path / "plain.py"
    plain.write_text('EXERCISE_OF = "autograd"\n"""never closed\n')
    assert main(["check", str(plain)]) == 2
    one_line(capsys, "plain.py, line 2:", "fix the syntax")


@pytest.mark.skipif(ROOT, reason="root reads a file whatever its mode")
def test_check_an_unreadable_file(tmp_path, capsys):
    path = tmp_path / "mine.py"
    path.write_text(make.solution("autograd", 1))
    path.chmod(0)
    try:
        assert main(["check", str(path)]) == 2
        one_line(capsys, "can't read", "Permission denied")
    finally:
        path.chmod(0o644)


def test_check_a_file_that_cannot_be_read(tmp_path, capsys, monkeypatch):
    """The same path as an unreadable file, for root too: the read fails after the file was found."""
    path = tmp_path / "mine.py"
    path.write_text(make.solution("autograd", 1))

    def denied(self):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(type(path), "read_bytes", denied)
    assert main(["check", str(path)]) == 2
    one_line(capsys, "can't read", "Permission denied")
