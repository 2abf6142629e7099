"""Choosing the device a lesson trains on."""

from __future__ import annotations

from core.errors import DeviceError, UsageError

CHOICES = ("cpu", "cuda", "auto")


def resolve_device(name: str) -> str:
    """``cpu``, ``cuda`` or ``auto`` (cuda when available) -> a torch device string."""
    if name not in CHOICES:
        raise UsageError(f"--device must be cpu, cuda or auto, got {name!r}")
    if name == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if name == "auto":
        return "cpu"
    raise DeviceError("CUDA is not available on this machine (torch sees no GPU); use --device cpu or auto")
