"""The command line's words for a fix the core leaves to the front end (``in_cli_words``): on the app's start-up
path (``cli.guarded``), so it imports no more than the errors it words."""

from __future__ import annotations

from core.base.i18n import pick
from core.checkpoint.errors import UnusableCheckpoint
from core.errors import LearnTuiError


def save_flag() -> str:
    """How the command line saves a checkpoint: added where one is refused."""
    return pick("with --save PATH", "用 --save PATH")


def in_cli_words(exc: LearnTuiError) -> str:
    """``exc``'s one line, with the command line's own way to do its fix where the core leaves that to the
    front end: a refused checkpoint's "… save one from a run" gets ``(with --save PATH)``."""
    return exc.saying(save_flag()).message if isinstance(exc, UnusableCheckpoint) else exc.message
