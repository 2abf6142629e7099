"""The RNN panel (view "hidden_states", lesson rnn-hello): the hidden state at each time step.

One line per time step: the input character, the hidden state's numbers (blue negative, red
positive, brighter when larger) and the predicted character with its probability, green when it
matches "ohlol". As many hidden units as fit in the panel's width are shown (then "…"), so a line never
wraps and the header stays over its columns. Below, the string predicted at every training step, newest
last, so the learner watches "ohlol" appear. ``render_hidden_states`` is a pure function of the view's plain data.
"""

from __future__ import annotations

import textwrap

from rich.text import Text

from core.base import linebreak
from core.base.i18n import display_width, is_chinese, pad, pick
from core.base.view_data import HiddenStatesData, ViewError
from tui.widgets.data_view import error_of, failed
from tui.widgets.picture_view import PictureView

DIM = "grey50"
MAX_UNITS = 16  # hidden units drawn per time step, at most (fewer where the panel is narrower)
MAX_PREDICTIONS = 20  # predicted strings listed
UNIT_WIDTH = 6  # " +0.12": a hidden state is squashed into -1..1
PREFIX_WIDTH = 4  # " 1 h": the time step and its input
MIN_SPAN = 8  # the hidden-state columns are at least this wide, so the header's "hidden" fits over them
TAIL_WIDTH = 16  # "  o  37%  want h": the prediction, its probability and the wanted character
MORE = " …"  # after the hidden units when not all of them fit


def step_words(step: int) -> str:
    return pick(f"  step {step:>4}  ", f"  第 {step:>4} 步  ")


def history_width(target: str) -> int:
    """Columns of the history's lines: "  step   30  ohlol  ✓"."""
    return display_width(step_words(0)) + len(target) + 3


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


def render_hidden_states(
    data: HiddenStatesData | ViewError, width: int | None = None, height: int | None = None
) -> Text:
    """The view's text; with ``width``, as many hidden units per line as fit in that many columns; with
    ``height``, the blank lines go first when short, and the predictions listed are the newest that fit."""
    if failed(data):
        return Text(pick("hidden states unavailable: ", "隐藏状态无法显示：") + repr(error_of(data)), "red")
    target = data.get("target", "")
    steps = data.get("steps") or []
    predictions = data.get("predictions") or []
    cell, given = data.get("cell"), data.get("input", "")
    title = pick(
        f'cell {cell} · input "{given}" → target "{target}"', f'单元 {cell} · 输入 "{given}" → 目标 "{target}"'
    )
    if width and height is not None:  # laid out to the tab: wrapped here, its rows counted
        title = "\n".join(linebreak.wrap(title, width) if linebreak.has_wide(title) else textwrap.wrap(title, width))
    above = title.count("\n") + 2 + max(len(steps), 1) + (1 if steps else 0)  # title, header, steps, prediction
    listed = min(len(predictions), MAX_PREDICTIONS)
    roomy = height is None or above + 3 + (1 + min(listed, 5) if predictions else 0) <= height
    gap = "\n" if roomy else ""
    beside = (
        not roomy and steps and width is not None and table_width(steps, width) + 2 + history_width(target) <= width
    )
    if height is not None and predictions:  # the newest, as many as fit below (one at least), or beside
        listed = len(steps) + 1 if beside else min(listed, max(height - above - (3 if roomy else 0) - 1, 1))
    out = Text()
    out.append(title + "\n" + gap, "bold")
    history = history_lines(predictions[-listed:], target) if predictions else []
    if beside:
        body = Text()
        add_table(body, steps, target, width, "")
        return side_by_side(out, body, history)
    add_table(out, steps, target, width, gap)
    if history:
        out.append(gap)
        for line in history:
            out.append_text(line)
            out.append("\n")
    out.rstrip()
    return out


def table_width(steps: list, width: int) -> int:
    """The columns of the hidden states' table (its widest line: a step with "want x")."""
    units = len(steps[0].get("hidden", []))
    shown = units_shown(units, width)
    return PREFIX_WIDTH + span_width(shown, shown < units) + TAIL_WIDTH


def history_lines(predictions: list, target: str) -> list[Text]:
    """The predicted string at each of these steps, under its heading."""
    lines = [Text(pick("predicted at each step:", "每一步的预测："), "bold")]
    for step, text in predictions:
        line = Text(step_words(step))
        for got, want in zip(text, target):
            line.append(got, "green" if got == want else "red")
        line.append("  ✓" if text == target else "", "bold green")
        lines.append(line)
    return lines


def side_by_side(out: Text, body: Text, history: list[Text]) -> Text:
    """``body``'s lines with ``history`` beside them (a short tab: the newest steps stay in sight)."""
    lines = body.split("\n", allow_blank=True)
    left = max((line.cell_len for line in lines), default=0) + 2
    for index, line in enumerate(lines):
        out.append_text(line)
        if index < len(history):
            out.append(" " * (left - line.cell_len))
            out.append_text(history[index])
        out.append("\n")
    out.rstrip()
    return out


def add_table(out: Text, steps: list, target: str, width: int | None, gap: str) -> None:
    """The hidden state at each time step, then the whole prediction."""
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
        out.append(gap + pick("prediction: ", "预测："))
        out.append(so_far, "bold green" if so_far == target else "bold")
        out.append("\n")


class HiddenStatesView(PictureView):
    """Shows the "hidden_states" view, laid out to its tab's room."""

    fits_height = True

    def picture(self, data: HiddenStatesData | ViewError, width: int, height: int) -> Text:
        return render_hidden_states(data, width, height)


VIEW = HiddenStatesView
