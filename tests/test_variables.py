"""The loop's local variables as plain data (core/engine/variables.py): what each kind of value becomes, what
changed between two stops, one variable in full, and --vars / --json where a headless run stops."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from core.base import i18n
from core.engine import catalog
from core.engine.trainer import Trainer
from core.engine.variables import Variable, changed, describe
from core.engine.variables_text import table
from core.front.cli import main
from core.phases import BACKWARD, FORWARD, LOSS, UPDATE, ZERO_GRAD


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(3, 4)
        self.out = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


def tiny_loop():
    """A training loop that stops after each phase, as a lesson's does."""
    torch.manual_seed(0)
    model = Tiny()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(64, 3)
    target = torch.randint(0, 2, (64,))
    step = 0
    while True:
        y_pred = model(x)
        yield FORWARD
        loss = torch.nn.functional.cross_entropy(y_pred, target)
        yield LOSS
        optimizer.zero_grad()
        yield ZERO_GRAD
        loss.backward()
        yield BACKWARD
        optimizer.step()
        step += 1
        yield UPDATE


def by_name(variables):
    return {v.name: v for v in variables}


def holds_a_tensor(value) -> bool:
    if isinstance(value, torch.Tensor | np.ndarray | torch.nn.Module):
        return True
    if dataclasses.is_dataclass(value):
        return any(holds_a_tensor(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple | list):
        return any(holds_a_tensor(v) for v in value)
    return False


def test_a_tensor_is_its_shape_dtype_device_autograd_facts_and_a_preview():
    loop = tiny_loop()
    next(loop)  # after the forward pass
    found = by_name(describe(loop.gi_frame))
    y_pred, x, target = found["y_pred"].tensor, found["x"].tensor, found["target"].tensor
    assert (y_pred.shape, y_pred.dtype, y_pred.device) == ((64, 2), "float32", "cpu")
    assert y_pred.requires_grad and y_pred.grad_fn == "AddmmBackward0" and not y_pred.is_leaf
    assert not y_pred.has_grad and y_pred.values is None  # 128 values: min/mean/max instead
    assert y_pred.low <= y_pred.mean <= y_pred.high
    assert x.is_leaf and not x.requires_grad and x.grad_fn is None
    assert target.dtype == "int64" and target.low == 0 and target.high == 1
    assert found["x"].text.startswith("min ") and "mean" in found["x"].text
    assert found["model"].kind == "module" and found["model"].params == 3 * 4 + 4 + 4 * 2 + 2 == 26
    assert found["model"].text == "26 parameters" and found["step"].text == "0"
    assert found["optimizer"].text == "lr 0.1"
    assert not holds_a_tensor(tuple(found.values()))  # plain data: nothing that pins a tensor


def test_a_small_tensor_shows_every_value_and_a_leaf_its_grad():
    w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    (w * 3).sum().backward()
    found = by_name(describe({"w": w, "rate": 0.1, "note": "hi", "grid": np.arange(4.0)}))
    info = found["w"].tensor
    assert info.values == (1.0, -2.0, 0.5) and found["w"].text == "[1, -2, 0.5]"
    assert info.is_leaf and info.requires_grad and info.has_grad and info.grad_fn is None
    assert found["rate"].kind == "number" and found["rate"].text == "0.1"
    assert found["note"].kind == "text" and found["note"].text == "'hi'"
    grid = found["grid"]
    assert grid.kind == "array" and grid.tensor.shape == (4,) and grid.tensor.values == (0.0, 1.0, 2.0, 3.0)


def test_what_changed_since_the_last_stop():
    loop = tiny_loop()
    stops = []
    for _ in range(6):  # forward, loss, zero_grad, backward, update; the next forward
        next(loop)
        stops.append(describe(loop.gi_frame))
    forward, loss, zero_grad, backward, update, again = stops
    assert changed(forward, loss) == {"loss"}  # a new variable
    assert changed(loss, zero_grad) == frozenset()  # no gradient yet: zero_grad changes nothing
    assert changed(zero_grad, backward) == {"model"}  # the model's gradients appeared
    assert changed(backward, update) == {"model", "step"}  # its weights moved (in place), the counter too
    assert changed(update, again) == {"y_pred"}  # a new tensor, though of the same shape
    assert changed(again, describe(loop.gi_frame)) == frozenset()  # the same stop read twice


def test_one_variable_in_full():
    loop = tiny_loop()
    next(loop)
    found = by_name(describe(loop.gi_frame, full="y_pred"))
    assert [name for name, v in found.items() if v.full is not None] == ["y_pred"]
    text = found["y_pred"].full
    assert "grad_fn AddmmBackward0" in text and "is_leaf False" in text
    assert text.count("[") >= 64  # every row of the 64×2 tensor
    model = by_name(describe(loop.gi_frame, full="model"))["model"].full
    assert "26 parameters" in model and "Linear(in_features=3, out_features=4" in model


def test_a_value_that_cannot_be_read_is_said_so():
    class Broken:
        def __repr__(self):
            raise RuntimeError("half built")

    [found] = describe({"thing": Broken()})
    assert found.kind == "other" and "could not be read" in found.text


def test_the_trainers_loop_variables_in_a_table():
    trainer = Trainer(catalog.load("linear-regression"))
    trainer.advance("phase")
    lines = table(describe(trainer.loop_variables()))
    assert lines[0].split()[:4] == ["name", "shape", "value", "type"]
    y_pred = next(line for line in lines if line.startswith("y_pred"))
    assert y_pred.split()[:2] == ["y_pred", "3×1"] and " Tensor " in y_pred and "AddmmBackward0" in y_pred
    i18n.set_language("zh")
    try:
        assert table(describe(trainer.loop_variables()))[0].split()[:4] == ["名称", "形状", "值", "类型"]
    finally:
        i18n.set_language(None)


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_vars_prints_the_variables_where_a_headless_run_stops(capsys):
    code, out, _ = run_cli(capsys, "run", "linear-regression", "--headless", "--vars", "--steps", "3")
    assert code == 0
    lines = out.splitlines()
    at = lines.index("variables (after epoch, step 3):")
    rows = {line.split()[0]: line.split() for line in lines[at + 2 :]}
    assert rows["y_pred"][:2] == ["y_pred", "3×1"] and {"Tensor", "AddmmBackward0"} <= set(rows["y_pred"])
    assert rows["model"][1:4] == ["2", "parameters", "LinearModel"] and rows["epoch"] == ["epoch", "3", "int"]
    code, out, _ = run_cli(capsys, "run", "linear-regression", "--headless", "--steps", "3")
    assert code == 0 and "variables" not in out  # only when asked


def test_json_with_vars_carries_them_in_the_stop_record(capsys):
    code, out, _ = run_cli(capsys, "run", "linear-regression", "--json", "--vars", "--steps", "2")
    assert code == 0
    summary = json.loads(out.splitlines()[-1])
    assert summary["event"] == "summary"
    found = {v["name"]: v for v in summary["variables"]}
    assert found["y_pred"]["shape"] == [3, 1] and found["y_pred"]["grad_fn"] == "AddmmBackward0"
    assert found["y_pred"]["is_leaf"] is False and len(found["y_pred"]["values"]) == 3
    assert found["model"]["params"] == 2 and found["epoch"]["text"] == "2"
    code, out, _ = run_cli(capsys, "run", "linear-regression", "--json", "--steps", "2")
    assert "variables" not in json.loads(out.splitlines()[-1])


def test_vars_alone_runs_headless(capsys):
    code, out, _ = run_cli(capsys, "run", "linear-regression", "--vars", "--steps", "1")
    assert code == 0 and "variables (after epoch, step 1):" in out


@pytest.mark.parametrize("value", [Variable("x", "number", "int", "1")])
def test_variables_are_frozen(value):
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.text = "2"  # type: ignore[misc]


def test_a_finished_runs_loop_variables_are_as_the_loop_left_them(capsys):
    """The loop's frame is kept: after its last epoch, --vars and the pictures still read its variables."""
    trainer = Trainer(catalog.load("gradient-descent"))
    while trainer.ended is None:
        trainer.advance("epoch")
    assert trainer.status.name == "FINISHED" and trainer._gen.gi_frame is None  # the generator is done
    found = {v.name: v for v in describe(trainer.loop_variables())}
    assert found["epoch"].text == "100" and float(found["w"].text.strip("[]")) == pytest.approx(2.0, abs=1e-3)
    code, out, _ = run_cli(capsys, "run", "gradient-descent", "--headless", "--vars")
    assert code == 0 and "variables (after epoch, step 100):" in out and "none" not in out


def test_a_finished_runs_pictures_show_what_the_loop_left_though_nobody_looked_while_it_ran():
    """Run autograd to its end without taking a snapshot (its Graph and Landscape tabs never on screen),
    then look: the graph of the last loss and the landscape with its data, not "no data yet"."""
    trainer = Trainer(catalog.load("autograd"))
    while trainer.ended is None:
        trainer.advance("epoch")
    views = trainer.snapshot().views
    assert views["graph"]["root"] == "l" and [n["op"] for n in views["graph"]["nodes"]][-1] == "PowBackward0"
    landscape = views["landscape"]
    assert "message" not in landscape and landscape["loss"] and len(landscape["path"]) > 1
    assert landscape["now"][0] == pytest.approx(2.0, abs=1e-3)  # where w ended
