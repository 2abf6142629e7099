"""A simple neural network: when a straight line is not enough.

Logistic regression (lecture 6) separates two classes with a straight line. Many problems need a
curved boundary: here, the "two moons", two interleaved half circles of points (or `--dataset xor`,
four clusters at the corners of a square, where opposite corners share a class; `circles`, a disc
inside a ring; `spiral`, two arms winding around each other). No straight line separates them,
however long a linear model trains. The Boundary tab draws the network's p(class 1) over the plane
(blue 0 … orange 1) with the training points (·) and the held-out ones (●), and below it what each
neuron of the first hidden layer responds to: watch the boundary bend at each update.

A neural network stacks linear layers with a non-linear activation in between, so that it can bend
its decision boundary. This one has two hidden layers:

    class Net(torch.nn.Module):
        def __init__(self, hidden):
            super().__init__()
            self.linear1 = torch.nn.Linear(2, hidden)
            self.linear2 = torch.nn.Linear(hidden, hidden)
            self.linear3 = torch.nn.Linear(hidden, 1)
            self.activate = torch.nn.ReLU()
            self.sigmoid = torch.nn.Sigmoid()

        def forward(self, x):
            x = self.activate(self.linear1(x))
            x = self.activate(self.linear2(x))
            x = self.sigmoid(self.linear3(x))
            return x

and trains it with `BCELoss` and SGD on mini-batches of 32 points, as lecture 8 will do with a
`DataLoader`. Without the activations the three layers would collapse into one linear map, and the
network would be no better than the straight line.

What to watch: before the network trains, a logistic regression (`torch.nn.Linear(2, 1)` + sigmoid)
is fitted to the same points in the background; its test accuracy is `baseline_accuracy`, a flat
line in the accuracy chart: about 0.87 on the moons, about 0.5 on xor, and no amount of training
moves it. The network's `accuracy` on 200 held-out points starts near it, then climbs past 0.95
within about ten epochs as the boundary bends (circles: about 0.99; spiral: about 0.92 after 30
epochs). Try `--hidden 2` to see how little a tiny network can bend, and `--noise 0.3` to blur the
moons until no boundary separates them all.

Why the defaults: ReLU instead of the course's sigmoid activation, SGD with momentum 0.9 and lr 0.1,
so that it gets there in a few seconds; with the plain sigmoid network of lecture 7 it takes many
more epochs. The data come from a generator seeded with `--seed`, so a run repeats exactly.
"""

import math

import torch

from core.lesson import Lesson, Option
from core.phases import BACKWARD, EPOCH, EVAL, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD
from core.pictures.model import decision_boundary, loop_value

TEST_POINTS = 200


def make_points(dataset, n, noise, generator):
    """``n`` points (x, and a 0/1 label as a float column) of the chosen dataset, with Gaussian noise."""
    if dataset == "moons":
        upper = n // 2
        angle = torch.rand(n, generator=generator) * math.pi
        label = (torch.arange(n) >= upper).float()
        x = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
        lower = torch.stack([1 - torch.cos(angle), 0.5 - torch.sin(angle)], dim=1)
        x = torch.where(label[:, None] == 1, lower, x)
    elif dataset == "circles":  # a disc of radius 0.5 (label 1) inside a ring of radius 1 (label 0)
        angle = torch.rand(n, generator=generator) * 2 * math.pi
        label = (torch.arange(n) >= n // 2).float()
        radius = torch.where(label == 1, 0.5, 1.0)
        x = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1) * radius[:, None]
    elif dataset == "spiral":  # two arms winding out from the centre, one per class
        label = (torch.arange(n) >= n // 2).float()
        turn = torch.rand(n, generator=generator)
        angle = turn * 2 * math.pi + label * math.pi
        x = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1) * (0.1 + turn[:, None])
    else:  # xor: four clusters at the corners (+-1, +-1); opposite corners share a class
        corner = torch.randint(0, 2, (n, 2), generator=generator)
        x = (corner * 2 - 1).float()
        label = (corner[:, 0] == corner[:, 1]).float()
    x = x + noise * torch.randn(n, 2, generator=generator)
    return x, label[:, None]


class Net(torch.nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.linear1 = torch.nn.Linear(2, hidden)
        self.linear2 = torch.nn.Linear(hidden, hidden)
        self.linear3 = torch.nn.Linear(hidden, 1)
        self.activate = torch.nn.ReLU()
        self.sigmoid = torch.nn.Sigmoid()

    def forward(self, x):
        x = self.activate(self.linear1(x))
        x = self.activate(self.linear2(x))
        x = self.sigmoid(self.linear3(x))
        return x


def accuracy(model, x, y):
    with torch.no_grad():
        return ((model(x) > 0.5).float() == y).sum().item() / len(y)


def fit_baseline(x, y, test_x, test_y):
    """A logistic regression, trained full-batch to convergence; its test accuracy."""
    baseline = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Sigmoid()).to(x.device)
    optimizer = torch.optim.LBFGS(baseline.parameters(), max_iter=200)
    criterion = torch.nn.BCELoss()

    def closure():
        optimizer.zero_grad()
        loss = criterion(baseline(x), y)
        loss.backward()
        return loss

    optimizer.step(closure)
    return accuracy(baseline, test_x, test_y)


def train(run):
    o = run.options
    generator = torch.Generator().manual_seed(run.seed)
    x_data, y_data = (t.to(run.device) for t in make_points(o.dataset, o.samples, o.noise, generator))
    test_x, test_y = (t.to(run.device) for t in make_points(o.dataset, TEST_POINTS, o.noise, generator))
    dataset = torch.utils.data.TensorDataset(x_data, y_data)
    train_loader = torch.utils.data.DataLoader(dataset, batch_size=o.batch_size, shuffle=True)
    baseline_accuracy = fit_baseline(x_data, y_data, test_x, test_y)

    model = Net(o.hidden).to(run.device)
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=run.lr, momentum=0.9)
    run.watch(model, optimizer=optimizer)
    run.state.model = model
    run.state.test = (test_x, test_y)
    run.state.baseline_accuracy = baseline_accuracy

    for epoch in run.epochs():
        for inputs, labels in run.batches(train_loader):
            y_pred = model(inputs)
            yield FORWARD
            loss = criterion(y_pred, labels)
            yield LOSS, loss
            optimizer.zero_grad()
            yield ZERO_GRAD
            loss.backward()
            yield BACKWARD
            optimizer.step()
            yield UPDATE
            yield STEP
        with torch.no_grad():
            test_loss = criterion(model(test_x), test_y).item()
        yield (
            EVAL,
            {
                "test_loss": test_loss,
                "accuracy": accuracy(model, test_x, test_y),
                "baseline_accuracy": baseline_accuracy,
            },
        )
        yield EPOCH


def boundary_view(run):
    """The Boundary tab: p(class 1) over the plane with the train and test points, and the first
    hidden layer's neurons, from the current weights (one batched forward pass)."""
    if not hasattr(run.state, "model"):
        return {"probability": []}
    model = run.state.model
    train = loop_value(run, "x_data"), loop_value(run, "y_data")
    return decision_boundary(model, model.linear1, model.activate, train, run.state.test)


def summarize(run):
    if not hasattr(run.state, "model"):  # not started yet
        return {}
    test_x, test_y = run.state.test
    return {"accuracy": accuracy(run.state.model, test_x, test_y), "baseline_accuracy": run.state.baseline_accuracy}


LESSON = Lesson(
    id="simple-nn",
    title="A simple neural network: curved boundaries",
    lecture=None,
    notes=__doc__,
    train=train,
    lr=0.1,
    epochs=30,
    options=(
        Option(
            "dataset",
            "moons",
            "the points: two interleaved half circles, the four quadrants of xor, a disc "
            "inside a ring, or two spiral arms",
            choices=("moons", "xor", "circles", "spiral"),
        ),
        Option("samples", 400, "training points (200 more are held out for the accuracy)", min=8, max=1_000_000),
        Option("noise", 0.1, "standard deviation of the noise added to each point (10: noise only)", min=0, max=10),
        Option("hidden", 16, "units in each hidden layer", min=1, max=4096),
        Option("batch_size", 32, "points per mini-batch", min=1, max=1_000_000),
    ),
    summarize=summarize,
    views={"boundary": boundary_view},
)
