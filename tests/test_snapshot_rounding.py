"""A statistic that float rounding leaves of a sum that cancels is shown as 0, the same on every CPU; a small
statistic that is really there is shown as it is (the cut is relative to the tensor's scale, not absolute)."""

import numpy as np
import pytest
import torch

from core.engine.snapshot import RESIDUE, stats_of
from tui.widgets.snapshot_table import tensor_text


def softmax_layer_weight_grad() -> torch.Tensor:
    """The gradient of a softmax layer's weight, (softmax - one-hot)ᵀ · inputs: each row of softmax - one-hot
    sums to 0, so the gradient's mean is mathematically 0; in float32 it comes out as about 1e-10 or 1e-12,
    depending on the CPU's kernels (mnist-softmax's l5.weight showed -2.083e-11 on one CPU, 1.176e-10 on another)."""
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(64, 10, generator=generator)
    target = torch.randint(0, 10, (64,), generator=generator)
    inputs = torch.randn(64, 32, generator=generator)
    return (torch.softmax(logits, 1) - torch.nn.functional.one_hot(target, 10)).T @ inputs / 64


def test_a_mean_that_is_mathematically_zero_is_shown_as_zero():
    grad = softmax_layer_weight_grad()
    assert abs(float(torch.std_mean(grad)[1])) < 1e-9  # rounding's residue (not 0 on the CPUs tried)
    stats = stats_of(grad)
    assert stats.mean == 0.0
    assert stats.std > 0.01 and stats.min < 0 < stats.max  # the rest as computed
    assert tensor_text(grad.reshape(-1)[:6].tolist(), stats, complete=False).startswith("mean 0  std ")


def test_a_float64_residue_is_zero_too():
    values = np.array([0.1, 0.2, -0.3])
    assert values.mean() != 0.0  # 1.85e-17: 0.1 + 0.2 is 0.30000000000000004
    assert stats_of(values).mean == 0.0


def test_a_constant_tensors_spread_is_zero():
    stats = stats_of(np.full(7, 0.1))
    assert np.full(7, 0.1).std() != 0.0  # the mean rounds, so each value is a residue away from it
    assert stats.std == 0.0 and stats.mean == pytest.approx(0.1)


def test_a_small_mean_that_is_really_there_is_shown_as_it_is():
    tiny = torch.full((100,), 1e-9)
    stats = stats_of(tiny)
    assert stats.mean == pytest.approx(1e-9, rel=1e-6) and stats.std == 0.0
    assert tensor_text([1e-9] * 6, stats, complete=False).startswith("mean 1e-09  std 0  min 1e-09")


def test_the_cut_is_relative_to_the_largest_value():
    kept = stats_of(np.array([1.0, -1.0 + 4 * RESIDUE]))  # mean 2e-6: above a millionth of the scale
    assert kept.mean == np.mean([1.0, -1.0 + 4 * RESIDUE])
    cut = stats_of(np.array([1.0, -1.0 + RESIDUE]))  # mean 5e-7: below it
    assert cut.mean == 0.0


def test_nan_and_inf_are_kept():
    nan = stats_of(torch.tensor([1.0, float("nan")]))
    assert np.isnan(nan.mean) and np.isnan(nan.std)
    inf = stats_of(torch.tensor([1.0, float("inf")]))
    assert inf.mean == float("inf") and inf.max == float("inf")
