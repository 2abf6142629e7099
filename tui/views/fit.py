"""Linear regression's picture (view "fit"): the data points, the current line y = w*x + b, and the
earlier lines faint, so each update visibly turns the line towards the points.
``render_fit(data, width, height)`` is a pure function of the view's plain data."""

from __future__ import annotations

import math

from rich.text import Text

from core.base.i18n import pick
from core.base.view_data import FitData, ViewError
from tui.formatting import number
from tui.widgets.cells import mix
from tui.widgets.data_view import failed, unavailable
from tui.widgets.picture_view import PictureView, Plot

LINE, POINT, DIM = (250, 210, 60), "bold cyan", "grey50"


def y_range(ys: list[float], extra: list[float]) -> tuple[float, float]:
    """From 0 (or below the lowest point) to above the highest, stretched to take in ``extra`` values
    (the lines' ends) unless they are far off, so a wild first line does not flatten the points."""
    low, high = min(ys + [0.0]), max(ys + [0.0])
    span = (high - low) or 1.0
    low, high = low - 0.1 * span, high + 0.1 * span
    for value in extra:
        if math.isfinite(value):
            low, high = min(low, max(value, low - span)), max(high, min(value, high + span))
    return low, high


def render_fit(data: FitData | ViewError, width: int = 80, height: int = 16) -> Text:
    if failed(data):
        return unavailable(pick("fit", "拟合图"), data)
    points, line = data.get("points") or [], data.get("line")
    if not line:
        return Text(
            pick(
                "No model yet: the points and the fitted line appear once the lesson starts.",
                "还没有模型：课程开始后，这里显示数据点和拟合的直线。",
            ),
            DIM,
        )
    w, b = line
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x_low, x_high = min(xs + [0.0]), max(xs + [3.0]) + 1.0
    lines = [line] + list(data.get("previous") or [])
    ends = [w_ * x + b_ for w_, b_ in lines for x in (x_low, x_high)]
    plot = Plot((x_low, x_high, *y_range(ys, ends)), width, max(height - 4, 6))
    previous = data.get("previous") or []
    for age, (w_, b_) in enumerate(previous):  # oldest first, faintest
        plot.curve(
            [x_low, x_high],
            [w_ * x_low + b_, w_ * x_high + b_],
            mix((40, 40, 40), (110, 110, 110), (age + 1) / len(previous)),
        )
    plot.curve([x_low, x_high], [w * x_low + b, w * x_high + b], LINE)
    for x, y in zip(xs, ys):
        plot.point(x, y, "●", POINT)
    out = Text()
    out.append(f"y = w·x + b  {pick('with', '其中')} w = {number(w, 5)}, b = {number(b, 5)}", "bold")
    out.append(pick(f" · step {data.get('step', 0)}\n", f" · 第 {data.get('step', 0)} 步\n"), DIM)
    out.append_text(plot.text("x"))
    out.append(pick("● data   ", "● 数据   "), POINT)
    out.append(pick("━ current line   ", "━ 当前直线   "), "bold #fad23c")
    out.append(pick("━ earlier lines (faint)", "━ 之前的直线（淡色）") if previous else "", DIM)
    return out


class FitView(PictureView):
    def picture(self, data: FitData | ViewError, width: int, height: int) -> Text:
        return render_fit(data, width, height)


VIEW = FitView
