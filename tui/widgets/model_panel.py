"""The Model tab: the layers' tree (``ModelTable``) and, below it, the parameter counts in all, trainable and
frozen, as Keras's ``model.summary()`` ends."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from core.base.i18n import pick
from core.engine.model_summary import ModelSummary
from tui.widgets.model_table import ModelTable
from tui.widgets.safe_panel import SafePanel


def totals_text(summary: ModelSummary) -> str:
    """``Total params: 8,490 · trainable: 8,490 · frozen: 0`` (and where the output shapes come from)."""
    if not summary.layers:
        return pick(
            "no nn.Module is watched in this lesson: nothing to summarise",
            "这一课没有监视任何 nn.Module：没有可总结的模型",
        )
    line = pick(
        f"Total params: {summary.total:,} · trainable: {summary.trainable:,} · frozen: {summary.frozen:,}",
        f"参数总数：{summary.total:,} · 可训练：{summary.trainable:,} · 冻结：{summary.frozen:,}",
    )
    if any(layer.outputs is None for layer in summary.layers):
        line += pick(
            "\noutput shapes appear at the next forward pass (n: one batch, .: one phase)",
            "\n输出形状在下一次前向传播时出现（n：一批，.：一个阶段）",
        )
    return line


class ModelPanel(SafePanel, Vertical):
    DEFAULT_CSS = """
    ModelPanel > ModelTable { height: 1fr; }
    ModelPanel > #model-totals { height: auto; padding: 0 1; border-top: solid $secondary; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.table = ModelTable(id="model-table")
        self.totals = ""  # the line below the table now (tests read it)

    def compose(self) -> ComposeResult:
        yield self.table
        yield Static(id="model-totals", markup=False)

    def show(self, summary: ModelSummary) -> None:
        self.table.show_layers(summary.layers)
        text = totals_text(summary)
        if text != self.totals:
            self.totals = text
            self.query_one("#model-totals", Static).update(Text(text))
