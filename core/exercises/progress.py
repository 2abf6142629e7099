"""The per-user record of passed exercises: ``{"passed": {"autograd": [1, 2]}}`` in the data folder (like
MNIST's: ``$LEARN_TUI_DATA`` or the per-user folder), or at ``$LEARN_TUI_PROGRESS``; written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from core.data.paths import data_dir

ENV_VAR = "LEARN_TUI_PROGRESS"
FILE_NAME = "exercises.json"


def progress_path() -> Path:
    override = os.environ.get(ENV_VAR, "").strip()
    return Path(override).expanduser() if override else data_dir() / FILE_NAME


def passed() -> dict[str, list[int]]:
    """Lesson id -> the levels passed; an unreadable record reads as empty (it is only a record)."""
    try:
        data = json.loads(progress_path().read_text(encoding="utf-8"))
        return {str(k): sorted({int(v) for v in levels}) for k, levels in data.get("passed", {}).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def record_pass(lesson: str, level: int) -> Path:
    path = progress_path()
    record = passed()
    record[lesson] = sorted(set(record.get(lesson, [])) | {level})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".exercises-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"passed": record}, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
