"""Shared fixtures: the repository root, the shared data beside it, and small inline lessons."""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_configure(config):
    """One torch thread per test process: CI runs two pytest workers on two cores, and tiny models
    slow down many-fold when torch's thread pools oversubscribe the cores."""
    import torch

    torch.set_num_threads(1)

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the repository; tests that need it skip cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
