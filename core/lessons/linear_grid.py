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
    if not (stop - start) / step <= MAX_CANDIDATES:  # also when stop - start overflows to inf
        raise UsageError(
            f"--{name}-start {start:g} to --{name}-stop {stop:g} by {flag} {step:g} gives more "
            f"than {MAX_CANDIDATES} candidates; use a larger step or a shorter range"
        )
    return np.round(np.arange(start, stop, step), 10)


def train(run):
    o = run.options
    homework = o.model == "wx+b"
    x_data = np.array([1.0, 2.0, 3.0])
    y_data = np.array([2.0, 4.0, 6.0])
    w_range = grid(o.w_start, o.w_stop, o.w_step, "w")
    b_range = grid(o.b_start, o.b_stop, o.b_step, "b") if homework else np.zeros(1)
    if homework and len(w_range) * len(b_range) > MAX_CANDIDATES:
        raise UsageError(
            f"the (w, b) grid has {len(w_range) * len(b_range)} candidates, more than "
            f"{MAX_CANDIDATES}; use a larger --w-step or --b-step"
        )
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

    run.state.homework = homework

    for epoch in run.epochs(1):
        sweep = run.state.sweep = run.epoch_totals(w=[], b=[], mse=[], best=0)  # each epoch sweeps afresh
        for w_val, b_val in run.batches(itertools.product(w_range, b_range)):
            w[0], b[0] = w_val, b_val
            loss_val = loss(x_data, y_data)  # forward(x), then each sample's squared error
            yield FORWARD
            mse = float(loss_val.mean())  # the course's l_sum / 3
            yield LOSS, mse
            sweep.w.append(float(w_val))
            sweep.b.append(float(b_val))
            sweep.mse.append(mse)
            if mse < sweep.mse[sweep.best]:
                sweep.best = len(sweep.mse) - 1
            best = sweep.best
            metrics = {"w": w_val, "best_w": sweep.w[best], "best_loss": sweep.mse[best]}
            if homework:
                metrics.update(b=b_val, best_b=sweep.b[best])
            yield STEP, metrics


def summarize(run):
    sweep = getattr(run.state, "sweep", None)
    if sweep is None or not sweep.mse:
        return {}
    best = sweep.best  # the answer; w (and b) are where the loop ended, the last candidate
    result = {"w": sweep.w[-1], "best_w": sweep.w[best], "loss": sweep.mse[best]}
    if run.state.homework:
        result.update(b=sweep.b[-1], best_b=sweep.b[best])
    return result


def grid_view(run):
    """The sweep so far, for a chart of MSE against w (or a (w, b) surface): plain lists."""
    sweep = getattr(run.state, "sweep", None)
    if sweep is None or not sweep.mse:
        return {"model": run.options.model, "w": [], "b": [], "mse": [], "best": None}
    return {
        "model": run.options.model,
        "w": list(sweep.w),
        "b": list(sweep.b) if run.state.homework else [],
        "mse": list(sweep.mse),
        "best": sweep.best,
    }


LESSON = Lesson(
    id="linear-grid",
    title="Linear model by exhaustive search",
    lecture=2,
    notes=__doc__,
    train=train,
    uses_lr=False,  # a grid search has no learning rate
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
