"""The resume hint of a headless run interrupted by ctrl+c names --nproc N when the run had N processes: a
checkpoint resumes only at the world size it was saved with, so the hint as printed must work."""

import argparse

from core import distributed
from core.base.settings import RunSettings
from core.engine.catalog import load
from core.front import headless


def interrupted_run(monkeypatch, tmp_path, capsys, processes):
    def train(
        trainer, output, ctrl_c, until=None, driver=None
    ):  # ctrl+c pressed during step 3: the run stops at its end
        while trainer.step < 3:
            output.event(next(trainer))
        return None

    monkeypatch.setattr(headless, "train", train)
    monkeypatch.setattr(distributed, "world_size", lambda: processes)
    args = argparse.Namespace(lesson="linear-regression", json=False, serve=None, save=str(tmp_path / "run.pt"))
    assert headless.run_headless(load("linear-regression"), args, RunSettings()) == 130
    return capsys.readouterr().err


def test_the_ctrl_c_resume_hint_names_nproc_for_a_run_of_several_processes(monkeypatch, tmp_path, capsys):
    hint = interrupted_run(monkeypatch, tmp_path, capsys, 4)
    assert f"continue with: learn-tui run linear-regression --headless --nproc 4 --resume {tmp_path}/run.pt" in hint
    assert "--nproc" not in interrupted_run(monkeypatch, tmp_path, capsys, 1)
