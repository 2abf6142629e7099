"""The attention heat map (view "attention"): how much each character of the latest sample looks at
each earlier one, in one head of one layer (key h steps through the heads).

Row i is the character at position i; its cells, left to right, are the weights it gives positions
0..i (they sum to 1). Brighter is more attention. Each cell is two columns wide.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rich.color import Color
from rich.style import Style
from rich.text import Text

from core.base.i18n import pick
from core.base.view_data import AttentionData, ViewError
from tui.widgets.data_view import DataView, failed

SHOWN = {"\n": "⏎", " ": "␣", "\t": "⇥"}
DIM = "grey50"


def glyph(char: str) -> str:
    """One visible column for a character (new line, space and tab get symbols; controls become '·')."""
    if char in SHOWN:
        return SHOWN[char]
    return char if char.isprintable() and len(char) == 1 and not _wide(char) else "·"


def _wide(char: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(char) in ("W", "F")


@lru_cache(maxsize=256)
def cell_style(level: int) -> Style:
    """Black (no attention) to bright yellow (all of it), in 64 levels."""
    t = level / 63
    return Style(bgcolor=Color.from_rgb(int(255 * t), int(220 * t), int(60 * t**2)))


def level_of(weight: float) -> int:
    """Weights on a square-root scale, so small but real attention still shows."""
    return round(max(0.0, min(1.0, float(weight))) ** 0.5 * 63)


def heat_map(tokens: Sequence[str], weights: Sequence[Sequence[float]]) -> Text:
    out = Text("  " + "".join(f"{glyph(c)} " for c in tokens) + "\n", DIM)
    for char, row in zip(tokens, weights):
        out.append(f"{glyph(char)} ", "bold")
        for weight in row:
            out.append("  ", cell_style(level_of(weight)))
        strongest = max(range(len(row)), key=row.__getitem__) if row else 0
        out.append(f"  → {glyph(tokens[strongest])} {max(row, default=0):.0%}\n", DIM)
    return out


def render_attention(data: AttentionData | ViewError | None) -> Text:
    if isinstance(data, dict) and "error" in data:
        return Text(pick("attention unavailable: ", "注意力无法显示：") + str(data.get("error")), "red")
    if data is None or failed(data) or not data.get("tokens"):
        return Text(
            pick(
                "No sample yet: the attention of one head over the latest sample appears here.",
                "还没有样本：这里会显示一个注意力头在最新样本上的注意力。",
            ),
            DIM,
        )
    layer, n_layer, head, n_head, step = (
        data["layer"] + 1,
        data["n_layer"],
        data["head"] + 1,
        data["n_head"],
        data.get("step"),
    )
    header = Text.assemble(
        (
            pick(
                f"layer {layer} of {n_layer}, head {head} of {n_head}",
                f"第 {layer}/{n_layer} 层，第 {head}/{n_head} 个头",
            ),
            "bold",
        ),
        (pick(f"   (step {step}; h: next head)\n", f"   （第 {step} 步；h：下一个头）\n"), DIM),
        (
            pick(
                "each row: a character of the sample; its cells: how much it attends to each earlier one\n\n",
                "每一行：样本中的一个字符；它的各格：它对前面每个字符的注意力有多少\n\n",
            ),
            DIM,
        ),
    )
    return header + heat_map(data["tokens"], data["weights"])


class AttentionView(DataView):
    """Shows the "attention" view."""

    def render_data(self, data: AttentionData | ViewError | None, width: int | None) -> Text:
        return render_attention(data)


VIEW = AttentionView
