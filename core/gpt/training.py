"""The char-gpt lesson's training helpers: random windows of text, nanoGPT's learning-rate schedule, the
step budget and the validation loss. They sit here so that ``core/lessons/char_gpt.py`` shows the loop.

Data-parallel runs (torchrun, ``core.distributed``): every process draws the same *global* batch of
``batch_size * world_size`` windows from a generator seeded alike on every process, and keeps its own
rows (rank r keeps rows ``r*B .. (r+1)*B``). The processes' batches, put side by side in rank
order, are exactly the batch one process draws with ``batch_size * world_size``: the same data, so two
processes of batch B train as one process of batch 2B (tests/test_ddp.py checks it).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import torch
import torch.nn.functional as F


def random_batches(
    data: torch.Tensor,
    count: int,
    batch_size: int,
    block_size: int,
    generator: torch.Generator | None = None,
    rank: int = 0,
    world_size: int = 1,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """``count`` batches of random windows: x (B, T) and y (B, T), y being x shifted one character on.
    Of several processes: draw ``batch_size * world_size`` windows and keep this ``rank``'s ``batch_size``."""
    windows = data.unfold(0, block_size + 1, 1)  # (N - T, T + 1): a view of every window, no copy
    for _ in range(count):
        starts = torch.randint(len(windows), (batch_size * world_size,), generator=generator)
        rows = windows[starts[rank * batch_size : (rank + 1) * batch_size]]  # (B, T + 1)
        rows = rows.long()  # token ids as the embedding and the loss take them (int64)
        yield rows[:, :-1], rows[:, 1:]


def epoch_generator(seed: int, epoch: int) -> torch.Generator:
    """The generator an epoch's training windows are drawn from: the same on every process, and the same
    again when a checkpoint resumes the epoch (its first batches are drawn again and skipped)."""
    return torch.Generator().manual_seed(seed * 1_000_003 + epoch)


def lr_factor(step: int, warmup: int, total: int | None, min_ratio: float) -> float:
    """Linear warm-up, then cosine decay from 1 to ``min_ratio`` at step ``total`` (nanoGPT's schedule)."""
    if step < warmup:
        return (step + 1) / (warmup + 1)
    if total is None:
        return 1.0
    if step >= total:
        return min_ratio
    progress = (step - warmup) / max(total - warmup, 1)
    return min_ratio + 0.5 * (1.0 - min_ratio) * (1.0 + math.cos(math.pi * progress))


def step_budget(run: Any, batches_per_epoch: int) -> int | None:
    """How many steps the run will take, for the decay (None when it runs until stopped)."""
    max_steps = run.max_steps
    if max_steps is not None:
        return max_steps
    return run.max_epochs * batches_per_epoch if run.max_epochs is not None else None


@torch.no_grad()
def estimate_loss(model: torch.nn.Module, batches: list[tuple[torch.Tensor, torch.Tensor]]) -> torch.Tensor:
    """The mean loss over a fixed set of batches, with dropout off."""
    model.eval()
    losses = [F.cross_entropy(model(x).flatten(0, 1), y.flatten()) for x, y in batches]
    model.train()
    return torch.stack(losses).mean()
