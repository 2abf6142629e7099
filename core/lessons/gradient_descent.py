"""Gradient descent by hand (lecture 3).

Searching every w (lecture 2) does not scale. Gradient descent starts from a guess, w = 1.0, and
moves it against the gradient of the cost: w <- w - lr * d(cost)/dw. For the model y_pred = x * w
and the mean squared error over N samples, the gradient is worked out on paper:

    d(cost)/dw = 1/N * sum over samples of 2 * x * (x * w - y)

The course's code, with its data x = [1, 2, 3], y = [2, 4, 6]:

    def forward(x):
        return x * w

    def cost(xs, ys):           # mean squared error over the samples
        ...

    def gradient(xs, ys):
        grad = 0
        for x, y in zip(xs, ys):
            grad += 2 * x * (x * w - y)
        return grad / len(xs)

    for epoch in range(100):
        cost_val = cost(x_data, y_data)
        grad_val = gradient(x_data, y_data)
        w -= 0.01 * grad_val

What to watch: step by phase and see the cost (FORWARD, LOSS), then the gradient (BACKWARD, the
`grad` metric), then w move by lr * grad (UPDATE). w climbs from 1.0 towards 2.0 and the loss curve
flattens as the gradient shrinks. Press the learning-rate keys: a larger lr moves w further per step
(exactly lr * grad); past about 0.21 (with either method) w overshoots 2.0 by more each epoch
than it started away from it, and the run diverges.

`--method sgd` is the course's stochastic gradient descent: one update per sample, using that
sample's loss (y_pred - y)^2 and gradient 2 * x * (x * w - y). Here it reuses cost() and gradient()
on a one-sample list. It makes three updates per epoch instead of one, so it gets close to w = 2
in fewer epochs, but each update follows a single noisy sample; on big data sets, updates on
mini-batches sit between the two (lecture 8).

Both keep w as a one-element numpy array updated in place (`w -= lr * grad_val`), so the app can
watch it. The summary gives `w` and the `prediction` for x = 4 (8.0 when w = 2).
"""

import numpy as np

from core.lesson import Lesson, Option
from core.phases import BACKWARD, EPOCH, FORWARD, LOSS, STEP, UPDATE
from core.pictures.landscape import loss_landscape


def train(run):
    x_data = [1.0, 2.0, 3.0]
    y_data = [2.0, 4.0, 6.0]
    w = np.array([1.0])  # the course's w = 1.0, as an array updated in place so the app can watch it
    run.watch(w=w)
    run.state.w = w

    def forward(x):
        return x * w

    def cost(xs, ys):
        cost = 0
        for x, y in zip(xs, ys):
            y_pred = forward(x)
            cost += (y_pred - y) ** 2
        return cost / len(xs)

    def gradient(xs, ys):
        grad = 0
        for x, y in zip(xs, ys):
            grad += 2 * x * (x * w - y)
        return grad / len(xs)

    run.state.forward = forward
    for epoch in run.epochs():
        if run.options.method == "gd":
            cost_val = cost(x_data, y_data)
            yield FORWARD
            yield LOSS, cost_val
            grad_val = gradient(x_data, y_data)
            yield BACKWARD, {"w": grad_val}  # shows grad_val as w's gradient
            w -= run.lr * grad_val
            yield UPDATE
            yield EPOCH, {"w": w, "grad": grad_val}
        else:  # stochastic gradient descent: update after every sample
            for x, y in run.batches(zip(x_data, y_data)):
                loss_val = cost([x], [y])  # (y_pred - y) ** 2 of this sample
                yield FORWARD
                yield LOSS, loss_val
                grad = gradient([x], [y])  # 2 * x * (x * w - y)
                yield BACKWARD, {"w": grad}
                w -= run.lr * grad
                yield UPDATE
                yield STEP, {"w": w, "grad": grad}
            yield EPOCH


def summarize(run):
    if not hasattr(run.state, "w"):  # not started yet
        return {}
    return {"w": run.state.w.item(), "prediction": run.state.forward(4.0).item()}


LESSON = Lesson(
    id="gradient-descent",
    title="Gradient descent by hand",
    lecture=3,
    notes=__doc__,
    train=train,
    lr=0.01,
    epochs=100,
    options=(
        Option(
            "method",
            "gd",
            "gd: one update per epoch on the mean cost; sgd: one update per sample",
            choices=("gd", "sgd"),
        ),
    ),
    summarize=summarize,
    views={"landscape": loss_landscape("w")},
)
