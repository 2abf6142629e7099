"""Where datasets live: ``--data-dir``, else ``$LEARN_TUI_DATA``, else a per-user data folder.

The per-user folder is ``$XDG_DATA_HOME/learn-tui`` (``~/.local/share/learn-tui`` by default).
A data folder may be read-only (a shared copy, a mounted volume): loaders read files in place and
write downloads or extracted files only where :func:`writable_dir` says they may.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

ENV_VAR = "LEARN_TUI_DATA"
APP_NAME = "learn-tui"


def user_data_dir() -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/learn-tui`` or ``~/.local/share/learn-tui``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / APP_NAME


def user_cache_dir() -> Path:
    """Where to download when the data folder is read-only: ``$XDG_CACHE_HOME/learn-tui`` or ``~/.cache/learn-tui``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / APP_NAME


def data_dir(option: str | os.PathLike | None = None) -> Path:
    """The data folder a run uses: the ``--data-dir`` option when given, else ``$LEARN_TUI_DATA``, else
    :func:`user_data_dir`."""
    for candidate in (option, os.environ.get(ENV_VAR)):
        if candidate is not None and str(candidate).strip():
            return Path(str(candidate).strip()).expanduser()
    return user_data_dir()


def is_writable(folder: Path) -> bool:
    """True when files can be created in ``folder`` (created if missing); never raises."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def writable_dir(*candidates: Path) -> Path | None:
    """The first candidate folder that can be written to, or None."""
    for folder in candidates:
        if is_writable(folder):
            return folder
    return None


def missing_folders(folder: Path) -> list[Path]:
    """The folders on ``folder``'s path that do not exist yet, outermost first (what a mkdir would make)."""
    missing = []
    while not folder.exists() and not folder.is_symlink() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    return missing[::-1]


def remove_made(folders: list[Path], files: list[Path]) -> None:
    """Undo a failed download: delete ``files`` (what it wrote), then each of ``folders`` (what it created)
    that is left empty, innermost first. Never raises: a clean-up must not hide the error that caused it."""
    for path in files:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            pass
    for folder in sorted(set(folders), key=lambda path: len(path.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only an empty folder
