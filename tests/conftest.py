"""Shared fixtures: the repository root, the shared data beside it, and small inline lessons."""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_configure(config):
    """One torch thread per test process: CI runs two pytest workers on two cores, and tiny models
    slow down many-fold when torch's thread pools oversubscribe the cores."""
    import os
    import tempfile

    import torch

    torch.set_num_threads(1)
    os.environ["LEARN_TUI_LANG"] = "en"  # English whatever the machine's locale (tests that want Chinese say so)
    # Exercises passed on this machine must not show in the picker's snapshots: a record of the tests' own.
    os.environ.setdefault("LEARN_TUI_PROGRESS", str(Path(tempfile.mkdtemp(prefix="learn-tui-progress-")) / "p.json"))


REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the repository; tests that need it skip cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
