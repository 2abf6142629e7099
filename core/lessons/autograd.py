"""Back propagation with autograd (lecture 4).

Working out gradients on paper (lecture 3) stops being possible for real networks. PyTorch records
every operation on a tensor that `requires_grad`, and `backward()` walks that record back from the
loss, leaving d(loss)/d(tensor) in each tensor's `.grad`.

The first two phases run the notes' demo:

    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    z = y.mean()
    z.backward()

z = (2*x1 + 2*x2 + 2*x3) / 3, so dz/dx = [2/3, 2/3, 2/3]: see `demo_x` and its gradient in the
parameters panel. Then the course learns w (from 1.0) for y = x * w on x = [1, 2, 3], y = [2, 4, 6],
one sample at a time:

    l = loss(x, y)
    l.backward()
    w.data = w.data - 0.01 * w.grad.data
    w.grad.data.zero_()

The update goes through `.data` so that it is not itself recorded in the graph.

What to watch: after BACKWARD, w's gradient in the parameters panel equals 2 * x * (x * w - y) for
this sample, computed for you. Press `z` to turn off `zero_()` (the option `zero_grad`): `backward()`
then *adds* each new gradient to the old one, so the gradient keeps the sum of every step so far and
w overshoots and swings: the bug the notes warn about, and the reason every training loop zeroes the
gradients. Press `z` again to zero them at the next step.

`--variant summed` is the notes' second version: it adds up the loss of all three samples and calls
`backward()` once per epoch; the gradient is then the sum of the three samples' gradients.

Homework: `--model quadratic` learns y = w1*x^2 + w2*x + b (all from 1.0). The data are still on
y = 2x, so training pushes w1 and b towards 0 and w2 towards 2, but slowly: the three weights can
trade off against each other along a nearly flat valley of the loss. After the default 100 epochs
the prediction at x = 4 is about 8.5; `--epochs 5000` gets it to about 8.03. With `--variant summed`
the gradient is three times larger, so lr 0.01 diverges for this model: use `--lr 0.005`.
The summary gives `prediction`, the model's output at x = 4, and the weights (`w`, or `w1`, `w2`, `b`).
"""

import torch

from core.lesson import Control, Lesson, Option
from core.phases import BACKWARD, EPOCH, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD
from core.pictures.graph import graph_view
from core.pictures.landscape import loss_landscape


def sgd_update(params, lr):
    for w in params:
        w.data = w.data - lr * w.grad.data


def zero_grads(params):
    for w in params:
        w.grad.data.zero_()


def train(run):
    quadratic = run.options.model == "quadratic"
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)  # the notes' demo
    if quadratic:  # homework: y = w1 * x^2 + w2 * x + b
        w1, w2, b = torch.Tensor([1.0]), torch.Tensor([1.0]), torch.Tensor([1.0])
        params = {"w1": w1, "w2": w2, "b": b}
    else:
        w = torch.Tensor([1.0])
        params = {"w": w}
    for p in params.values():
        p.requires_grad = True
    run.watch(demo_x=x, **params)
    run.state.demo_x = x
    run.state.params = params

    y = x * 2
    z = y.mean()
    yield FORWARD
    z.backward()
    yield BACKWARD  # x.grad is now [2/3, 2/3, 2/3]

    x_data = [1.0, 2.0, 3.0]
    y_data = [2.0, 4.0, 6.0]

    def forward(x):
        if quadratic:
            return w1 * x**2 + w2 * x + b
        return x * w

    def loss(x, y):
        y_pred = forward(x)
        return (y_pred - y) ** 2

    run.state.forward = forward
    weights = list(params.values())
    for epoch in run.epochs():
        if run.options.variant == "per-sample":
            for x, y in run.batches(zip(x_data, y_data)):
                l = loss(x, y)
                yield FORWARD
                yield LOSS, l
                l.backward()
                grads = {f"grad_{name}": p.grad.item() for name, p in params.items()}
                yield BACKWARD
                sgd_update(weights, run.lr)  # w.data = w.data - lr * w.grad.data
                yield UPDATE
                if run.options.zero_grad:
                    zero_grads(weights)  # w.grad.data.zero_()
                    yield ZERO_GRAD
                yield STEP, {**{name: p for name, p in params.items()}, **grads}
        else:  # the notes' second variant: one backward() on the loss summed over the samples
            l_sum = 0
            for x, y in zip(x_data, y_data):
                l_sum = l_sum + loss(x, y)
            yield FORWARD
            yield LOSS, l_sum
            l_sum.backward()
            grads = {f"grad_{name}": p.grad.item() for name, p in params.items()}
            yield BACKWARD
            sgd_update(weights, run.lr)
            yield UPDATE
            if run.options.zero_grad:
                zero_grads(weights)
                yield ZERO_GRAD
            yield EPOCH, {**{name: p for name, p in params.items()}, **grads}


def summarize(run):
    if not hasattr(run.state, "forward"):  # not started yet
        return {}
    with torch.no_grad():
        prediction = run.state.forward(4.0).item()
    return {**{name: p.item() for name, p in run.state.params.items()}, "prediction": prediction}


LESSON = Lesson(
    id="autograd",
    title="Back propagation with autograd",
    lecture=4,
    notes=__doc__,
    train=train,
    lr=0.01,
    epochs=100,
    options=(
        Option(
            "variant",
            "per-sample",
            "per-sample: one update per sample (the course); summed: one "
            "backward() on the loss summed over the samples",
            choices=("per-sample", "summed"),
        ),
        Option(
            "model",
            "linear",
            "linear: y = x*w (the course); quadratic: the homework's y = w1*x^2 + w2*x + b",
            choices=("linear", "quadratic"),
        ),
        Option("zero_grad", True, "zero the gradients after each update (off: watch them accumulate)", live=True),
    ),
    controls=(
        Control(
            "z",
            "zero_grad",
            toggles="zero_grad",
            help="turn w.grad.data.zero_() off and on: without it the gradients pile up",
        ),
    ),
    summarize=summarize,
    views={"graph": graph_view, "landscape": loss_landscape("w")},
)
