"""Loading MNIST from IDX files: written here (small), and the real copy in ../shared/data/mnist when present."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from core.data import mnist, paths
from core.errors import DataError


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape) + array.tobytes()


def synthetic_digits(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Images a small network learns in a few steps: digit k lights up rows 2k+4 and 2k+5, plus noise."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count, dtype=np.uint8) % 10
    rng.shuffle(labels)
    images = rng.integers(0, 60, size=(count, 28, 28), dtype=np.uint8)
    for image, label in zip(images, labels):
        image[2 * label + 4 : 2 * label + 6, 4:24] = 255
    return images, labels


def write_mnist(folder: Path, train: int = 640, test: int = 200, compress: bool = True) -> Path:
    """The four files, torchvision's names, under ``folder`` (created); returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for split, count, seed in (("train", train, 1), ("t10k", test, 2)):
        images, labels = synthetic_digits(count, seed)
        for what, array, magic in (("images-idx3", images, 2051), ("labels-idx1", labels, 2049)):
            data = idx_bytes(array, magic)
            name = f"{split}-{what}-ubyte"
            if compress:
                (folder / f"{name}.gz").write_bytes(gzip.compress(data))
            else:
                (folder / name).write_bytes(data)
    return folder


def test_loads_shapes_labels_and_pixels_from_written_files(tmp_path):
    raw = write_mnist(tmp_path / "MNIST" / "raw", train=30, test=20)
    data = mnist.load(tmp_path, download=False)
    images, labels = synthetic_digits(30, 1)
    assert data.train_images.shape == (30, 28, 28) and data.train_images.dtype == torch.uint8
    assert data.test_images.shape == (20, 28, 28) and data.test_labels.shape == (20,)
    assert data.train_labels.tolist() == labels.tolist()
    assert torch.equal(data.train_images, torch.from_numpy(images))
    assert data.folder == raw


def test_normalize_matches_the_course_transform_and_pixels_inverts_it():
    images = torch.tensor([[[0, 255], [128, 64]]], dtype=torch.uint8).repeat(1, 14, 14)
    x = mnist.normalize(images)
    assert x.shape == (1, 1, 28, 28) and x.dtype == torch.float32
    assert x[0, 0, 0, 0].item() == pytest.approx((0 - 0.1307) / 0.3081, abs=1e-6)
    assert x[0, 0, 0, 1].item() == pytest.approx((1 - 0.1307) / 0.3081, abs=1e-6)
    assert torch.equal(mnist.pixels(x), images)


def test_finds_uncompressed_files_and_files_directly_in_the_folder(tmp_path):
    write_mnist(tmp_path, train=10, test=10, compress=False)
    assert mnist.load(tmp_path, download=False).train_images.shape == (10, 28, 28)


def test_reading_writes_nothing_into_the_data_folder(tmp_path):
    raw = write_mnist(tmp_path / "MNIST" / "raw", train=10, test=10)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    mnist.load(tmp_path, download=False)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert len(list(raw.iterdir())) == 4


def test_data_dir_comes_from_option_then_env_then_user_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    assert paths.data_dir(None) == tmp_path / "xdg" / "learn-tui"
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "env"))
    assert paths.data_dir("") == tmp_path / "env"
    assert paths.data_dir(str(tmp_path / "opt")) == tmp_path / "opt"


def test_env_var_is_used_when_no_option_is_given(tmp_path, monkeypatch):
    write_mnist(tmp_path / "mnist" / "MNIST" / "raw", train=10, test=10)  # a data dir shared by datasets
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
    assert mnist.load(None, download=False).test_images.shape == (10, 28, 28)


def test_offline_with_no_files_says_where_to_put_them(tmp_path, monkeypatch):
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/"])  # nothing listens there: fails at once
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(DataError) as caught:
        mnist.load(tmp_path / "data")
    message = str(caught.value)
    assert "\n" not in message
    assert str(tmp_path / "data" / "MNIST" / "raw") in message
    assert "train-images-idx3-ubyte.gz" in message and "t10k-labels-idx1-ubyte.gz" in message
    assert "download failed" in message and "--data-dir" in message
    assert not (tmp_path / "data").exists() and not (tmp_path / "cache").exists()  # no empty MNIST/raw left


def failing_download(monkeypatch):
    """torchvision's download, offline: it makes MNIST/raw, writes half a file, then fails as it does."""
    from torchvision.datasets import MNIST

    def download(self):
        Path(self.raw_folder).mkdir(parents=True, exist_ok=True)
        (Path(self.raw_folder) / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b half a download")
        raise RuntimeError(
            "Error downloading train-images-idx3-ubyte.gz:\nTried https://example/, got:\n"
            "<urlopen error [Errno -2] Name or service not known>"
        )

    monkeypatch.setattr(MNIST, "download", download)


def test_a_failed_download_under_a_mistyped_data_dir_leaves_nothing_behind(tmp_path, monkeypatch):
    failing_download(monkeypatch)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    typo = tmp_path / "home" / "dtaa"
    with pytest.raises(DataError, match="no network: the download host could not be resolved"):
        mnist.load(typo)
    assert not (tmp_path / "home").exists() and not (tmp_path / "cache").exists()


def test_a_failed_download_removes_only_what_it_wrote(tmp_path, monkeypatch):
    failing_download(monkeypatch)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = tmp_path / "data"
    raw = data / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(b"the learner's own copy")
    (data / "names.csv").write_text("kept\n")
    with pytest.raises(DataError, match="download failed"):
        mnist.load(data)
    assert sorted(p.name for p in raw.iterdir()) == ["t10k-labels-idx1-ubyte.gz"]
    assert (data / "names.csv").read_text() == "kept\n"


def test_no_files_and_no_download_names_the_folder(tmp_path):
    with pytest.raises(DataError, match="MNIST not found in .*MNIST/raw.*downloading is off"):
        mnist.load(tmp_path, download=False)


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda b: b[: len(b) // 2], "corrupt \\(truncated\\)"),
        (lambda b: b"not a gzip file at all", "corrupt \\(unreadable"),
        (lambda b: gzip.compress(gzip.decompress(b)[:-100]), "truncated \\(.* bytes, expected"),
        (lambda b: gzip.compress(struct.pack(">I", 2049) + gzip.decompress(b)[4:]), "not an MNIST image file"),
    ],
)
def test_damaged_file_gives_one_line_naming_it(tmp_path, damage, expected):
    raw = write_mnist(tmp_path / "MNIST" / "raw", train=10, test=10)
    target = raw / "train-images-idx3-ubyte.gz"
    target.write_bytes(damage(target.read_bytes()))
    with pytest.raises(DataError, match=expected) as caught:
        mnist.load(tmp_path, download=False)
    assert str(target) in str(caught.value) and "\n" not in str(caught.value)


def test_label_out_of_range_and_count_mismatch_are_reported(tmp_path):
    raw = write_mnist(tmp_path / "MNIST" / "raw", train=10, test=10)
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.full(10, 12, np.uint8), 2049)))
    with pytest.raises(DataError, match="label 12"):
        mnist.load(tmp_path, download=False)
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.zeros(9, np.uint8), 2049)))
    with pytest.raises(DataError, match="10 images but .* 9 labels"):
        mnist.load(tmp_path, download=False)


def test_loader_shuffles_every_sample_once_per_epoch_repeatably():
    x = torch.arange(10).float().view(10, 1)
    y = torch.arange(10)
    loader = mnist.Loader(x, y, batch_size=4, shuffle=True)
    torch.manual_seed(3)
    first = [b for b in loader]
    assert len(loader) == 3 and [len(t) for _, t in first] == [4, 4, 2]
    order = torch.cat([t for _, t in first])
    assert sorted(order.tolist()) == list(range(10)) and order.tolist() != list(range(10))
    assert all(torch.equal(bx.view(-1).long(), by) for bx, by in first)
    torch.manual_seed(3)
    assert torch.equal(torch.cat([t for _, t in loader]), order)
    assert torch.cat([t for _, t in mnist.Loader(x, y, 4)]).tolist() == list(range(10))


def real_mnist(shared_data: Path) -> Path:
    """``../shared/data/mnist`` (torchvision's layout), or skip."""
    folder = shared_data / "mnist"
    if not (folder / "MNIST" / "raw").is_dir():
        pytest.skip(f"no MNIST copy at {folder}")
    return folder


def test_real_mnist_has_60000_training_and_10000_test_digits(shared_data):
    data = mnist.load(real_mnist(shared_data), download=False)
    assert data.train_images.shape == (60000, 28, 28) and data.test_images.shape == (10000, 28, 28)
    assert data.train_labels[:8].tolist() == [5, 0, 4, 1, 9, 2, 1, 3]
    assert torch.bincount(data.test_labels).tolist()[:3] == [980, 1135, 1032]
