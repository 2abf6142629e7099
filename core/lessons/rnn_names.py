"""An RNN classifier: which country does a surname come from? (lecture 13)

Each name is a sequence of characters, each character its ASCII code (`ord(c)`, `N_CHARS = 128`).
`RNNClassifier` embeds each code into a vector of `HIDDEN_SIZE` numbers, runs a 2-layer
`torch.nn.GRU` over the characters (in both directions with `--bidirectional`, the default, as in
the course), and a `Linear` layer turns the last hidden state into one score per country.

Names have different lengths, so a batch is padded with zeros to its longest name, and
`pack_padded_sequence` tells the GRU where each name really ends: the GRU skips the padding, and
the hidden state it returns for each name is the one after that name's last character (the same as
running the name alone; a test checks it). `pack_padded_sequence` wants the batch sorted by length,
longest first: `make_tensors` sorts the names and their countries together.

After every epoch the lesson tests the model on names it never trained on: the test loss and
accuracy land in the charts (EVAL), and the Name predictions tab shows the accuracy per country.
Press `p` and type a name (yours?) to see the model's top countries and their probabilities.

Data: `--data PATH` takes the course's `names_train.csv.gz` / `names_test.csv.gz` (give either file
or their folder) or a folder of the PyTorch tutorial's `<Language>.txt` files, split 2:1 per
language. Without it the lesson uses a small subset that ships with learn-tui: up to 120 distinct
names per language (80 train, 40 test; 2,007 in all) drawn by a fixed shuffle from the names of the
PyTorch tutorial "NLP From Scratch: Classifying Names with a Character-Level RNN" (Sean Robertson;
the `data/names` files of spro/practical-pytorch, 2017 state, also in the tutorial's data.zip). No
licence is stated for the name lists themselves; the tutorials' code is under BSD-3-Clause
(pytorch/tutorials) and MIT (spro/practical-pytorch). The subset is balanced, so it is harder than
the full set, where 47 % of the names are Russian: expect about 50 % test accuracy on it after 20
epochs, and over 80 % on the course's files after about 4. Names are folded to ASCII as the
tutorial does ("Ślusàrski" -> "Slusarski"); a typed name may hold only letters and " .,;'".

Defaults that differ from the course: 20 epochs instead of 100. On the course's files test accuracy
passed 80 % at epoch 4 and levelled off near 84-85 % by epoch 10-14 in our runs, while the test
loss rose again after epoch 10: the model grows over-confident on the names it gets wrong. The
sizes (hidden 100, 2 layers, batch 256, Adam lr 0.001) are the course's.
"""

import torch
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader, Dataset

from core.data.names import load_names, typed_name
from core.errors import UsageError
from core.lesson import Control, Lesson, Option
from core.phases import BACKWARD, EPOCH, EVAL, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD

N_CHARS = 128
TOP_K = 3


class NameDataset(Dataset):
    def __init__(self, rows, country_list=None):
        self.names = [row[0] for row in rows]
        self.len = len(self.names)
        self.countries = [row[1] for row in rows]
        self.country_list = country_list or list(sorted(set(self.countries)))
        self.country_dict = {country_name: idx for idx, country_name in enumerate(self.country_list)}
        self.country_num = len(self.country_list)

    def __getitem__(self, index):
        return self.names[index], self.country_dict[self.countries[index]]

    def __len__(self):
        return self.len

    def idx2country(self, index):
        return self.country_list[index]

    def getCountriesNum(self):
        return self.country_num


class RNNClassifier(torch.nn.Module):
    def __init__(self, input_size, hidden_size, output_size, n_layers=1, bidirectional=True):
        super().__init__()
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.n_directions = 2 if bidirectional else 1
        self.embedding = torch.nn.Embedding(input_size, hidden_size)
        self.gru = torch.nn.GRU(hidden_size, hidden_size, n_layers, bidirectional=bidirectional)
        self.fc = torch.nn.Linear(hidden_size * self.n_directions, output_size)

    def _init_hidden(self, batch_size, device):
        return torch.zeros(self.n_layers * self.n_directions, batch_size, self.hidden_size, device=device)

    def forward(self, input, seq_lengths):
        input = input.t()  # B x S -> S x B
        batch_size = input.size(1)
        hidden = self._init_hidden(batch_size, input.device)
        embedding = self.embedding(input)
        gru_input = pack_padded_sequence(embedding, seq_lengths.cpu())  # pack them up
        output, hidden = self.gru(gru_input, hidden)
        if self.n_directions == 2:
            hidden_cat = torch.cat([hidden[-1], hidden[-2]], dim=1)
        else:
            hidden_cat = hidden[-1]
        fc_output = self.fc(hidden_cat)
        return fc_output


def name2list(name):
    arr = [ord(c) for c in name]
    return arr, len(arr)


def make_tensors(names, countries, device="cpu"):
    sequences_and_lengths = [name2list(name) for name in names]
    name_sequences = [sl[0] for sl in sequences_and_lengths]
    seq_lengths = torch.LongTensor([sl[1] for sl in sequences_and_lengths])
    countries = countries.long()
    seq_tensor = torch.zeros(len(name_sequences), seq_lengths.max()).long()  # BatchSize x SeqLen, 0-padded
    for idx, (seq, seq_len) in enumerate(zip(name_sequences, seq_lengths), 0):
        seq_tensor[idx, :seq_len] = torch.LongTensor(seq)
    seq_lengths, perm_idx = seq_lengths.sort(dim=0, descending=True)  # sort by length for packing
    seq_tensor = seq_tensor[perm_idx]
    countries = countries[perm_idx]
    return seq_tensor.to(device), seq_lengths, countries.to(device)


def train(run):
    train_rows, test_rows, run.state.source = load_names(run.options.data)
    trainset = NameDataset(train_rows)
    trainloader = DataLoader(trainset, batch_size=run.options.batch_size, shuffle=True)
    testset = NameDataset(test_rows, trainset.country_list)
    testloader = DataLoader(testset, batch_size=run.options.batch_size, shuffle=False)
    N_COUNTRY = trainset.getCountriesNum()

    classifier = RNNClassifier(
        N_CHARS, run.options.hidden_size, N_COUNTRY, run.options.n_layers, run.options.bidirectional
    ).to(run.device)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(classifier.parameters(), lr=run.lr)
    run.watch(classifier, optimizer=optimizer)
    run.state.classifier, run.state.trainset, run.state.typed_name, run.state.per_country = (
        classifier,
        trainset,
        None,
        [],
    )

    for epoch in run.epochs():
        classifier.train()
        for names, countries in run.batches(trainloader):
            inputs, seq_lengths, target = make_tensors(names, countries, run.device)
            output = classifier(inputs, seq_lengths)
            yield FORWARD
            loss = criterion(output, target)
            yield LOSS, loss
            optimizer.zero_grad()
            yield ZERO_GRAD
            loss.backward()
            yield BACKWARD
            optimizer.step()
            yield UPDATE
            yield STEP
        yield EVAL, test_model(run, classifier, testloader, criterion)
        yield EPOCH


def test_model(run, classifier, testloader, criterion):
    """Loss and accuracy on the test names; per-country accuracy for the view."""
    classifier.eval()
    n_country = len(run.state.trainset.country_list)
    correct, total = torch.zeros(n_country), torch.zeros(n_country)
    loss_sum = 0.0
    with torch.no_grad():
        for names, countries in testloader:
            inputs, seq_lengths, target = make_tensors(names, countries, run.device)
            output = classifier(inputs, seq_lengths)
            loss_sum += criterion(output, target).item() * len(target)
            pred = output.max(dim=1)[1].cpu()
            total += torch.bincount(target.cpu(), minlength=n_country)
            correct += torch.bincount(target.cpu()[pred == target.cpu()], minlength=n_country)
    classifier.train()
    countries = run.state.trainset.country_list
    run.state.per_country = [
        [countries[i], float(correct[i] / total[i]), int(total[i])] for i in range(n_country) if total[i] > 0
    ]
    run.state.accuracy = float(correct.sum() / total.sum())
    return {"test_loss": loss_sum / float(total.sum()), "accuracy": run.state.accuracy}


def predict_name(run, text):
    """The top countries for a typed name: the notice's text; the tab keeps asking the model as it learns."""
    name = typed_name(text)  # trimmed, accents folded as in the data; UsageError if the model can't read it
    if getattr(run.state, "classifier", None) is None:
        raise UsageError("the model is not built yet: take one step first, then type the name again")
    run.state.typed_name = name
    answer = ask_model(run, name)
    top = ", ".join(f"{entry['country']} {entry['probability']:.1%}" for entry in answer["top"])
    return f"{name} at step {answer['step']}: {top}"


def ask_model(run, name):
    """The model's answer now: the notice and the tab both show this, so they agree while paused."""
    return {"name": name, "step": run.eval_step, "top": top_countries(run, name)}


def top_countries(run, name):
    """The TOP_K countries, each probability rounded to 0.1 % as the notice and the tab show it."""
    classifier = run.state.classifier
    was_training = classifier.training
    classifier.eval()
    with torch.no_grad():
        inputs, seq_lengths, _ = make_tensors([name], torch.zeros(1), run.device)
        probabilities = torch.softmax(classifier(inputs, seq_lengths)[0], dim=0).cpu()
    classifier.train(was_training)
    values, indices = probabilities.topk(min(TOP_K, len(probabilities)))
    return [
        {"country": run.state.trainset.idx2country(int(i)), "probability": round(float(v), 3)}
        for v, i in zip(values, indices)
    ]


def predictions_view(run):
    name = getattr(run.state, "typed_name", None)
    query = ask_model(run, name) if name and getattr(run.state, "classifier", None) is not None else None
    return {
        "query": query,
        "per_country": list(getattr(run.state, "per_country", [])),
        "accuracy": getattr(run.state, "accuracy", None),
        "source": getattr(run.state, "source", ""),
    }


def summarize(run):
    if not hasattr(run.state, "trainset"):  # nothing loaded yet
        return {}
    result = {"countries": len(run.state.trainset.country_list), "train_names": len(run.state.trainset)}
    if hasattr(run.state, "accuracy"):
        result["test_accuracy"] = run.state.accuracy
    return result


LESSON = Lesson(
    id="rnn-names",
    title="RNN classifier: surname -> country",
    lecture=13,
    notes=__doc__,
    train=train,
    lr=0.001,
    epochs=20,
    options=(
        Option(
            "data",
            "",
            "names_train.csv.gz / names_test.csv.gz (or their folder) or a folder of <Language>.txt; "
            "empty: the built-in names",
        ),
        Option("bidirectional", True, "run the GRU both ways and join the two last hidden states"),
        Option("hidden_size", 100, "embedding and GRU size (the course's HIDDEN_SIZE)", min=1, max=1024),
        Option("n_layers", 2, "stacked GRU layers (the course's N_LAYER)", min=1, max=8),
        Option("batch_size", 256, "names per batch (the course's BATCH_SIZE)", min=1, max=100_000),
    ),
    summarize=summarize,
    views={"name_predictions": predictions_view},
    actions={"predict": predict_name},
    controls=(Control("p", "classify a name", "predict", prompt="A surname to classify (e.g. Nakamura):"),),
)
