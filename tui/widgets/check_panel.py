"""The Check tab of an exercise file: where the learner's run first parts from the reference lesson, both
values there and the usual cause, or that every phase so far matches; and the latest hint (``h``)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from core.base.i18n import pick

MAX_VALUES = 6  # values of one tensor shown side by side; bigger ones show their first values


def _short(value: Any) -> str:
    import numpy as np

    if value is None:
        return "None"
    array = np.asarray(value, dtype=np.float64).ravel()
    shown = ", ".join(f"{v:.6g}" for v in array[:MAX_VALUES])
    return f"[{shown}{', …' if array.size > MAX_VALUES else ''}]" if array.size != 1 else shown


def differing_values(mine: Any, reference: Any) -> list[tuple[str, str, str]]:
    """(what, yours, the reference's) for the loss and each watched value or gradient that differs."""
    from core.exercises.diagnose import close  # (numpy: only once a check ran)

    rows = []
    if mine.phase == "LOSS" and not close(mine.loss, reference.loss):
        rows.append(("loss", _short(mine.loss), _short(reference.loss)))
    for name, theirs in reference.grads.items():
        if not close(mine.grads.get(name), theirs):
            rows.append((f"{name}.grad", _short(mine.grads.get(name)), _short(theirs)))
    for name, theirs in reference.params.items():
        if not close(mine.params.get(name), theirs):
            rows.append((name, _short(mine.params.get(name)), _short(theirs)))
    return rows[:4]


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
