"""The mini-batch panel (view "batch", lesson dataloader): which rows of the table make up the batch.

It shows the epoch, the iteration within it, the batch size and shuffle in use, the rows of the
current batch (with their labels), and the first rows of every batch of this epoch next to the last
epoch's, so the learner sees shuffle draw a new order each epoch (or keep it, with shuffle off).
``render_batch`` is a pure function of the view's plain data.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from core.base.view_data import BatchData, ViewError
from tui.widgets.data_view import DataView, error_of, failed

DIM = "grey50"
LABEL_STYLES: dict[int | None, str] = {0: "yellow", 1: "cyan"}
PER_LINE = 8  # rows of the current batch per line
MAX_ROWS = 128  # rows of the current batch drawn; the rest are counted
MAX_BATCHES = 16  # batches per epoch listed by their first rows


def on_off(flag: Any) -> str:
    return "on" if flag else "off"


def batch_starts(batches: list, width: int = MAX_BATCHES) -> str:
    starts = [str(batch[0]) for batch in batches[:width] if batch]
    more = len(batches) - width
    return " ".join(starts) + (f" … (+{more})" if more > 0 else "")


def render_batch(data: BatchData | ViewError) -> Text:
    if failed(data):
        return Text(f"batch view unavailable: {error_of(data)!r}", "red")
    rows = data.get("rows") or []
    if not rows:
        return Text("No batch yet: press n to take the first step.", DIM)
    out = Text()
    out.append(f"epoch {data['epoch']} · iteration {data['iteration']} of {data['iterations']}", "bold")
    out.append(
        f" · batch size {data['batch_size']} · shuffle {on_off(data['shuffle'])} · {data['dataset_size']} rows\n"
    )
    upcoming = data.get("next")
    if upcoming and (upcoming.get("batch_size"), upcoming.get("shuffle")) != (data["batch_size"], data["shuffle"]):
        out.append(
            f"from epoch {data['epoch'] + 1}: batch size {upcoming['batch_size']} · shuffle "
            f"{on_off(upcoming['shuffle'])}\n",
            "bold magenta",
        )
    out.append(f"\nrows in this batch ({len(rows)}), label ", DIM)
    out.append("0", LABEL_STYLES[0])
    out.append(" / ", DIM)
    out.append("1", LABEL_STYLES[1])
    out.append(":\n", DIM)
    labels: list[int] | list[None] = data.get("labels") or [None] * len(rows)
    for index, (row, label) in enumerate(zip(rows[:MAX_ROWS], labels)):
        out.append(f"{row:>6}", LABEL_STYLES.get(label, ""))
        if index % PER_LINE == PER_LINE - 1:
            out.append("\n")
    if len(rows) > MAX_ROWS:
        out.append(f"\n  … and {len(rows) - MAX_ROWS} more rows")
    out.append("\n\nfirst row of each batch\n", "bold")
    this_epoch, last_epoch = data.get("epoch_batches") or [], data.get("last_epoch_batches") or []
    out.append(f"  this epoch: {batch_starts(this_epoch)}\n")
    if last_epoch:
        out.append(f"  last epoch: {batch_starts(last_epoch)}\n")
        seen = len(this_epoch)
        same = [b[:1] for b in this_epoch] == [b[:1] for b in last_epoch[:seen]]
        out.append("  same order as last epoch\n" if same else "  a new order this epoch\n", DIM)
    out.append("\nkeys: b batch size · f shuffle on/off (both from the next epoch)", DIM)
    return out


class BatchView(DataView):
    """Shows the "batch" view."""

    def render_data(self, data: BatchData | ViewError, width: int | None) -> Text:
        return render_batch(data)


VIEW = BatchView
