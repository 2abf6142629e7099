"""The autograd graph (core/pictures/graph.py, view "graph"): what backward() walks, as plain data and drawn."""

from __future__ import annotations

from types import SimpleNamespace

import torch
import torch.nn.functional as F

from core.gpt.model import GPT, GPTConfig
from core.pictures.graph import describe, graph_view, names_of
from tui.views.graph import render_graph


def demo():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    z = y.mean()
    return x, y, z


def test_the_notes_demo_is_x_mul_mean_z_and_shows_the_gradient_after_backward():
    x, y, z = demo()
    leaves, results = names_of([("x", x), ("y", y), ("z", z)])
    before = describe(z, leaves, results)
    assert [(n["op"], n.get("name")) for n in before["nodes"]] == [
        ("AccumulateGrad", "x"),
        ("MulBackward0", "y"),
        ("MeanBackward0", "z"),
    ]
    assert before["edges"] == [[0, 1], [1, 2]] and before["nodes"][0]["grad"] is None
    z.backward()
    after = describe(z, leaves, results)
    assert after["nodes"][0]["grad"] == {"shape": [3], "values": [0.6667, 0.6667, 0.6667]}
    text = render_graph(after, 80).plain
    assert "x → MulBackward0 → MeanBackward0 → z" in text
    assert "grad [0.6667, 0.6667, 0.6667]" in text


def test_the_view_finds_the_newest_result_of_the_suspended_loop_and_its_names():
    def train(run):
        x, y, z = demo()
        yield "demo"
        w = torch.tensor([1.0], requires_grad=True)
        l = (w * 2.0 - 4.0) ** 2  # noqa: F841 (the view finds it among the loop's variables)
        yield "loss"

    generator = train(None)
    run = SimpleNamespace(loop_variables=lambda: dict(generator.gi_frame.f_locals), watched={})
    next(generator)
    assert graph_view(run)["root"] == "z"
    next(generator)
    data = graph_view(run)
    assert data["root"] == "l" and [n["op"] for n in data["nodes"]] == [
        "AccumulateGrad",
        "MulBackward0",
        "SubBackward0",
        "PowBackward0",
    ]
    assert "w → MulBackward0 → SubBackward0 → PowBackward0 → l" in render_graph(data).plain


def test_accumulated_gradients_show_on_the_leaf():
    x, y, z = demo()
    z.backward()
    z2 = (x * 2).mean()
    z2.backward()  # no zero_grad: the gradients add up
    data = describe(z2, *names_of([("x", x), ("z", z2)]))
    assert data["nodes"][0]["grad"]["values"] == [1.333, 1.333, 1.333]


def test_a_gpt_graph_collapses_its_repeated_blocks():
    torch.manual_seed(0)
    model = GPT(GPTConfig(block_size=8, vocab_size=20, n_layer=4, n_head=2, n_embd=16))
    tokens = torch.randint(0, 20, (2, 8))
    loss = F.cross_entropy(model(tokens).view(-1, 20), tokens.view(-1))
    data = describe(loss, *names_of(model.named_parameters()))
    assert [b["count"] for b in data["blocks"]] == [4]  # the four transformer blocks
    assert len(data["nodes"]) < data["count"] / 2
    text = render_graph(data, 80).plain
    assert "4 alike blocks" in text and "blocks.0.attn" in text and "blocks.3.attn" not in text
    assert text.splitlines()[-1].strip().startswith("[") and "NllLossBackward0" in text.splitlines()[-1]
