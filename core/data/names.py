"""Surnames and their countries for the RNN name classifier (lecture 13).

Three sources, each giving ``(train, test)`` lists of ``(name, country)``:

* the course's ``names_train.csv.gz`` / ``names_test.csv.gz`` (rows ``"name","country"``), given
  either file or the folder holding both (gzip or plain ``.csv``);
* a folder of ``<Language>.txt`` files, one name per line (the PyTorch tutorial's ``data/names``),
  split per language 2:1 into train and test by a fixed shuffle;
* without a path, ``DEFAULT_TRAIN`` / ``DEFAULT_TEST``, a small stratified subset of the tutorial's
  names that ships with learn-tui (see the rnn-names lesson notes for its source).

Names are converted to ASCII as the tutorial does (Unicode NFD, accents dropped) and may hold only
``ALPHABET``; anything wrong raises ``DataError`` naming the file and row.
"""

from __future__ import annotations

import csv
import random
import string
import unicodedata
from pathlib import Path

from core.data.data_words import say
from core.data.tabular import read_text
from core.errors import DataError, UsageError

ALPHABET = string.ascii_letters + " .,;'"  # the tutorial's all_letters
DEFAULT_TRAIN = Path(__file__).with_name("default_names_train.csv.gz")
DEFAULT_TEST = Path(__file__).with_name("default_names_test.csv.gz")
CSV_NAMES = ("names_train.csv.gz", "names_train.csv", "names_test.csv.gz", "names_test.csv")
TEST_SHARE = 1 / 3  # of each language's names, for a folder of .txt files
SPLIT_SEED = 0

Rows = list[tuple[str, str]]


def to_ascii(text: str) -> str:
    """'Ślusàrski' -> 'Slusarski': the tutorial's unicodeToAscii, keeping other characters as they are."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def outside_alphabet(name: str) -> str:
    """The characters of ``name`` (already ASCII-folded) that the models can't read, in order."""
    return "".join(dict.fromkeys(c for c in name if c not in ALPHABET))


def typed_name(text: object) -> str:
    """A name the learner typed, ready for the model: trimmed and ASCII-folded as the data are; UsageError
    saying what to type when it is empty or holds characters the model can't read (a name in Chinese)."""
    name = to_ascii(str(text or "").strip())
    if not name:
        raise UsageError(say("names.type one"))
    bad = outside_alphabet(name)
    if bad:
        whole = len(bad) == len(set(name))  # (not one letter it knows: 王)
        raise UsageError(say("names.not latin" if whole else "names.typed letters", name=name, bad=bad))
    return name


def read_csv_rows(path: Path) -> Rows:
    rows: Rows = []
    reader = csv.reader(read_text(path).splitlines())
    try:
        lines = list(reader)
    except csv.Error as exc:  # e.g. a field over csv's limit of 131,072 characters, or a NUL byte
        raise DataError(say("names.not csv", path=path, row=reader.line_num, exc=exc)) from None
    for number, row in enumerate(lines, 1):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 2:
            raise DataError(say("names.fields", path=path, row=number, count=len(row)))
        name, country = to_ascii(row[0].strip()), row[1].strip()
        if not name or not country:
            field = say("names.name" if not name else "names.country")
            raise DataError(say("names.empty field", path=path, row=number, field=field))
        rows.append((name, country))
    if not rows:
        raise DataError(say("names.no rows", path=path))
    return rows


def read_language_folder(folder: Path) -> tuple[Rows, Rows]:
    """A folder of ``<Language>.txt`` files -> (train, test), each language split 2:1."""
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise DataError(say("names.no files", folder=folder))
    shuffler = random.Random(SPLIT_SEED)
    train: Rows = []
    test: Rows = []
    for path in files:
        names = [to_ascii(line.strip()) for line in read_text(path).splitlines() if line.strip()]
        names = ["".join(c for c in name if c in ALPHABET) for name in names]  # as the tutorial does
        names = [name for name in names if name]
        if not names:
            raise DataError(say("names.empty txt", path=path))
        shuffler.shuffle(names)
        cut = max(1, round(len(names) * TEST_SHARE)) if len(names) > 1 else 0
        test += [(name, path.stem) for name in names[:cut]]
        train += [(name, path.stem) for name in names[cut:]]
    return train, test


def csv_pair(path: Path) -> tuple[Path, Path] | None:
    """(train file, test file) for a course CSV or a folder holding both; None if it is neither."""
    folder = path if path.is_dir() else path.parent
    if path.is_file() and not path.name.startswith(("names_train.", "names_test.")):
        return None
    found = {name: folder / name for name in CSV_NAMES if (folder / name).is_file()}
    train = found.get("names_train.csv.gz") or found.get("names_train.csv")
    test = found.get("names_test.csv.gz") or found.get("names_test.csv")
    if train and test:
        return train, test
    if path.is_dir() and not train and not test:
        return None
    present = train or test
    if present is None:
        raise DataError(say("names.no pair", folder=folder))
    missing = "names_train.csv.gz" if not train else "names_test.csv.gz"
    raise DataError(say("names.half pair", folder=folder, present=present.name, missing=missing))


def load_names(path: str | Path | None = None) -> tuple[Rows, Rows, str]:
    """(train rows, test rows, a description of the source) from ``path``, or the built-in default."""
    if not path:
        return read_csv_rows(DEFAULT_TRAIN), read_csv_rows(DEFAULT_TEST), say("names.built-in")
    target = Path(path).expanduser()
    if not target.exists():
        raise DataError(say("names.nothing there", path=target))
    pair = csv_pair(target)
    if pair is not None:
        train, test = read_csv_rows(pair[0]), read_csv_rows(pair[1])
        source = say("names.csv source", train=pair[0].name, test=pair[1].name, folder=pair[0].parent)
    elif target.is_dir():
        train, test = read_language_folder(target)
        source = say("names.txt source", folder=target)
    else:
        raise DataError(say("names.not names", path=target))
    for rows, where in ((train, "names.training"), (test, "names.test")):
        for name, _country in rows:
            bad = outside_alphabet(name)
            if bad:
                raise DataError(say("names.letters", where=say(where), name=name, source=source, bad=bad))
    if not test:
        raise DataError(say("names.no test", source=source))
    unseen = sorted({country for _, country in test} - {country for _, country in train})
    if unseen:
        raise DataError(say("names.unseen", source=source, countries=", ".join(unseen[:3])))
    if len({country for _, country in train}) < 2:
        raise DataError(say("names.one country", source=source))
    return train, test, source


DEFAULT_PER_LANGUAGE = 120  # distinct names per language in the built-in subset


def write_default_names(folder: Path) -> None:
    """Rebuild the built-in subset from the tutorial's ``names/`` folder: per language, up to
    ``DEFAULT_PER_LANGUAGE`` distinct names drawn by a fixed shuffle, split 2:1 into train and test.
    (``python -m core.data.names PATH/names``)"""
    import gzip
    import io

    shuffler = random.Random(SPLIT_SEED)
    train: Rows = []
    test: Rows = []
    for path in sorted(folder.glob("*.txt")):
        names = sorted(
            {"".join(c for c in to_ascii(line.strip()) if c in ALPHABET) for line in read_text(path).splitlines()}
            - {""}
        )
        shuffler.shuffle(names)
        names = names[:DEFAULT_PER_LANGUAGE]
        cut = round(len(names) * TEST_SHARE)
        test += [(name, path.stem) for name in names[:cut]]
        train += [(name, path.stem) for name in names[cut:]]
    for rows, target in ((train, DEFAULT_TRAIN), (test, DEFAULT_TEST)):
        text = io.StringIO()
        csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
        target.write_bytes(gzip.compress(text.getvalue().encode(), mtime=0))


if __name__ == "__main__":
    import sys

    write_default_names(Path(sys.argv[1]))
