"""Logistic regression's picture (view "sigmoid"): hours studied against pass (the points at 0 and 1),
the model's p(pass) along the hours, the 0.5 threshold, and where the curve crosses it (x = -b/w).
``render_sigmoid(data, width, height)`` is a pure function of the view's plain data."""

from __future__ import annotations

from rich.text import Text

from core.base.i18n import pick
from core.base.view_data import SigmoidData, ViewError
from tui.formatting import number
from tui.widgets.cells import mix
from tui.widgets.data_view import failed, unavailable
from tui.widgets.picture_view import PictureView, Plot

CURVE, THRESHOLD, DIM = (250, 210, 60), (120, 120, 120), "grey50"
PASS, FAIL = "bold green", "bold red"


def render_sigmoid(data: SigmoidData | ViewError, width: int = 80, height: int = 16) -> Text:
    if failed(data):
        return unavailable(pick("sigmoid", "Sigmoid 图"), data)
    points, curve = data.get("points") or [], data.get("curve") or []
    if not curve:
        return Text(
            pick(
                "No model yet: the points and the sigmoid appear once the lesson starts.",
                "还没有模型：课程开始后，这里显示数据点和 sigmoid 曲线。",
            ),
            DIM,
        )
    low, high = data["x_range"]
    plot = Plot((low, high, 0.0, 1.0), width, max(height - 4, 6))
    hours = [low + (high - low) * i / (len(curve) - 1) for i in range(len(curve))]
    plot.hline(0.5, THRESHOLD)
    previous = data.get("previous") or []
    for age, old in enumerate(previous):
        plot.curve(hours, old, mix((40, 40, 40), (100, 100, 100), (age + 1) / len(previous)))
    plot.curve(hours, curve, CURVE)
    threshold = data.get("threshold")
    if threshold is not None and low <= threshold <= high:
        plot.point(threshold, 0.5, "◆", "bold magenta")
    for x, y in points:
        plot.point(x, y, "●", PASS if y >= 0.5 else FAIL)
    out = Text()
    out.append(
        pick("p(pass) = sigmoid(w·hours + b) with", "p(通过) = sigmoid(w·学习时长 + b)，其中")
        + f" w = {number(data.get('w'), 4)}, b = {number(data.get('b'), 4)}",
        "bold",
    )
    out.append("\n")
    out.append_text(plot.text(pick("hours studied", "学习时长（小时）")))
    out.append(pick("● passed  ", "● 通过  "), PASS)
    out.append(pick("● failed  ", "● 未通过  "), FAIL)
    out.append(pick("━ p(pass)  ", "━ p(通过)  "), "bold #fad23c")
    out.append("┄ 0.5  ", DIM)
    where = (
        pick(f"◆ p = 0.5 at {number(threshold, 4)} hours", f"◆ 学习 {number(threshold, 4)} 小时处 p = 0.5")
        if threshold is not None
        else pick("◆ w = 0: no crossing", "◆ w = 0：曲线不穿过 0.5")
    )
    out.append(where, "bold magenta")
    return out


class SigmoidView(PictureView):
    def picture(self, data: SigmoidData | ViewError, width: int, height: int) -> Text:
        return render_sigmoid(data, width, height)


VIEW = SigmoidView
