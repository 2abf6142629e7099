"""Checkpoints are safe with anyone's files: loading runs no code, saving destroys nothing, and leaves no debris."""

from __future__ import annotations

import errno
import os
import pickle
import random
import socket
import stat
import zipfile

import numpy as np
import pytest
import torch
from lessons_for_tests import manual_sgd_lesson, shuffled_mlp_lesson

from core.checkpoint import file as checkpoint_file
from core.checkpoint.file import check_save_path
from core.checkpoint.store import load_checkpoint
from core.engine.trainer import Trainer
from core.errors import CheckpointError, UsageError

NOT_OURS = "is not a learn-tui checkpoint, or holds objects learn-tui will not load"


class Touch:
    """A pickle that, when loaded without care, creates a file: the stand-in for os.system("...")."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def saved(tmp_path, lesson=shuffled_mlp_lesson, name="run.pt"):
    trainer = Trainer(lesson())
    trainer.advance("step")
    return trainer.save(tmp_path / name)


def tamper(path, change):
    state = torch.load(path, weights_only=True)
    change(state)
    torch.save(state, path)
    return path


def one_line_error(kind, call, match):
    with pytest.raises(kind, match=match) as caught:
        call()
    assert "\n" not in str(caught.value)
    return str(caught.value)


# -- loading runs no code ----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["torch.save", "plain pickle"])
def test_a_malicious_pickle_is_refused_and_nothing_runs(tmp_path, form):
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.pt"
    if form == "torch.save":
        torch.save({"format": "learn-tui checkpoint", "version": 2, "payload": Touch(marker)}, evil)
    else:
        evil.write_bytes(pickle.dumps(Touch(marker)))
    message = one_line_error(CheckpointError, lambda: Trainer.from_checkpoint(evil, shuffled_mlp_lesson()), NOT_OURS)
    assert message.startswith(str(evil))
    one_line_error(CheckpointError, lambda: load_checkpoint(evil), NOT_OURS)  # what `learn-tui sample` reads
    assert not marker.exists()


def test_a_checkpoint_holds_only_what_a_weights_only_load_accepts(tmp_path):
    path = saved(tmp_path, manual_sgd_lesson)  # a numpy array watched, numpy's random state captured
    assert torch.serialization.get_unsafe_globals_in_checkpoint(path) == []


def as_written_by_numpy_1(path):
    """The same file as numpy 1 pickles it: its rebuilding functions in ``numpy.core``, not ``numpy._core``."""
    with zipfile.ZipFile(path) as saved_zip:
        entries = [(info.filename, saved_zip.read(info)) for info in saved_zip.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as rewritten:
        for name, data in entries:
            rewritten.writestr(
                name, data.replace(b"numpy._core.", b"numpy.core.") if name.endswith("data.pkl") else data
            )
    return path


@pytest.mark.parametrize("numpy_major", [2, 1])
def test_an_old_checkpoint_with_numpy_objects_says_to_save_again(tmp_path, numpy_major):
    def as_version_1(state):
        state["version"] = 1
        state["rng"]["numpy"] = np.random.get_state()  # what version 1 pickled
        state["watched"]["w"]["value"] = np.array(1.0)
        state["metrics"]["loss"] = np.float64(0.5)  # a numpy scalar from a lesson's metrics

    old = tamper(saved(tmp_path, manual_sgd_lesson), as_version_1)
    if numpy_major == 1:
        assert "numpy.core.multiarray._reconstruct" in torch.serialization.get_unsafe_globals_in_checkpoint(
            as_written_by_numpy_1(old)
        )
    one_line_error(CheckpointError, lambda: load_checkpoint(old), r"older learn-tui \(version 1\).*save a new one")
    future = tamper(saved(tmp_path, name="new.pt"), lambda state: state.update(version=3))
    one_line_error(CheckpointError, lambda: load_checkpoint(future), "update learn-tui")


def drop(key):
    return lambda state: state.pop(key)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (drop("options"), "'options' is missing"),
        (drop("rng"), "'rng' is missing"),
        (lambda state: state.update(step="3"), "'step' is a str, not int"),
        (lambda state: state.update(step=True), "'step' is a bool, not int"),
        (lambda state: state["trainer"].update(batch=-1), "negative batch"),
        (lambda state: state["rng"].update(python=(3, (1, 2), None)), "not Python's random state"),
        (lambda state: state["rng"]["numpy"].update(keys=torch.zeros(5)), "not numpy's random state"),
        (lambda state: state["history"].pop("recent"), "'history.recent' is missing"),
        (lambda state: state["watched"][""].update(kind="pickle"), "unknown kind 'pickle'"),
        (lambda state: state["optimizers"][0].pop("param_groups"), "'optimizers\\[0\\].param_groups' is missing"),
        (lambda state: state.update(totals={"seen": "x"}), "'totals.seen' is a str"),
    ],
)
def test_a_malformed_checkpoint_names_the_defect_in_one_line(tmp_path, change, match):
    path = tamper(saved(tmp_path), change)
    message = one_line_error(CheckpointError, lambda: Trainer.from_checkpoint(path, shuffled_mlp_lesson()), match)
    assert "save it again" in message


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda state: state["optimizers"][0]["param_groups"][0].pop("betas"), "lacks 'betas'"),
        (lambda state: state["optimizers"][0]["param_groups"][0].update(betas="fast"), "'betas' is 'fast'"),
        (lambda state: state["optimizers"][0]["param_groups"][0].update(capturable=True), "'capturable' is True"),
        (lambda state: state["optimizers"][0]["param_groups"][0].update(lr=0.5), None),  # fits: lr changes live
        (lambda state: state["optimizers"][0]["param_groups"][0]["params"].reverse(), "'exp_avg' does not have"),
        (lambda state: state["optimizers"][0]["state"][0].update(exp_avg=torch.zeros(2)), "'exp_avg' does not have"),
        (lambda state: state["optimizers"][0]["state"][1].pop("exp_avg"), "state differs from one parameter"),
        (lambda state: state["optimizers"].append(state["optimizers"][0]), "holds 2 optimizers"),
        (lambda state: state["options"].update(width="wide"), "settings do not fit"),
    ],
)
def test_an_optimizer_state_or_settings_that_do_not_fit_are_refused_and_the_run_is_untouched(tmp_path, change, match):
    path = tamper(saved(tmp_path), change)
    if match is None:
        Trainer.from_checkpoint(path, shuffled_mlp_lesson()).advance("step")
        return
    random.seed(11)
    before = random.getstate(), torch.get_rng_state()
    one_line_error(CheckpointError, lambda: Trainer.from_checkpoint(path, shuffled_mlp_lesson()), match)
    assert random.getstate() == before[0] and torch.equal(torch.get_rng_state(), before[1])


# -- saving destroys nothing ---------------------------------------------------------------------------------


def test_empty_paths_folders_and_trailing_slashes_are_refused(tmp_path):
    one_line_error(UsageError, lambda: check_save_path(""), "empty")
    one_line_error(UsageError, lambda: check_save_path(f"{tmp_path}/"), "ends with '/'")
    one_line_error(UsageError, lambda: check_save_path(tmp_path), "is a folder")
    blocked = tmp_path / "file"
    blocked.write_text("x")
    one_line_error(UsageError, lambda: check_save_path(blocked / "sub" / "run.pt"), f"{blocked} is a file")
    assert blocked.read_text() == "x"


def test_devices_pipes_and_sockets_are_refused_and_stay_what_they_are(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    trainer = Trainer(shuffled_mlp_lesson())
    trainer.advance("step")
    try:
        for path in [fifo, sock] + [p for p in ("/dev/null", "/dev/full") if os.path.exists(p)]:
            kind = stat.S_IFMT(os.stat(path).st_mode)
            with pytest.raises(UsageError, match="not a regular file"):
                trainer.save(path)
            assert stat.S_IFMT(os.stat(path).st_mode) == kind
    finally:
        server.close()


def test_an_unwritable_folder_is_refused_before_any_training(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint_file.os, "access", lambda path, mode: False)  # the tests may run as root
    one_line_error(UsageError, lambda: check_save_path(tmp_path / "run.pt"), "permission denied")
    monkeypatch.undo()

    def read_only(path, flags, mode=0o777):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(checkpoint_file.os, "open", read_only)  # the real attempt: what os.access can't see
    one_line_error(UsageError, lambda: check_save_path(tmp_path / "run.pt"), "Read-only file system")


def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.pt"
    real.write_bytes(b"old")
    link = tmp_path / "link.pt"
    link.symlink_to(real)
    trainer = Trainer(shuffled_mlp_lesson())
    trainer.advance("step")
    trainer.save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load_checkpoint(real)["step"] == 1


def test_overwriting_keeps_the_files_mode_and_a_new_file_follows_the_umask(tmp_path):
    path = tmp_path / "run.pt"
    saved(tmp_path)
    os.chmod(path, 0o640)
    saved(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    old_umask = os.umask(0o022)
    try:
        fresh = saved(tmp_path, name="fresh.pt")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o644  # not mkstemp's 0600


# -- saving leaves no debris --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "caught", "match"),
    [
        (KeyboardInterrupt(), KeyboardInterrupt, None),
        (
            RuntimeError("[enforce fail at inline_container.cc:626] . PytorchStreamWriter failed writing file data/3"),
            CheckpointError,
            "the disk is full",
        ),
        (OSError(errno.ENOSPC, "No space left on device"), CheckpointError, "the disk is full"),
    ],
)
def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch, failure, caught, match):
    path = tmp_path / "run.pt"
    saved(tmp_path)
    good = path.read_bytes()

    def broken_save(obj, handle):
        handle.write(b"partial")
        raise failure

    trainer = Trainer(shuffled_mlp_lesson())
    trainer.advance("step")
    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(caught, match=match) as error:
        trainer.save(path)
    if caught is CheckpointError:
        assert str(error.value).startswith(f"could not write {path}") and "\n" not in str(error.value)
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["run.pt"]


def test_the_next_save_removes_a_killed_saves_temporary_file(tmp_path):
    stale = tmp_path / ".run.pt.k2x9_a7q.tmp"  # what a save killed by SIGKILL leaves
    stale.write_bytes(b"x" * 1000)
    other = tmp_path / ".other.pt.k2x9_a7q.tmp"  # another checkpoint's: not ours to remove
    other.write_bytes(b"y")
    saved(tmp_path)
    assert sorted(os.listdir(tmp_path)) == [".other.pt.k2x9_a7q.tmp", "run.pt"]


def test_the_file_and_its_folder_are_synced_around_the_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(source, target):
        calls.append("replace")
        real_replace(source, target)

    monkeypatch.setattr(checkpoint_file.os, "fsync", fsync)
    monkeypatch.setattr(checkpoint_file.os, "replace", replace)
    saved(tmp_path)
    assert calls == ["fsync file", "replace", "fsync folder"]
