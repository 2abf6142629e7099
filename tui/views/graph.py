"""The autograd graph (view "graph", from ``core/pictures/graph.py``): what ``backward()`` walks.

A chain of operations is drawn as one line, ``x → MulBackward0 → MeanBackward0 → z``; every graph is then
listed in forward order, one node a line: each leaf (●) with its shape, values and gradient, each
operation with the nodes it takes (← ...). Repeated blocks (a network's layers) are listed once, with
their count. ``render_graph(data, width)`` is a pure function of the view's plain data.
"""

from __future__ import annotations

from rich.text import Text

from core.base.view_data import GraphData, GraphNode, TensorSummary, ViewError
from tui.widgets.data_view import DataView, failed, unavailable

LEAF, GRAD, OP, DIM, REPEAT = "bold green", "yellow", "cyan", "grey50", "magenta"


def numbers(summary: TensorSummary | GraphNode | None) -> str:
    """'[0.6667, 0.6667, 0.6667]', or 'norm 1.2 mean 0.03' for a large tensor; 'None' without one."""
    if summary is None:
        return "None"
    if "values" in summary:
        values = summary["values"]
        return (
            f"{values[0]:g}"
            if summary.get("shape") in ([], [1]) and len(values) == 1
            else "[" + ", ".join(f"{v:g}" for v in values) + "]"
        )
    return f"norm {summary.get('norm', 0):g} mean {summary.get('mean', 0):g}"


def shape_of(node: GraphNode) -> str:
    return "×".join(str(s) for s in node.get("shape", [])) or "scalar"


def chain(data: GraphData) -> list[str] | None:
    """The names along the graph when its operations form one chain (each takes at most one operation)."""
    nodes = data["nodes"]
    ops = [n for n in nodes if not n.get("leaf")]
    if not ops or data.get("blocks") or len(ops) > 12:
        return None
    by_id = {n["id"]: n for n in nodes}
    for previous, op in zip([None, *ops], ops):
        op_inputs = [i for i in op["inputs"] if i in by_id and not by_id[i].get("leaf")]
        if op_inputs != ([previous["id"]] if previous else []):
            return None
    first = [by_id[i]["name"] for i in ops[0]["inputs"] if i in by_id]
    steps = [("+".join(first) or "constant")]
    for op in ops:
        extra = [by_id[i]["name"] for i in op["inputs"] if i in by_id and by_id[i].get("leaf")]
        steps.append(op["op"] + (f" (with {', '.join(extra)})" if extra and op is not ops[0] else ""))
    steps.append(ops[-1].get("name") or data.get("root") or "loss")
    return steps


def label(node: GraphNode | None, node_id: int) -> str:
    if node is None:
        return f"[{node_id}]"
    if node.get("leaf"):
        return node["name"]
    return f"[{node_id}]" + (f" {node['name']}" if node.get("name") else "")


def render_graph(data: GraphData | ViewError, width: int | None = 80) -> Text:
    width = width or 80
    if failed(data):
        return unavailable("graph", data)
    nodes = data.get("nodes") or []
    if not nodes:
        return Text(
            data.get("message")
            or "No graph yet: it appears once the loop computes a result from tensors that require grad.",
            DIM,
        )
    out = Text()
    out.append(f"autograd graph of {data.get('root') or 'the loss'}", "bold")
    out.append(f" · {data.get('count', len(nodes))} nodes · backward() walks it from the bottom up\n", DIM)
    steps = chain(data)
    if steps:
        line = 0
        for index, step in enumerate(steps):
            piece = ("" if index == 0 else " → ") + step
            if line + len(piece) > width - 2 and line:
                out.append("\n  ")
                line, piece = 2, "→ " + step
            style = LEAF if index == 0 else "bold" if index == len(steps) - 1 else OP
            out.append(piece[: len(piece) - len(step)], DIM)
            out.append(step, style)
            line += len(piece)
        out.append("\n")
    by_id = {n["id"]: n for n in nodes}
    blocks = {b["first"] + b["size"] - 1: b for b in data.get("blocks") or []}
    starts = {b["first"]: b for b in data.get("blocks") or []}
    for node in nodes:
        if node["id"] in starts:
            block = starts[node["id"]]
            out.append(f"┌ {block['count']} alike blocks of {block['size']} nodes; the first:\n", REPEAT)
        if node.get("leaf"):
            out.append(f"  ● {node['name']}", LEAF)
            out.append(f" {shape_of(node)} = {numbers(node)}", DIM)
            out.append("  grad ", DIM)
            out.append(numbers(node.get("grad")) + "\n", GRAD if node.get("grad") else DIM)
        else:
            out.append(f"  [{node['id']}] ", DIM)
            out.append(node["op"], OP)
            takes = ", ".join(label(by_id.get(i), i) for i in node["inputs"])
            out.append(f" ← {takes}" if takes else "", DIM)
            if node.get("name"):
                out.append(f"  = {node['name']}", "bold")
            out.append("\n")
        if node["id"] in blocks:
            block = blocks[node["id"]]
            last = block["first"] + block["size"] * block["count"] - 1
            out.append(f"└ ×{block['count']}: nodes [{block['first'] + block['size']}]…[{last}] repeat it\n", REPEAT)
    if data.get("cut"):
        out.append("(graph cut: too many nodes to list)\n", DIM)
    out.rstrip()
    return out


class GraphView(DataView):
    """Shows the "graph" view, laid out to its width."""

    fits_width = True

    def render_data(self, data: GraphData | ViewError, width: int | None) -> Text:
        return render_graph(data, width)


VIEW = GraphView
