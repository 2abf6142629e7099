"""Every built-in lesson resumes bit for bit: save at a random step k, resume, compare with the straight run.

Budgets are a few steps and the options small, so that the whole file stays fast. The MNIST lessons run
on small written IDX files (no download). k is random but seeded per lesson, so a failure repeats.
"""

from __future__ import annotations

import random

import pytest
import torch
from test_mnist_data import write_mnist

from core.base.events import Progress
from core.engine import catalog
from core.engine.trainer import Trainer
from core.phases import EPOCH, Phase

STEPS = 10
SMALL_GPT = {
    "n_layer": 1,
    "n_head": 2,
    "n_embd": 16,
    "block_size": 16,
    "batch_size": 4,
    "dropout": 0.1,
    "warmup_steps": 3,
    "eval_interval": 3,
    "eval_batches": 2,
    "sample_interval": 4,
    "sample_tokens": 8,
}
SMALL_MNIST = {"batch_size": 16, "eval_every": 4}
# lesson id -> the options of its short run (a variant id after '/' picks other options of the same lesson)
CASES = {
    "linear-grid": {},
    "linear-grid/wx+b": {"model": "wx+b", "w_step": 1.0, "b_step": 1.0},
    "gradient-descent": {},
    "gradient-descent/sgd": {"method": "sgd"},
    "autograd": {},
    "linear-regression": {},
    "logistic-regression": {},
    "multi-input": {},
    "dataloader": {"batch_size": 128},  # 6 batches an epoch: the run crosses an epoch's end
    "mnist-softmax": SMALL_MNIST,
    "mnist-cnn": SMALL_MNIST,
    "mnist-advanced": SMALL_MNIST,
    "rnn-hello": {},
    "rnn-names": {"hidden_size": 8, "n_layers": 1, "batch_size": 32},
    "char-gpt": SMALL_GPT,
    "simple-nn": {"samples": 80, "batch_size": 16},
}


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("mnist")
    write_mnist(root / "MNIST" / "raw", train=96, test=32)
    return str(root)


def after_step(events, k):
    """The events after the one that completed step k (where ``advance("step")`` stops)."""
    index = next(
        i
        for i, e in enumerate(events)
        if isinstance(e, Progress) and e.step == k and e.phase in (Phase.STEP, Phase.EPOCH)
    )
    return events[index + 1 :]


def parameters(trainer):
    out = {}
    for name, obj in trainer.run.watched.items():
        if hasattr(obj, "state_dict"):
            out.update({f"{name}.{k}": v.clone() for k, v in obj.state_dict().items()})
        else:
            out[name] = torch.as_tensor(obj).clone()
    return out


def start(case, options, **kwargs):
    return Trainer(catalog.load(case.split("/")[0]), options=options, seed=7, steps=STEPS, **kwargs)


def options_for(case, mnist_dir):
    options = dict(CASES[case])
    if case.startswith("mnist"):
        options["data_dir"] = mnist_dir
    return options


def test_every_built_in_lesson_has_a_case():
    assert {case.split("/")[0] for case in CASES} == {info.id for info in catalog.catalog()}


def resume_points():
    """Two seeded random steps k per case."""
    for case in sorted(CASES):
        for k in sorted(random.Random(case).sample(range(1, STEPS), 2)):
            yield pytest.param(case, k, id=f"{case}-k{k}")


STRAIGHT = {}  # case -> (events, final parameters) of the uninterrupted run, shared by its two k


@pytest.mark.parametrize(("case", "k"), list(resume_points()))
def test_a_resumed_run_matches_the_straight_run_bit_for_bit(tmp_path, mnist_dir, case, k):
    options = options_for(case, mnist_dir)
    if case not in STRAIGHT:
        straight = start(case, options)
        STRAIGHT[case] = list(straight), parameters(straight)
        assert straight.step == STEPS, "the short run should last its whole step budget"
    full, expected = STRAIGHT[case]

    first = start(case, options)
    for _ in range(k):
        first.advance("step")
    assert first.step == k
    resumed = Trainer.from_checkpoint(first.save(tmp_path / "run.pt"), catalog.load(case.split("/")[0]))

    # every event (phase, step, epoch, loss, lr, line, metrics), then Finished with its summary: exact floats
    assert list(resumed) == after_step(full, k)
    after = parameters(resumed)
    assert after.keys() == expected.keys()
    assert all(torch.equal(after[name], expected[name]) for name in expected)


@pytest.mark.parametrize("k", [2, 4])  # batches done in the first epoch when the checkpoint is taken
def test_dataloader_accuracy_after_a_mid_epoch_resume_covers_the_whole_epoch(tmp_path, k):
    options = {"batch_size": 128}  # 759 rows: 6 batches an epoch
    full = [e.metrics for e in start("dataloader", options) if isinstance(e, Progress) and e.phase is EPOCH]
    first = start("dataloader", options)
    for _ in range(k):
        first.advance("step")
    resumed = Trainer.from_checkpoint(first.save(tmp_path / "d.pt"), catalog.load("dataloader"))
    epochs = [e.metrics for e in resumed if isinstance(e, Progress) and e.phase is EPOCH]
    assert epochs[0]["train_accuracy"] == full[0]["train_accuracy"]
