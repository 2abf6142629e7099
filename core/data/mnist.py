"""MNIST handwritten digits: the four IDX files read in place, held in memory as tensors.

The files sit in torchvision's layout, ``<data dir>/MNIST/raw/*.gz`` (see ``core.data.paths`` for the
data dir). They are parsed here with gzip + numpy (magic numbers and sizes checked), so a read-only
folder works and nothing is decoded per sample while training. When they are missing,
``torchvision.datasets.MNIST(download=True)`` fetches them into the first writable of the data dir and
the user cache dir; offline, a ``DataError`` says where to put them.

``Loader`` batches tensors the way ``DataLoader(dataset, batch_size, shuffle)`` does, by indexing with
a permutation drawn from torch's global generator when an epoch starts (so seeds and checkpoint resumes
repeat the order).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import socket
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import torch

from core.data import paths
from core.data.mnist_words import say
from core.errors import DataError

MEAN, STD = 0.1307, 0.3081  # the course's transforms.Normalize((0.1307,), (0.3081,))
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
SIDE = 28
FILES = {  # (split, what) -> file name in torchvision's layout (each also read without .gz)
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}
DOWNLOAD_TIMEOUT_S = 30


@dataclass(frozen=True)
class Mnist:
    """The raw digits: images uint8 (N, 28, 28), labels int64 (N,)."""

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    folder: Path  # the folder the files were read from


def raw_folders(root: Path) -> list[Path]:
    """Where the four files may sit under a data dir: ``MNIST/raw`` (torchvision), ``mnist/MNIST/raw``
    (a data dir shared by several datasets), or the folder itself."""
    return [root / "MNIST" / "raw", root / "mnist" / "MNIST" / "raw", root]


def file_in(folder: Path, name: str) -> Path | None:
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    return None


def find_folder(root: Path) -> Path | None:
    """The first candidate folder under ``root`` holding all four files (compressed or not)."""
    for folder in raw_folders(root):
        if all(file_in(folder, name) for name in FILES.values()):
            return folder
    return None


def missing_message(root: Path, reason: str) -> str:
    names = ", ".join(f"{name}.gz" for name in FILES.values())
    return say("missing", folder=root / "MNIST" / "raw", reason=reason, names=names, env=paths.ENV_VAR)


def load(data_dir: str | Path | None = None, download: bool = True) -> Mnist:
    """MNIST from ``data_dir`` (else ``$LEARN_TUI_DATA``, else the user data dir), downloading when allowed."""
    root = paths.data_dir(data_dir)
    cache = paths.user_cache_dir()
    folder = find_folder(root) or (find_folder(cache) if cache != root else None)
    if folder is None:
        if not download:
            raise DataError(missing_message(root, say("downloading off")))
        folder = fetch(root, cache)
    return read_folder(folder)


def fetch(root: Path, cache: Path) -> Path:
    """Download with torchvision into the first writable of ``root`` and ``cache``; DataError when offline.
    A failed attempt takes back what it made (a mistyped ``--data-dir`` is not left behind, nor are empty
    ``MNIST/raw`` folders or half-downloaded files); what was there before stays untouched."""
    made = paths.missing_folders(root) + paths.missing_folders(cache)
    target = paths.writable_dir(root, cache)
    if target is None:
        paths.remove_made(made, [])
        raise DataError(missing_message(root, say("cannot write", cache=cache)))
    raw = target / "MNIST" / "raw"
    made += paths.missing_folders(raw)
    before = set(raw.iterdir()) if raw.is_dir() else set()
    folder = None
    try:
        folder = download(root, target)
    finally:
        if folder is None:  # (also on Ctrl-C)
            written = [path for path in raw.iterdir() if path not in before] if raw.is_dir() else []
            paths.remove_made(made, written)
    return folder


def download(root: Path, target: Path) -> Path:
    from torchvision.datasets import MNIST

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(previous or DOWNLOAD_TIMEOUT_S)
    try:  # torchvision prints progress bars: keep them off the learner's screen
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            MNIST(str(target), train=False, download=True)
    except Exception as exc:  # URLError, RuntimeError (all mirrors failed or a bad checksum), OSError
        raise DataError(missing_message(root, say("download failed", why=download_failure(exc)))) from None
    finally:
        socket.setdefaulttimeout(previous)
    folder = find_folder(target)
    if folder is None:
        raise DataError(missing_message(root, say("no files", target=target)))
    return folder


def download_failure(exc: Exception) -> str:
    """One line out of torchvision's multi-line 'Error downloading' message."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    detail = next((line for line in lines if line.startswith("<urlopen error")), lines[-1] if lines else "")
    if "Name or service not known" in detail or "Temporary failure in name resolution" in detail:
        return say("offline")
    return detail or type(exc).__name__


_cache: dict[tuple, Mnist] = {}


def read_folder(folder: Path) -> Mnist:
    """Parse the four files; kept in memory (keyed by the files' sizes and times) for the next run."""
    files = {key: cast(Path, file_in(folder, name)) for key, name in FILES.items()}  # all there: see find_folder
    key = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files.values())
    if key not in _cache:
        arrays = {}
        for split in ("train", "test"):
            images = read_idx(files[(split, "images")], IMAGE_MAGIC)
            labels = read_idx(files[(split, "labels")], LABEL_MAGIC)
            check_pair(files[(split, "images")], images, files[(split, "labels")], labels)
            arrays[split] = (torch.from_numpy(images), torch.from_numpy(labels).long())
        _cache.clear()
        _cache[key] = Mnist(*arrays["train"], *arrays["test"], folder)
    return _cache[key]


def read_idx(path: Path, magic: int) -> np.ndarray:
    """An IDX file (gzipped or not) as a uint8 array, its header checked against ``magic`` and its size."""
    what = say("image" if magic == IMAGE_MAGIC else "label")
    fix = say("fix")
    try:
        with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as handle:
            raw = bytearray(handle.read())
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        reason = say("truncated") if isinstance(exc, EOFError) else say("unreadable", exc=exc)
        raise DataError(say("corrupt", path=path, reason=reason, fix=fix)) from None
    found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
    if found != magic:
        raise DataError(say("magic", path=path, what=what, found=found, magic=magic, fix=fix))
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(say("short header", path=path, fix=fix))
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if dims[1:] not in ((), (SIDE, SIDE)):
        raise DataError(say("not 28x28", path=path, h=dims[1], w=dims[2], fix=fix))
    expected = header + int(np.prod(dims))
    if len(raw) != expected:
        state = say("truncated") if len(raw) < expected else say("longer")
        raise DataError(say("size", path=path, state=state, size=len(raw), expected=expected, fix=fix))
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def check_pair(image_path: Path, images: np.ndarray, label_path: Path, labels: np.ndarray) -> None:
    if len(images) != len(labels):
        raise DataError(say("pair", images=image_path, n_images=len(images), labels=label_path, n_labels=len(labels)))
    if labels.size and labels.max() > 9:
        raise DataError(say("digit", path=label_path, label=int(labels.max())))


def normalize(images: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float32 (N, 1, 28, 28), as ``ToTensor()`` then ``Normalize((0.1307,), (0.3081,))``."""
    return images.unsqueeze(1).float().div_(255).sub_(MEAN).div_(STD)


def pixels(inputs: torch.Tensor) -> torch.Tensor:
    """Normalised inputs back to uint8 grey levels (0 black .. 255 white), shape (N, 28, 28)."""
    return (inputs.reshape(-1, SIDE, SIDE) * STD + MEAN).mul_(255).round_().clamp_(0, 255).to(torch.uint8)


class Loader:
    """``DataLoader(TensorDataset(x, y), batch_size, shuffle)`` for tensors held in memory, without the
    per-sample overhead: each batch is one indexing operation."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, batch_size: int, shuffle: bool = False) -> None:
        self.x, self.y, self.batch_size, self.shuffle = x, y, batch_size, shuffle

    def __len__(self) -> int:
        return -(-len(self.y) // self.batch_size)

    def __iter__(self):
        count = len(self.y)
        if not self.shuffle:
            for start in range(0, count, self.batch_size):
                yield self.x[start : start + self.batch_size], self.y[start : start + self.batch_size]
            return
        order = torch.randperm(count).to(self.y.device)
        for start in range(0, count, self.batch_size):
            index = order[start : start + self.batch_size]
            yield self.x.index_select(0, index), self.y.index_select(0, index)  # 2.5x faster than x[index]
