"""char-gpt's text as compact token ids: a big --text file fits in memory (a 200 MB file once took 3.7 GB),
and reading it a chunk at a time gives exactly the text's characters."""

from __future__ import annotations

import tracemalloc

import pytest
import torch

from core.errors import DataError
from core.gpt import text as gpt_text
from core.lessons.char_gpt import read_text

LINE = "The quick brown fox, 42 jumps: over {the} lazy dog's back!\n"


def test_a_20_mb_text_is_held_in_one_byte_per_character(tmp_path):
    path = tmp_path / "big.txt"
    body = "".join(f"{n} {LINE}" for n in range(340_000))  # ~20 MB, 50 distinct characters
    path.write_text(body, encoding="utf-8")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        vocab, data, source = read_text(str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data.dtype == torch.uint8 and data.shape == (len(body),) and source == str(path)
    assert vocab.chars == tuple(sorted(set(body)))
    assert vocab.decode(data[:200].tolist()) == body[:200] and vocab.decode(data[-200:].tolist()) == body[-200:]
    assert peak < 1.75 * size, f"peak {peak / 2**20:.0f} MiB for a {size / 2**20:.0f} MiB file"


def test_a_vocabulary_over_256_characters_takes_two_bytes_and_chunks_split_no_character(tmp_path, monkeypatch):
    monkeypatch.setattr(gpt_text, "CHUNK", 5)  # chunk edges fall inside 2-, 3- and 4-byte characters
    body = "".join(chr(0x4E00 + n) + "é🙂\n"[n % 3] for n in range(300)) + "end"
    path = tmp_path / "wide.txt"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))  # with a byte-order mark, which is not text
    vocab, data, _ = read_text(str(path))
    assert data.dtype == torch.int16 and len(vocab) == len(set(body)) > 256
    assert vocab.decode(data.tolist()) == body


def test_an_invalid_byte_is_found_where_it_is_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(gpt_text, "CHUNK", 4)
    path = tmp_path / "latin1.txt"
    path.write_bytes("naïve ".encode() + b"caf\xe9 au lait\n")
    with pytest.raises(DataError, match=r"not UTF-8 text \(byte 10 is invalid\)"):
        read_text(str(path))
