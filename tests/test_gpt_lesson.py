"""The char-gpt lesson through the trainer: learning, evaluation, samples, schedule, checkpoints, errors."""

import math
import re

import pytest

from core.engine.catalog import load
from core.engine.trainer import Trainer
from core.errors import DataError, UsageError
from core.gpt.text import FALLBACK_CORPUS, Vocabulary, default_text
from core.lessons.char_gpt import lr_factor
from core.phases import EVAL, STEP

SMALL = {
    "n_layer": 2,
    "n_head": 2,
    "n_embd": 32,
    "block_size": 16,
    "batch_size": 8,
    "eval_interval": 1000,
    "eval_batches": 4,
    "sample_interval": 0,
    "sample_tokens": 20,
    "warmup_steps": 5,
}
POEM = (
    "Twinkle, twinkle, little star,\nHow I wonder what you are!\nUp above the world so high,\n"
    "Like a diamond in the sky.\n"
)


@pytest.fixture
def lesson():
    return load("char-gpt")


def trainer_for(lesson, text_file, steps, **options):
    return Trainer(lesson, steps=steps, seed=0, options={**SMALL, "text": str(text_file), **options})


@pytest.fixture
def poem(tmp_path):
    path = tmp_path / "poem.txt"
    path.write_text(POEM * 30, encoding="utf-8")
    return path


def test_a_short_seeded_run_overfits_a_small_text(lesson, poem):
    trainer = trainer_for(lesson, poem, 200, warmup_steps=10)
    trainer.lr = 1e-2
    first = None
    for event in trainer:
        first = trainer.loss if first is None else first
    vocab_size = len(set(POEM))
    assert abs(first - math.log(vocab_size)) < 0.2  # starts as a uniform guess
    assert trainer.loss < 0.5, trainer.loss


def test_validation_loss_comes_every_eval_interval_and_at_the_end(lesson, poem):
    trainer = trainer_for(lesson, poem, 25, eval_interval=10)
    evals = [(e.step, e.metrics) for e in trainer if getattr(e, "phase", None) is EVAL]
    assert [step for step, _ in evals] == [10, 20, 25]  # one counting: an evaluation inside step 10 says 10
    assert [step for step, _ in trainer.evals["val_loss"].points()] == [10, 20, 25]  # charted after their update
    assert all(m["val_loss"] > 0 and m["avg_train_loss"] > 0 for _, m in evals)
    assert trainer.summary()["val_loss"] == evals[-1][1]["val_loss"]


def test_the_schedule_warms_up_decays_and_follows_the_live_learning_rate(lesson, poem):
    assert lr_factor(0, 10, 100, 0.1) == pytest.approx(1 / 11)
    assert lr_factor(10, 10, 100, 0.1) == pytest.approx(1.0)
    assert lr_factor(55, 10, 100, 0.1) == pytest.approx(0.55)
    assert lr_factor(100, 10, 100, 0.1) == pytest.approx(0.1)
    trainer = trainer_for(lesson, poem, 40, warmup_steps=4)
    lrs = [e.metrics["lr_now"] for e in trainer.advance("step") + trainer.advance("step") if e.phase is STEP]
    assert lrs == pytest.approx([lesson.lr * 1 / 5, lesson.lr * 2 / 5])
    trainer.lr = 0.01  # the learning-rate keys scale the whole schedule
    trainer.advance("step")
    group_lrs = [group["lr"] for group in trainer.run.optimizers[0].param_groups]
    assert group_lrs == pytest.approx([0.01 * 3 / 5] * 2)


def test_samples_and_attention_views_fill_in_as_it_trains(lesson, poem):
    trainer = trainer_for(lesson, poem, 6, sample_interval=3, prompt="Twinkle")
    for _ in trainer:
        pass
    views = trainer.snapshot().views
    samples = views["samples"]["samples"]
    assert [s["step"] for s in samples] == [3, 6]
    assert all(len(s["text"]) == 20 and s["prompt"] == "Twinkle" for s in samples)
    attention = views["attention"]
    assert attention["tokens"] == list(("Twinkle" + samples[-1]["text"])[-16:])
    assert [len(row) for row in attention["weights"]] == list(range(1, 17))
    assert all(sum(row) == pytest.approx(1, abs=1e-3) for row in attention["weights"])


def test_controls_change_the_live_sampling_options(lesson, poem):
    trainer = trainer_for(lesson, poem, 10)
    with pytest.raises(UsageError, match="take a step"):
        trainer.call("sample")
    trainer.advance("step")
    assert len(trainer.call("set_prompt", "How I")) == 20
    assert trainer.run.options.prompt == "How I"
    trainer.call("set_temperature", "0.5")
    trainer.call("set_top_k", "3")
    assert (trainer.run.options.temperature, trainer.run.options.top_k) == (0.5, 3)
    latest = trainer.snapshot().views["samples"]["samples"][-1]
    assert (latest["prompt"], latest["temperature"], latest["top_k"]) == ("How I", 0.5, 3)
    with pytest.raises(UsageError, match="temperature"):
        trainer.call("set_temperature", "0")
    with pytest.raises(UsageError, match="'Q'"):
        trainer.call("set_prompt", "Q?")
    assert trainer.run.options.prompt == "How I"  # a refused value leaves the old one
    heads = [trainer.call("next_head") for _ in range(4)]  # 2 layers x 2 heads, then back to the start
    assert heads == [{"layer": 0, "head": 1}, {"layer": 1, "head": 0}, {"layer": 1, "head": 1}, {"layer": 0, "head": 0}]


def test_a_resumed_checkpoint_continues_like_an_uninterrupted_run(lesson, poem, tmp_path):
    straight = trainer_for(lesson, poem, 8)
    losses = [e.loss for e in straight if getattr(e, "phase", None) is STEP]
    first = trainer_for(lesson, poem, 8)
    for _ in range(4):
        first.advance("step")
    path = first.save(tmp_path / "half.pt")
    resumed = Trainer.from_checkpoint(path, lesson)
    rest = [e.loss for e in resumed if getattr(e, "phase", None) is STEP]
    assert rest == pytest.approx(losses[4:], rel=1e-5)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"too short", "too short for --block-size 16"),
    ],
)
def test_a_bad_text_file_says_what_is_wrong(lesson, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        next(trainer_for(lesson, path, 5))


def test_a_missing_text_file_and_bad_sampling_options_are_refused_at_the_start(lesson, poem, tmp_path):
    with pytest.raises(DataError, match="no text file"):
        next(trainer_for(lesson, tmp_path / "nowhere.txt", 5))
    with pytest.raises(UsageError, match="'Z'"):
        next(trainer_for(lesson, poem, 5, prompt="Zebra"))
    with pytest.raises(UsageError, match="temperature"):
        next(trainer_for(lesson, poem, 5, temperature=-1.0))
    with pytest.raises(UsageError, match="--n-embd 30 must be a multiple of --n-head 4"):
        next(trainer_for(lesson, poem, 5, n_embd=30, n_head=4))
    with pytest.raises(UsageError, match="--block-size must be at least 1"):
        next(trainer_for(lesson, poem, 5, block_size=0))


def test_the_default_corpus_is_pythons_documentation_with_a_fallback(monkeypatch):
    text, source = default_text()
    assert len(text) > 400_000 and "pydoc_data" in source
    assert 'The "with" statement' in text
    monkeypatch.setitem(__import__("sys").modules, "pydoc_data.topics", None)  # as if it were not installed
    text, source = default_text()
    assert source == FALLBACK_CORPUS[0] and len(text) > 10_000
    vocab = Vocabulary.from_text(text)
    assert vocab.decode(vocab.encode(text)) == text


def test_the_default_corpus_holds_no_lines_of_markup_alone(monkeypatch):
    """reST's underlines (``*****`` under each title) and table borders taught the model to write lines of ``****``."""
    markup = re.compile(r"[=\-~*^#+|_ ]*[=\-~*^#_][=\-~*^#+|_ ]*")
    for fallback in (False, True):
        if fallback:
            monkeypatch.setitem(__import__("sys").modules, "pydoc_data.topics", None)
        text, _source = default_text()
        rows = [line for line in text.splitlines() if len(line.strip()) >= 3 and markup.fullmatch(line.strip())]
        assert rows == [], rows[:5]
    monkeypatch.undo()
    from core.gpt.text import without_markup

    text, _source = default_text()
    assert 'The "with" statement\n\nThe "with" statement is used to wrap' in text  # the title, then its prose
    assert "   >>> " in text and "\n   ...     " in text  # the examples keep their prompts
    assert without_markup("Title\n*****\n\n+---+---+\n| a | b |\n+===+===+\n-> x\n") == "Title\n\n| a | b |\n-> x\n"


def test_the_lesson_follows_the_run_device(lesson, poem):
    trainer = trainer_for(lesson, poem, 1)
    trainer.advance("step")
    model = trainer.run.state.model
    assert {p.device.type for p in model.parameters()} | {model.vocabulary.device.type} == {"cpu"}
    assert Vocabulary.from_codes(model.vocabulary.tolist()) == Vocabulary.from_text(POEM)


def test_an_epoch_is_the_training_text_once_and_ends_where_e_stops(lesson, poem):
    from core.gpt.text import split

    per_epoch = len(split(poem.read_text(encoding="utf-8"))[0]) // (SMALL["batch_size"] * SMALL["block_size"])
    trainer = trainer_for(lesson, poem, 3 * per_epoch)
    trainer.advance("epoch")
    assert (trainer.step, trainer.run.epoch) == (per_epoch, 1)
    trainer.advance("epoch")
    assert (trainer.step, trainer.run.epoch) == (2 * per_epoch, 2)


def test_json_evaluations_name_the_step_they_follow(lesson, poem, capsys):
    import json

    from core.front.cli import main

    assert (
        main(
            [
                "run",
                "char-gpt",
                "--headless",
                "--json",
                "--steps",
                "5",
                "--text",
                str(poem),
                "--eval-interval",
                "2",
                *[f"--{k.replace('_', '-')}={v}" for k, v in SMALL.items() if k != "eval_interval"],
            ]
        )
        == 0
    )
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["step"] for r in records if r["event"] == "eval"] == [2, 4, 5]
    assert [r["step"] for r in records if r["event"] == "step"] == [1, 2, 3, 4, 5]


def test_a_text_without_a_newline_needs_a_prompt_to_start_samples(lesson, tmp_path):
    path = tmp_path / "one_line.txt"
    path.write_text("abc def ghi " * 100, encoding="utf-8")
    with pytest.raises(
        UsageError,
        match="one_line.txt has no newline for the samples to start from; .*--prompt, .* e.g. --prompt 'abc def '",
    ):
        next(trainer_for(lesson, path, 5))
    trainer = trainer_for(lesson, path, 2, prompt="abc", sample_interval=1)
    assert [e for e in trainer] and trainer.summary()["sample"]


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("n_head", 1000, "--n-head must be at most 64"),
        ("n_embd", 100_000, "--n-embd must be at most 4096"),
        ("dropout", 1.0, "--dropout must be at most 0.95"),
        ("grad_clip", 0.0, "--grad-clip must be at least 0.001"),
        ("sample_tokens", 10_000_000, "--sample-tokens must be at most 10000"),
    ],
)
def test_options_out_of_range_are_refused_before_the_text_is_read(lesson, tmp_path, option, value, message):
    with pytest.raises(UsageError, match=message):
        next(trainer_for(lesson, tmp_path / "not read.txt", 5, **{option: value}))


def test_the_notes_quote_the_default_run_and_nanogpts_flags(lesson):
    """The notes explain the defaults against nanoGPT's run: they must name the current ones."""
    notes = " ".join(lesson.notes.split())
    assert f"{lesson.steps:,} steps of {lesson.option('batch_size').default} windows" in notes
    assert f"{round(lesson.lr / 1e-3)}x higher learning rate" in notes
    assert "--n-layer 4 --batch-size 12 --lr 1e-3 --steps 2000" in notes
