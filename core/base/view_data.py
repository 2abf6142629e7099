"""The plain data each lesson view draws: one ``TypedDict`` (or alias) per view, shared by the code that
computes it (``core/pictures/``, the lessons, ``core/gpt/``) and the widget that draws it
(``tui/views/<name>.py``, which annotates its drawing with the same type). ``core.base.views`` names them.

The data are plain (numbers, text, lists and dicts of them: never tensors), so they cross the wire as they are;
a fixed-shape row (``[x, y, label]``) is a list, as JSON gives it back. This module imports only ``typing``, so
the app imports it at start-up without torch or numpy.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict


class ViewError(TypedDict):
    """What a tab gets when its view raised (the trainer catches it: training goes on)."""

    error: str  # "ValueError: ..."


# -- the models' pictures (core/pictures/model.py, core/pictures/conv.py) -------------------------------------
class FitData(TypedDict):
    """linear-regression: the points, the line y = w*x + b now and the earlier lines."""

    points: list[list[float]]  # [x, y] of each sample
    line: list[float] | None  # [w, b]; None before the model exists
    previous: list[list[float]]  # earlier lines' [w, b], oldest first (drawn faint)
    step: int


class _SigmoidCurve(TypedDict, total=False):  # absent before the model exists
    x_range: list[float]  # [low, high] of the hours drawn
    w: float
    b: float
    threshold: float | None  # the hours where p(pass) = 0.5 (-b/w); None when w = 0


class SigmoidData(_SigmoidCurve):
    """logistic-regression: hours against pass, p(pass) along the hours, where it crosses 0.5."""

    points: list[list[float]]  # [hours, passed 0 or 1]
    curve: list[float]  # p(pass) at evenly spaced hours over x_range; [] before the model exists
    previous: list[list[float]]  # earlier curves, oldest first


class _BoundaryMaps(TypedDict, total=False):  # absent before the model exists
    box: list[list[float]]  # [[x low, x high], [y low, y high]]
    size: list[int]  # [columns, rows] of probability
    train: list[list[float]]  # [x, y, label] of each training point
    test: list[list[float]]  # [x, y, label] of each held-out point
    neurons: list[list[list[int]]]  # each first-layer neuron's activation over the plane, 0..100
    neuron_size: list[int]  # [columns, rows] of each neuron's map


class BoundaryData(_BoundaryMaps):
    """simple-nn: p(class 1) over the input plane, the points, and what each first-layer neuron responds to."""

    probability: list[list[int]]  # percent, rows from the top (largest y) down; [] before the model exists


class Matrix(TypedDict):
    name: str  # the watched parameter's name
    shape: list[int]
    values: list[list[float]]  # rows (a vector is one row)
    grads: list[list[float]] | None  # alike; None before a backward


class WeightsData(TypedDict):
    """multi-input, dataloader: every small watched parameter as colour cells, with its gradient."""

    matrices: list[Matrix]
    step: int


class FiltersData(TypedDict):
    """The MNIST CNNs: the first convolution's filters and its feature maps of one digit."""

    layer: str  # the Conv2d's name in the model ("conv1")
    shape: list[int]  # its weight's [out, in, k, k]
    filters: list[list[list[float]]]  # one k x k grid per filter (the mean over input channels)
    filter_scale: float  # the largest |weight|
    maps: list[list[list[float]]]  # relu(max-pool(conv(digit))) per filter; [] before a batch
    map_scale: list[float]  # each map's largest value; [] before a batch
    label: int | None  # the digit's label
    image: list[list[int]] | None  # the digit's grey levels


# -- the loss landscape (core/pictures/landscape.py) ---------------------------------------------------------
class LandscapeCurve(TypedDict):
    """y = w*x: the loss against w."""

    kind: Literal["curve"]
    range: list[float]  # [w low, w high]
    reduction: str  # "mean" or "sum" over the samples
    samples: int
    loss: list[float]  # at evenly spaced w over range
    minimum: list[float]  # [w, loss]
    now: list[float]  # [w, loss]
    path: list[list[float]]  # [w, loss] after each update


class LandscapeMap(TypedDict):
    """y = w*x + b: the loss over a grid of (w, b)."""

    kind: Literal["map"]
    box: list[list[float]]  # [[w low, w high], [b low, b high]]
    size: list[int]  # [columns, rows] of loss
    reduction: str
    samples: int
    loss: list[list[float]]  # rows from the top (largest b) down
    minimum: list[float]  # [w, b, loss]
    now: list[float]  # [w, b, loss]
    path: list[list[float]]  # [w, b] after each update


class LandscapeMessage(TypedDict):
    message: str  # why there is no landscape (no such weights, no data yet)


LandscapeData = LandscapeCurve | LandscapeMap | LandscapeMessage


# -- the autograd graph (core/pictures/graph.py) -------------------------------------------------------------
class _Numbers(TypedDict, total=False):
    values: list[float]  # every value of a small tensor
    norm: float  # else its norm and mean
    mean: float


class TensorSummary(_Numbers):
    shape: list[int]


class _NodeDetails(_Numbers, total=False):
    name: str  # a leaf's or a named result's name
    leaf: bool  # a tensor autograd accumulates a gradient into (with its shape, values and grad)
    shape: list[int]
    grad: TensorSummary | None


class GraphNode(_NodeDetails):
    id: int
    op: str  # autograd's name: "MulBackward0", "AccumulateGrad"
    inputs: list[int]  # the ids it takes


class Block(TypedDict):
    first: int  # node ids first .. first + size * count - 1 were count alike blocks (the first one is listed)
    size: int
    count: int


class _GraphMessage(TypedDict, total=False):
    message: str  # why there is no graph yet


class GraphData(_GraphMessage):
    """autograd: what backward() walks, nodes in forward order."""

    root: str | None
    nodes: list[GraphNode]
    edges: list[list[int]]  # [from, to]
    blocks: list[Block]
    count: int  # nodes before the repeats were collapsed
    cut: bool  # too many nodes: the graph was cut


# -- MNIST (core/lessons/_mnist_common.py) -------------------------------------------------------------------
class DigitsData(TypedDict):
    """The first digits of the current batch, with the model's softmax."""

    images: list[list[list[int]]]  # grey levels 0..255, rows of pixels
    labels: list[int]
    predictions: list[int]
    probabilities: list[list[float]]  # ten per digit


ConfusionData = list[list[int]]  # counts: row = the true digit, column = the prediction; [] before a test


class Mistake(TypedDict):
    index: int  # in the test set
    label: int
    prediction: int
    confidence: float  # the prediction's probability
    image: list[list[int]]


class MisclassifiedData(TypedDict):
    """The test digits the last evaluation got wrong."""

    step: int | None  # of the evaluation; None before one
    total: int  # digits wrong (items keeps the first of them)
    evaluated: int
    items: list[Mistake]


# -- char-gpt (core/lessons/char_gpt.py, core/gpt/sampling.py) -------------------------------------------------
class Sample(TypedDict):
    step: int
    prompt: str
    text: str  # the model's continuation
    temperature: float
    top_k: int  # 0: off


class SamplesData(TypedDict):
    """What the GPT wrote, oldest first, and the settings the next sample uses."""

    samples: list[Sample]
    prompt: str
    temperature: float
    top_k: int
    source: str  # the text it learns
    vocab_size: int


class _AttentionStep(TypedDict, total=False):
    step: int  # of the sample (set once it is one)


class AttentionData(_AttentionStep):
    """One head's attention over the latest sample: row i, the weights position i gives 0..i."""

    tokens: list[str]
    weights: list[list[float]]
    layer: int
    head: int
    n_layer: int
    n_head: int


# -- the RNN lessons (core/lessons/rnn_hello.py, rnn_names.py) -----------------------------------------------
class RnnStep(TypedDict):
    input: str
    target: str
    hidden: list[float]  # the hidden state after this input
    probabilities: list[float]
    predicted: str


class HiddenStatesData(TypedDict):
    """rnn-hello: the hidden state at each time step, and the string predicted at each training step."""

    cell: str
    input: str
    target: str
    steps: list[RnnStep]
    predictions: list[list[Any]]  # [training step, the string predicted]


class CountryProbability(TypedDict):
    country: str
    probability: float


class NameQuery(TypedDict):
    name: str
    step: int
    top: list[CountryProbability]


class NamePredictionsData(TypedDict):
    """rnn-names: the typed surname's top countries, and the test accuracy per country."""

    query: NameQuery | None  # None before a name is typed
    per_country: list[list[Any]]  # [country, fraction right, names tested]
    accuracy: float | None  # None before the first test
    source: str


# -- the course's other lessons --------------------------------------------------------------------------------
class NextEpoch(TypedDict):
    batch_size: int
    shuffle: bool


class _BatchDetails(TypedDict, total=False):  # absent before the loader exists
    iterations: int
    batch_size: int
    shuffle: bool
    dataset_size: int
    labels: list[int]  # of the rows
    epoch_batches: list[list[int]]  # the rows of each batch of this epoch so far
    last_epoch_batches: list[list[int]]
    next: NextEpoch  # what the next epoch uses


class BatchData(_BatchDetails):
    """dataloader: which rows of the table make up the batch, this epoch and the last."""

    epoch: int
    iteration: int
    rows: list[int]


class GridData(TypedDict):
    """linear-grid: the MSE of every candidate tried so far, w-major."""

    model: str  # "wx" or "wx+b"
    w: list[float]
    b: list[float]  # [] for wx
    mse: list[float]
    best: int | None  # the index of the lowest MSE
