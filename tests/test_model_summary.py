"""The Model tab's data (core/engine/model_summary.py): layers as a tree with their parameter counts, output shapes
from forward hooks that are on only while asked for; and frames carrying variables and the model only when a
visible tab needs them, through the --serve codec too."""

from __future__ import annotations

import pytest
import torch
from test_mnist_data import write_mnist

from core.base.settings import RunSettings
from core.driver.frames import FrameBuilder, Needs
from core.driver.requests import RunControl
from core.engine.catalog import load
from core.engine.model_summary import OutputShapes, summarize
from core.lessons.mnist_cnn import Net
from core.remote.codec import decode, encode
from core.remote.protocol import ProtocolError, check_request


def hooks_on(model: torch.nn.Module) -> int:
    return sum(len(layer._forward_hooks) for layer in model.modules())


def test_mnist_cnn_has_8490_parameters_layer_by_layer():
    torch.manual_seed(0)
    summary = summarize({"": Net()})
    rows = {layer.path: (layer.depth, layer.type_name, layer.params) for layer in summary.layers}
    assert rows == {
        "": (0, "Net", 8490),
        "conv1": (1, "Conv2d", 10 * 1 * 5 * 5 + 10),
        "conv2": (1, "Conv2d", 20 * 10 * 5 * 5 + 20),
        "pooling": (1, "MaxPool2d", 0),
        "fc": (1, "Linear", 320 * 10 + 10),
    }
    assert (summary.total, summary.trainable, summary.frozen) == (8490, 8490, 0)
    assert all(layer.outputs is None for layer in summary.layers)  # no hooks, no shapes


def test_output_shapes_come_from_one_shot_hooks_that_go_when_nobody_looks():
    model = Net()
    shapes = OutputShapes()
    shapes.follow({"": model, "w": torch.zeros(3)})  # (a watched tensor is no layer)
    assert hooks_on(model) == 5
    shapes.follow({"": model})  # already armed: not twice
    assert hooks_on(model) == 5
    model(torch.zeros(2, 1, 28, 28))
    found = {layer.path: layer.outputs for layer in summarize({"": model}, shapes).layers}
    assert found["conv1"] == ((2, 10, 24, 24),) and found["fc"] == ((2, 10),) and found[""] == ((2, 10),)
    assert found["pooling"] == ((2, 20, 4, 4),)  # used twice: its last output
    assert hooks_on(model) == 0  # noted once: the forward passes until the next frame cost nothing
    model(torch.zeros(3, 1, 28, 28))
    assert summarize({"": model}, shapes).layers[-1].outputs == ((2, 10),)
    shapes.follow({"": model})  # the next frame arms them again
    model(torch.zeros(3, 1, 28, 28))
    assert summarize({"": model}, shapes).layers[-1].outputs == ((3, 10),)
    shapes.follow({"": model})
    shapes.remove()
    assert hooks_on(model) == 0 and not shapes.following and not shapes.shapes


def test_frozen_parameters_and_a_layer_with_several_outputs():
    model = torch.nn.Sequential(torch.nn.Embedding(5, 3), torch.nn.LSTM(3, 4, batch_first=True))
    model[0].weight.requires_grad_(False)
    shapes = OutputShapes()
    shapes.follow({"net": model})
    model(torch.tensor([[1, 2, 3]]))
    summary = summarize({"net": model}, shapes)
    assert summary.frozen == 15 and summary.trainable == summary.total - 15
    lstm = next(layer for layer in summary.layers if layer.type_name == "LSTM")
    assert lstm.path == "net.1" and lstm.outputs == ((1, 3, 4), (1, 1, 4), (1, 1, 4))  # output, (h, c)


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("mnist")
    write_mnist(root / "MNIST" / "raw", train=128, test=20)
    return str(root)


def test_the_mnist_cnn_runs_model_tab_reads_8490_and_the_shapes_of_its_forward(mnist_dir):
    run = RunControl(load("mnist-cnn"), RunSettings(options={"data_dir": mnist_dir}), paused=True)
    run.prime()
    frames = FrameBuilder()
    assert frames.build(run).model is None and frames.build(run).variables is None  # hidden: nothing computed
    frames.needs = Needs(model=True)
    summary = frames.build(run).model
    assert summary is not None and summary.total == 8490 and summary.hooked
    model = run.trainer.run.watched[""]
    assert hooks_on(model) == 5
    run.trainer.advance("step")
    run.trainer.advance("step")  # a forward pass with the hooks on
    layers = {layer.path: layer.outputs for layer in frames.build(run).model.layers}  # (a picture ran conv1 on 1 digit)
    assert layers["conv1"] == ((64, 10, 24, 24),) and layers["fc"] == ((64, 10),)
    assert hooks_on(model) == 5  # armed again by that frame
    frames.needs = Needs(variables=True, full="inputs")  # the Variables tab instead: the hooks go
    frame = frames.build(run)
    assert hooks_on(model) == 0 and frame.model is None
    found = {v.name: v for v in frame.variables}
    assert found["inputs"].tensor.shape == (64, 1, 28, 28) and found["inputs"].full is not None
    assert found["outputs"].tensor.grad_fn == "AddmmBackward0" and found["model"].params == 8490
    assert decode(encode(frame)) == frame  # what --serve sends an attached app


def test_a_served_runs_needs_may_ask_for_variables_and_the_model():
    old = {"chart": True, "snapshot": True, "views": True, "ratios": True}
    # an app of before the Variables tab leaves them out: they are off for it
    assert Needs(**check_request({"do": "needs", "args": old})[1]) == Needs(**old)
    new = {**old, "variables": True, "full": "x", "model": False}
    assert Needs(**check_request({"do": "needs", "args": new})[1]) == Needs(variables=True, full="x")
    with pytest.raises(ProtocolError):
        check_request({"do": "needs", "args": {**new, "full": 3}})
