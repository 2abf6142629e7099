"""The confusion matrix (view "confusion"): 10x10 counts from the last test-set evaluation.

Row = the true digit, column = the model's prediction. The diagonal (right answers) is green; a
mistake's cell is redder the more often it happens, and the most frequent mix-ups are listed below.
``render_confusion`` is a pure function of the view's plain data.
"""

from __future__ import annotations

from rich.text import Text

from core.base.i18n import pick
from core.base.view_data import ConfusionData, ViewError
from tui.widgets.data_view import DataView

CELL = 6  # columns per count
TOP_MISTAKES = 3


def mistake_style(count: int, worst: int) -> str:
    """Zero: dim; otherwise from pale to strong red as the count nears the worst off-diagonal count."""
    if count == 0:
        return "grey37"
    level = count / worst if worst else 0.0
    return "bold white on red3" if level > 0.66 else ("red1" if level > 0.33 else "indian_red")


def render_confusion(matrix: ConfusionData | ViewError) -> Text:
    """The table, the accuracy it implies and the most frequent mistakes."""
    if isinstance(matrix, dict) and "error" in matrix:
        return Text(pick("confusion matrix unavailable: ", "混淆矩阵无法显示：") + str(matrix["error"]), "red")
    if not matrix:
        return Text(
            pick(
                "No evaluation yet: the confusion matrix appears after the first test "
                "(at the end of an epoch, or every N steps with --eval-every N).",
                "还没有评估：第一次测试后显示混淆矩阵（每轮结束时，或用 --eval-every N 每 N 步一次）。",
            ),
            "grey50",
        )
    size = len(matrix)
    mistakes = sorted(((matrix[t][p], t, p) for t in range(size) for p in range(size) if t != p), reverse=True)
    worst = mistakes[0][0] if mistakes else 0
    out = Text()
    out.append(" " * 8 + pick("predicted →\n", "预测 →\n"), "bold")
    out.append(pick("true ↓  ", "真实 ↓  ") + "".join(f"{p:>{CELL}}" for p in range(size)) + "\n", "bold")
    for true, row in enumerate(matrix):
        out.append(f"{true:>6}  ", "bold")
        for predicted, count in enumerate(row):
            style = "bold green" if true == predicted else mistake_style(count, worst)
            out.append(f"{count:>{CELL}}", style)
        out.append("\n")
    total = sum(sum(row) for row in matrix)
    right = sum(matrix[i][i] for i in range(size))
    out.append(
        pick(
            f"\naccuracy {right / total * 100:.2f} %: {right:,} of {total:,} test digits right, "
            f"{total - right:,} wrong\n",
            f"\n准确率 {right / total * 100:.2f} %：{total:,} 个测试数字中对 {right:,} 个，错 {total - right:,} 个\n",
        )
        if total
        else pick("\nno test digits counted\n", "\n没有统计到测试数字\n")
    )
    shown = [m for m in mistakes[:TOP_MISTAKES] if m[0] > 0]
    if shown:
        mix_up = pick("{} taken for {} ({}x)", "{} 被当成 {}（{} 次）")
        out.append(pick("most confused: ", "最常混淆：") + ", ".join(mix_up.format(t, p, n) for n, t, p in shown))
    return out


class ConfusionView(DataView):
    """Shows the "confusion" view (it changes when a new evaluation arrives)."""

    def render_data(self, data: ConfusionData | ViewError, width: int | None) -> Text:
        return render_confusion(data)


VIEW = ConfusionView
