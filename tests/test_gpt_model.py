"""The GPT model and its sampling: oracle tests a learner can read as the model's definition."""

import math

import pytest
import torch
import torch.nn.functional as F

from core.errors import UsageError
from core.gpt.model import GPT, GPTConfig
from core.gpt.sampling import generate, greedy, parse_temperature, parse_top_k, sample, start_ids
from core.gpt.text import Vocabulary


def small_model(vocab_size=11, seed=0, **overrides):
    torch.manual_seed(seed)
    config = GPTConfig(vocab_size=vocab_size, block_size=16, n_layer=2, n_head=2, n_embd=32, **overrides)
    model = GPT(config).eval()
    with torch.no_grad():  # trained-looking weights: make every part of the model matter
        for param in model.parameters():
            param.add_(torch.randn_like(param) * 0.3)
    return model


def test_changing_a_future_token_never_changes_earlier_logits():
    model = small_model()
    idx = torch.randint(0, 11, (3, 16), generator=torch.Generator().manual_seed(1))
    for t in (0, 5, 15):
        changed = idx.clone()
        changed[:, t] = (changed[:, t] + 1) % 11
        before, after = model(idx), model(changed)
        torch.testing.assert_close(after[:, :t], before[:, :t], rtol=0, atol=1e-5)
        assert (after[:, t:] - before[:, t:]).abs().amax() > 1e-3  # the change reaches the positions after it


def test_explicit_attention_weights_match_the_fused_attention():
    model = small_model()
    idx = torch.randint(0, 11, (2, 12), generator=torch.Generator().manual_seed(2))
    fused = model(idx)
    attn = model.blocks[1].attn
    attn.keep_attention = True
    explicit = model(idx)
    torch.testing.assert_close(explicit, fused, rtol=1e-4, atol=1e-4)
    weights = attn.attention  # (B, H, T, T)
    assert weights.shape == (2, 2, 12, 12)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 2, 12))
    assert torch.all(weights.triu(1) == 0)  # no position looks ahead


def test_loss_at_initialisation_is_close_to_ln_vocabulary_size():
    for vocab_size in (11, 65, 200):
        torch.manual_seed(0)
        model = GPT(GPTConfig(vocab_size=vocab_size, block_size=32, n_layer=2, n_head=2, n_embd=64))
        x = torch.randint(0, vocab_size, (8, 32))
        y = torch.randint(0, vocab_size, (8, 32))
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item()
        assert abs(loss - math.log(vocab_size)) < 0.1, (vocab_size, loss)


def test_tied_head_shares_the_embedding_and_untied_does_not():
    tied, untied = small_model(), small_model(tie_weights=False)
    assert tied.lm_head.weight is tied.wte.weight
    assert untied.lm_head.weight is not untied.wte.weight
    assert untied.num_params() == tied.num_params() + 11 * 32


def test_a_context_longer_than_block_size_is_refused():
    with pytest.raises(ValueError, match="block_size 16"):
        small_model()(torch.zeros(1, 17, dtype=torch.long))


def test_sampling_with_a_seed_is_reproducible():
    model, vocab = small_model(), Vocabulary(tuple("abcdefghij\n"))
    first = sample(model, vocab, "abc", 40, temperature=1.0, seed=7)
    assert first == sample(model, vocab, "abc", 40, temperature=1.0, seed=7)
    assert len(first) == 40 and set(first) <= set(vocab.chars)
    assert first != sample(model, vocab, "abc", 40, temperature=1.0, seed=8)


def test_sampling_leaves_the_global_random_state_alone():
    model, vocab = small_model(), Vocabulary(tuple("abcdefghij\n"))
    torch.manual_seed(3)
    expected = torch.rand(3)
    torch.manual_seed(3)
    sample(model, vocab, "a", 10, seed=1)
    assert torch.equal(torch.rand(3), expected)


def test_temperature_towards_zero_and_top_k_1_equal_greedy_decoding():
    model = small_model()
    idx = torch.tensor([[1, 2, 3]])
    expected = greedy(model, idx, 30)  # longer than block_size: the context window slides
    cold = generate(model, idx, 30, temperature=1e-4, generator=torch.Generator().manual_seed(0))
    top1 = generate(model, idx, 30, temperature=1.5, top_k=1, generator=torch.Generator().manual_seed(0))
    assert torch.equal(cold, expected)
    assert torch.equal(top1, expected)
    assert expected.shape == (1, 33)


def test_top_k_only_ever_picks_among_the_k_likeliest():
    model = small_model()
    idx = torch.tensor([[4]])
    logits = model(idx)[0, -1]
    allowed = set(torch.topk(logits, 3).indices.tolist())
    generator = torch.Generator().manual_seed(0)
    picks = {int(generate(model, idx, 1, temperature=5.0, top_k=3, generator=generator)[0, -1]) for _ in range(60)}
    assert picks <= allowed and len(picks) > 1


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "warm", 0.0])
def test_temperature_must_be_a_positive_number(value):
    with pytest.raises(UsageError, match="temperature"):
        parse_temperature(value)


@pytest.mark.parametrize("value", ["-1", "2.5", "many"])
def test_top_k_must_be_a_whole_number_from_zero(value):
    with pytest.raises(UsageError, match="top-k"):
        parse_top_k(value)


def test_vocabulary_round_trips_every_character_of_the_text():
    text = "Hello, wörld!\r\n\tTabs, emoji 🐍🤖, combining e\u0301, CJK 学习, NUL-free.\u200b\n"
    vocab = Vocabulary.from_text(text)
    assert vocab.decode(vocab.encode(text)) == text
    assert Vocabulary.from_codes(vocab.codes) == vocab
    assert len(vocab) == len(set(text))
    assert list(vocab.chars) == sorted(vocab.chars)


def test_a_prompt_with_unknown_characters_names_them():
    vocab = Vocabulary.from_text("hello world\n")
    with pytest.raises(UsageError, match="'z'"):
        vocab.encode("hello z")
    assert start_ids(vocab, "") == vocab.encode("\n")  # an empty prompt starts a new line
    with pytest.raises(UsageError, match="type a prompt"):
        start_ids(Vocabulary.from_text("abc"), "")
