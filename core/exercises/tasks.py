"""What an exercise's TODO asks for, and its three hints, each adding to the one before: what the phase must do
and why, then the API the line uses (its calls, what it reads and sets), then the reference line itself.

A removed line is sorted into one kind (``kind``) by what it calls and what it sets; the TODO's task and the first
hint come from the kind, the second from the line's syntax tree, so they follow the lessons as they change.
"""

from __future__ import annotations

import ast
import re

from core.base.i18n import pick

LOSS_NAMES = ("loss", "cost", "mse", "l")
OPERATORS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.FloorDiv: "//",
    ast.Mod: "%",
}


def _parsed(code: str) -> ast.stmt | None:
    try:
        return ast.parse(code).body[0]
    except (SyntaxError, IndexError):
        return None


def stored(code: str) -> str:
    """What the line assigns, as written (``loss``, ``(inputs, labels)``); empty for a call on its own."""
    node = _parsed(code)
    targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
    return ", ".join(ast.unparse(t) for t in targets if t is not None)


def _is_loss_name(name: str) -> bool:
    name = name.strip().lower()
    return name in LOSS_NAMES or "loss" in name or "cost" in name or name.startswith("l_")


def kind(code: str) -> str:
    """zero, backward, update, loss, forward, gradient, assign or other (read from the code, not its comments)."""
    node = _parsed(code)
    code = ast.unparse(node) if node is not None else code
    first = stored(code).split(",")[0].strip("() ")
    if "zero_grad" in code or "zero_(" in code:
        return "zero"
    if ".backward(" in code:
        return "backward"
    if re.search(r"(?<!run)\.step\(", code) or "update" in code or "-=" in code:
        return "update"
    if "criterion(" in code or (first and _is_loss_name(first)) or re.search(r"\b(loss|cost)\(", code):
        return "loss"
    if any(f"{name}(" in code for name in ("model", "net", "forward", "classifier")):
        return "forward"
    if "gradient(" in code:
        return "gradient"
    return "assign" if first else "other"


def task_for(code: str) -> str:
    """The one-line task that replaces ``code``: what to do, and the name to assign, never the answer."""
    name, node = stored(code), _parsed(code)
    sets = f"{name} += ..." if isinstance(node, ast.AugAssign) else f"{name} = ..."
    found = kind(code)
    if found == "zero":
        return pick("zero the gradients", "把梯度清零")
    if found == "backward":
        return pick("back-propagate the loss: compute every gradient", "反向传播损失：算出每个梯度")
    if found == "update":
        return pick("update the weights by their gradients", "用梯度更新权重")
    if found == "loss":
        return pick(f"compute the loss: {sets}", f"计算损失：{sets}")
    if found == "forward":
        return pick(f"the forward pass: {sets}", f"前向传播：{sets}")
    if found == "gradient":
        return pick(f"compute the gradient: {sets}", f"计算梯度：{sets}")
    if found == "assign":
        return pick(f"assign {name}", f"给 {name} 赋值")
    return pick("write the missing line", "写出缺少的那一行")


def purpose(code: str, used_at: tuple[int, str] | None) -> str:
    """The first hint: what this phase must do, and why (``used_at``: the line that reads what it sets)."""
    found = kind(code)
    if found == "zero":
        return pick(
            "ZERO_GRAD must clear the last step's gradients: `backward()` adds into each `.grad`, it never replaces it",
            "ZERO_GRAD 要清掉上一步的梯度：`backward()` 是往每个 `.grad` 里累加，从不覆盖",
        )
    if found == "backward":
        return pick(
            "BACKWARD must fill every weight's `.grad` with d(loss)/d(weight): autograd walks the graph back "
            "from the loss",
            "BACKWARD 要让每个权重的 `.grad` 装上 d(loss)/d(weight)：autograd 从损失沿计算图往回走",
        )
    if found == "update":
        return pick(
            "UPDATE must move every weight a small step against its gradient, w - lr * grad (an optimizer "
            "does it for all its parameters at once)",
            "UPDATE 要让每个权重逆着梯度走一小步：w - lr * grad（优化器一次更新它的全部参数）",
        )
    if found == "loss":
        return pick(
            "LOSS must measure how far the predictions are from the targets, with the lesson's criterion: one "
            "number, kept in the graph (`backward()` starts from it)",
            "LOSS 要用课程的损失函数衡量预测离目标有多远：一个数，留在计算图里（`backward()` 从它出发）",
        )
    if found == "forward":
        return pick(
            "FORWARD must run the model on this step's inputs: its predictions, which the loss compares with "
            "the targets",
            "FORWARD 要把这一步的输入送进模型：得到预测，损失再拿它和目标比较",
        )
    if found == "gradient":
        return pick(
            "BACKWARD by hand: the derivative of the loss with respect to the weight, from the lesson's "
            "formula, before any update",
            "手算的 BACKWARD：损失对权重的导数，用课程的公式，在更新之前算",
        )
    if used_at is not None:
        line, text = used_at
        return pick(
            f"the loop reads `{stored(code).strip('()')}` further down, at line {line}: `{text}`",
            f"循环在后面第 {line} 行读取 `{stored(code).strip('()')}`：`{text}`",
        )
    return pick("the step needs this line before its next phase", "这一步在进入下一个阶段之前需要这一行")


def _reads(node: ast.AST, called: set[int]) -> list[str]:
    """The values a line reads (``run.lr``, ``w.grad.data``, ``labels``), leaving out what it calls."""
    found = [
        n
        for n in ast.walk(node)
        if isinstance(n, (ast.Name, ast.Attribute)) and isinstance(n.ctx, ast.Load) and id(n) not in called
    ]
    inner = {id(n.value) for n in found if isinstance(n, ast.Attribute)}
    return sorted({ast.unparse(n) for n in found if id(n) not in inner})


def _call(call: ast.Call) -> str:
    """A call as the API hint names it: ``criterion(…)``, or a method and what it is called on: ``.step() on
    optimizer`` (the line itself, ``optimizer.step()``, is the third hint)."""
    args = "…" if call.args or call.keywords else ""
    if isinstance(call.func, ast.Attribute):
        return pick(
            f"`.{call.func.attr}({args})` on {ast.unparse(call.func.value)}",
            f"{ast.unparse(call.func.value)} 的 `.{call.func.attr}({args})`",
        )
    return f"`{ast.unparse(call.func)}({args})`"


def api(code: str) -> str:
    """The second hint: the calls the line makes, the values it reads, its operators and what it sets."""
    node = _parsed(code)
    if node is None:
        return pick(f"the API: {code.strip()}", f"要用到：{code.strip()}")
    calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
    called = {id(m) for c in calls for m in ast.walk(c.func)}
    shown = sorted({_call(c) for c in calls})
    reads = _reads(node, called)
    ops = sorted(
        {OPERATORS[type(n.op)] for n in ast.walk(node) if isinstance(n, ast.BinOp) and type(n.op) in OPERATORS}
    )
    name = stored(code)
    en, zh = [], []
    if shown:
        en.append(f"calls {', '.join(shown)}")
        zh.append(f"调用 {', '.join(shown)}")
    if reads:
        en.append(f"reads {', '.join(reads)}")
        zh.append(f"读取 {', '.join(reads)}")
    if ops:
        en.append(f"with {' '.join(ops)}")
        zh.append(f"用到运算 {' '.join(ops)}")
    if isinstance(node, ast.AugAssign):
        op = OPERATORS.get(type(node.op), "")
        en.append(f"updates {name} in place ({op}=)")
        zh.append(f"原地更新 {name}（{op}=）")
    elif name:
        en.append(f"sets {name}")
        zh.append(f"赋给 {name}")
    return pick("the API: " + "; ".join(en), "要用到：" + "；".join(zh))


def hints(code: str, used_at: tuple[int, str] | None) -> list[str]:
    """Three hints for one TODO, each adding to the one before: the phase's purpose, the API, the line."""
    return [purpose(code, used_at), api(code), code]
