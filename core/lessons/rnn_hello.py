"""A basic RNN learns "hello" -> "ohlol" (lecture 12).

Each character of "hello" goes in, one time step at a time, and at each step the network must put
out the matching character of "ohlol". The four characters are numbered by `idx2char = ['e', 'h',
'l', 'o']`, so the input is `x_data = [1, 0, 2, 2, 3]` and the target `y_data = [3, 1, 2, 3, 2]`.
The loss is `CrossEntropyLoss` summed (RNNCell) or averaged (the others) over the five steps.

`--cell` picks one of the course's five versions:

* `rnncell` (default, as the lecture starts): `torch.nn.RNNCell(input_size=4, hidden_size=4)` on
  one-hot vectors; the loop over time steps is ours, and the hidden state itself (4 numbers) is read
  as the scores of the 4 characters. Step phase by phase to watch one character appear per FORWARD.
* `rnn`: `torch.nn.RNN` runs the loop over time steps itself: one call for the whole sequence.
* `embedding`: `torch.nn.Embedding(4, 10)` instead of one-hot vectors, a 2-layer RNN with 8 hidden
  units, and a `Linear(8, 4)` that turns each hidden state into scores.
* `lstm` and `gru` (the lecture's homework): the embedding model with `torch.nn.LSTM` or
  `torch.nn.GRU` in place of `torch.nn.RNN`.

The Hidden states tab shows, per time step, the input character, the hidden state, and the predicted
character (green when it is right), with the string predicted at every step underneath: watch
"ohlol" appear. At the course's lr 0.1 with Adam each version gets there within 30 steps (seed 0).

Initial weights: in `rnncell` and `rnn` the hidden state *is* the output, squashed by tanh into
[-1, 1], so the scores can't grow large, and some starting points lead to a local minimum: the
prediction sticks at "ohlll" (or "ohool"), the summed loss near 2.19 where "ohlol" gets 1.71. With
PyTorch's default initial weights (`--init course`, uniform in [-0.5, 0.5]) 55 of 300 seeds, seed 0
among them, had not reached "ohlol" after 30 steps in our runs. `--init small` (the default) divides
those weights by 10, so the tanh units start in their linear range and the memory path starts weak:
then 24 of 300 seeds had not. If "ohlll" stays for long, reset with another seed. The embedding,
LSTM and GRU versions put a Linear layer after the RNN, so their scores are not bounded: all of 30
seeds reached "ohlol" within 30 steps.

Homework: compare how many steps each `--cell` needs; try `--hidden-size` (embedding, lstm, gru).
"""

import torch

from core.lesson import Lesson, Option
from core.phases import BACKWARD, EPOCH, FORWARD, LOSS, UPDATE, ZERO_GRAD

CELLS = ("rnncell", "rnn", "embedding", "lstm", "gru")
SMALL_INIT = 0.1  # --init small: the default initial weights times this
HISTORY = 40  # predicted strings kept for the view

input_size = 4
batch_size = 1
idx2char = ["e", "h", "l", "o"]
x_data = [1, 0, 2, 2, 3]  # hello
y_data = [3, 1, 2, 3, 2]  # ohlol
one_hot_lookup = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]


class Model(torch.nn.Module):
    """The RNNCell version: we loop over the time steps ourselves."""

    def __init__(self, input_size, hidden_size, batch_size):
        super().__init__()
        self.batch_size = batch_size
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.rnncell = torch.nn.RNNCell(input_size=self.input_size, hidden_size=self.hidden_size)

    def forward(self, input, hidden):
        hidden = self.rnncell(input, hidden)
        return hidden

    def init_hidden(self):
        return torch.zeros(self.batch_size, self.hidden_size)


class RNNModel(torch.nn.Module):
    """The nn.RNN version: one call runs every time step."""

    def __init__(self, input_size, hidden_size, batch_size, num_layers=1):
        super().__init__()
        self.num_layers = num_layers
        self.batch_size = batch_size
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.rnn = torch.nn.RNN(input_size=self.input_size, hidden_size=self.hidden_size, num_layers=num_layers)

    def forward(self, input):
        hidden = torch.zeros(self.num_layers, self.batch_size, self.hidden_size)
        out, _ = self.rnn(input, hidden)
        return out.view(-1, self.hidden_size)


class EmbeddingModel(torch.nn.Module):
    """Embedding -> RNN (or LSTM, GRU) -> Linear: the version with an embedding layer."""

    def __init__(self, cell="rnn", hidden_size=8, embedding_size=10, num_layers=2, num_class=4):
        super().__init__()
        self.hidden_size, self.num_layers = hidden_size, num_layers
        rnn_class = {"rnn": torch.nn.RNN, "embedding": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.emb = torch.nn.Embedding(input_size, embedding_size)
        self.rnn = rnn_class(
            input_size=embedding_size, hidden_size=hidden_size, num_layers=num_layers, batch_first=True
        )
        self.fc = torch.nn.Linear(hidden_size, num_class)

    def forward(self, x):
        hidden = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        if isinstance(self.rnn, torch.nn.LSTM):
            hidden = (hidden, torch.zeros_like(hidden))  # an LSTM also carries a cell state
        x = self.emb(x)
        x, _ = self.rnn(x, hidden)
        self.states = x.detach().reshape(-1, self.hidden_size)  # kept for the app's Hidden states tab
        x = self.fc(x)
        return x.view(-1, 4)


def build(cell, hidden_size, init):
    """The model and its inputs for ``cell``: one-hot for rnncell and rnn, indices for the others."""
    if cell in ("rnncell", "rnn"):
        x_one_hot = [one_hot_lookup[x] for x in x_data]
        inputs = torch.Tensor(x_one_hot).view(-1, batch_size, input_size)
        if cell == "rnncell":
            net, labels = Model(input_size, 4, batch_size), torch.LongTensor(y_data).view(-1, 1)
        else:
            net, labels = RNNModel(input_size, 4, batch_size), torch.LongTensor(y_data)
        if init == "small":
            with torch.no_grad():  # start near zero: see "Initial weights" in the notes
                for parameter in net.parameters():
                    parameter.mul_(SMALL_INIT)
        return net, inputs, labels
    return EmbeddingModel(cell, hidden_size), torch.LongTensor([x_data]), torch.LongTensor(y_data)


def record(run, step, scores, hidden):
    """Note time step ``step``'s hidden state and predicted character for the view."""
    idx = int(scores.argmax())
    run.state.steps.append(
        {
            "input": idx2char[x_data[step]],
            "target": idx2char[y_data[step]],
            "hidden": [round(float(v), 4) for v in hidden.reshape(-1)],
            "probabilities": [round(float(p), 4) for p in torch.softmax(scores.reshape(-1), 0)],
            "predicted": idx2char[idx],
        }
    )


def finish_epoch(run):
    prediction = "".join(step["predicted"] for step in run.state.steps)
    run.state.predictions = (run.state.predictions + [(run.step + 1, prediction)])[-HISTORY:]
    return prediction


def train(run):
    cell = run.options.cell
    net, inputs, labels = build(cell, run.options.hidden_size, run.options.init)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=run.lr)
    run.watch(net, optimizer=optimizer)
    run.state.net, run.state.inputs, run.state.steps, run.state.predictions = net, inputs, [], []

    for epoch in run.epochs():
        run.state.steps = []
        optimizer.zero_grad()
        yield ZERO_GRAD
        if cell == "rnncell":
            loss = 0
            hidden = net.init_hidden()
            for step, (input, label) in enumerate(zip(inputs, labels)):
                hidden = net(input, hidden)
                loss += criterion(hidden, label)
                record(run, step, hidden.detach(), hidden.detach())
                yield FORWARD
        else:
            outputs = net(inputs)
            states = outputs.detach() if cell == "rnn" else net.states
            for step in range(len(x_data)):
                record(run, step, outputs[step].detach(), states[step].detach())
            yield FORWARD
            loss = criterion(outputs, labels)
        yield LOSS, loss
        loss.backward()
        yield BACKWARD
        optimizer.step()
        yield UPDATE
        yield EPOCH, {"prediction": finish_epoch(run)}


def predict(run):
    """The string the model predicts now (after the last update)."""
    net, inputs = run.state.net, run.state.inputs
    with torch.no_grad():
        if run.options.cell == "rnncell":
            hidden, chars = net.init_hidden(), []
            for input in inputs:
                hidden = net(input, hidden)
                chars.append(idx2char[int(hidden.argmax())])
            return "".join(chars)
        outputs = net(inputs)
        return "".join(idx2char[int(i)] for i in outputs.argmax(dim=1))


def hidden_states_view(run):
    return {
        "cell": run.options.cell,
        "input": "hello",
        "target": "ohlol",
        "steps": list(getattr(run.state, "steps", [])),
        "predictions": [list(p) for p in getattr(run.state, "predictions", [])],
    }


def summarize(run):
    if not hasattr(run.state, "net"):  # not built yet
        return {"target": "ohlol"}
    return {"prediction": predict(run), "target": "ohlol"}


LESSON = Lesson(
    id="rnn-hello",
    title='A basic RNN learns "hello" -> "ohlol"',
    lecture=12,
    notes=__doc__,
    train=train,
    lr=0.1,
    epochs=30,
    options=(
        Option(
            "cell", "rnncell", "rnncell, rnn (one-hot input), embedding (Embedding + RNN), lstm or gru", choices=CELLS
        ),
        Option(
            "init",
            "small",
            "rnncell and rnn: small (initial weights / 10) or course (PyTorch's defaults)",
            choices=("small", "course"),
        ),
        Option(
            "hidden_size", 8, "hidden units of the embedding, lstm and gru models (rnncell and rnn: 4)", min=1, max=1024
        ),
    ),
    summarize=summarize,
    views={"hidden_states": hidden_states_view},
)
