"""``learn-tui sample CHECKPOINT``: writing with a saved char-gpt model, without its text file."""

import argparse

import pytest

from core.engine.catalog import load
from core.engine.trainer import Trainer
from core.errors import UsageError
from core.front import sample as sample_cli
from core.front.args import add_sample_arguments
from core.gpt.sampling import sample
from core.gpt.text import Vocabulary

TEXT = "the cat sat on the mat.\nthe dog sat on the log.\n" * 12


def parse(*argv):
    parser = argparse.ArgumentParser(prog="learn-tui sample")
    add_sample_arguments(parser)
    return parser.parse_args([str(a) for a in argv])


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A checkpoint of a short run, saved after its text file was written, which is then deleted."""
    folder = tmp_path_factory.mktemp("gpt")
    text_file = folder / "pets.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    options = {
        "text": str(text_file),
        "n_layer": 1,
        "n_head": 2,
        "n_embd": 16,
        "block_size": 12,
        "batch_size": 4,
        "eval_interval": 100,
        "eval_batches": 2,
        "sample_interval": 0,
    }
    trainer = Trainer(load("char-gpt"), steps=5, options=options)
    for _ in trainer:
        pass
    path = trainer.save(folder / "pets.pt")
    text_file.unlink()  # sampling must not need the text
    return path, trainer.run.state.model


def test_sampling_a_checkpoint_prints_the_prompt_and_its_continuation(saved, capsys):
    path, model = saved
    assert sample_cli.run(parse(path, "--prompt", "the ", "--tokens", 40, "--seed", 3)) == 0
    printed = capsys.readouterr().out
    expected = sample(model, Vocabulary.from_text(TEXT), "the ", 40, temperature=0.8, seed=3)
    assert printed == "the " + expected + "\n"  # the same model and vocabulary as in training


def test_the_same_seed_writes_the_same_text(saved):
    path, _ = saved
    first = sample_cli.generate_text(parse(path, "--tokens", 50, "--temperature", 1.2, "--top-k", 5))
    again = sample_cli.generate_text(parse(path, "--tokens", 50, "--temperature", 1.2, "--top-k", 5))
    other = sample_cli.generate_text(parse(path, "--tokens", 50, "--temperature", 1.2, "--top-k", 5, "--seed", 1))
    assert first == again != other
    assert len(first) == 50 and set(first) <= set(TEXT)  # an empty prompt starts a new line, not printed


@pytest.mark.parametrize(
    "argv, message",
    [
        (("--temperature", "0"), "temperature must be greater than 0"),
        (("--temperature", "-0.5"), "temperature must be greater than 0"),
        (("--prompt", "the cow"), "never saw in its text: 'w'"),
        (("--tokens", "0"), "--tokens must be at least 1"),
        (("--top-k", "-2"), "top-k must be 0"),
        (("--seed", "x"), "--seed must be a whole number"),
        (("--seed", "99999999999999999999999"), "--seed must be a whole number from 0 to 9223372036854775807"),
        (("--seed", "-1"), "--seed must be a whole number from 0"),
        (("--tokens", "10000000"), "--tokens is at most 100,000"),
        (("--device", "tpu"), "--device must be cpu, cuda or auto"),
    ],
)
def test_bad_arguments_get_one_line_usage_errors(saved, argv, message):
    path, _ = saved
    with pytest.raises(UsageError, match=message) as caught:
        sample_cli.run(parse(path, *argv))
    assert "\n" not in str(caught.value)


def test_a_missing_or_foreign_checkpoint_is_a_bad_argument(saved, tmp_path, capsys):
    """Another lesson's checkpoint or a file that is none: exit 2 and one line, nothing printed."""
    from core.front.cli import main

    with pytest.raises(UsageError, match="no checkpoint at"):
        sample_cli.run(parse(tmp_path / "missing.pt"))
    other = Trainer(load("linear-regression"), steps=2)
    for _ in other:
        pass
    foreign = other.save(tmp_path / "linear.pt")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    for path, message in (
        (foreign, "checkpoint of lesson linear-regression, not char-gpt"),
        (junk, "not a learn-tui checkpoint"),
    ):
        assert main(["sample", str(path)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and message in err


def test_the_learn_tui_sample_command(saved, capsys):
    from core.front.cli import main

    path, _ = saved
    assert main(["sample", str(path), "--prompt", "the", "--tokens", "25", "--top-k", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("the") and len(out) == len("the") + 25 + 1
    assert main(["sample", str(path), "--temperature", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "temperature must be greater than 0" in err


def test_a_headless_run_prints_its_last_sample_as_indented_lines(tmp_path, capsys):
    from core.front.cli import main

    text_file = tmp_path / "pets.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    code = main(
        [
            "run",
            "char-gpt",
            "--headless",
            "--steps",
            "4",
            "--text",
            str(text_file),
            "--n-layer",
            "1",
            "--n-embd",
            "16",
            "--n-head",
            "2",
            "--block-size",
            "12",
            "--batch-size",
            "4",
            "--eval-interval",
            "2",
            "--eval-batches",
            "2",
            "--sample-interval",
            "4",
            "--sample-tokens",
            "60",
            "--seed",
            "1",
        ]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    at = out.index("sample:")
    assert "val_loss = " in out[at - 1] and "sample" not in out[at - 1]  # the one-line results
    body = out[at + 1 :]
    assert body and all(row.startswith("    ") for row in body)
    assert sum(len(row) - 4 for row in body) + len(body) - 1 >= 50  # the sample's characters, line by line


class Reader:
    """A stdout that a reader drains, and that acts once ``limit`` characters were written: like
    ``| head -c`` leaving (``BrokenPipeError``) or a learner pressing ctrl+c."""

    def __init__(self, limit, then):
        self.text, self.limit, self.then, self.flushes = "", limit, then, 0

    def write(self, text):
        if len(self.text) >= self.limit and self.then is not None:
            then, self.then = self.then, None
            then()
        self.text += text
        return len(text)

    def flush(self):
        self.flushes += 1

    def isatty(self):
        return False


def test_sample_streams_and_ctrl_c_keeps_what_was_written(saved, monkeypatch, capsys):
    import os
    import signal

    from core.front.cli import main

    path, _ = saved
    full = sample_cli.generate_text(parse(path, "--prompt", "the", "--tokens", 200))
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    reader = Reader(40, lambda: os.kill(os.getpid(), signal.SIGINT))
    monkeypatch.setattr("sys.stdout", reader)
    try:
        code = main(["sample", str(path), "--prompt", "the", "--tokens", "200"])
    finally:
        signal.signal(signal.SIGINT, previous)
    err = capsys.readouterr().err
    assert code == 130 and err == "learn-tui: interrupted\n"
    assert reader.text == full[:40] + "\n"  # printed as written, flushed, the line ended
    assert reader.flushes >= 37


def test_sample_into_a_closed_pipe_ends_quietly(saved, monkeypatch, capsys):
    from core.front.cli import main

    path, _ = saved

    def gone():
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("sys.stdout", Reader(10, gone))
    assert main(["sample", str(path), "--tokens", "100"]) == 1
    assert capsys.readouterr().err == ""
