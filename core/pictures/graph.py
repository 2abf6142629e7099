"""The autograd graph of a tensor as plain data: what ``loss.backward()`` will walk (view "graph").

``describe(root)`` follows ``root.grad_fn.next_functions`` down to the leaves and returns the nodes in
forward order (inputs first, the root last): each operation by its autograd name (``MulBackward0``,
``MeanBackward0``, ``AddmmBackward0`` ...), each leaf (``AccumulateGrad``) with its tensor's name, shape,
values and ``.grad``. Blocks of nodes that repeat one after another (a CNN's or a GPT's layers) are
collapsed to their first copy and a count, so a big graph stays readable.

``graph_view(run)`` is the view a lesson declares (``views={"graph": graph_view}``): it draws the newest
tensor with a ``grad_fn`` among the training loop's local variables (at LOSS the loss, at FORWARD the
prediction, in autograd's demo ``z``), naming tensors as the loop and the watched parameters do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from core.base.i18n import pick
from core.base.view_data import GraphData, GraphNode, TensorSummary
from core.engine.arrays import named_arrays

SHOWN_VALUES = 6  # values of a leaf (and of its gradient) listed; larger tensors get their norm and mean
MAX_NODES = 5000  # a graph larger than this is cut (said in the data)
_DIGITS = re.compile(r"\d+")
_plans: dict[tuple, list[tuple[int, int, int]]] = {}  # signature sequence -> its repeats (layers repeat per step)


def _rounded(value: float) -> float:
    return float(f"{value:.4g}")


def tensor_summary(tensor: Any) -> TensorSummary:
    """Shape and values (all of a small tensor, else norm and mean) as plain data."""
    data = tensor.detach()
    summary: TensorSummary = {"shape": list(data.shape)}
    if data.numel() <= SHOWN_VALUES:
        summary["values"] = [_rounded(v) for v in data.reshape(-1).cpu().tolist()]
    else:
        flat = data.float().reshape(-1)
        summary["norm"], summary["mean"] = _rounded(flat.norm().item()), _rounded(flat.mean().item())
    return summary


def _walk(root_fn: Any) -> list[Any]:
    """The graph's nodes in post-order (every node after its inputs), without recursion (graphs are deep)."""
    order: list[Any] = []
    seen, stack = {root_fn}, [(root_fn, iter(root_fn.next_functions))]
    while stack and len(order) < MAX_NODES:
        node, inputs = stack[-1]
        for child, _ in inputs:
            if child is not None and child not in seen:
                seen.add(child)
                stack.append((child, iter(child.next_functions)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def repeats(signature: list[tuple]) -> list[tuple[int, int, int]]:
    """(start, size, count) for runs of ``count`` >= 2 equal consecutive blocks of ``size`` nodes, chosen
    greedily from the start, the block covering most nodes first. Cached: a loop's graph repeats per step."""
    key = tuple(signature)
    if key in _plans:
        return _plans[key]
    found, i, n = [], 0, len(signature)
    while i < n:
        best = (1, 1)  # (count, size) covering the most nodes
        for size in range(1, (n - i) // 2 + 1):
            block = key[i : i + size]
            count = 1
            while key[i + count * size : i + (count + 1) * size] == block:
                count += 1
            if count > 1 and count * size > best[0] * best[1] and size * count >= 4:
                best = (count, size)
        count, size = best
        if count > 1:
            found.append((i, size, count))
            i += count * size
        else:
            i += 1
    if len(_plans) > 64:
        _plans.clear()
    _plans[key] = found
    return found


def describe(
    root: Any, names: Mapping[int, str] | None = None, results: Mapping[Any, str] | None = None, collapse: bool = True
) -> GraphData:
    """The graph that ``root.backward()`` walks, as plain data.

    ``names``: ``id(tensor)`` -> name of the leaves; ``results``: ``grad_fn`` -> name of intermediate results.
    Returns ``{"root", "nodes", "edges", "blocks", "count", "cut"}``: ``nodes`` in forward order, each
    ``{"id", "op", "inputs"}`` plus ``"name"`` where known and, for a leaf, ``"leaf": True``, its
    summary and ``"grad"`` (None before any backward); ``edges`` are [from, to] in the forward
    direction; ``blocks`` lists collapsed repeats as ``{"first", "size", "count"}`` (node ids
    ``first .. first + size * count - 1`` were ``count`` alike blocks; only the first one is in ``nodes``).
    """
    names, results = names or {}, results or {}
    if root is None or getattr(root, "grad_fn", None) is None:
        return {"root": names.get(id(root)), "nodes": [], "edges": [], "blocks": [], "count": 0, "cut": False}
    order = _walk(root.grad_fn)
    index = {node: i for i, node in enumerate(order)}
    nodes: list[GraphNode] = []
    signature = []
    for i, node in enumerate(order):
        op = type(node).__name__
        inputs = [index[child] for child, _ in node.next_functions if child is not None and child in index]
        entry: GraphNode = {"id": i, "op": op, "inputs": inputs}
        if node in results:
            entry["name"] = results[node]
        variable = getattr(node, "variable", None) if op == "AccumulateGrad" else None
        if variable is not None:
            entry.update(tensor_summary(variable))
            entry["leaf"], entry["name"] = True, names.get(id(variable), pick("(unnamed leaf)", "（未命名的叶子）"))
            entry["grad"] = None if variable.grad is None else tensor_summary(variable.grad)
        nodes.append(entry)
        signature.append((op, _DIGITS.sub("#", entry.get("name", "")), tuple(i - j for j in inputs)))
    nodes[-1].setdefault("name", "loss")
    edges = [[j, node["id"]] for node in nodes for j in node["inputs"]]
    blocks = repeats(signature) if collapse else []
    hidden = {k for start, size, count in blocks for k in range(start + size, start + size * count)}
    return {
        "root": nodes[-1]["name"],
        "nodes": [n for n in nodes if n["id"] not in hidden],
        "edges": edges,
        "blocks": [{"first": s, "size": z, "count": c} for s, z, c in blocks],
        "count": len(order),
        "cut": len(order) >= MAX_NODES,
    }


def names_of(named: Iterable[tuple[str, Any]]) -> tuple[dict[int, str], dict[Any, str]]:
    """(``id(tensor)`` -> name, ``grad_fn`` -> name) for the tensors among ``named`` (the first name wins)."""
    leaves: dict[int, str] = {}
    results: dict[Any, str] = {}
    for name, value in named:
        if not hasattr(value, "grad_fn") or name.startswith("_"):
            continue
        leaves.setdefault(id(value), name)
        if value.grad_fn is not None:
            results.setdefault(value.grad_fn, name)
    return leaves, results


def newest(tensors: Iterable[Any]) -> Any:
    """The tensor whose ``grad_fn`` was made last (autograd numbers its nodes in order), or None."""
    best, best_nr = None, -1
    for tensor in tensors:
        fn = getattr(tensor, "grad_fn", None)
        if fn is not None and fn._sequence_nr() > best_nr:  # noqa: SLF001 (torch's public Node method)
            best, best_nr = tensor, fn._sequence_nr()  # noqa: SLF001
    return best


def graph_view(run: Any) -> GraphData:
    """The view "graph": the autograd graph of the newest result in the loop's variables."""
    local = run.loop_variables()
    watched = list(named_arrays(run.watched))
    known = {name for name, _ in watched}  # a loop variable named as watched wins (``w``, not a leftover ``p``)
    ordered = sorted(local.items(), key=lambda item: item[0] not in known)
    leaves, results = names_of(ordered + watched)
    root = newest(local.values())
    if root is None:
        return {
            "root": None,
            "nodes": [],
            "edges": [],
            "blocks": [],
            "count": 0,
            "cut": False,
            "message": pick(
                "no graph yet: it appears once the loop computes with tensors that require grad",
                "还没有计算图：训练循环用 requires_grad 的张量计算后显示",
            ),
        }
    return describe(root, leaves, results)
