"""Linear regression with PyTorch (lecture 5).

The course's recipe for every model from here on:

1. prepare the data: x_data and y_data as 3x1 tensors;
2. design the model as a class: `LinearModel(torch.nn.Module)` holding `torch.nn.Linear(1, 1)`;
3. choose a loss and an optimizer: `MSELoss` (summed, as the course's `size_average=False`) and SGD;
4. the training cycle: forward, loss, zero_grad, backward, update.

`nn.Linear(1, 1)` holds a weight w and a bias b, so the model is y = w*x + b. The data lie on
y = 2x, so training should find w = 2 and b = 0, and predict y = 8 at x = 4.

Homework: try each optimizer with `--optimizer` (SGD, Adagrad, Adam, Adamax, ASGD, RMSprop, Rprop,
LBFGS) and compare the loss curves. LBFGS evaluates the loss several times per step, so it needs a
*closure* that recomputes it: `optimizer.step(closure)` runs zero_grad, forward, loss and backward as
often as it needs before it updates. Stepping phase by phase, LBFGS shows the loss before its step
(FORWARD, LOSS) and then the whole of `optimizer.step(closure)` as one UPDATE.
"""

import torch

from core.lesson import Lesson, Option
from core.phases import BACKWARD, EPOCH, FORWARD, LOSS, UPDATE, ZERO_GRAD
from core.pictures.landscape import loss_landscape
from core.pictures.model import line_fit, loop_value

OPTIMIZERS = ("SGD", "Adagrad", "Adam", "Adamax", "ASGD", "RMSprop", "Rprop", "LBFGS")


class LinearModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x):
        y_pred = self.linear(x)
        return y_pred


def train(run):
    x_data = torch.tensor([[1.0], [2.0], [3.0]])
    y_data = torch.tensor([[2.0], [4.0], [6.0]])
    model = LinearModel()
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = getattr(torch.optim, run.options.optimizer)(model.parameters(), lr=run.lr)
    run.watch(model, optimizer=optimizer)
    run.state.model = model

    for epoch in run.epochs():
        if run.options.optimizer != "LBFGS":  # the course's loop
            y_pred = model(x_data)
            yield FORWARD
            loss = criterion(y_pred, y_data)
            yield LOSS, loss
            optimizer.zero_grad()
            yield ZERO_GRAD
            loss.backward()
            yield BACKWARD
            optimizer.step()
            yield UPDATE
            yield EPOCH
        else:  # LBFGS re-evaluates the loss as often as it needs: it takes a closure that does

            def closure():
                optimizer.zero_grad()
                loss = criterion(model(x_data), y_data)
                loss.backward()
                return loss

            y_pred = model(x_data)
            yield FORWARD
            loss = criterion(y_pred, y_data)  # the loss before this step (what optimizer.step returns)
            yield LOSS, loss
            optimizer.step(closure)  # zero_grad, forward, loss, backward: as often as LBFGS needs, then updates
            yield UPDATE
            yield EPOCH


def summarize(run):
    model = run.state.model
    with torch.no_grad():
        prediction = model(torch.tensor([[4.0]])).item()
    return {"w": model.linear.weight.item(), "b": model.linear.bias.item(), "prediction": prediction}


def fit_view(run):
    """The Fit tab: the three points, the current line w*x + b and the earlier lines (faint)."""
    if not hasattr(run.state, "model"):
        return {"points": [], "line": None, "previous": [], "step": run.eval_step}
    return line_fit(run, run.state.model.linear, loop_value(run, "x_data"), loop_value(run, "y_data"))


LESSON = Lesson(
    id="linear-regression",
    title="Linear regression with nn.Linear",
    lecture=5,
    notes=__doc__,
    train=train,
    lr=0.01,
    epochs=1000,
    options=(Option("optimizer", "SGD", "the optimizer (the course's homework compares them)", choices=OPTIMIZERS),),
    summarize=summarize,
    views={"fit": fit_view, "landscape": loss_landscape("linear.weight", "linear.bias", reduction="sum")},
)
