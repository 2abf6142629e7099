"""A test lesson that presses ctrl+c on itself: during its set-up, or inside a chosen step, once or twice.

An MLP with dropout on a shuffled DataLoader, so that every random state matters when a run stopped by
ctrl+c is resumed. ``--ctrl-c-at 0`` presses while the data is being built; ``--ctrl-c-at K`` after the
forward pass of step K. ``summarize`` reads the model, so a summary of a half-built run would fail loudly.
"""

import os
import signal

import torch

from core.lesson import Lesson, Option
from core.phases import BACKWARD, EPOCH, EVAL, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD


def press_ctrl_c(times):
    for _ in range(times):
        os.kill(os.getpid(), signal.SIGINT)


def train(run):
    if run.options.ctrl_c_at == 0:
        press_ctrl_c(run.options.presses)
    generator = torch.Generator().manual_seed(123)
    x = torch.randn(40, 3, generator=generator)
    y = (x.sum(dim=1, keepdim=True) > 0).float()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8, shuffle=True)
    model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.ReLU(), torch.nn.Dropout(0.2), torch.nn.Linear(8, 1))
    criterion = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=run.lr)
    run.watch(model, optimizer=optimizer)
    run.state.model, run.state.x, run.state.y = model, x, y
    for _ in run.epochs():
        for xb, yb in run.batches(loader):
            y_pred = model(xb)
            yield FORWARD
            if run.step + 1 == run.options.ctrl_c_at:
                press_ctrl_c(run.options.presses)
            loss = criterion(y_pred, yb)
            yield LOSS, loss
            optimizer.zero_grad()
            yield ZERO_GRAD
            loss.backward()
            yield BACKWARD
            optimizer.step()
            yield UPDATE
            yield STEP
        with torch.no_grad():
            accuracy = ((model(x) > 0).float() == y).float().mean()
        yield EVAL, {"accuracy": accuracy}
        yield EPOCH


def summarize(run):
    with torch.no_grad():
        return {"w0": run.state.model[0].weight[0, 0].item()}


LESSON = Lesson(
    id="presses-ctrl-c",
    title="presses ctrl+c on itself",
    lecture=None,
    train=train,
    summarize=summarize,
    lr=0.01,
    epochs=4,
    options=(
        Option("ctrl_c_at", -1, "press ctrl+c in this step (0: in set-up)"),
        Option("presses", 1, "how many times"),
    ),
)
