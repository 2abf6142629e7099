"""``learn-tui sample CHECKPOINT``: write text with a saved char-gpt model, without a screen.

The checkpoint holds everything sampling needs: the model's shape in ``state["options"]``, its
weights in ``state["watched"][""]``, and its vocabulary in the weights' ``vocabulary`` buffer (the
characters' code points), so the text the model was trained on is not needed. The text is printed
as it is written, so ctrl+c (exit 130) keeps what is already on the screen.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from core.base.device import resolve_device
from core.base.i18n import pick
from core.base.parse import parse_count, parse_seed
from core.checkpoint.store import load_checkpoint
from core.errors import CheckpointError, UsageError
from core.front.args import MAX_TOKENS
from core.front.words import in_cli_words
from core.gpt.config import model_config
from core.gpt.model import GPT
from core.gpt.sampling import parse_temperature, parse_top_k, stream
from core.gpt.text import Vocabulary

LESSON_ID = "char-gpt"


def parse_tokens(value: Any) -> int:
    tokens = parse_count(value, "--tokens")
    if tokens > MAX_TOKENS:
        raise UsageError(
            pick(
                f"--tokens is at most {MAX_TOKENS:,} (got {tokens:,}); for more text, sample again "
                "with another --seed or continue with --prompt",
                f"--tokens 最多 {MAX_TOKENS:,}（收到 {tokens:,}）；要更多文本，"
                "请换一个 --seed 再采样，或用 --prompt 接着写",
            )
        )
    return tokens


def load_model(state: dict, device: str) -> tuple[Any, Any]:
    """(model, vocabulary) rebuilt from a loaded char-gpt checkpoint."""
    entry = state.get("watched", {}).get("")
    weights = entry.get("state") if isinstance(entry, dict) else None
    if not weights or "vocabulary" not in weights:
        raise CheckpointError(
            pick(
                "the checkpoint holds no GPT with a vocabulary; save one from learn-tui run char-gpt",
                "这个检查点里没有带词表的 GPT；请从 learn-tui run char-gpt 保存一个",
            )
        )
    vocab = Vocabulary.from_codes(weights["vocabulary"].tolist())
    try:
        options = dict(state["options"], dropout=0.0)
        model = GPT(model_config(options, len(vocab)))
        model.load_state_dict(weights)
    except (KeyError, RuntimeError, ValueError, TypeError) as exc:
        why = f"{type(exc).__name__}: {exc}"
        raise CheckpointError(
            pick(
                f"the checkpoint's model does not load ({why}); save it again with this learn-tui",
                f"检查点里的模型加载不了（{why}）；请用这个 learn-tui 重新保存",
            )
        ) from None
    return model.to(device).eval(), vocab


def stream_text(args: argparse.Namespace) -> Iterator[str]:
    """The continuation of ``args.prompt``, character by character, once every argument is checked.

    A checkpoint that is missing, foreign or not a char-gpt one is a bad argument here (exit 2)."""
    tokens = parse_tokens(args.tokens)
    temperature = parse_temperature(args.temperature)
    top_k = parse_top_k(args.top_k)
    seed = parse_seed(args.seed)
    device = resolve_device(args.device)
    try:
        model, vocab = load_model(load_checkpoint(args.checkpoint, LESSON_ID), device)
    except CheckpointError as exc:
        raise UsageError(in_cli_words(exc)) from None
    return stream(model, vocab, args.prompt, tokens, temperature, top_k, seed)


def generate_text(args: argparse.Namespace) -> str:
    """The prompt and its continuation, as ``run`` prints it."""
    return args.prompt + "".join(stream_text(args))


def run(args: argparse.Namespace) -> int:
    characters = stream_text(args)  # argument errors before anything is printed
    out = sys.stdout
    out.write(args.prompt)
    try:
        for character in characters:
            out.write(character)
            out.flush()
    except KeyboardInterrupt:  # keep what was written, on a line of its own
        out.write("\n")
        out.flush()
        raise
    out.write("\n")
    out.flush()
    return 0
