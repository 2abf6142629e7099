"""The mini-batch panel (view "batch", lesson dataloader): which rows of the table make up the batch.

It shows the epoch, the iteration within it, the batch size and shuffle in use, the rows of the
current batch (with their labels), and the first rows of every batch of this epoch next to the last
epoch's, so the learner sees shuffle draw a new order each epoch (or keep it, with shuffle off).
``render_batch`` is a pure function of the view's plain data.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from core.base.i18n import pick
from core.base.view_data import BatchData, ViewError
from tui.widgets.data_view import DataView, error_of, failed

DIM = "grey50"
LABEL_STYLES: dict[int | None, str] = {0: "yellow", 1: "cyan"}
PER_LINE = 8  # rows of the current batch per line
MAX_ROWS = 128  # rows of the current batch drawn; the rest are counted
MAX_BATCHES = 16  # batches per epoch listed by their first rows


def on_off(flag: Any) -> str:
    return pick("on", "开") if flag else pick("off", "关")


def batch_starts(batches: list, width: int = MAX_BATCHES) -> str:
    starts = [str(batch[0]) for batch in batches[:width] if batch]
    more = len(batches) - width
    return " ".join(starts) + (f" … (+{more})" if more > 0 else "")


def render_batch(data: BatchData | ViewError) -> Text:
    if failed(data):
        return Text(pick("batch view unavailable: ", "批次视图无法显示：") + repr(error_of(data)), "red")
    rows = data.get("rows") or []
    if not rows:
        return Text(pick("No batch yet: press n to take the first step.", "还没有批次：按 n 走第一步。"), DIM)
    out = Text()
    epoch, iteration, iterations = data["epoch"], data["iteration"], data["iterations"]
    out.append(
        pick(
            f"epoch {epoch} · iteration {iteration} of {iterations}",
            f"第 {epoch} 轮 · 第 {iteration}/{iterations} 次迭代",
        ),
        "bold",
    )
    size, shuffle, rows_in_all = data["batch_size"], on_off(data["shuffle"]), data["dataset_size"]
    out.append(
        pick(
            f" · batch size {size} · shuffle {shuffle} · {rows_in_all} rows\n",
            f" · 批大小 {size} · shuffle {shuffle} · 共 {rows_in_all} 行\n",
        )
    )
    upcoming = data.get("next")
    if upcoming and (upcoming.get("batch_size"), upcoming.get("shuffle")) != (data["batch_size"], data["shuffle"]):
        size, shuffle = upcoming["batch_size"], on_off(upcoming["shuffle"])
        out.append(
            pick(
                f"from epoch {epoch + 1}: batch size {size} · shuffle {shuffle}\n",
                f"从第 {epoch + 1} 轮起：批大小 {size} · shuffle {shuffle}\n",
            ),
            "bold magenta",
        )
    out.append(pick(f"\nrows in this batch ({len(rows)}), label ", f"\n本批次的行（{len(rows)}），标签 "), DIM)
    out.append("0", LABEL_STYLES[0])
    out.append(" / ", DIM)
    out.append("1", LABEL_STYLES[1])
    out.append(pick(":\n", "：\n"), DIM)
    labels: list[int] | list[None] = data.get("labels") or [None] * len(rows)
    for index, (row, label) in enumerate(zip(rows[:MAX_ROWS], labels)):
        out.append(f"{row:>6}", LABEL_STYLES.get(label, ""))
        if index % PER_LINE == PER_LINE - 1:
            out.append("\n")
    if len(rows) > MAX_ROWS:
        out.append(pick(f"\n  … and {len(rows) - MAX_ROWS} more rows", f"\n  … 还有 {len(rows) - MAX_ROWS} 行"))
    out.append(pick("\n\nfirst row of each batch\n", "\n\n每个批次的第一行\n"), "bold")
    this_epoch, last_epoch = data.get("epoch_batches") or [], data.get("last_epoch_batches") or []
    out.append(pick("  this epoch: ", "  本轮：") + f"{batch_starts(this_epoch)}\n")
    if last_epoch:
        out.append(pick("  last epoch: ", "  上一轮：") + f"{batch_starts(last_epoch)}\n")
        seen = len(this_epoch)
        same = [b[:1] for b in this_epoch] == [b[:1] for b in last_epoch[:seen]]
        out.append(
            pick("  same order as last epoch\n", "  与上一轮顺序相同\n")
            if same
            else pick("  a new order this epoch\n", "  本轮是新的顺序\n"),
            DIM,
        )
    out.append(
        pick(
            "\nkeys: b batch size · f shuffle on/off (both from the next epoch)",
            "\n按键：b 批大小 · f 打开/关闭 shuffle（都从下一轮起生效）",
        ),
        DIM,
    )
    return out


class BatchView(DataView):
    """Shows the "batch" view."""

    def render_data(self, data: BatchData | ViewError, width: int | None) -> Text:
        return render_batch(data)


VIEW = BatchView
