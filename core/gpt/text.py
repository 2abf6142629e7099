"""The text a GPT learns: loading it (a learner's file or the built-in corpus) and its characters.

The vocabulary is every distinct character of the text, sorted; a character's token id is its index.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from core.errors import DataError, UsageError

DEFAULT_CORPUS = "Python's reference documentation (pydoc_data.topics)"
FALLBACK_CORPUS = "the docstrings of Python's built-in functions and types"


@dataclass(frozen=True)
class Vocabulary:
    chars: tuple[str, ...]  # token id -> character

    @classmethod
    def from_text(cls, text: str) -> "Vocabulary":
        return cls(tuple(sorted(set(text))))

    @classmethod
    def from_codes(cls, codes: Iterable[int]) -> "Vocabulary":
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
        """Token ids of ``text``; UsageError naming the characters the model never saw."""
        ids = self.ids
        unknown = sorted({c for c in text if c not in ids})
        if unknown:
            shown = " ".join(repr(c) for c in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
            raise UsageError(f"{what} has characters the model never saw in its text: {shown}; "
                             f"use only characters of the training text")
        return [ids[c] for c in text]

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.chars[i] for i in ids)


def load_text(path: str | Path) -> str:
    """A learner's UTF-8 text file, or DataError saying what is wrong with it."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise DataError(f"no text file at {source}; check the path given to --text")
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise DataError(f"could not read {source}: {exc.strerror or exc}; check its permissions") from exc
    if not data.strip():
        raise DataError(f"{source} is empty; give --text a file with some text in it")
    if b"\x00" in data:
        raise DataError(f"{source} looks like a binary file (it holds NUL bytes); give --text a UTF-8 text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{source} is not UTF-8 text (byte {exc.start} is invalid); "
                        "save it as UTF-8 or give another file") from None
    return text.removeprefix("\ufeff")  # a byte-order mark is not part of the text


def default_text() -> tuple[str, str]:
    """(text, description) of the built-in corpus: Python's own reference documentation.

    ``pydoc_data`` ships with CPython (``help("with")`` reads it); some distributions leave it out,
    so fall back to the docstrings of the built-ins, which every Python has (unless run with -OO).
    """
    try:
        from pydoc_data.topics import topics
    except ImportError:
        topics = None
    if topics:
        return "\n\n".join(topics[name].strip() for name in sorted(topics)) + "\n", DEFAULT_CORPUS
    import builtins

    docs = [getattr(builtins, name).__doc__ for name in sorted(dir(builtins)) if not name.startswith("_")]
    text = "\n\n".join(doc.strip() for doc in docs if isinstance(doc, str) and doc.strip())
    if len(text) < 10_000:
        raise DataError("this Python has neither pydoc_data nor docstrings to learn from; "
                        "give a UTF-8 text file with --text PATH")
    return text + "\n", FALLBACK_CORPUS


def split(text: str, fraction: float = 0.9) -> tuple[str, str]:
    """The first 90% of the text to train on, the rest to validate on (as nanoGPT does)."""
    cut = int(len(text) * fraction)
    return text[:cut], text[cut:]


def check_length(train: str, validation: str, block_size: int, source: str) -> None:
    """Both parts must hold at least one window of block_size + 1 characters."""
    need = block_size + 1
    if len(validation) < need:
        total = len(train) + len(validation)
        raise DataError(f"{source} has {total} characters: too short for --block-size {block_size} (its last "
                        f"10% must hold {need}); give a longer text (at least {need * 10} characters) or "
                        "a smaller --block-size")
