"""Writing with a GPT: sample one character at a time, feed it back, repeat.

``temperature`` divides the logits before the softmax: below 1 the model sticks to its likeliest
characters (near 0 it always takes the top one: greedy decoding), above 1 it takes more risks.
``top_k`` keeps only the k likeliest characters (0 keeps them all).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import torch
import torch.nn.functional as F

from core.base.view_data import AttentionData
from core.errors import UsageError
from core.gpt.gpt_words import say
from core.gpt.model import GPT
from core.gpt.text import Vocabulary

# The smallest temperature: far below it the model's float32 scores can't be divided by it (1e-300 is 0 there),
# and long before that sampling is greedy in all but name.
MIN_TEMPERATURE = 1e-6


def parse_temperature(value: Any) -> float:
    try:
        temperature = float(str(value).strip())
    except ValueError:
        raise UsageError(say("temperature number", value=repr(value))) from None
    if not math.isfinite(temperature) or temperature <= 0:
        raise UsageError(say("temperature positive", value=repr(value)))
    if temperature < MIN_TEMPERATURE:
        raise UsageError(say("temperature least", least=MIN_TEMPERATURE, value=repr(value)))
    return temperature


def check_temperature(value: Any, _run: Any = None) -> None:
    """char-gpt's ``--temperature`` check (``Option.check``): what ``parse_temperature`` accepts, so a
    temperature of 0, below 0 or not finite is refused wherever it is set (and never reaches a sample)."""
    parse_temperature(value)


def parse_top_k(value: Any) -> int:
    try:
        top_k = int(str(value).strip())
    except ValueError:
        raise UsageError(say("top-k number", value=repr(value))) from None
    if top_k < 0:
        raise UsageError(say("top-k negative", value=top_k))
    return top_k


@torch.no_grad()
def generate(
    model: GPT,
    idx: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int = 0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Token ids (B, T) -> (B, T + max_new_tokens), each new id drawn from the model's prediction."""
    for _ in range(max_new_tokens):
        context = idx[:, -model.config.block_size :]  # the model sees at most block_size characters
        logits = model(context)[:, -1, :] / temperature  # (B, V): scores for the next character
        if top_k:
            kth = torch.topk(logits, min(top_k, logits.size(-1))).values[:, -1:]  # (B, 1)
            logits = logits.masked_fill(logits < kth, float("-inf"))
        probs = F.softmax(logits, dim=-1)
        next_id = torch.multinomial(probs, num_samples=1, generator=generator)  # (B, 1)
        idx = torch.cat((idx, next_id), dim=1)
    return idx


@torch.no_grad()
def greedy(model: GPT, idx: torch.Tensor, max_new_tokens: int) -> torch.Tensor:
    """Like ``generate`` but always takes the likeliest character."""
    for _ in range(max_new_tokens):
        logits = model(idx[:, -model.config.block_size :])[:, -1, :]
        idx = torch.cat((idx, logits.argmax(dim=-1, keepdim=True)), dim=1)
    return idx


def start_ids(vocab: Vocabulary, prompt: str) -> list[int]:
    """The prompt's token ids; an empty prompt starts at a new line (the model needs one character)."""
    if not prompt:
        if "\n" in vocab:
            return vocab.encode("\n")
        raise UsageError(say("no prompt"))
    return vocab.encode(prompt)


def stream(
    model: GPT, vocab: Vocabulary, prompt: str, tokens: int, temperature: float = 1.0, top_k: int = 0, seed: int = 0
) -> Iterator[str]:
    """The prompt's continuation, one character at a time as it is drawn (a printer shows it at once).

    The prompt is checked now; the characters come as the iterator is read, ``sample``'s exactly."""
    device = model.wte.weight.device
    idx = torch.tensor([start_ids(vocab, prompt)], dtype=torch.long, device=device)
    generator = torch.Generator(device=device).manual_seed(seed)  # leaves the training's random state alone
    return _characters(model, vocab, idx, tokens, temperature, top_k, generator)


def _characters(
    model: GPT,
    vocab: Vocabulary,
    idx: torch.Tensor,
    tokens: int,
    temperature: float,
    top_k: int,
    generator: torch.Generator,
) -> Iterator[str]:
    was_training = model.training
    model.eval()
    try:
        for _ in range(tokens):
            idx = generate(model, idx[:, -model.config.block_size :], 1, temperature, top_k, generator)
            yield vocab.decode([int(idx[0, -1])])
    finally:
        model.train(was_training)


def sample(
    model: GPT, vocab: Vocabulary, prompt: str, tokens: int, temperature: float = 1.0, top_k: int = 0, seed: int = 0
) -> str:
    """The prompt's continuation (``tokens`` characters), reproducible for a given ``seed``."""
    return "".join(stream(model, vocab, prompt, tokens, temperature, top_k, seed))


@torch.no_grad()
def attention_map(model: GPT, vocab: Vocabulary, text: str, layer: int, head: int, last: int = 32) -> AttentionData:
    """The weights one head gives each earlier character, over the last ``last`` characters of ``text``.

    Row i says how much position i attends to positions 0..i (each row sums to 1).
    """
    text = text[-min(last, model.config.block_size) :]
    ids = vocab.encode(text, what="the sample")
    attn: Any = model.blocks[layer].attn  # a CausalSelfAttention (ModuleList items are typed as Module)
    was_training = model.training
    model.eval()
    attn.keep_attention = True
    try:
        model(torch.tensor([ids], dtype=torch.long, device=model.wte.weight.device))
        weights = attn.attention[0, head]  # (T, T)
    finally:
        attn.keep_attention, attn.attention = False, None
        model.train(was_training)
    return {
        "tokens": list(text),
        "weights": [[round(w, 4) for w in row[: i + 1]] for i, row in enumerate(weights.cpu().tolist())],
        "layer": layer,
        "head": head,
        "n_layer": len(model.blocks),
        "n_head": attn.n_head,
    }
