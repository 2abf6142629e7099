"""The samples panel (view "samples"): what the GPT writes as it learns, newest first.

Each sample shows the step it was written at, the prompt (bold) and the model's continuation, with
the temperature and top-k it was sampled with. Keys (the lesson's controls): s samples now, p edits
the prompt, t sets the temperature, k sets top-k.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rich.text import Text

from core.base.i18n import pick
from core.base.view_data import SamplesData, ViewError
from tui.widgets.data_view import DataView, error_of, failed

PROMPT_STYLE = "bold cyan"
HEADER_STYLE = "bold"
DIM = "grey50"


def printable(text: str) -> str:
    """Text safe to draw: control and format characters (escape codes, ...) become '·', except new lines and tabs."""
    return "".join(ch if ch in "\n\t" or not unicodedata.category(ch).startswith("C") else "·" for ch in text)


def sampling_settings(temperature: Any, top_k: Any) -> str:
    return pick(f"temperature {temperature}, top-k {top_k or 'off'}", f"温度 {temperature}，top-k {top_k or '关'}")


def render_samples(data: SamplesData | ViewError) -> Text:
    """The panel's text for the view's data: {"samples": [{"step", "prompt", "text", ...}], "prompt", ...}."""
    if failed(data):
        return Text(pick("samples unavailable: ", "样本无法显示：") + repr(error_of(data)), "red")
    prompt = data.get("prompt", "")
    out = Text()
    out.append(pick("prompt ", "提示词 "), HEADER_STYLE)
    out.append(repr(prompt) if prompt else pick("(a new line)", "（换行）"), PROMPT_STYLE)
    out.append(f"   {sampling_settings(data.get('temperature'), data.get('top_k'))}", HEADER_STYLE)
    if data.get("source"):
        source, size = data["source"], data.get("vocab_size", 0)
        out.append(
            pick(f"\nlearning {source}: {size} different characters", f"\n正在学习 {source}：{size} 个不同的字符"), DIM
        )
    out.append(
        pick(
            "\nkeys: s sample now · p prompt · t temperature · k top-k\n",
            "\n按键：s 立即采样 · p 提示词 · t 温度 · k top-k\n",
        ),
        DIM,
    )
    samples = data.get("samples") or []
    if not samples:
        out.append(
            pick(
                "\nNo sample yet: the model writes one every few hundred steps (or press s).",
                "\n还没有样本：模型每隔几百步写一段（或按 s）。",
            ),
            DIM,
        )
        return out
    for entry in reversed(samples):
        settings = sampling_settings(entry.get("temperature"), entry.get("top_k"))
        out.append(
            pick(
                f"\n── step {entry.get('step')} ({settings}) ──\n", f"\n── 第 {entry.get('step')} 步（{settings}）──\n"
            ),
            DIM,
        )
        out.append(printable(entry.get("prompt") or ""), PROMPT_STYLE)
        out.append(printable(entry.get("text", "")))
        out.append("\n")
    return out


class SamplesView(DataView):
    """Shows the "samples" view."""

    def render_data(self, data: SamplesData | ViewError, width: int | None) -> Text:
        return render_samples(data)


VIEW = SamplesView
