"""The autograd graph (view "graph", from ``core/pictures/graph.py``): what ``backward()`` walks.

A chain of operations is drawn as one line, ``x → MulBackward0 → MeanBackward0 → z``; every graph is then
listed in forward order, one node a line: each leaf (●) with its shape, values and gradient, each
operation with the nodes it takes (← ...). Repeated blocks (a network's layers) are listed once, with
their count. ``render_graph(data, width)`` is a pure function of the view's plain data.
"""

from __future__ import annotations

from rich.text import Text

from core.base.i18n import display_width, pick
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
    return pick("norm {:g} mean {:g}", "范数 {:g} 均值 {:g}").format(summary.get("norm", 0), summary.get("mean", 0))


def shape_of(node: GraphNode) -> str:
    return "×".join(str(s) for s in node.get("shape", [])) or pick("scalar", "标量")


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
    steps = ["+".join(first) or pick("constant", "常量")]
    for op in ops:
        extra = [by_id[i]["name"] for i in op["inputs"] if i in by_id and by_id[i].get("leaf")]
        with_ = pick(" (with {})", "（与 {}）").format(", ".join(extra))
        steps.append(op["op"] + (with_ if extra and op is not ops[0] else ""))
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
        return unavailable(pick("graph", "计算图"), data)
    nodes = data.get("nodes") or []
    if not nodes:
        return Text(
            data.get("message")
            or pick(
                "No graph yet: it appears once the loop computes a result from tensors that require grad.",
                "还没有计算图：训练循环用 requires_grad 的张量算出结果后，这里显示它。",
            ),
            DIM,
        )
    out = Text()
    root, count = data.get("root"), data.get("count", len(nodes))
    out.append(pick(f"autograd graph of {root or 'the loss'}", f"{root or '损失'} 的 autograd 计算图"), "bold")
    out.append(
        pick(
            f" · {count} nodes · backward() walks it from the bottom up\n",
            f" · {count} 个节点 · backward() 从下往上遍历它\n",
        ),
        DIM,
    )
    steps = chain(data)
    if steps:
        line = 0
        for index, step in enumerate(steps):
            piece = ("" if index == 0 else " → ") + step
            if line + display_width(piece) > width - 2 and line:
                out.append("\n  ")
                line, piece = 2, "→ " + step
            style = LEAF if index == 0 else "bold" if index == len(steps) - 1 else OP
            out.append(piece[: len(piece) - len(step)], DIM)
            out.append(step, style)
            line += display_width(piece)
        out.append("\n")
    by_id = {n["id"]: n for n in nodes}
    blocks = {b["first"] + b["size"] - 1: b for b in data.get("blocks") or []}
    starts = {b["first"]: b for b in data.get("blocks") or []}
    for node in nodes:
        if node["id"] in starts:
            block = starts[node["id"]]
            out.append(
                pick(
                    f"┌ {block['count']} alike blocks of {block['size']} nodes; the first:\n",
                    f"┌ {block['count']} 个相同的块，每块 {block['size']} 个节点；第一个：\n",
                ),
                REPEAT,
            )
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
            first = block["first"] + block["size"]
            out.append(
                pick(
                    f"└ ×{block['count']}: nodes [{first}]…[{last}] repeat it\n",
                    f"└ ×{block['count']}：节点 [{first}]…[{last}] 重复这一块\n",
                ),
                REPEAT,
            )
    if data.get("cut"):
        out.append(pick("(graph cut: too many nodes to list)\n", "（图已截断：节点太多，列不下）\n"), DIM)
    out.rstrip()
    return out


class GraphView(DataView):
    """Shows the "graph" view, laid out to its width."""

    fits_width = True

    def render_data(self, data: GraphData | ViewError, width: int | None) -> Text:
        return render_graph(data, width)


VIEW = GraphView
