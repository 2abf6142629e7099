"""The name classifier panel (view "name_predictions", lesson rnn-names).

The top countries for the last name the learner typed (key p), asked of the model as it is now (the
notice's numbers while paused, rounded alike), with probability bars, and the test
accuracy per country from the last evaluation, worst first: where the model still confuses
languages. ``render_name_predictions`` is a pure function of the view's plain data.
"""

from __future__ import annotations

from rich.text import Text

from core.base.i18n import pick
from core.base.view_data import NamePredictionsData, ViewError
from tui.widgets.data_view import DataView, error_of, failed

DIM = "grey50"
BAR = 24  # characters of a full bar


def bar(fraction: float, width: int = BAR) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return "█" * filled + "░" * (width - filled)


def accuracy_style(fraction: float) -> str:
    return "green" if fraction >= 0.8 else ("yellow" if fraction >= 0.5 else "red")


def render_name_predictions(data: NamePredictionsData | ViewError) -> Text:
    if failed(data):
        return Text(pick("name predictions unavailable: ", "姓名预测无法显示：") + repr(error_of(data)), "red")
    out = Text()
    query = data.get("query")
    if query:
        out.append(f"{query['name']}", "bold")
        if query.get("step") is not None:  # the same model and rounding as the p key's notice
            out.append(pick(f" at step {query['step']}", f"（第 {query['step']} 步）"), DIM)
        out.append("\n")
        for rank, entry in enumerate(query["top"]):
            out.append(f"  {entry['country']:<12} ", "bold" if rank == 0 else "")
            out.append(bar(entry["probability"]), "cyan" if rank == 0 else "grey62")
            out.append(f" {entry['probability']:6.1%}\n")
    else:
        out.append(
            pick(
                "Press p and type a surname to see the model's top countries.\n",
                "按 p 输入一个姓氏，看看模型认为它最可能来自哪些国家。\n",
            ),
            DIM,
        )
    per_country = data.get("per_country") or []
    accuracy = data.get("accuracy")
    if accuracy is None or not per_country:
        out.append(
            pick(
                "\nTest accuracy per country appears after the first epoch.", "\n第一轮结束后显示每个国家的测试准确率。"
            ),
            DIM,
        )
        return out
    out.append(pick(f"\ntest accuracy {accuracy:.1%}", f"\n测试准确率 {accuracy:.1%}"), "bold")
    if data.get("source"):
        out.append(f" · {data['source']}", DIM)
    out.append("\n")
    for country, fraction, count in sorted(per_country, key=lambda entry: entry[1]):
        out.append(f"  {country:<12} ")
        out.append(bar(fraction), accuracy_style(fraction))
        out.append(pick(f" {fraction:6.1%}  of {count}\n", f" {fraction:6.1%}  共 {count} 个\n"))
    return out


class NamePredictionsView(DataView):
    """Shows the "name_predictions" view."""

    def render_data(self, data: NamePredictionsData | ViewError, width: int | None) -> Text:
        return render_name_predictions(data)


VIEW = NamePredictionsView
