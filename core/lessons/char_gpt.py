"""A character-level GPT: a small LLM you can watch learn (beyond the course).

A real GPT, trained from scratch: token and position embeddings, blocks of causal self-attention
and MLP, and a head that scores every character as the next one (`core/gpt/model.py`, ~140 lines).
It reads text one character at a time: the vocabulary is every character the text holds.

Without `--text` it learns Python's own reference documentation (`pydoc_data.topics`, ~450,000
characters, shipped with Python: the text `help("with")` shows). `--text PATH` learns any UTF-8
file, e.g. `--text ../shared/data/tinyshakespeare/input.txt`. The first 90% trains, the last 10%
validates.

What to watch:
- the loss starts near ln(vocabulary size) (a uniform guess) and falls fast as the model learns
  which characters are common, then slowly as it learns words and syntax;
- `val_loss` (on text it never trains on) every `--eval-interval` steps: when it stops following
  the training loss, the model is memorising;
- the samples: noise, then words, then something shaped like the text. Keys: s writes a sample
  now, p edits the prompt, t sets the temperature, k sets top-k, h picks the attention head shown.

Training as nanoGPT does it: AdamW (decay on weight matrices only), 100 warm-up steps then cosine
decay to a tenth of the learning rate by the end of the run, gradients clipped to norm 1. The
learning-rate keys scale the whole schedule. The defaults differ from nanoGPT's CPU example (4
blocks, batch 12, lr 1e-3, 2,000 steps) to learn more in less time on a 2-core CPU: 2 blocks take
half the time per step, so 2,800 steps of 16 windows fit, and a small model takes a 6x higher
learning rate (see benchmarks/gpt.py). nanoGPT's run: `--n-layer 4 --batch-size 12 --lr 1e-3
--steps 2000`. On a GPU (`--device cuda`) try `--n-layer 6 --n-head 6 --n-embd 384 --block-size 256
--batch-size 64 --dropout 0.2 --lr 1e-3 --steps 5000`. On several processes or GPUs: `--headless
--nproc N` (docs/scaling.md). Each epoch's windows are drawn from a generator seeded by `--seed` and
the epoch, so a resumed run, or N processes sharing the draw, see the same windows.

Homework: save a checkpoint (ctrl+s or `--save gpt.pt`) and write with it: `learn-tui sample
gpt.pt --prompt "def " --temperature 0.8`. Then train on a text of your own; try temperature 0.01
(greedy: it loops) and 1.5 (nonsense); compare attention heads: some look one character back,
some at the start of the word.
"""

import shlex

import torch
import torch.nn.functional as F

from core import distributed
from core.errors import UsageError
from core.gpt.config import check_options, model_config
from core.gpt.model import GPT
from core.gpt.sampling import attention_map, check_temperature, sample
from core.gpt.text import check_length, default_text, file_chunks, split, text_chunks, tokenize
from core.gpt.training import epoch_generator, estimate_loss, lr_factor, random_batches, step_budget
from core.lesson import Control, Lesson, Option
from core.phases import BACKWARD, EPOCH, EVAL, FORWARD, LOSS, STEP, UPDATE, ZERO_GRAD

KEPT_SAMPLES = 5  # the samples view shows the latest few, to compare how the writing improves


def read_text(path):
    """(vocabulary, token ids, where the text came from): the learner's file, or the built-in corpus.
    The ids are one compact tensor (uint8 for up to 256 characters): a big file fits in memory."""
    if path:
        vocab, data = tokenize(lambda: file_chunks(path))
        return vocab, data, str(path)
    text, source = default_text()
    vocab, data = tokenize(lambda: text_chunks(text))
    return vocab, data, source


def check_prompt(prompt, run):
    """``--prompt``'s check (``Option.check``), wherever the prompt comes from: samples continue it, so it
    uses the characters of the run's text (empty: a new line starts them, if the text has one). Before the
    text is read (no run yet, or its set-up not that far) it passes: ``train`` checks it once it is read."""
    state = getattr(run, "state", None)
    vocab = getattr(state, "vocab", None)
    if vocab is None:
        return
    if not prompt and "\n" not in vocab:
        raise UsageError(
            f"{state.source} has no newline for the samples to start from; give them a start "
            f"with --prompt, a few characters of the text, e.g. --prompt {shlex.quote(state.opening)}"
        )
    vocab.encode(prompt)  # UsageError naming the characters the text never has


def train(run):
    opts = run.options
    check_options(opts)  # fail early, before reading the text
    vocab, data, source = read_text(opts.text)  # data: (N,) token ids
    vars(run.state).update(vocab=vocab, source=source, opening=vocab.decode(data[:8].tolist()))
    train_data, val_data = split(data)
    check_length(train_data, val_data, opts.block_size, source)
    run.check_option("prompt")  # its characters, now that the text is read
    rank, processes = distributed.rank(), distributed.world_size()  # 0 and 1 without torchrun
    batch_rows = opts.batch_size * processes  # one step's windows over all processes
    fixed = torch.Generator().manual_seed(1234)  # the same validation batches at every evaluation
    val_batches = [
        (x.to(run.device), y.to(run.device))
        for x, y in random_batches(val_data, opts.eval_batches, batch_rows, opts.block_size, fixed)
    ]

    model = GPT(model_config(vars(opts), len(vocab))).to(run.device)
    model.vocabulary.copy_(torch.tensor(vocab.codes, dtype=torch.int32))  # saved with the weights
    optimizer = model.optimizer(run.lr, opts.weight_decay, betas=(0.9, 0.99))
    run.watch(model, optimizer=optimizer)
    trained = distributed.wrap(model)  # under torchrun: DistributedDataParallel; else the model itself
    vars(run.state).update(
        model=model,
        samples=[],
        attention=None,
        layer=0,
        head=0,
        val_loss=None,
        loss_sum=0.0,
        losses=0,
    )  # plain numbers: checkpoints keep them
    batches_per_epoch = max(len(train_data) // (batch_rows * opts.block_size), 1)  # ~ the text once
    total_steps = step_budget(run, batches_per_epoch)

    for epoch in run.epochs():
        draw = epoch_generator(run.seed, epoch)  # the same on every process; each keeps its own rows
        batches = random_batches(train_data, batches_per_epoch, opts.batch_size, opts.block_size, draw, rank, processes)
        for x, y in run.batches(batches):
            x, y = x.to(run.device), y.to(run.device)
            base_lr = distributed.from_rank0(run.lr)  # the keys of an app attached to rank 0 change it there
            lr = base_lr * lr_factor(run.step, opts.warmup_steps, total_steps, opts.min_lr_ratio)
            for group in optimizer.param_groups:
                group["lr"] = lr
            logits = trained(x)  # (B, T, V)
            yield FORWARD
            loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())  # (B*T, V) against (B*T,)
            mean_loss = distributed.mean(loss)  # over every process's rows: the loss shown (= loss alone)
            yield LOSS, mean_loss
            optimizer.zero_grad(set_to_none=True)
            yield ZERO_GRAD
            loss.backward()  # under torchrun, also averages the gradients over the processes
            torch.nn.utils.clip_grad_norm_(model.parameters(), opts.grad_clip)
            yield BACKWARD
            optimizer.step()
            yield UPDATE
            run.state.loss_sum += mean_loss.item()
            run.state.losses += 1
            done = run.step + 1  # steps completed when this one closes (the run may end right after it)
            if rank == 0 and (done % opts.eval_interval == 0 or done == total_steps):  # rank 0 alone evaluates
                run.state.val_loss = estimate_loss(model, val_batches).item()
                yield EVAL, {"val_loss": run.state.val_loss, "avg_train_loss": run.state.loss_sum / run.state.losses}
                run.state.loss_sum, run.state.losses = 0.0, 0
            if rank == 0 and opts.sample_interval and (done % opts.sample_interval == 0 or done == total_steps):
                write_sample(run, done)
            yield STEP, {"lr_now": lr}
        yield EPOCH  # about the training text once


def write_sample(run, step=None):
    """Continue the prompt with the current options; keep the text and one head's attention for the views."""
    state, opts = run.state, run.options
    step = run.step if step is None else step
    text = sample(
        state.model,
        state.vocab,
        opts.prompt,
        opts.sample_tokens,
        opts.temperature,  # (checked wherever they were set: Option.parse)
        opts.top_k,
        seed=run.seed * 1_000_003 + step,
    )
    entry = {"step": step, "prompt": opts.prompt, "text": text, "temperature": opts.temperature, "top_k": opts.top_k}
    state.samples = (state.samples + [entry])[-KEPT_SAMPLES:]
    show_attention(run)
    return text


def show_attention(run):
    state = run.state
    if state.samples:
        latest = state.samples[-1]
        state.attention = attention_map(
            state.model, state.vocab, (latest["prompt"] or "\n") + latest["text"], state.layer, state.head
        )
        state.attention["step"] = latest["step"]


def started(action):
    """An action needs the model, which the first step builds."""

    def checked(run, argument):
        if not hasattr(run.state, "model"):
            raise UsageError("the model is not built yet: take a step first (press n), then try again")
        return action(run, argument)

    return checked


@started
def sample_now(run, _argument):
    return write_sample(run)


@started
def set_prompt(run, text):
    run.set_option("prompt", text or "")  # checked by the option's own check: UsageError, the old one kept
    return write_sample(run)


@started
def set_temperature(run, text):
    run.set_option("temperature", text)
    return write_sample(run)


@started
def set_top_k(run, text):
    run.set_option("top_k", text)
    return write_sample(run)


@started
def next_head(run, _argument):
    """Step through the heads: layer 0 head 0, layer 0 head 1, ..., then the next layer."""
    state, config = run.state, run.state.model.config
    index = (state.layer * config.n_head + state.head + 1) % (config.n_layer * config.n_head)
    state.layer, state.head = divmod(index, config.n_head)
    show_attention(run)
    return {"layer": state.layer, "head": state.head}


def samples_view(run):
    state = run.state
    vocab = getattr(state, "vocab", None)
    return {
        "samples": list(getattr(state, "samples", [])),
        "prompt": run.options.prompt,
        "temperature": run.options.temperature,
        "top_k": run.options.top_k,
        "source": getattr(state, "source", ""),
        "vocab_size": len(vocab) if vocab else 0,
    }


def attention_view(run):
    return getattr(run.state, "attention", None)


def summarize(run):
    state = run.state
    samples = getattr(state, "samples", [])
    return {
        "val_loss": getattr(state, "val_loss", None),
        "vocab_size": len(state.vocab),
        "parameters": state.model.num_params(),
        "sample": samples[-1]["text"] if samples else "",
    }


LESSON = Lesson(
    id="char-gpt",
    title="A character-level GPT (a small LLM)",
    lecture=None,
    notes=__doc__,
    train=train,
    lr=6e-3,
    steps=2800,
    schedules_lr=True,
    options=(
        Option("text", "", "a UTF-8 text file to learn (default: Python's reference documentation)"),
        Option("n_layer", 2, "transformer blocks", min=1, max=48),
        Option("n_head", 4, "attention heads per block (must divide --n-embd)", min=1, max=64),
        Option("n_embd", 128, "embedding width C", min=1, max=4096),
        Option("block_size", 64, "characters of context the model sees", min=1, max=8192),
        Option("batch_size", 16, "windows of text per step", min=1, max=8192),
        Option("dropout", 0.0, "dropout probability (0 for short runs)", min=0.0, max=0.95),
        Option("tie_weights", True, "the output head shares the token embedding's weight"),
        Option("weight_decay", 0.1, "AdamW weight decay on the weight matrices", min=0.0, max=10.0),
        Option("warmup_steps", 100, "steps of linear learning-rate warm-up", min=0),
        Option("min_lr_ratio", 0.1, "the learning rate decays to this fraction of --lr by the end", min=0.0, max=1.0),
        Option("grad_clip", 1.0, "clip the gradients' total norm to this", min=0.001),
        Option("eval_interval", 250, "steps between validation losses", min=1),
        Option("eval_batches", 20, "validation batches per estimate (the same ones each time)", min=1, max=10_000),
        Option("sample_interval", 250, "steps between samples (0: only on the s key)", min=0),
        Option("sample_tokens", 200, "characters per sample", min=1, max=10_000),
        Option("prompt", "", "the text samples continue (empty: a new line)", live=True, check=check_prompt),
        Option("temperature", 0.8, "sampling temperature (> 0; near 0 = greedy)", live=True, check=check_temperature),
        Option("top_k", 0, "sample from the k likeliest characters (0 = all)", live=True, min=0),
    ),
    summarize=summarize,
    views={"samples": samples_view, "attention": attention_view},
    actions={
        "sample": sample_now,
        "set_prompt": set_prompt,
        "set_temperature": set_temperature,
        "set_top_k": set_top_k,
        "next_head": next_head,
    },
    controls=(
        Control("s", "write a sample now", "sample"),
        Control("p", "edit the prompt", "set_prompt", prompt="prompt for the samples"),
        Control("t", "set the temperature", "set_temperature", prompt="temperature (> 0, e.g. 0.8)"),
        Control("k", "set top-k", "set_top_k", prompt="top-k (keep the k likeliest characters; 0 = all)"),
        Control("h", "next attention head", "next_head"),
    ),
)
