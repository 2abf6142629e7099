"""With --lang zh, what MNIST's loader and the GPT's text, sampling and shape checks say is Chinese, and
still names the file, the value and what to do (the files are written here: the real loading code runs)."""

from __future__ import annotations

import gzip
import re
import string
import struct
from types import SimpleNamespace

import numpy as np
import pytest

from core.base import i18n
from core.data import mnist, mnist_words
from core.errors import DataError, UsageError
from core.gpt import config, gpt_words, sampling, text
from tests.test_mnist_data import failing_download, idx_bytes, write_mnist
from tests.zh_words import english_words


@pytest.fixture
def zh():
    i18n.set_language("zh")
    yield
    i18n.set_language(None)


def chinese(message: str, *names: str) -> str:
    """``message`` with each of ``names`` (paths, file names) taken out, after checking it holds them."""
    for name in names:
        assert name in message, (name, message)
        message = message.replace(name, " ")
    assert re.search(r"[\u4e00-\u9fff]", message) and "\n" not in message, message
    assert english_words(message) == [], message
    return message


def raised(error: type[Exception], call, *args, **kwargs) -> str:
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize("table", [mnist_words.TEXTS, gpt_words.TEXTS])
def test_every_message_has_chinese_with_the_same_blanks(table):
    fields = lambda text: sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)  # noqa: E731
    for key, (english, chinese_text) in table.items():
        assert chinese_text.strip() and re.search(r"[\u4e00-\u9fff]", chinese_text), key
        assert fields(english) == fields(chinese_text), key


def test_mnist_missing_offline_and_damaged_files_in_chinese(zh, tmp_path, monkeypatch):
    names = [f"{name}.gz" for name in mnist.FILES.values()]
    message = raised(DataError, mnist.load, tmp_path / "none", download=False)
    chinese(message, str(tmp_path / "none" / "MNIST" / "raw"), *names, "--data-dir", "$LEARN_TUI_DATA", "MNIST/raw/")
    assert "下载已关闭" in message

    failing_download(monkeypatch)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    message = raised(DataError, mnist.load, tmp_path / "offline")
    chinese(message, str(tmp_path / "offline" / "MNIST" / "raw"), *names, "--data-dir", "$LEARN_TUI_DATA", "MNIST/raw/")
    assert "没有网络" in message

    raw = write_mnist(tmp_path / "bad" / "MNIST" / "raw", train=10, test=10)
    images = raw / "train-images-idx3-ubyte.gz"
    good = images.read_bytes()
    for damaged, says in [
        (good[: len(good) // 2], "已损坏（被截断了）"),
        (gzip.compress(gzip.decompress(good)[:-100]), "被截断了（"),
        (gzip.compress(struct.pack(">I", 2049) + gzip.decompress(good)[4:]), "不是 MNIST 的图像文件"),
    ]:
        images.write_bytes(damaged)
        message = raised(DataError, mnist.load, tmp_path / "bad", download=False)
        assert says in chinese(message, str(images))
    images.write_bytes(good)
    labels = raw / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(gzip.compress(idx_bytes(np.full(10, 12, np.uint8), 2049)))
    assert "标签 12" in chinese(raised(DataError, mnist.load, tmp_path / "bad", download=False), str(labels))
    labels.write_bytes(gzip.compress(idx_bytes(np.zeros(9, np.uint8), 2049)))
    message = raised(DataError, mnist.load, tmp_path / "bad", download=False)
    assert "10 张图像" in chinese(message, str(labels), str(raw / "t10k-images-idx3-ubyte.gz"))


def test_the_gpt_text_file_messages_in_chinese(zh, tmp_path):
    read = lambda path: list(text.file_chunks(path))  # noqa: E731
    assert "没有文本文件" in chinese(
        raised(DataError, read, tmp_path / "none.txt"), str(tmp_path / "none.txt"), "--text"
    )
    for name, content, says in [
        ("empty.txt", b"  \n", "是空的"),
        ("binary.txt", b"ab\x00cd", "二进制"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "不是 UTF-8"),
    ]:
        (tmp_path / name).write_bytes(content)
        assert says in chinese(raised(DataError, read, tmp_path / name), str(tmp_path / name))
    message = raised(DataError, text.check_length, "a" * 90, "a" * 10, 32, "notes.txt")
    assert "太短" in chinese(message, "notes.txt", "--block-size")
    vocab = text.Vocabulary.from_text("abc")
    assert "提示词含有" in chinese(raised(UsageError, vocab.encode, "abz"))
    assert "样本含有" in chinese(raised(UsageError, vocab.encode, "abz", what="the sample"))


def test_sampling_and_shape_options_in_chinese(zh):
    assert "大于 0" in chinese(raised(UsageError, sampling.parse_temperature, "0"), "temperature")
    assert "0.8" in chinese(raised(UsageError, sampling.parse_temperature, "warm"), "temperature")
    assert "至少为" in chinese(raised(UsageError, sampling.parse_temperature, "1e-9"), "temperature")
    assert "整数" in chinese(raised(UsageError, sampling.parse_top_k, "ten"), "top-k")
    assert "0（关闭）" in chinese(raised(UsageError, sampling.parse_top_k, "-1"), "top-k")
    shape = dict(
        n_layer=2, n_head=4, n_embd=30, block_size=32, batch_size=8, eval_interval=10, eval_batches=2,
        sample_tokens=50, dropout=0.0, sample_interval=0, warmup_steps=0,
    )  # fmt: skip
    message = raised(UsageError, config.check_options, SimpleNamespace(**shape))
    assert "倍数" in chinese(message, "--n-embd", "--n-head")
    message = raised(UsageError, config.check_options, SimpleNamespace(**{**shape, "n_embd": 32, "dropout": 1.0}))
    assert "不含 1" in chinese(message, "--dropout")
    message = raised(UsageError, config.check_options, SimpleNamespace(**{**shape, "n_embd": 32, "n_layer": 0}))
    assert "至少为 1" in chinese(message, "--n-layer")
