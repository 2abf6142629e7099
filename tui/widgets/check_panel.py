"""The Check tab of an exercise file: where the learner's run first parts from the reference lesson, both
values there and the usual cause, or that every phase so far matches; and the latest hint (``h``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Static

from core.base.i18n import pick

if TYPE_CHECKING:
    from tui.screens.exercise_check import Outcome


def differing_values(mine: Any, reference: Any) -> list[tuple[str, str, str]]:
    """(what, yours, the reference's) for the loss and each watched value or gradient that differs."""
    from core.exercises.diagnose import close, short  # (numpy: only once a check ran)

    rows = []
    if mine.phase == "LOSS" and not close(mine.loss, reference.loss):
        rows.append(("loss", short(mine.loss), short(reference.loss)))
    for name, theirs in reference.grads.items():
        if not close(mine.grads.get(name), theirs):
            rows.append((f"{name}.grad", short(mine.grads.get(name)), short(theirs)))
    for name, theirs in reference.params.items():
        if not close(mine.params.get(name), theirs):
            rows.append((name, short(mine.params.get(name)), short(theirs)))
    return rows[:4]


def verdict(outcome: Outcome) -> str:
    """The Check tab's text for one check: it matches so far, or where it parts and why with both values, or
    why the learner's file stopped."""
    item = outcome.mismatch
    if outcome.timed_out:
        return f"✗ {outcome.crash}"
    if outcome.crash:
        return pick(
            f"✗ your file stopped before the reference did: {outcome.crash}",
            f"✗ 你的文件在参考代码之前停下了：{outcome.crash}",
        )
    if item is None:
        step, phase, _ = outcome.target
        return pick(
            f"✓ all {outcome.phases} phases so far match the reference (to {phase} at step {step})",
            f"✓ 到第 {step} 步 {phase} 为止，全部 {outcome.phases} 个阶段都与参考代码一致",
        )
    lines = [
        pick(
            f"✗ after {item.phase} at step {item.step} (line {item.lit or item.line}):",
            f"✗ 第 {item.step} 步 {item.phase} 之后（第 {item.lit or item.line} 行）：",
        ),
        item.difference or "",
    ]
    if item.mine is not None and item.reference is not None:
        rows = differing_values(item.mine, item.reference)
        if rows:
            lines.append("")
            width = max(len(what) for what, _, _ in rows)
            for what, yours, theirs in rows:
                lines.append(pick(f"{what:<{width}}  yours:     {yours}", f"{what:<{width}}  你的：  {yours}"))
                lines.append(pick(f"{'':<{width}}  reference: {theirs}", f"{'':<{width}}  参考：  {theirs}"))
    return "\n".join(lines)


class CheckPanel(Static):
    """Plain text (no markup: the messages quote code with brackets)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)
        self.verdict = pick(
            "step through your loop (. one phase, n one step): each phase you reach is compared with the reference",
            "逐步运行你的循环（. 一个阶段，n 一步）：每个阶段都与参考代码比较",
        )
        self.hint = ""

    @property
    def text(self) -> str:
        return self.verdict + (f"\n\n{self.hint}" if self.hint else "")

    def show(self, verdict: str | None = None, hint: str | None = None) -> None:
        if verdict is not None:
            self.verdict = verdict
        if hint is not None:
            self.hint = hint
        self.update(self.text)
