"""What differs between the learner's run and the reference at one phase, and the usual cause, in the learner's
terms. Each function gets plain numpy copies (``State``) and returns one sentence or None."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.base.i18n import pick

RTOL, ATOL = 1e-5, 1e-7


@dataclass
class State:
    """One side at one yield: its phase, step, line, loss, and copies of every watched value and gradient."""

    phase: str | None
    step: int
    line: int
    loss: float | None
    params: dict[str, np.ndarray] = field(default_factory=dict)
    grads: dict[str, np.ndarray | None] = field(default_factory=dict)
    shapes: dict[str, tuple] = field(default_factory=dict)  # the loop's tensors' shapes, by name
    graphed: set = field(default_factory=set)  # loop tensors that carry a grad_fn (not leaves)


def close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a), np.asarray(b)
    if a.shape == b.shape and np.array_equal(a, b):  # the usual case: the same code, the same numbers
        return True
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))


def _zero(g: Any) -> bool:
    return g is None or not np.any(np.asarray(g))


def grads_close(a: Any, b: Any) -> bool:
    """Two gradients match: close, or both cleared (``None`` after ``zero_grad()``, zeros after ``zero_()`` or
    ``zero_grad(set_to_none=False)``: the next ``backward()`` gives the same gradient either way)."""
    return close(a, b) or (_zero(a) and _zero(b))


def phase_message(mine: State, ref: State) -> str:
    if mine.phase is None:
        return pick(
            f"your loop ended where the reference yields {ref.phase}: a `yield {ref.phase}` (or the loop "
            "around it) is missing",
            f"你的循环在参考代码 yield {ref.phase} 的地方结束了：缺少 `yield {ref.phase}`",
        )
    if ref.phase is None:
        return pick(
            f"your file yields {mine.phase} after the reference's loop ended: an extra yield",
            f"参考代码的循环已结束，你的文件还 yield 了 {mine.phase}：多了一个 yield",
        )
    return pick(
        f"the reference yields {ref.phase} here, your file yields {mine.phase}: a `yield {ref.phase}` is "
        f"missing, or `yield {mine.phase}` is extra or out of order",
        f"参考代码此处 yield {ref.phase}，你的文件 yield 了 {mine.phase}：缺少 `yield {ref.phase}`，"
        f"或 `yield {mine.phase}` 多余、顺序不对",
    )


def graph_message(mine: State, ref: State) -> str | None:
    for name in sorted(mine.graphed - ref.graphed):
        if name in ref.shapes:
            return pick(
                f"`{name}` has a grad_fn: it is no longer a leaf, so your update was recorded in the graph; "
                f"update it through `.data` or inside `with torch.no_grad():`",
                f"`{name}` 带有 grad_fn，已不是叶子张量：更新被记进了计算图；请通过 `.data` 或在 "
                f"`with torch.no_grad():` 里更新",
            )
    return None


def shape_message(mine: State, ref: State) -> str | None:
    for name, shape in sorted(mine.shapes.items()):
        theirs = ref.shapes.get(name)
        if theirs is not None and theirs != shape:
            return pick(
                f"`{name}` has shape {shape}, the reference's {theirs}: a shape like (N,) against (N, 1) "
                "broadcasts silently, so the loss differs though the values match element by element",
                f"`{name}` 的形状是 {shape}，参考代码是 {theirs}：(N,) 与 (N, 1) 会悄悄广播，"
                "逐元素看值相同，损失却不同",
            )
    return None


def loss_message(mine: State, ref: State) -> str:
    lost = pick(
        f"the loss is {mine.loss:.6g}, the reference's {ref.loss:.6g}",
        f"损失是 {mine.loss:.6g}，参考代码是 {ref.loss:.6g}",
    )
    if mine.loss and ref.loss:
        ratio = mine.loss / ref.loss
        for k, flipped in ((ratio, False), (1 / ratio, True)):
            if k > 1.5 and abs(k - round(k)) < 1e-4 * k:
                n = round(k)
                if not flipped:
                    return lost + pick(
                        f' ({n}× the reference): reduction="sum" where the lesson takes the mean',
                        f'（参考的 {n} 倍）：用了 reduction="sum"，而课程取平均',
                    )
                return lost + pick(
                    f' (1/{n} of the reference): the mean where the lesson sums (reduction="sum")',
                    f'（参考的 1/{n}）：取了平均，而课程用 reduction="sum" 求和',
                )
    return lost + pick(
        ": check the loss line (the criterion, its reduction, the order of its arguments)",
        "：检查算损失的那一行（损失函数、reduction、参数顺序）",
    )


def grad_message(name: str, mine: State, ref: State, before: State | None) -> str:
    g, r = mine.grads.get(name), ref.grads.get(name)
    if ref.phase == "ZERO_GRAD" and _zero(r) and not _zero(g):
        return pick(
            f"after ZERO_GRAD `{name}.grad` still holds a gradient: the gradients are not zeroed "
            "(`optimizer.zero_grad()` / `w.grad.data.zero_()` is missing)",
            f"ZERO_GRAD 之后 `{name}.grad` 仍有梯度：梯度没有清零（缺少 `optimizer.zero_grad()` / "
            "`w.grad.data.zero_()`）",
        )
    if _zero(g) and not _zero(r):
        return pick(
            f"`{name}.grad` is {'None' if g is None else 'zero'} where the reference has a gradient: "
            "`loss.backward()` is missing, or `zero_grad()` runs after it",
            f"`{name}.grad` 为 {'None' if g is None else '零'}，参考代码已有梯度：缺少 `loss.backward()`，"
            "或 `zero_grad()` 放在了它后面",
        )
    previous = before.grads.get(name) if before is not None else None
    if g is not None and r is not None and not _zero(previous) and close(g, np.asarray(r) + np.asarray(previous)):
        return pick(
            f"`{name}.grad` is the sum of this step's gradient and the ones before: the gradients are never "
            "zeroed (`optimizer.zero_grad()` is missing)",
            f"`{name}.grad` 是本步梯度与之前梯度之和：梯度从未清零（缺少 `optimizer.zero_grad()`）",
        )
    return pick(
        f"`{name}.grad` differs from the reference's: check the loss and the backward pass",
        f"`{name}.grad` 与参考代码不同：检查损失和反向传播",
    )


def param_message(name: str, mine: State, ref: State, before: State | None) -> str:
    unchanged = before is not None and close(mine.params[name], before.params.get(name))
    if mine.phase == "UPDATE" and unchanged:
        return pick(
            f"after UPDATE `{name}` did not change: `optimizer.step()` is missing or comes before `loss.backward()`",
            f"UPDATE 之后 `{name}` 没有变：缺少 `optimizer.step()`，或它在 `loss.backward()` 之前",
        )
    return pick(
        f"`{name}` differs from the reference's: an update at the wrong place, or with the wrong rate",
        f"`{name}` 与参考代码不同：更新的位置或学习率不对",
    )


def first_difference(mine: State, ref: State, before: State | None) -> str | None:
    """The first thing that differs at this yield, with its usual cause; None when everything matches."""
    if mine.phase != ref.phase:
        return phase_message(mine, ref)
    found = None
    if not close(mine.loss, ref.loss) and mine.phase == "LOSS":
        found = loss_message(mine, ref)
    else:
        for name in ref.grads:
            if name not in mine.grads:
                found = pick(
                    f"your file does not watch `{name}`: keep the `run.watch(...)` line",
                    f"你的文件没有 watch `{name}`：保留 `run.watch(...)` 那一行",
                )
            elif not grads_close(mine.grads[name], ref.grads[name]):
                found = grad_message(name, mine, ref, before)
            if found:
                break
        for name in ref.params if not found else ():
            if not close(mine.params.get(name), ref.params[name]):
                found = param_message(name, mine, ref, before)
                break
    if found is None:
        return None
    return (
        graph_message(mine, ref) or (shape_message(mine, ref) if mine.phase in ("LOSS", "FORWARD") else None) or found
    )
