"""The confusion matrix (view "confusion"): 10x10 counts from the last test-set evaluation.

Row = the true digit, column = the model's prediction. The diagonal (right answers) is green; a
mistake's cell is redder the more often it happens, and the most frequent mix-ups are listed below.
``render_confusion`` is a pure function of the view's plain data.
"""

from __future__ import annotations

import textwrap

from rich.text import Text

from core.base import linebreak
from core.base.i18n import pick
from core.base.view_data import ConfusionData, ViewError
from tui.widgets.picture_view import PictureView

CELL = 6  # columns per count
TOP_MISTAKES = 3
BESIDE = 18  # columns kept beside the table for its notes when the tab is too short to have them below


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells: Chinese by character, with its line-breaking rules."""
    return linebreak.wrap(text, width) if linebreak.has_wide(text) else textwrap.wrap(text, width)


def mistake_style(count: int, worst: int) -> str:
    """Zero: dim; otherwise from pale to strong red as the count nears the worst off-diagonal count."""
    if count == 0:
        return "grey37"
    level = count / worst if worst else 0.0
    return "bold white on red3" if level > 0.66 else ("red1" if level > 0.33 else "indian_red")


def column_widths(matrix: ConfusionData) -> list[int]:
    """Each column as wide as its widest count (or its digit)."""
    return [max(len(str(p)), *(len(str(row[p])) for row in matrix)) for p in range(len(matrix))]


def layout(matrix: ConfusionData, width: int | None, beside: int) -> tuple[int, list[int], int]:
    """(row label width, cell widths, gap before each cell) for a table that leaves ``beside`` columns of
    ``width`` free: the roomy table when it fits, else each column as wide as its own counts, two spaces
    between them and then one, the row labels as narrow as the digits."""
    size = len(matrix)
    if width is None or 8 + CELL * size + beside <= width:
        return 8, [CELL - 2] * size, 2
    label, cells = len(str(size - 1)), column_widths(matrix)
    gap = next((gap for gap in (2, 1) if label + sum(gap + cell for cell in cells) + beside <= width), 1)
    return label, cells, gap


def render_confusion(matrix: ConfusionData | ViewError, width: int | None = None, height: int | None = None) -> Text:
    """The table, the accuracy it implies and the most frequent mistakes, laid out to ``width`` x ``height``:
    the headers shrink to one line, then move beside the table, so all ten rows stay in sight."""
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
    rows = size if height is None else height
    headers = 2 if rows >= size + 2 else 1 if rows >= size + 1 else 0
    label, cells, gap = layout(matrix, width, 0 if headers == 2 else BESIDE)
    table = label + sum(gap + cell for cell in cells)
    total = sum(sum(row) for row in matrix)
    right = sum(matrix[i][i] for i in range(size))
    accuracy = (
        pick(
            f"accuracy {right / total * 100:.2f} %: {right:,} of {total:,} test digits right, {total - right:,} wrong",
            f"准确率 {right / total * 100:.2f} %：{total:,} 个测试数字中对 {right:,} 个，错 {total - right:,} 个",
        )
        if total
        else pick("no test digits counted", "没有统计到测试数字")
    )
    shown = [m for m in mistakes[:TOP_MISTAKES] if m[0] > 0]
    mix_up = pick("{} taken for {} ({}x)", "{} 被当成 {}（{} 次）")
    each = [mix_up.format(t, p, count) for count, t, p in shown]
    most = pick("most confused:", "最常混淆：")
    confused = most + pick(" ", "") + pick(", ", "，").join(each) if shown else ""
    out = Text()
    if headers == 2:
        out.append(" " * label + pick("predicted →\n", "预测 →\n"), "bold")
    if headers:
        corner = pick("true ↓  ", "真实 ↓  ") if label == 8 else " " * label
        out.append(corner + "".join(" " * gap + f"{p:>{cell}}" for p, cell in enumerate(cells)) + "\n", "bold")
    beside = [] if headers else [pick("↓ true", "↓ 真实"), pick("→ predicted", "→ 预测")]
    room = (width or 0) - table - 2
    below = not (headers < 2 and room >= BESIDE - 2)  # short: the accuracy beside the table, where there is room
    if not below:
        beside += ["", *wrap(accuracy, room)]
        for line in [most, *each] if each else []:  # whole lines, as many as there are rows
            beside += wrap(line, room)
        beside = beside[:size]
    for true, row in enumerate(matrix):
        out.append(f"{true:>6}  " if label == 8 else f"{true:>{label}}", "bold")
        for predicted, (count, cell) in enumerate(zip(row, cells)):
            style = "bold green" if true == predicted else mistake_style(count, worst)
            out.append(" " * gap + f"{count:>{cell}}", style)
        if true < len(beside) and beside[true] and room > 0:
            out.append("  " + beside[true], "grey50" if true < 2 and not headers else "")
        out.append("\n")
    if below:  # (wrapped here, so the table's width alone decides whether a line fits)
        for line in ("", accuracy, confused):
            out.append("\n".join(wrap(line, width) if width and line else [line]) + "\n")
    out.rstrip()
    return out


class ConfusionView(PictureView):
    """Shows the "confusion" view (it changes when a new evaluation arrives), laid out to its tab's room."""

    fits_height = True

    def picture(self, data: ConfusionData | ViewError, width: int, height: int) -> Text:
        return render_confusion(data, width, height)


VIEW = ConfusionView
