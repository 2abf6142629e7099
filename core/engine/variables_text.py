"""The loop's variables as text and JSON: the table the app and ``--vars`` show (a heading, then a row per
variable), and the objects ``--json``'s summary carries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from core.base.i18n import display_width, pad, pick
from core.engine.variables import TensorInfo, Variable, shape_text

HEADINGS = (  # (key, English, Chinese): the shape and value first, so that they stay on a narrow screen
    ("name", "name", "名称"),
    ("shape", "shape", "形状"),
    ("value", "value", "值"),
    ("type", "type", "类型"),
    ("dtype", "dtype", "数据类型"),
    ("device", "device", "设备"),
    ("requires_grad", "requires_grad", "requires_grad"),
    ("grad_fn", "grad_fn", "grad_fn"),
    ("is_leaf", "is_leaf", "is_leaf"),
    ("grad", ".grad", ".grad"),
)


def cells(v: Variable) -> tuple[str, ...]:
    """One row of the table, in ``HEADINGS``' order; a tensor's autograd facts as Python would print them
    (``True``, ``AddmmBackward0``, ``None``; ``.grad``: its shape, or ``None``), blank for other kinds."""
    info = v.tensor
    if info is None:
        return (v.name, "", v.text, v.type_name, "", "", "", "", "", "")
    if v.kind == "array":
        return (v.name, shape_text(info.shape), v.text, v.type_name, info.dtype, info.device, "", "", "", "")
    return (
        v.name,
        shape_text(info.shape),
        v.text,
        v.type_name,
        info.dtype,
        info.device,
        str(info.requires_grad),
        str(info.grad_fn),
        str(info.is_leaf),
        shape_text(info.shape) if info.has_grad else "None",
    )


def table(variables: Sequence[Variable]) -> list[str]:
    """``--vars``: a plain text table (a heading, then a row per variable), columns padded to their widest."""
    rows = [tuple(pick(en, zh) for _, en, zh in HEADINGS)] + [cells(v) for v in variables]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(HEADINGS))]
    return ["  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def record(v: Variable) -> dict[str, Any]:
    """``--json``: a variable as a JSON object (its tensor's facts inline; no identity or version)."""
    data: dict[str, Any] = {"name": v.name, "kind": v.kind, "type": v.type_name, "text": v.text}
    if v.tensor is not None:
        info = {f.name: getattr(v.tensor, f.name) for f in fields(TensorInfo)}
        info["shape"] = list(v.tensor.shape)
        info["values"] = list(v.tensor.values) if v.tensor.values is not None else None
        data.update(info)
    if v.params is not None:
        data["params"] = v.params
    return data
