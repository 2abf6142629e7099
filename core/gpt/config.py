"""From the char-gpt lesson's options to a model: the shape (``model_config``) and the checks.

``learn-tui sample`` rebuilds a saved model with ``model_config(checkpoint["options"], ...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import UsageError
from core.gpt.gpt_words import say
from core.gpt.model import GPTConfig


def model_config(options: Mapping[str, Any], vocab_size: int) -> GPTConfig:
    """The model's shape from the lesson's options (also how `learn-tui sample` rebuilds it)."""
    return GPTConfig(
        vocab_size=vocab_size,
        block_size=options["block_size"],
        n_layer=options["n_layer"],
        n_head=options["n_head"],
        n_embd=options["n_embd"],
        dropout=options["dropout"],
        tie_weights=options["tie_weights"],
    )


def check_options(opts: Any) -> None:
    """Refuse settings the model can't be built or trained with, naming the flag to fix."""
    for name in (
        "n_layer",
        "n_head",
        "n_embd",
        "block_size",
        "batch_size",
        "eval_interval",
        "eval_batches",
        "sample_tokens",
    ):
        if getattr(opts, name) < 1:
            raise UsageError(say("at least 1", name=name.replace("_", "-"), value=getattr(opts, name)))
    if opts.n_embd % opts.n_head:
        raise UsageError(say("heads", n_embd=opts.n_embd, n_head=opts.n_head))
    if not 0 <= opts.dropout < 1:
        raise UsageError(say("dropout", value=opts.dropout))
    if opts.sample_interval < 0 or opts.warmup_steps < 0:
        raise UsageError(say("not negative"))
    # (temperature, top-k and the prompt: their options' own checks, Option.parse, wherever they are set)
