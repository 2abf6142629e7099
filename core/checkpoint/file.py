"""The checkpoint file on disk: where it may be written, how it is written, and how it is read safely.

Saving must never destroy what it should not touch (a device, a folder, a symlink) and never leave debris:
the file is written beside its target under a temporary name, synced, and renamed over it; any failure
removes the temporary file, and the next save removes one a killed run left behind. Reading never runs
code: ``torch.load(..., weights_only=True)`` accepts tensors and plain Python values only.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.base.i18n import pick
from core.checkpoint.errors import UnusableCheckpoint
from core.checkpoint.format import FORMAT
from core.errors import CheckpointError, UsageError

NOT_OURS = "is not a learn-tui checkpoint, or holds objects learn-tui will not load; open one a learn-tui run saved"


def check_save_path(path: Any) -> Path:
    """The file a checkpoint for ``path`` will be written to (a symlink's target), or UsageError saying why
    not: call it before training so that a bad ``--save`` path is refused before any work is done."""
    text = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
    if not text.strip():
        raise UsageError(
            pick(
                "the checkpoint path is empty; give a file name, e.g. run.pt",
                "检查点路径为空；请给出文件名，例如 run.pt",
            )
        )
    if text.endswith(("/", os.sep)):
        raise UsageError(
            pick(
                f"{text} ends with '/', so it names a folder; give a file name in it, e.g. {text}run.pt",
                f"{text} 以 '/' 结尾，是个文件夹；请给出其中的文件名，例如 {text}run.pt",
            )
        )
    try:
        target = Path(text).expanduser()
        if target.is_symlink():
            target = target.resolve()  # write the file the link points at; the link stays
        mode = target.stat().st_mode if target.exists() else None
        if mode is not None and stat.S_ISDIR(mode):
            raise UsageError(
                pick(
                    f"{target} is a folder; give a file name in it, e.g. {target / 'run.pt'}",
                    f"{target} 是文件夹；请给出其中的文件名，例如 {target / 'run.pt'}",
                )
            )
        if mode is not None and not stat.S_ISREG(mode):
            raise UsageError(
                pick(
                    f"{target} is not a regular file (a device, pipe or socket); save to a file such as run.pt",
                    f"{target} 不是普通文件（是设备、管道或套接字）；请保存到像 run.pt 这样的文件",
                )
            )
        folder = target.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
    except (OSError, ValueError, RuntimeError) as exc:  # a symlink loop, a NUL byte, a name too long
        raise UsageError(
            pick(
                f"can't save to {text}: {_reason(exc)}; choose another path",
                f"无法保存到 {text}：{_reason(exc)}；请换个路径",
            )
        ) from None
    if not folder.is_dir():
        raise UsageError(
            pick(
                f"can't create the folder {target.parent}: {folder} is a file; choose another path",
                f"无法创建文件夹 {target.parent}：{folder} 是文件；请换个路径",
            )
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(
            pick(
                f"can't write in {folder}: permission denied; choose a folder you can write to",
                f"无法写入 {folder}：没有权限；请选一个你能写入的文件夹",
            )
        )
    probe = folder / _temp_name(target)
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except (OSError, ValueError) as exc:  # a read-only file system, permissions os.access does not see
        raise UsageError(
            pick(
                f"can't write in {folder}: {_reason(exc)}; choose a folder you can write to",
                f"无法写入 {folder}：{_reason(exc)}；请选一个你能写入的文件夹",
            )
        ) from None
    return target


def write_atomically(target: Path, write: Callable[[Any], None]) -> None:
    """Call ``write(handle)`` on a temporary file beside ``target``, sync it, then rename it over ``target``.

    The old file survives any failure (and keeps its permissions after a success); a failed or
    interrupted write (KeyboardInterrupt included) leaves no temporary file behind."""
    remove_stale_temps(target)
    mode = stat.S_IMODE(target.stat().st_mode) if target.is_file() else None
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / _temp_name(target)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # a new file's mode follows the umask
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
        _fsync_folder(target.parent)
    except OSError as exc:
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        raise CheckpointError(
            f"could not write {target}: {'the disk is full' if full else _reason(exc)}; "
            f"{'free some space or ' if full else ''}choose a writable path"
        ) from None
    except RuntimeError as exc:
        if "inline_container" not in str(exc) and "PytorchStreamWriter" not in str(exc):
            raise
        raise CheckpointError(
            f"could not write {target}: the disk is full or failed; free some space or choose another path"
        ) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def remove_stale_temps(target: Path) -> None:
    """Remove the temporary files of ``target`` that a killed save left (``.NAME.xxxxxxxx.tmp``)."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if pattern.fullmatch(name):
            with contextlib.suppress(OSError):
                (target.parent / name).unlink()


def read_checkpoint(source: Path) -> Any:
    """``torch.load`` with ``weights_only=True``: a file holding anything else raises CheckpointError."""
    import pickle

    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about the pickle protocol of foreign files
            return torch.load(source, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        version = _old_version(source)
        if version is not None:
            raise UnusableCheckpoint(
                f"{source} is a checkpoint of an older learn-tui (version {version}) that "
                "held numpy objects; run the lesson again and save a new one"
            ) from None
        raise UnusableCheckpoint(
            pick(
                f"{source} {NOT_OURS}",
                f"{source} 不是 learn-tui 的检查点，或含有 learn-tui 不会加载的对象；请打开 learn-tui 训练保存的检查点",
            )
        ) from None
    except Exception as exc:
        raise UnusableCheckpoint(
            pick(
                f"{source} is damaged or not a learn-tui checkpoint ({type(exc).__name__}); "
                "open one a learn-tui run saved",
                f"{source} 已损坏或不是 learn-tui 的检查点（{type(exc).__name__}）；请打开 learn-tui 训练保存的检查点",
            )
        ) from None


def _old_version(source: Path) -> int | None:
    """The version of a checkpoint from learn-tui before version 2 (numpy arrays inside), else None.

    Its numpy arrays are read with exactly numpy's array-rebuilding functions allowed, still without
    running any other code; a file that needs anything else is not an old learn-tui checkpoint."""
    import torch

    try:
        wanted = set(torch.serialization.get_unsafe_globals_in_checkpoint(source))
        allowed = _numpy_rebuilders()
        if not wanted or not wanted <= set(allowed):
            return None
        with warnings.catch_warnings(), torch.serialization.safe_globals([(f, n) for n, f in allowed.items()]):
            warnings.simplefilter("ignore")
            state = torch.load(source, map_location="cpu", weights_only=True)
    except Exception:
        return None
    if isinstance(state, dict) and state.get("format") == FORMAT and isinstance(state.get("version"), int):
        return state["version"]
    return None


def _numpy_rebuilders() -> dict[str, Any]:
    """numpy's functions that rebuild arrays, dtypes and scalars, by every name a pickle may give them: numpy 2
    writes ``numpy._core.multiarray._reconstruct``, numpy 1 ``numpy.core.multiarray._reconstruct``, and a
    checkpoint written under either is read under either (pyproject allows numpy>=1.24)."""
    import importlib

    import numpy as np

    try:
        multiarray = importlib.import_module("numpy._core.multiarray")  # numpy 2 (and 1.26's alias of numpy 1's)
    except ImportError:
        multiarray = importlib.import_module("numpy.core.multiarray")  # numpy 1 before 1.26
    found: dict[str, Any] = {"numpy.ndarray": np.ndarray, "numpy.dtype": np.dtype}
    for name in ("_reconstruct", "scalar"):
        for module in ("numpy._core.multiarray", "numpy.core.multiarray"):
            found[f"{module}.{name}"] = getattr(multiarray, name)
    for code in "?bhilqBHILQefdgFD":  # the dtype classes of numpy>=1.25 (numpy.dtypes.Float32DType, ...)
        kind = type(np.dtype(code))
        found[f"{kind.__module__}.{kind.__name__}"] = kind
    return found


def _temp_name(target: Path) -> str:
    # os.urandom, not secrets.token_hex: secrets imports hashlib and OpenSSL (~3 ms of the app's start-up)
    return f".{target.name}.{os.urandom(4).hex()}.tmp"


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the file itself is synced
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__
