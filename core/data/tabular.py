"""Numeric CSV tables for the binary classifiers (lectures 7 and 8): the course's ``diabetes.csv.gz``
format, or the learner's own file.

A table is rows of comma-separated numbers, gzip-compressed or plain, the last column the 0/1 label.
A first row made only of text is read as a header (column names). Everything else that is wrong
raises ``DataError`` with one line naming the file, the row and the column, and what to do.

Without a file, lessons use ``DEFAULT_TABLE``: 759 generated rows with a known ground truth (see
``make_default_table``; the lesson notes describe it).
"""

from __future__ import annotations

import gzip
import math
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.data.data_words import say
from core.errors import DataError

DEFAULT_TABLE = Path(__file__).with_name("default_table.csv.gz")


@dataclass(frozen=True)
class Table:
    x: np.ndarray  # float32, rows x features
    y: np.ndarray  # float32, rows x 1, values 0 or 1
    columns: tuple[str, ...]  # feature names: the header's, else "x1".."xN"
    source: str  # the file it came from

    @property
    def features(self) -> int:
        return self.x.shape[1]

    def __len__(self) -> int:
        return self.x.shape[0]


def read_text(path: Path, hint: str = "") -> str:
    """The file's text, un-gzipped when it starts with gzip's magic bytes (whatever its name)."""
    if not path.exists():
        raise DataError(say("tabular.no file", path=path, hint=hint))
    if path.is_dir():
        raise DataError(say("tabular.folder", path=path, format=say("tabular.format")))
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return raw.decode("utf-8-sig")
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(say("tabular.unreadable", path=path, exc=exc)) from None
    except UnicodeDecodeError:
        raise DataError(say("tabular.not utf-8", path=path, format=say("tabular.format"))) from None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_table(text: str, source: str) -> Table:
    """Parse CSV text into a ``Table`` or raise DataError naming the row and column at fault."""
    rows = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not rows:
        raise DataError(say("tabular.empty", source=source, format=say("tabular.format")))
    header = None
    first = [cell.strip() for cell in rows[0][1].split(",")]
    if all(_number(cell) is None for cell in first):
        header, rows = first, rows[1:]
        if not rows:
            raise DataError(say("tabular.header only", source=source, format=say("tabular.format")))
    width = len(header) if header else len(rows[0][1].split(","))
    if width < 2:
        raise DataError(say("tabular.one column", source=source, row=rows[0][0], format=say("tabular.format")))
    values = np.empty((len(rows), width), dtype=np.float64)
    for index, (number, line) in enumerate(rows):
        cells = line.split(",")
        if len(cells) != width:
            expected = say("tabular.the header") if header else say("tabular.first row", row=rows[0][0])
            raise DataError(
                say("tabular.ragged", source=source, row=number, count=len(cells), expected=expected, width=width)
            )
        for column, cell in enumerate(cells, 1):
            value = _number(cell.strip())
            if value is None:
                what = (
                    say("tabular.empty cell") if not cell.strip() else say("tabular.text cell", cell=cell.strip()[:20])
                )
                raise DataError(say("tabular.not a number", source=source, row=number, column=column, what=what))
            values[index, column - 1] = value
    labels = values[:, -1]
    bad = np.flatnonzero((labels != 0) & (labels != 1))
    if bad.size:
        number = rows[bad[0]][0]
        raise DataError(say("tabular.label", source=source, row=number, column=width, label=labels[bad[0]]))
    if np.all(labels == labels[0]):
        raise DataError(say("tabular.one class", source=source, label=labels[0]))
    columns = tuple(header[:-1]) if header else tuple(f"x{i}" for i in range(1, width))
    return Table(values[:, :-1].astype(np.float32), values[:, -1:].astype(np.float32), columns, source)


def load_table(path: str | Path | None = None) -> Table:
    """The table at ``path`` (``~`` expanded), or the built-in default when ``path`` is empty."""
    target = Path(path).expanduser() if path else DEFAULT_TABLE
    return parse_table(read_text(target, say("tabular.csv hint")), str(target) if path else say("tabular.built-in"))


def fold_indices(labels: np.ndarray, folds: int, seed: int) -> list[np.ndarray]:
    """Row indices of ``folds`` held-out parts, stratified by label, shuffled by ``seed``."""
    generator = np.random.default_rng(seed)
    parts: list[list[int]] = [[] for _ in range(folds)]
    for value in (0.0, 1.0):
        rows = np.flatnonzero(labels.reshape(-1) == value)
        generator.shuffle(rows)
        for position, row in enumerate(rows):
            parts[position % folds].append(int(row))
    return [np.sort(np.array(part, dtype=np.int64)) for part in parts]


SCALES = ("auto", "standard", "none")


def scale_columns(x: np.ndarray, fit_rows: np.ndarray | None = None, mode: str = "auto") -> np.ndarray:
    """Standardise columns to mean 0, std 1 using the statistics of ``fit_rows`` (all rows when None).

    ``standard``: every column; ``auto``: only columns with values outside [-1, 1] (raw units such as
    mg/dl), leaving an already scaled file, like the course's diabetes.csv.gz, as it is; ``none``: none.
    """
    if mode == "none":
        return x
    fit = x if fit_rows is None else x[fit_rows]
    columns = np.ones(x.shape[1], dtype=bool) if mode == "standard" else (np.abs(fit) > 1.0).any(axis=0)
    mean, std = fit.mean(axis=0), fit.std(axis=0)
    std[std == 0] = 1.0
    scaled = x.copy()
    scaled[:, columns] = (x[:, columns] - mean[columns]) / std[columns]
    return scaled


def make_default_table(rows: int = 759, seed: int = 7) -> np.ndarray:
    """The generated default table: 8 features, label drawn from a known logistic model.

    x1..x8 ~ uniform(-1, 1) (the diabetes file's scale); the log-odds of label 1 are
    ``TRUE_WEIGHTS @ x + TRUE_BIAS + 2 * x1 * x2`` (one interaction a linear model can't express).
    """
    generator = np.random.default_rng(seed)
    x = generator.uniform(-1.0, 1.0, size=(rows, 8))
    logits = x @ TRUE_WEIGHTS + TRUE_BIAS + 2.0 * x[:, 0] * x[:, 1]
    y = (generator.uniform(size=rows) < 1.0 / (1.0 + np.exp(-logits))).astype(np.float64)
    return np.round(np.column_stack([x, y]), 4)


TRUE_WEIGHTS = np.array([3.0, -2.0, 1.5, 0.0, 0.0, 1.0, -1.0, 0.5])
TRUE_BIAS = 0.5


def write_default_table(path: Path = DEFAULT_TABLE) -> None:
    """Regenerate the shipped file (``python -m core.data.tabular``)."""
    lines = [",".join(f"{v:g}" for v in row) for row in make_default_table()]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))


if __name__ == "__main__":
    write_default_table()
