"""What differs between the learner's run and the reference at one phase, and the usual cause, in the learner's
terms. Each function gets plain numpy copies (``State``) and returns one sentence (a ``Finding``) or None."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.base.i18n import pick
from core.exercises.state import Finding, State, close, grads_close, short
from core.exercises.state import zero as _zero

__all__ = ["Finding", "State", "close", "find", "first_difference", "grads_close", "short"]


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


def shape_message(mine: State, ref: State) -> Finding | None:
    for name, shape in sorted(mine.shapes.items()):
        theirs = ref.shapes.get(name)
        if theirs is not None and theirs != shape:
            text = pick(
                f"`{name}` has shape {shape}, the reference's {theirs}: a shape like (N,) against (N, 1) "
                "broadcasts silently, so the loss differs though the values match element by element",
                f"`{name}` 的形状是 {shape}，参考代码是 {theirs}：(N,) 与 (N, 1) 会悄悄广播，"
                "逐元素看值相同，损失却不同",
            )
            return Finding(text, "shape", name)
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


def order_message(order: tuple[int, int]) -> str:
    step, backward = order
    return pick(
        f"`optimizer.step()` ran before `loss.backward()` (line {step}, then line {backward}): the step had no "
        "gradient of this step to apply; call `loss.backward()` first, then `optimizer.step()`",
        f"`optimizer.step()` 在 `loss.backward()` 之前运行了（先第 {step} 行，后第 {backward} 行）：更新时还没有本步的"
        "梯度；请先调用 `loss.backward()`，再调用 `optimizer.step()`",
    )


def grad_message(name: str, mine: State, ref: State, before: State | None, order: tuple[int, int] | None) -> Finding:
    g, r = mine.grads.get(name), ref.grads.get(name)
    if ref.phase == "ZERO_GRAD" and _zero(r) and not _zero(g):
        return Finding(
            pick(
                f"after ZERO_GRAD `{name}.grad` still holds a gradient: the gradients are not zeroed "
                "(`optimizer.zero_grad()` / `w.grad.data.zero_()` is missing)",
                f"ZERO_GRAD 之后 `{name}.grad` 仍有梯度：梯度没有清零（缺少 `optimizer.zero_grad()` / "
                "`w.grad.data.zero_()`）",
            ),
            "zero",
            name,
        )
    if _zero(g) and not _zero(r):
        if order is not None:
            return Finding(order_message(order), "order", name)
        return Finding(
            pick(
                f"`{name}.grad` is {'None' if g is None else 'zero'} where the reference has a gradient: "
                "`loss.backward()` is missing, or `zero_grad()` runs after it",
                f"`{name}.grad` 为 {'None' if g is None else '零'}，参考代码已有梯度：缺少 `loss.backward()`，"
                "或 `zero_grad()` 放在了它后面",
            ),
            "grad",
            name,
        )
    previous = before.grads.get(name) if before is not None else None
    if g is not None and r is not None and not _zero(previous) and close(g, np.asarray(r) + np.asarray(previous)):
        return Finding(
            pick(
                f"`{name}.grad` is the sum of this step's gradient and the ones before: the gradients are never "
                "zeroed (`optimizer.zero_grad()` is missing)",
                f"`{name}.grad` 是本步梯度与之前梯度之和：梯度从未清零（缺少 `optimizer.zero_grad()`）",
            ),
            "summed",
            name,
        )
    return Finding(
        pick(
            f"`{name}.grad` differs from the reference's: check the loss and the backward pass",
            f"`{name}.grad` 与参考代码不同：检查损失和反向传播",
        ),
        "grad",
        name,
    )


def _step_ratio(mine: Any, ref: Any, start: Any) -> float | None:
    """k where the learner's change of a value is k times the reference's (None: not a multiple of it)."""
    if start is None or mine is None or ref is None:
        return None
    a, b, c = (np.asarray(v, dtype=np.float64).ravel() for v in (mine, ref, start))
    if not a.shape == b.shape == c.shape:
        return None
    moved, theirs = a - c, b - c
    scale = float(theirs @ theirs)
    if scale == 0 or not np.all(np.isfinite(moved)):
        return None
    k = float(moved @ theirs) / scale
    return k if np.allclose(moved, k * theirs, rtol=1e-3, atol=1e-9 + 1e-3 * float(np.abs(theirs).max())) else None


def param_message(name: str, mine: State, ref: State, before: State | None, order: tuple[int, int] | None) -> Finding:
    start = before.params.get(name) if before is not None else None
    m, r = mine.params.get(name), ref.params[name]
    values = pick(
        f": yours is {short(m)}, the reference's {short(r)}"
        + (f" (both from {short(start)})" if start is not None else ""),
        f"：你的是 {short(m)}，参考是 {short(r)}" + (f"（都从 {short(start)} 开始）" if start is not None else ""),
    )
    if mine.phase == "UPDATE" and start is not None and close(m, start):
        if order is not None:
            return Finding(order_message(order), "order", name)
        return Finding(
            pick(
                f"after UPDATE `{name}` did not change: `optimizer.step()` is missing or comes before "
                "`loss.backward()`",
                f"UPDATE 之后 `{name}` 没有变：缺少 `optimizer.step()`，或它在 `loss.backward()` 之前",
            ),
            "unchanged",
            name,
        )
    k = _step_ratio(m, r, start)
    if k is not None and k < 0:
        size = pick(f", and {-k:.3g}× as far", f"，幅度是参考的 {-k:.3g} 倍") if abs(k + 1) > 1e-3 else ""
        return Finding(
            pick(
                f"`{name}` moved the wrong way{values}: your update has the opposite sign (it adds lr × grad where "
                f"the lesson subtracts it){size}, so the loss rises where the reference's falls",
                f"`{name}` 走反了方向{values}：你的更新符号相反（加上了 lr × grad，而课程是减去）{size}，"
                "所以损失在上升，而参考的在下降",
            ),
            "sign",
            name,
        )
    if k is not None and k > 0:
        return Finding(
            pick(
                f"`{name}` moved {k:.3g}× as far as the reference's{values}: the right direction at the wrong rate "
                "(check the learning rate the update uses: run.lr)",
                f"`{name}` 的移动幅度是参考的 {k:.3g} 倍{values}：方向对了，步长不对（检查更新用的学习率：run.lr）",
            ),
            "rate",
            name,
        )
    return Finding(
        pick(
            f"`{name}` differs from the reference's{values}: an update at the wrong place, or with the wrong rate",
            f"`{name}` 与参考代码不同{values}：更新的位置或学习率不对",
        ),
        "param",
        name,
    )


def first_difference(mine: State, ref: State, before: State | None, order: tuple[int, int] | None = None) -> str | None:
    """The first thing that differs at this yield, with its usual cause; None when everything matches."""
    found = find(mine, ref, before, order)
    return found.text if found is not None else None


def find(mine: State, ref: State, before: State | None, order: tuple[int, int] | None = None) -> Finding | None:
    """``first_difference`` with its kind; ``order``: the learner's (``optimizer.step()``, ``loss.backward()``)
    lines when the file calls them in that order (``learner.step_before_backward``)."""
    if mine.phase != ref.phase:
        return Finding(phase_message(mine, ref), "phase")
    found = None
    if not close(mine.loss, ref.loss) and mine.phase == "LOSS":
        found = Finding(loss_message(mine, ref), "loss")
    else:
        for name in ref.grads:
            if name not in mine.grads:
                found = Finding(
                    pick(
                        f"your file does not watch `{name}`: keep the `run.watch(...)` line",
                        f"你的文件没有 watch `{name}`：保留 `run.watch(...)` 那一行",
                    ),
                    "watch",
                    name,
                )
            elif not grads_close(mine.grads[name], ref.grads[name]):
                found = grad_message(name, mine, ref, before, order)
            if found:
                break
        for name in ref.params if not found else ():
            if not close(mine.params.get(name), ref.params[name]):
                found = param_message(name, mine, ref, before, order)
                break
    if found is None:
        return None
    graph = graph_message(mine, ref)
    if graph is not None:
        return Finding(graph, "graph")
    shape = shape_message(mine, ref) if mine.phase in ("LOSS", "FORWARD") else None
    return shape or found
