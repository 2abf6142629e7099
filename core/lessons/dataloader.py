"""Dataset and DataLoader: the diabetes classifier in mini-batches (lecture 8).

Lecture 7 pushed all rows through the network at once. Here the data goes in mini-batches:

* a `Dataset` says how many samples there are (`__len__`) and how to fetch sample `index`
  (`__getitem__`): the course's `class DiabetesDataset(Dataset)` loads the table once and returns
  `x_data[index], y_data[index]` (here also `index`, so that the app can show which rows you see);
* a `DataLoader(dataset, batch_size=32, shuffle=True)` draws the indices, groups them into batches
  and stacks the samples into tensors;
* the training loop becomes two loops: `for epoch in ...: for i, data in enumerate(train_loader)`.
  One epoch is one pass over every row; one iteration is one batch (one optimizer step).

With 759 rows and batches of 32 an epoch has 24 iterations, the last one holding the 23 leftover
rows. The Batch tab shows the epoch, the iteration and the rows of the current batch. Watch the
order: with shuffle on, each epoch draws a new permutation, so the batches hold different rows;
with shuffle off every epoch walks rows 0, 1, 2, ... in the same batches. Press `m` to type a new
batch size and `f` to flip shuffle; the change applies from the next epoch (the loader of the
epoch in progress keeps going). Smaller batches: more, noisier steps per epoch.

Data: `--csv PATH` as in the multi-input lesson (your own numeric CSV, last column the 0/1 label),
else the built-in generated table. Columns with values outside [-1, 1] are standardised.

Defaults that differ from the course: Adam with lr 0.01 instead of SGD with lr 0.01 (SGD leaves
three sigmoid layers stuck at "always predict 1" for many epochs), 50 epochs instead of 100, and
no `num_workers=2` (worker processes would compete with the app for the CPU; for data already in
memory they only add start-up time).
"""

import torch
from torch.utils.data import DataLoader, Dataset

from core.data.tabular import load_table, scale_columns
from core.errors import UsageError
from core.lesson import Control, Lesson, Option
from core.phases import BACKWARD, EPOCH, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD
from core.pictures.model import weight_matrices

MAX_LISTED = 64  # batches of this epoch whose first rows the view lists


class DiabetesDataset(Dataset):
    def __init__(self, filepath):
        table = load_table(filepath)  # the course: np.loadtxt(filepath, delimiter=',', dtype=np.float32)
        self.len = len(table)
        self.x_data = torch.from_numpy(scale_columns(table.x))
        self.y_data = torch.from_numpy(table.y)

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index], index

    def __len__(self):
        return self.len


class Model(torch.nn.Module):
    def __init__(self, n_features=8):
        super().__init__()
        self.linear1 = torch.nn.Linear(n_features, 6)
        self.linear2 = torch.nn.Linear(6, 4)
        self.linear3 = torch.nn.Linear(4, 1)
        self.sigmoid = torch.nn.Sigmoid()

    def forward(self, x):
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        x = self.sigmoid(self.linear3(x))
        return x


def train(run):
    dataset = DiabetesDataset(run.options.csv)
    train_loader = DataLoader(dataset=dataset, batch_size=run.options.batch_size, shuffle=run.options.shuffle)
    model = Model(dataset.x_data.shape[1]).to(run.device)
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=run.lr)
    run.watch(model, optimizer=optimizer)
    run.state.dataset, run.state.loader = dataset, train_loader
    run.state.rows, run.state.iteration, run.state.epoch_batches, run.state.last_epoch_batches = [], 0, [], []

    for epoch in run.epochs():
        if (run.options.batch_size, run.options.shuffle) != (train_loader.batch_size, _shuffles(train_loader)):
            # keys changed the options during the last epoch: a new loader from this epoch on
            train_loader = DataLoader(dataset=dataset, batch_size=run.options.batch_size, shuffle=run.options.shuffle)
            run.state.loader = train_loader
        run.state.last_epoch_batches, run.state.epoch_batches = run.state.epoch_batches, []
        totals = run.epoch_totals(correct=0, seen=0)  # checkpoints keep them: a resumed epoch counts every row
        for data in run.batches(train_loader):  # the course: for i, data in enumerate(train_loader, 0)
            inputs, labels, rows = data
            inputs, labels = inputs.to(run.device), labels.to(run.device)
            run.state.iteration, run.state.rows = run.batch, rows.tolist()
            if len(run.state.epoch_batches) < MAX_LISTED:
                run.state.epoch_batches.append(run.state.rows[:4])
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
            totals.correct += ((y_pred.detach() > 0.5).float() == labels).sum().item()
            totals.seen += len(labels)
            yield STEP
        yield EPOCH, {"train_accuracy": totals.correct / max(totals.seen, 1)}


def _shuffles(loader):
    return isinstance(loader.sampler, torch.utils.data.RandomSampler)


def batch_view(run):
    """The current batch: which rows, in which epoch and iteration, and what changes next epoch."""
    loader = getattr(run.state, "loader", None)
    if loader is None:
        return {"epoch": 0, "iteration": 0, "rows": []}
    dataset = run.state.dataset
    labels = dataset.y_data.reshape(-1)
    return {
        "epoch": run.epoch,
        "iteration": run.state.iteration,
        "iterations": len(loader),
        "batch_size": loader.batch_size,
        "shuffle": _shuffles(loader),
        "dataset_size": len(dataset),
        "rows": list(run.state.rows),
        "labels": [int(labels[r]) for r in run.state.rows],
        "epoch_batches": [list(b) for b in run.state.epoch_batches],
        "last_epoch_batches": [list(b) for b in run.state.last_epoch_batches],
        "next": {"batch_size": run.upcoming("batch_size"), "shuffle": run.upcoming("shuffle")},
    }


def set_batch_size(run, text):
    size = str(text or "").strip()
    if not size.isdigit() or int(size) < 1:
        raise UsageError(f"batch size must be a whole number of at least 1, got {size!r}; e.g. 32")
    limit = len(run.state.dataset) if hasattr(run.state, "dataset") else None
    if limit is not None and int(size) > limit:
        raise UsageError(f"batch size {size} is more than the {limit} rows; give at most {limit}")
    run.set_option("batch_size", int(size))
    return {"batch_size": int(size), "from_epoch": run.epoch + 1}


def toggle_shuffle(run, _argument=None):
    run.set_option("shuffle", not run.upcoming("shuffle"))
    return {"shuffle": run.upcoming("shuffle"), "from_epoch": run.epoch + 1}


def summarize(run):
    if not hasattr(run.state, "loader"):  # nothing loaded yet
        return {}
    return {
        "batch_size": run.state.loader.batch_size,
        "shuffle": _shuffles(run.state.loader),
        "iterations_per_epoch": len(run.state.loader),
    }


LESSON = Lesson(
    id="dataloader",
    title="Dataset and DataLoader: mini-batches",
    lecture=8,
    notes=__doc__,
    train=train,
    lr=0.01,
    epochs=50,
    options=(
        Option("csv", "", "a numeric CSV (gzip or plain), the last column the 0/1 label; empty: the built-in table"),
        Option("batch_size", 32, "rows per batch (applies from the next epoch)", live=True, per_epoch=True, min=1),
        Option(
            "shuffle",
            True,
            "draw a new order of the rows every epoch (applies from the next epoch)",
            live=True,
            per_epoch=True,
        ),
    ),
    summarize=summarize,
    views={"batch": batch_view, "weights": weight_matrices},
    actions={"set_batch_size": set_batch_size, "toggle_shuffle": toggle_shuffle},
    controls=(
        Control("m", "batch size", "set_batch_size", prompt="Batch size from the next epoch (e.g. 32):"),
        Control("f", "shuffle on/off", "toggle_shuffle"),
    ),
)
