"""Which lesson an attached client may load for a server's ``Welcome``: code is never taken from the wire, and
no file is imported because a peer named it.

A ``Welcome`` may name a built-in lesson by its id, or a lesson file by its absolute path together with the
sha256 of a file this machine already has there, which declares ``LESSON = Lesson(...)`` (read without running
it). Anything else is refused in one line, before anything is imported.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from core.base.i18n import pick
from core.engine import catalog
from core.errors import LessonFileError

if TYPE_CHECKING:
    from core.lesson import Lesson
    from core.remote.messages import Welcome

LARGEST = 1_000_000  # bytes: a lesson file is a few kilobytes; a bigger file is not hashed


def shown(text: str, limit: int = 120) -> str:
    """A peer's text for a terminal line: at most ``limit`` characters, control characters escaped."""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)


def lesson_ref(welcome: Welcome) -> str:
    """The built-in lesson id or the lesson file's path this machine may load for ``welcome``; else
    ``LessonFileError``: "the server names X, which is not a lesson this machine has; nothing was loaded"."""
    name = welcome.lesson
    if welcome.sha256 is None:
        if not catalog.is_path(name) and name in {info.id for info in catalog.catalog()}:
            return name
        raise _not_here(
            name,
            "" if catalog.is_path(name) else pick(" (no built-in lesson has that id)", "（没有内置课程用这个 id）"),
        )
    path = Path(name)
    if not path.is_absolute() or path.suffix != ".py" or not path.is_file():
        raise _not_here(
            name,
            pick(
                " (no such lesson file here: attach from the machine that has it)",
                "（这里没有这个课程文件：请从有它的机器 attach）",
            ),
        )
    if path.stat().st_size > LARGEST or hashlib.sha256(path.read_bytes()).hexdigest() != welcome.sha256:
        raise _not_here(
            name, pick(" (the file here differs from the one the run serves)", "（这里的文件与运行提供的不同）")
        )
    try:
        catalog.read_info(path)  # (its source read, never run)
    except (OSError, SyntaxError, ValueError, RecursionError):
        raise _not_here(
            name, pick(" (it defines no LESSON = Lesson(...))", "（它没有定义 LESSON = Lesson(...)）")
        ) from None
    return str(path)


def load_lesson(welcome: Welcome) -> Lesson:
    """The served lesson from this machine, once ``lesson_ref`` allows it."""
    return catalog.load(lesson_ref(welcome))


def _not_here(name: str, why: str) -> LessonFileError:
    return LessonFileError(
        pick(
            f"the server names '{shown(name)}', which is not a lesson this machine has{why}; nothing was loaded",
            f"服务端给出的是 '{shown(name)}'，本机没有这个课程{why}；什么都没有加载",
        )
    )
