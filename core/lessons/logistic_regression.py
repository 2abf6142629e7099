"""Logistic regression (lecture 6).

From predicting a number to predicting a class: hours studied -> pass or fail. The data are x = [1,
2, 3] hours with y = [0, 0, 1] (only the student who studied 3 hours passed). The model still starts
with a linear part, w*x + b, but squeezes it through the sigmoid 1 / (1 + e^-z) so that the output
is a probability between 0 and 1:

    class LogisticRegressionModel(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(1, 1)

        def forward(self, x):
            y_pred = torch.sigmoid(self.linear(x))
            return y_pred

    criterion = torch.nn.BCELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

The loss is the binary cross-entropy, -(y*log(y_pred) + (1-y)*log(1-y_pred)), summed over the
samples (the course writes `size_average=False`, the old spelling of `reduction='sum'`; the course's
`F.sigmoid` is now `torch.sigmoid`). The training cycle is lecture 5's: forward, loss, zero_grad,
backward, step, for 1000 epochs.

What to watch: the loss falls steadily but slowly; w turns positive (more hours, more likely to
pass) and b negative. The summary's `prediction` is the probability of passing after 4 hours of
study, which ends above 0.5. The probability is 0.5 where w*x + b = 0, at x = -b/w hours
(`pass_hours` in the summary): with lr 0.01 it is still moving towards 2.5 after 1000 epochs. Try a
larger learning rate to see the boundary settle, and the probabilities sharpen towards 0 and 1.
"""

import torch

from core.lesson import Lesson
from core.phases import BACKWARD, EPOCH, FORWARD, LOSS, UPDATE, ZERO_GRAD
from core.pictures.model import loop_value, sigmoid_curve


class LogisticRegressionModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x):
        y_pred = torch.sigmoid(self.linear(x))
        return y_pred


def train(run):
    x_data = torch.tensor([[1.0], [2.0], [3.0]])
    y_data = torch.tensor([[0.0], [0.0], [1.0]])
    model = LogisticRegressionModel()
    criterion = torch.nn.BCELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=run.lr)
    run.watch(model, optimizer=optimizer)
    run.state.model = model

    for epoch in run.epochs():
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


def summarize(run):
    if not hasattr(run.state, "model"):  # not started yet
        return {}
    model = run.state.model
    with torch.no_grad():
        prediction = model(torch.tensor([[4.0]])).item()
    w, b = model.linear.weight.item(), model.linear.bias.item()
    result = {"prediction": prediction, "w": w, "b": b}
    if w != 0:
        result["pass_hours"] = -b / w
    return result


def sigmoid_view(run):
    """The Sigmoid tab: hours against pass (the points), p(pass) along the hours, and the 0.5 threshold."""
    if not hasattr(run.state, "model"):
        return {"points": [], "curve": [], "previous": []}
    model = run.state.model
    return sigmoid_curve(run, model, model.linear, loop_value(run, "x_data"), loop_value(run, "y_data"))


LESSON = Lesson(
    id="logistic-regression",
    title="Logistic regression: will the student pass?",
    lecture=6,
    notes=__doc__,
    train=train,
    lr=0.01,
    epochs=1000,
    summarize=summarize,
    views={"sigmoid": sigmoid_view},
    # BCELoss caps each sample's loss at 100 (it clamps log(0) to -100), so a too-high rate never
    # makes the loss nan: it sticks at 100 or 200, the sigmoid saturated. 20x the first loss (~49)
    # stops that; lr 3 peaks at 22 and still learns.
    divergence_factor=20,
)
