"""Extreme values a curious learner types: each a one-line refusal or a divergence, never a traceback."""

import pytest
import torch

from core.base.events import Diverged
from core.data.names import load_names
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import DataError, UsageError
from core.front.cli import main
from core.lesson import Lesson
from core.phases import FORWARD, LOSS, STEP


def test_a_linear_grid_too_wide_for_a_float_is_refused_in_one_line(capsys):
    trainer = Trainer(catalog.load("linear-grid"), options={"w_start": "-1e308", "w_stop": "1e308", "w_step": "1e307"})
    with pytest.raises(UsageError, match="gives more than 100000 candidates; use a larger step or a shorter range"):
        next(trainer)
    assert main(["run", "linear-grid", "--headless", "--w-start=-1e308", "--w-stop", "1e308", "--w-step", "1e307"]) == 2
    out, err = capsys.readouterr()
    assert "candidates" in err and "Traceback" not in out + err


def test_simple_nn_at_an_absurd_rate_diverges_instead_of_crashing_in_bce(capsys):
    # Its weights turn nan within a few steps; BCELoss then refuses the nan predictions with a RuntimeError.
    assert main(["run", "simple-nn", "--headless", "--lr", "1e30", "--steps", "20"]) == 3
    out, err = capsys.readouterr()
    assert "diverged" in err and "holds nan or inf" in err and "Traceback" not in out + err


def test_a_loop_that_raises_on_nan_weights_ends_as_diverged_and_cannot_be_continued():
    def train(run):
        w = torch.ones(1)
        run.watch(w=w)
        while True:
            yield FORWARD
            yield LOSS, 1.0
            w.fill_(float("nan"))
            yield STEP
            if w.isnan().any():
                raise RuntimeError("all elements of input should be between 0 and 1")

    trainer = Trainer(Lesson(id="t", title="t", lecture=None, train=train, steps=10), lr=0.5)
    ended = [e for e in trainer if not hasattr(e, "phase")]
    assert isinstance(ended[-1], Diverged) and trainer.status == "diverged"
    assert "parameter w holds nan or inf (then RuntimeError" in ended[-1].message
    assert ended[-1].message.endswith("Lower the learning rate (it is 0.5: try 0.05 or lower).")
    with pytest.raises(UsageError, match="reset to start it again"):
        trainer.continue_after_divergence()


def test_a_name_longer_than_csvs_field_limit_is_a_data_error_naming_file_and_row(tmp_path):
    rows = '"Smith","English"\n"Rossi","Italian"\n"' + "a" * 140_000 + '","English"\n'
    for name in ("names_train.csv", "names_test.csv"):
        (tmp_path / name).write_text(rows)
    with pytest.raises(DataError) as caught:
        load_names(tmp_path)
    assert "names_train.csv, row 3" in str(caught.value) and "field limit" in str(caught.value)
