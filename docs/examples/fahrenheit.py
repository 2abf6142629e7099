"""Celsius to Fahrenheit: a lesson of your own.

Twenty thermometer readings, in hundreds of degrees, and a linear model that learns
F = 1.8 * C + 32 from them (in those units: y = 1.8 * x + 0.32). Watch the weight walk to 1.8 and
the bias to 0.32 in the parameter table; press `+` and `-` to feel how the learning rate changes
the walk.
"""

import torch

from core.lesson import Lesson, Option
from core.phases import BACKWARD, EPOCH, EVAL, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD


def train(run):
    celsius = torch.linspace(-40, 100, 20).unsqueeze(1)
    x_data = celsius / 100
    y_data = (celsius * 1.8 + 32) / 100
    dataset = torch.utils.data.TensorDataset(x_data, y_data)
    loader = torch.utils.data.DataLoader(dataset, batch_size=run.options.batch_size, shuffle=True)

    model = torch.nn.Linear(1, 1)
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=run.lr)
    run.watch(model, optimizer=optimizer)  # after building data and model, before the loop
    run.state.model = model

    for epoch in run.epochs():
        for x, y in run.batches(loader):
            y_pred = model(x)
            yield FORWARD
            loss = criterion(y_pred, y)
            yield LOSS, loss
            optimizer.zero_grad()
            yield ZERO_GRAD
            loss.backward()
            yield BACKWARD
            optimizer.step()
            yield UPDATE
            yield STEP
        with torch.no_grad():
            yield EVAL, {"full_loss": criterion(model(x_data), y_data)}
        yield EPOCH


def summarize(run):
    model = run.state.model
    with torch.no_grad():
        boiling = model(torch.tensor([[1.0]])).item() * 100
    return {"w": model.weight.item(), "b": model.bias.item(), "prediction": boiling}


LESSON = Lesson(
    id="fahrenheit",
    title="Celsius to Fahrenheit with mini-batches",
    lecture=None,
    notes=__doc__,
    train=train,
    lr=0.1,
    epochs=200,
    options=(Option("batch_size", 5, "readings per batch"),),
    summarize=summarize,
)
