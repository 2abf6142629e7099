"""The text a GPT learns: loading it (a learner's file or the built-in corpus) and its characters.

The vocabulary is every distinct character of the text, sorted; a character's token id is its index.
A text becomes one tensor of token ids in the smallest integer type that holds the vocabulary (uint8 for
up to 256 characters), built a chunk at a time: a 200 MB file is read twice (once for its characters,
once to encode them) and never held whole as a Python string or a list of ints (8 bytes a character,
and 8 more for an int64 tensor, once peaked at 3.7 GB of memory).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from torch import Tensor

from core.base.i18n import pick
from core.errors import DataError, UsageError
from core.gpt.gpt_words import say

DEFAULT_CORPUS = ("Python's reference documentation (pydoc_data.topics)", "Python 的参考文档（pydoc_data.topics）")
FALLBACK_CORPUS = ("the docstrings of Python's built-in functions and types", "Python 内置函数和类型的文档字符串")
CHUNK = 1 << 20  # bytes (or characters) encoded at a time
MARKUP = frozenset("=-~*^#+|_ ")  # what reST draws section underlines and table borders with
RULES = frozenset("=-~*^#_")  # a markup line holds at least one of these (a row of | or + alone is not one)
Part = TypeVar("Part", str, "Tensor")  # a text, or its token ids


@dataclass(frozen=True)
class Vocabulary:
    chars: tuple[str, ...]  # token id -> character

    @classmethod
    def from_text(cls, text: str) -> Vocabulary:
        return cls(tuple(sorted(set(text))))

    @classmethod
    def from_codes(cls, codes: Iterable[int]) -> Vocabulary:
        """Back from ``codes`` (e.g. the model's ``vocabulary`` buffer in a checkpoint)."""
        return cls(tuple(chr(int(c)) for c in codes))

    @property
    def codes(self) -> list[int]:
        """The characters as Unicode code points, in token-id order."""
        return [ord(c) for c in self.chars]

    @property
    def ids(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def __contains__(self, char: object) -> bool:
        return char in self.ids

    def encode(self, text: str, what: str = "the prompt") -> list[int]:
        """Token ids of ``text``; UsageError naming the characters the model never saw (``what``: "the prompt"
        or "the sample", said in the chosen language)."""
        ids = self.ids
        unknown = sorted({c for c in text if c not in ids})
        if unknown:
            shown = " ".join(repr(c) for c in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
            raise UsageError(say("unseen characters", what=say(what), shown=shown))
        return [ids[c] for c in text]

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.chars[i] for i in ids)


def file_chunks(path: str | Path) -> Iterator[str]:
    """A learner's UTF-8 text file as pieces of text (without a byte-order mark), read a chunk at a time;
    DataError saying what is wrong with it (missing, unreadable, empty, binary, not UTF-8)."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise DataError(say("no file", source=source))
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, empty = 0, True  # bytes read so far; only whitespace so far
    try:
        with open(source, "rb") as handle:
            while True:
                data = handle.read(CHUNK)
                if b"\x00" in data:
                    raise DataError(say("binary", source=source))
                empty = empty and (not data or data.isspace())
                if not data and empty:
                    raise DataError(say("empty", source=source))
                pending = len(decoder.getstate()[0])
                try:
                    text = decoder.decode(data, final=not data)
                except UnicodeDecodeError as exc:
                    raise DataError(say("not utf-8", source=source, byte=offset - pending + exc.start)) from None
                if offset == 0:
                    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the text
                offset += len(data)
                if text:
                    yield text
                if not data:
                    return
    except OSError as exc:
        raise DataError(say("unreadable", source=source, reason=exc.strerror or exc)) from exc


def text_chunks(text: str) -> Iterator[str]:
    return (text[start : start + CHUNK] for start in range(0, len(text), CHUNK))


def tokenize(chunks: Callable[[], Iterable[str]]) -> tuple[Vocabulary, Any]:
    """(vocabulary, token ids) of the text that ``chunks()`` yields piece by piece (it is called twice).
    The ids are a 1-D tensor of uint8 (a vocabulary of up to 256 characters), int16 or int32."""
    import numpy as np
    import torch

    seen = np.zeros(0x110000, dtype=bool)  # which code points occur
    count = 0
    for chunk in chunks():
        seen[code_points(chunk)] = True
        count += len(chunk)
    codes = np.flatnonzero(seen)
    vocab = Vocabulary(tuple(map(chr, codes.tolist())))  # sorted by code point, as sorted(set(text)) is
    dtype = np.uint8 if len(codes) <= 256 else np.int16 if len(codes) <= 32768 else np.int32
    table = np.zeros(int(codes[-1]) + 1 if len(codes) else 1, dtype=dtype)  # code point -> token id
    table[codes] = np.arange(len(codes))
    ids = np.empty(count, dtype=dtype)
    done = 0
    for chunk in chunks():
        part = table[code_points(chunk)]
        if done + len(part) > count:
            break
        ids[done : done + len(part)] = part
        done += len(part)
    if done != count:
        raise DataError(say("changed"))
    return vocab, torch.from_numpy(ids)


def code_points(chunk: str) -> Any:
    """The characters of ``chunk`` as a numpy array of their code points (4 bytes each)."""
    import numpy as np

    return np.frombuffer(chunk.encode("utf-32-le"), dtype=np.uint32)


def default_text() -> tuple[str, str]:
    """(text, description) of the built-in corpus: Python's own reference documentation.

    ``pydoc_data`` ships with CPython (``help("with")`` reads it); some distributions leave it out,
    so fall back to the docstrings of the built-ins, which every Python has (unless run with -OO).
    Lines of markup alone are left out (``without_markup``).
    """
    import importlib

    try:
        topics: dict[str, str] = dict(importlib.import_module("pydoc_data.topics").topics)
    except ImportError:
        topics = {}
    if topics:
        text = without_markup("\n\n".join(topics[name].strip() for name in sorted(topics)))
        return text + "\n", pick(*DEFAULT_CORPUS)
    import builtins

    docs = [getattr(builtins, name).__doc__ for name in sorted(dir(builtins)) if not name.startswith("_")]
    text = without_markup("\n\n".join(doc.strip() for doc in docs if isinstance(doc, str) and doc.strip()))
    if len(text) < 10_000:
        raise DataError(say("no corpus"))
    return text + "\n", pick(*FALLBACK_CORPUS)


def without_markup(text: str) -> str:
    """``text`` without its lines made only of reST markup: section underlines (``*****``, ``=====``, ``-----``,
    ``~~~~~``) and table borders (``+-----+-----+``). A model trained on them writes whole lines of ``****``;
    the prose, the code and its ``>>>`` and ``...`` prompts stay."""
    return "\n".join(line for line in text.split("\n") if not is_markup(line))


def is_markup(line: str) -> bool:
    """Whether ``line`` is a row of markup characters (three or more) and nothing else."""
    chars = set(line.strip())
    return len(line.strip()) >= 3 and chars <= MARKUP and bool(chars & RULES)


def split(text: Part, fraction: float = 0.9) -> tuple[Part, Part]:
    """The first 90% of the text (or of its token ids) to train on, the rest to validate on (as nanoGPT does)."""
    cut = int(len(text) * fraction)
    return text[:cut], text[cut:]


def check_length(train: Sized, validation: Sized, block_size: int, source: str) -> None:
    """Both parts must hold at least one window of block_size + 1 characters."""
    need = block_size + 1
    if len(validation) < need:
        total = len(train) + len(validation)
        raise DataError(say("too short", source=source, total=total, block_size=block_size, need=need, least=need * 10))
