"""``learn-tui sample CHECKPOINT``: write text with a saved char-gpt model, without a screen.

The checkpoint holds everything sampling needs: the model's shape in ``state["options"]``, its
weights in ``state["watched"][""]``, and its vocabulary in the weights' ``vocabulary`` buffer (the
characters' code points), so the text the model was trained on is not needed.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.errors import CheckpointError, UsageError
from core.lesson import parse_count

LESSON_ID = "char-gpt"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("checkpoint", help="a char-gpt checkpoint (saved with ctrl+s or --save PATH)")
    parser.add_argument("--prompt", default="", help="the text to continue (default: start a new line)")
    parser.add_argument("--tokens", default="500", help="how many characters to write (default 500)")
    parser.add_argument("--temperature", default="0.8",
                        help="> 0: lower is safer, higher is wilder; near 0 is greedy (default 0.8)")
    parser.add_argument("--top-k", default="0", help="sample only from the k likeliest characters (default 0: all)")
    parser.add_argument("--seed", default="0", help="the same seed writes the same text (default 0)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default cpu)")


def parse_seed(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise UsageError(f"--seed must be a whole number like 0, got {value!r}") from None


def load_model(state: dict, device: str) -> tuple[Any, Any]:
    """(model, vocabulary) rebuilt from a loaded char-gpt checkpoint."""
    from core.gpt.config import model_config
    from core.gpt.model import GPT
    from core.gpt.text import Vocabulary

    entry = state.get("watched", {}).get("")
    weights = entry.get("state") if isinstance(entry, dict) else None
    if not weights or "vocabulary" not in weights:
        raise CheckpointError("the checkpoint holds no GPT with a vocabulary; save one from learn-tui run char-gpt")
    vocab = Vocabulary.from_codes(weights["vocabulary"].tolist())
    try:
        options = dict(state["options"], dropout=0.0)
        model = GPT(model_config(options, len(vocab)))
        model.load_state_dict(weights)
    except (KeyError, RuntimeError, ValueError, TypeError) as exc:
        raise CheckpointError(f"the checkpoint's model does not load ({type(exc).__name__}: {exc}); "
                              "save it again with this learn-tui") from None
    return model.to(device).eval(), vocab


def generate_text(args: argparse.Namespace) -> str:
    """The prompt and its continuation, as ``run`` prints it."""
    from core.checkpoint import load_checkpoint
    from core.device import resolve_device
    from core.gpt.sampling import parse_temperature, parse_top_k, sample

    tokens = parse_count(args.tokens, "--tokens")
    temperature = parse_temperature(args.temperature)
    top_k = parse_top_k(args.top_k)
    seed = parse_seed(args.seed)
    device = resolve_device(args.device)
    model, vocab = load_model(load_checkpoint(args.checkpoint, LESSON_ID), device)
    return args.prompt + sample(model, vocab, args.prompt, tokens, temperature, top_k, seed)


def run(args: argparse.Namespace) -> int:
    print(generate_text(args))
    return 0
