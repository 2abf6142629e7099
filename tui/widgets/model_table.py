"""The Model tab's table: the watched models' layers as a tree, each with its type, the shape of its output at
the last forward pass and its parameter count (its sublayers' included), as ``model.summary()`` in Keras and
torchinfo print them. The data come from ``core/engine/model_summary.py`` (plain data, read in the training
thread); the output shapes from forward hooks that are on only while this tab is visible."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from rich.text import Text

from core.base.i18n import pick
from core.engine.model_summary import Layer
from core.engine.variables import shape_text
from tui.widgets.snapshot_table import SnapshotTable

HEADINGS = (
    ("layer", "Layer", "层"),
    ("type", "Type", "类型"),
    ("output", "Output shape", "输出形状"),
    ("params", "Params", "参数"),
)


class Row(NamedTuple):
    name: str  # the row's key: "/" + the layer's path (a model watched without a name has the path "")
    label: str  # the tree's branches and the layer's name
    layer: Layer


def tree_labels(layers: Sequence[Layer]) -> list[str]:
    """Each layer's name behind the branches that lead to it (``├─ conv1``, ``│  └─ 0``), depth first."""
    labels: list[str] = []
    open_levels: list[bool] = []  # open_levels[d]: a later sibling at depth d+1 is still to come
    for index, layer in enumerate(layers):
        last = True
        for later in layers[index + 1 :]:
            if later.depth < layer.depth:
                break
            if later.depth == layer.depth:
                last = False
                break
        name = layer.name or "model"
        if layer.depth == 0:
            labels.append(name)
            open_levels = []
            continue
        del open_levels[layer.depth - 1 :]
        stem = "".join("│  " if more else "   " for more in open_levels)
        labels.append(f"{stem}{'└─ ' if last else '├─ '}{name}")
        open_levels.append(not last)
    return labels


def output_text(layer: Layer) -> str:
    if layer.outputs is None:
        return "–"
    return ", ".join(shape_text(shape) for shape in layer.outputs) or "–"


class ModelTable(SnapshotTable):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.COLUMNS = tuple((key, pick(en, zh)) for key, en, zh in HEADINGS)

    def cells(self, param: Any) -> tuple[str | Text, ...]:
        layer = param.layer
        return (param.label, layer.type_name, output_text(layer), f"{layer.params:,}")

    def show_layers(self, layers: Sequence[Layer]) -> None:
        rows = [Row("/" + layer.path, label, layer) for layer, label in zip(layers, tree_labels(layers), strict=True)]
        self.show(rows)
