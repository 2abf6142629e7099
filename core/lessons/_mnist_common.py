"""What the three MNIST lessons share: their options, the data set-up, the test-set evaluation (the
course's ``test()``), and the plain-data views (digit viewer, confusion matrix, misclassified gallery, and for the
CNNs the first convolution's filters with its feature maps of the digit viewer's first digit).

Views run in the trainer thread when the app takes a snapshot. They read ``run.state``: the digit
viewer takes a few images of the current batch with the outputs of their forward pass; the confusion
matrix and the gallery are built once per evaluation, so a snapshot only hands over the same lists.
"""

from __future__ import annotations

import math

import torch

from core.base.view_data import ConfusionData, DigitsData, FiltersData, MisclassifiedData, ViewError
from core.data import mnist
from core.lesson import Option
from core.pictures.conv import conv_filters, no_model

SHOWN_DIGITS = 8  # images of the current batch in the digit viewer
GALLERY_LIMIT = 200  # misclassified test images kept for the gallery
TEST_BATCH_SIZE = 1000  # evaluation batches: no gradients, so big batches are cheap


def options(batch_size: int = 64) -> tuple[Option, ...]:
    return (
        Option(
            "data_dir",
            "",
            "folder holding MNIST/raw/*.gz (default: $LEARN_TUI_DATA, else "
            "~/.local/share/learn-tui); downloaded there when missing and online",
        ),
        Option("batch_size", batch_size, "training batch size (the course: 64)", min=1),
        Option(
            "schedule",
            "cosine",
            "learning rate: cosine (decays to 0 over the epochs) or constant (the course)",
            choices=("cosine", "constant"),
            live=True,
        ),
        Option("eval_every", 0, "also test every N steps (0: only after each epoch)", live=True, min=0),
    )


def load_data(run) -> tuple[mnist.Loader, mnist.Loader]:
    """The course's train_loader (shuffled) and test_loader, as normalised tensors on ``run.device``."""
    batch_size = run.options.batch_size
    data = mnist.load(run.options.data_dir or None)
    device = run.device
    train_loader = mnist.Loader(
        mnist.normalize(data.train_images).to(device), data.train_labels.to(device), batch_size=batch_size, shuffle=True
    )
    test_loader = mnist.Loader(
        mnist.normalize(data.test_images).to(device),
        data.test_labels.to(device),
        batch_size=TEST_BATCH_SIZE,
        shuffle=False,
    )
    run.state.test_images = data.test_images  # uint8, for the gallery of misclassified digits
    return train_loader, test_loader


def scheduled_lr(run, batches: int) -> float:
    """This step's learning rate: ``run.lr`` (the one the learner sets, live), with ``--schedule cosine``
    decayed along a half cosine to 0 at the end of the run's budget, in epochs or steps (constant without one)."""
    total = run.max_epochs * batches if run.max_epochs is not None else run.max_steps
    if run.options.schedule == "constant" or total is None:
        return run.lr
    done = (run.epoch - 1) * batches + run.batch - 1  # steps before this one
    return run.lr * 0.5 * (1 + math.cos(math.pi * min(done / total, 1.0)))


def should_test(run, batches: int) -> bool:
    """Test after every ``--eval-every`` steps, except after an epoch's last batch (the epoch ends with a test)."""
    every = run.options.eval_every
    return every > 0 and run.eval_step % every == 0 and run.batch < batches


def test(model, test_loader, run) -> dict:
    """Accuracy and mean loss on the test set; keeps the confusion matrix and the misclassified digits."""
    criterion = torch.nn.CrossEntropyLoss(reduction="sum")
    total_loss, predictions = 0.0, []
    with torch.no_grad():
        for images, labels in test_loader:
            outputs = model(images)
            total_loss += criterion(outputs, labels).item()
            predictions.append(torch.softmax(outputs, dim=1))
    probabilities = torch.cat(predictions).cpu()
    confidence, predicted = probabilities.max(dim=1)
    labels = test_loader.y.cpu()
    total = labels.numel()
    wrong = (predicted != labels).nonzero().flatten()
    shown = wrong[:GALLERY_LIMIT]
    run.state.evaluation = {
        "step": run.eval_step,
        "confusion": torch.bincount(labels * 10 + predicted, minlength=100).view(10, 10).tolist(),
        "misclassified": {
            "step": run.eval_step,
            "total": int(wrong.numel()),
            "evaluated": total,
            "items": [
                {
                    "index": int(i),
                    "label": int(labels[i]),
                    "prediction": int(predicted[i]),
                    "confidence": round(float(confidence[i]), 4),
                    "image": run.state.test_images[i].tolist(),
                }
                for i in shown.tolist()
            ],
        },
    }
    return {"test_loss": total_loss / total, "accuracy": (total - wrong.numel()) / total}


def digits_view(run) -> DigitsData:
    """The first images of the current batch: grey levels, labels, and the softmax of the forward pass
    that the step's loss came from (no extra forward pass: ``run.state.batch`` holds its outputs)."""
    batch = getattr(run.state, "batch", None)
    if batch is None:
        return {"images": [], "labels": [], "predictions": [], "probabilities": []}
    inputs, target, outputs = (t[:SHOWN_DIGITS].detach().cpu() for t in batch)
    probabilities = torch.softmax(outputs, dim=1)
    return {
        "images": mnist.pixels(inputs).tolist(),
        "labels": target.tolist(),
        "predictions": probabilities.argmax(dim=1).tolist(),
        "probabilities": [[round(p, 4) for p in row] for row in probabilities.tolist()],
    }


def confusion_view(run) -> ConfusionData:
    """10x10 counts of the last evaluation: row = true digit, column = predicted digit ([] before one)."""
    evaluation = getattr(run.state, "evaluation", None)
    return evaluation["confusion"] if evaluation else []


def misclassified_view(run) -> MisclassifiedData:
    """The test digits the last evaluation got wrong (at most GALLERY_LIMIT of them, with their images)."""
    evaluation = getattr(run.state, "evaluation", None)
    return evaluation["misclassified"] if evaluation else {"step": None, "total": 0, "evaluated": 0, "items": []}


def filters_view(run) -> FiltersData | ViewError:
    """The first convolution's filters, and its feature maps of the first digit in the digit viewer."""
    if "" not in run.watched:  # the model is built by the first step
        return no_model()
    batch = getattr(run.state, "batch", None)
    if batch is None:
        return conv_filters(run.watched[""], None, None)
    inputs, target, _ = batch
    image = inputs[0].detach()
    return conv_filters(run.watched[""], image, int(target[0]), mnist.pixels(image.cpu())[0].tolist())


def summarize(run) -> dict:
    evaluation = getattr(run.state, "evaluation", None)
    if not evaluation:
        return {}
    wrong = evaluation["misclassified"]
    return {
        "test_accuracy": 1 - wrong["total"] / wrong["evaluated"],
        "misclassified": wrong["total"],
        "tested_at_step": evaluation["step"],
    }


VIEWS = {"digits": digits_view, "confusion": confusion_view, "misclassified": misclassified_view}
CNN_VIEWS = {**VIEWS, "filters": filters_view}  # the convolutional lessons
