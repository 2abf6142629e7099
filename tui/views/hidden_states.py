"""The RNN panel (view "hidden_states", lesson rnn-hello): the hidden state at each time step.

One line per time step: the input character, the hidden state's numbers (blue negative, red
positive, brighter when larger) and the predicted character with its probability, green when it
matches "ohlol". As many hidden units as fit in the panel's width are shown (then "…"), so a line never
wraps and the header stays over its columns. Below, the string predicted at every training step, newest
last, so the learner watches "ohlol" appear. ``render_hidden_states`` is a pure function of the view's plain data.
"""

from __future__ import annotations

from rich.text import Text

from core.base.i18n import display_width, is_chinese, pad, pick
from core.base.view_data import HiddenStatesData, ViewError
from tui.widgets.data_view import DataView, error_of, failed

DIM = "grey50"
MAX_UNITS = 16  # hidden units drawn per time step, at most (fewer where the panel is narrower)
MAX_PREDICTIONS = 20  # predicted strings listed
UNIT_WIDTH = 6  # " +0.12": a hidden state is squashed into -1..1
PREFIX_WIDTH = 4  # " 1 h": the time step and its input
MIN_SPAN = 8  # the hidden-state columns are at least this wide, so the header's "hidden" fits over them
TAIL_WIDTH = 16  # "  o  37%  want h": the prediction, its probability and the wanted character
MORE = " …"  # after the hidden units when not all of them fit


def units_shown(units: int, width: int | None) -> int:
    """How many of ``units`` hidden units fit in a panel ``width`` columns wide (all of them, up to
    MAX_UNITS, when the width is not known yet); at least one."""
    shown = min(units, MAX_UNITS)
    if width is None or width <= 0:
        return shown
    while shown > 1 and PREFIX_WIDTH + span_width(shown, shown < units) + TAIL_WIDTH > width:
        shown -= 1
    return shown


def span_width(shown: int, more: bool) -> int:
    return max(UNIT_WIDTH * shown + (len(MORE) if more else 0), MIN_SPAN)


def header(units: int, shown: int) -> str:
    """' t in hidden state (8 units)   out', with "out" over the predicted characters' column."""
    out_column = PREFIX_WIDTH + span_width(shown, shown < units) + 2
    room = out_column - len(" t in ") - 1
    if is_chinese():  # (入 and 出: two columns each, as "in" and "out" over their one-character columns)
        labels: tuple[str, ...] = (
            f"隐藏状态（{units} 个单元）",
            f"隐藏状态（{shown}/{units}）",
            f"隐藏（{units}）",
            "隐藏状态",
            "隐藏",
        )
        label = next((text for text in labels if display_width(text) <= room), "h")
        return pad(f" t 入 {label}", out_column) + "出"
    plural = "unit" if units == 1 else "units"
    labels = (
        f"hidden state ({units} {plural})",
        f"hidden state ({shown} of {units})",
        f"hidden ({units})",
        "hidden state",
        "hidden",
    )
    label = next((text for text in labels if len(text) <= room), "h")
    return f" t in {label}".ljust(out_column) + "out"


def value_style(value: float) -> str:
    strength = min(abs(value), 1.0)
    if strength < 0.15:
        return "grey62"
    hue = "red" if value > 0 else "blue"
    return f"bold {hue}1" if strength > 0.6 else f"{hue}3"


def render_hidden_states(data: HiddenStatesData | ViewError, width: int | None = None) -> Text:
    """The view's text; with ``width``, as many hidden units per line as fit in that many columns."""
    if failed(data):
        return Text(pick("hidden states unavailable: ", "隐藏状态无法显示：") + repr(error_of(data)), "red")
    target = data.get("target", "")
    out = Text()
    cell, given = data.get("cell"), data.get("input", "")
    out.append(
        pick(
            f'cell {cell} · input "{given}" → target "{target}"\n\n',
            f'单元 {cell} · 输入 "{given}" → 目标 "{target}"\n\n',
        ),
        "bold",
    )
    steps = data.get("steps") or []
    if not steps:
        out.append(
            pick(
                "No forward pass yet: press . to step one phase at a time.\n", "还没有前向传播：按 . 一次走一个阶段。\n"
            ),
            DIM,
        )
        units = shown = 0
    else:
        units = len(steps[0].get("hidden", []))
        shown = units_shown(units, width)
        out.append(header(units, shown) + "\n", DIM)
    for t, step in enumerate(steps, 1):
        out.append(f"{t:>2} {step['input']}")
        hidden = step["hidden"]
        cells = Text()
        for value in hidden[:shown]:
            cells.append(f"{value:+{UNIT_WIDTH}.2f}", value_style(value))
        if len(hidden) > shown:
            cells.append(MORE, DIM)
        out.append_text(cells)
        out.append(" " * (span_width(shown, shown < units) - cells.cell_len))
        right = step["predicted"] == step["target"]
        probability = max(step.get("probabilities") or [0.0])
        out.append(f"  {step['predicted']}", "bold green" if right else "bold red")
        out.append(f"{probability:>5.0%}" + ("" if right else pick("  want ", "  应为 ") + step["target"]), DIM)
        out.append("\n")
    if steps:
        so_far = "".join(step["predicted"] for step in steps)
        out.append(pick("\nprediction: ", "\n预测："))
        out.append(so_far, "bold green" if so_far == target else "bold")
        out.append("\n")
    predictions = data.get("predictions") or []
    if predictions:
        out.append(pick("\npredicted at each step:\n", "\n每一步的预测：\n"), "bold")
        for step, text in predictions[-MAX_PREDICTIONS:]:
            out.append(pick(f"  step {step:>4}  ", f"  第 {step:>4} 步  "))
            for got, want in zip(text, target):
                out.append(got, "green" if got == want else "red")
            out.append("  ✓\n" if text == target else "\n", "bold green")
    return out


class HiddenStatesView(DataView):
    """Shows the "hidden_states" view."""

    fits_width = True

    def render_data(self, data: HiddenStatesData | ViewError, width: int | None) -> Text:
        return render_hidden_states(data, width)


VIEW = HiddenStatesView
