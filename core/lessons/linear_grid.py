"""A linear model by exhaustive search (lecture 2).

Before any gradients, the course finds the weight of the model `y_pred = x * w` by brute force: the
data are x = [1, 2, 3] and y = [2, 4, 6], and for every candidate w in `np.arange(0.0, 10.0, 0.1)`
it computes the mean squared error (MSE) over the three samples. Plotting MSE against w gives a
parabola whose lowest point, w = 2.0 with MSE 0, is the answer.

What to watch: each step tries one candidate w (the `w` in the parameters panel). The loss chart
plots that candidate's MSE, so over the sweep it draws the parabola: it falls to 0 at w = 2.0 and
then rises again. That rise is expected, not divergence (the divergence check is off here). The
metrics show the candidate (`w`) and the best so far (`best_w`, `best_loss`); the summary gives the
best `w` and its MSE as `loss`.

The course's code, kept here with numpy arrays (all three samples at once instead of a loop):

    def forward(x):
        return x * w

    def loss(x, y):
        y_pred = forward(x)
        return (y_pred - y) * (y_pred - y)

    for w in np.arange(0.0, 10.0, 0.1):
        ...  # MSE = mean of loss(x, y) over the samples

Homework: the model `y = w*x + b` (`--model wx+b`) searches a grid of (w, b) pairs and draws a
surface instead of a curve; it should find w = 2, b = 0. Change the grid with `--w-start`,
`--w-stop`, `--w-step` (and `--b-start`, `--b-stop`, `--b-step`). A finer step finds a better w
for data that are not exactly on a line, but the number of candidates grows fast: that is why
the next lecture follows the gradient instead of trying every value. Candidates are rounded to 10
decimals so that 0.1 * 20 prints as 2.0.
"""

import itertools
import math

import numpy as np

from core.errors import UsageError
from core.lesson import Lesson, Option
from core.phases import FORWARD, LOSS, STEP

MAX_CANDIDATES = 100_000


def grid(start, stop, step, name):
    """``np.arange(start, stop, step)``, checked so that a typo can't ask for a billion candidates."""
    flag = f"--{name}-step"
    if not step > 0:
        raise UsageError(f"{flag} must be greater than 0, got {step:g}; e.g. {flag} 0.1")
    if not stop > start:
        raise UsageError(f"--{name}-stop ({stop:g}) must be greater than --{name}-start ({start:g})")
    if math.ceil((stop - start) / step) > MAX_CANDIDATES:
        raise UsageError(f"{flag} {step:g} gives more than {MAX_CANDIDATES} candidates; use a larger step")
    return np.round(np.arange(start, stop, step), 10)


def train(run):
    o = run.options
    homework = o.model == "wx+b"
    x_data = np.array([1.0, 2.0, 3.0])
    y_data = np.array([2.0, 4.0, 6.0])
    w_range = grid(o.w_start, o.w_stop, o.w_step, "w")
    b_range = grid(o.b_start, o.b_stop, o.b_step, "b") if homework else np.zeros(1)
    if homework and len(w_range) * len(b_range) > MAX_CANDIDATES:
        raise UsageError(f"the (w, b) grid has {len(w_range) * len(b_range)} candidates, more than "
                         f"{MAX_CANDIDATES}; use a larger --w-step or --b-step")
    w = np.zeros(1)  # the candidate being tried, set in place so the app can watch it
    b = np.zeros(1)
    if homework:
        run.watch(w=w, b=b)
    else:
        run.watch(w=w)

    def forward(x):
        if not homework:
            return x * w
        return x * w + b

    def loss(x, y):
        y_pred = forward(x)
        return (y_pred - y) * (y_pred - y)

    def mse_of(w_val, b_val):
        w[0], b[0] = w_val, b_val
        return float(loss(x_data, y_data).mean())

    w_list, b_list, mse_list = [], [], []
    run.state.sweep = (w_list, b_list, mse_list)
    run.state.best = None  # index of the lowest MSE so far
    run.state.homework = homework

    def record(w_val, b_val, mse):
        w_list.append(float(w_val))
        b_list.append(float(b_val))
        mse_list.append(mse)
        if run.state.best is None or mse < mse_list[run.state.best]:
            run.state.best = len(mse_list) - 1

    for epoch in run.epochs(1):
        for done in (w_list, b_list, mse_list):  # each epoch sweeps the grid afresh
            done.clear()
        run.state.best = None
        for w_val, b_val in run.batches(itertools.product(w_range, b_range)):
            if len(mse_list) < run.batch - 1:  # resumed: recompute the candidates done before the checkpoint
                for earlier in itertools.islice(itertools.product(w_range, b_range), len(mse_list), run.batch - 1):
                    record(*earlier, mse_of(*earlier))
            w[0], b[0] = w_val, b_val
            loss_val = loss(x_data, y_data)  # forward(x), then each sample's squared error
            yield FORWARD
            mse = float(loss_val.mean())  # the course's l_sum / 3
            yield LOSS, mse
            record(w_val, b_val, mse)
            best = run.state.best
            metrics = {"w": w_val, "best_w": w_list[best], "best_loss": mse_list[best]}
            if homework:
                metrics.update(b=b_val, best_b=b_list[best])
            yield STEP, metrics


def summarize(run):
    best = getattr(run.state, "best", None)
    if best is None:
        return {}
    w_list, b_list, mse_list = run.state.sweep
    result = {"w": w_list[best], "loss": mse_list[best]}
    if run.state.homework:
        result["b"] = b_list[best]
    return result


def grid_view(run):
    """The sweep so far, for a chart of MSE against w (or a (w, b) surface): plain lists."""
    if getattr(run.state, "best", None) is None:
        return {"model": run.options.model, "w": [], "b": [], "mse": [], "best": None}
    w_list, b_list, mse_list = run.state.sweep
    return {"model": run.options.model, "w": list(w_list), "b": list(b_list) if run.state.homework else [],
            "mse": list(mse_list), "best": run.state.best}


LESSON = Lesson(
    id="linear-grid",
    title="Linear model by exhaustive search",
    lecture=2,
    notes=__doc__,
    train=train,
    lr=0.01,  # unused: a grid search has no learning rate
    options=(
        Option("model", "wx", "the model: the course's y = x*w, or the homework's y = x*w + b", choices=("wx", "wx+b")),
        Option("w_start", 0.0, "first candidate w"),
        Option("w_stop", 10.0, "candidates stop before this w"),
        Option("w_step", 0.1, "distance between candidate w values"),
        Option("b_start", -2.0, "first candidate b (model wx+b)"),
        Option("b_stop", 2.1, "candidates stop before this b (model wx+b)"),
        Option("b_step", 0.1, "distance between candidate b values (model wx+b)"),
    ),
    summarize=summarize,
    views={"grid": grid_view},
    divergence_factor=None,  # the MSE legitimately grows past the minimum
)
