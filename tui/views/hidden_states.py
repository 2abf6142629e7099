"""The RNN panel (view "hidden_states", lesson rnn-hello): the hidden state at each time step.

One line per time step: the input character, the hidden state's numbers (blue negative, red
positive, brighter when larger) and the predicted character with its probability, green when it
matches "ohlol". Below, the string predicted at every training step, newest last, so the learner
watches "ohlol" appear. ``render_hidden_states`` is a pure function of the view's plain data.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

DIM = "grey50"
MAX_UNITS = 10  # hidden units drawn per time step
MAX_PREDICTIONS = 20  # predicted strings listed


def value_style(value: float) -> str:
    strength = min(abs(value), 1.0)
    if strength < 0.15:
        return "grey62"
    hue = "red" if value > 0 else "blue"
    return f"bold {hue}1" if strength > 0.6 else f"{hue}3"


def render_hidden_states(data: Any) -> Text:
    if not isinstance(data, dict) or "error" in data:
        error = data.get("error") if isinstance(data, dict) else data
        return Text(f"hidden states unavailable: {error!r}", "red")
    target = data.get("target", "")
    out = Text()
    out.append(f"cell {data.get('cell')} · input \"{data.get('input', '')}\" → target \"{target}\"\n\n", "bold")
    steps = data.get("steps") or []
    if not steps:
        out.append("No forward pass yet: press . to step one phase at a time.\n", DIM)
    else:
        units = len(steps[0].get("hidden", []))
        out.append(f" t  in   hidden state ({units} units)".ljust(18 + 7 * min(units, MAX_UNITS)) + "  out\n", DIM)
    for t, step in enumerate(steps, 1):
        out.append(f"{t:>2}  {step['input']}   ")
        for value in step["hidden"][:MAX_UNITS]:
            out.append(f"{value:+7.2f}", value_style(value))
        if len(step["hidden"]) > MAX_UNITS:
            out.append(" …", DIM)
        right = step["predicted"] == step["target"]
        probability = max(step.get("probabilities") or [0.0])
        out.append(f"   {step['predicted']}", "bold green" if right else "bold red")
        out.append(f" {probability:4.0%}" + ("" if right else f"  (want {step['target']})"), DIM)
        out.append("\n")
    if steps:
        so_far = "".join(step["predicted"] for step in steps)
        out.append("\nprediction: ")
        out.append(so_far, "bold green" if so_far == target else "bold")
        out.append("\n")
    predictions = data.get("predictions") or []
    if predictions:
        out.append("\npredicted at each step:\n", "bold")
        for step, text in predictions[-MAX_PREDICTIONS:]:
            out.append(f"  step {step:>4}  ")
            for got, want in zip(text, target):
                out.append(got, "green" if got == want else "red")
            out.append("  ✓\n" if text == target else "\n", "bold green")
    return out


class HiddenStatesView(Static):
    """Shows the "hidden_states" view; re-renders only when the data change."""

    DEFAULT_CSS = "HiddenStatesView { height: auto; padding: 0 1; }"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._data: Any = object()

    def show(self, data: Any) -> None:
        if data is self._data or data == self._data:
            return
        self._data = data
        self.update(render_hidden_states(data))


VIEW = HiddenStatesView
