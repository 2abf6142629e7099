"""Typed errors with messages a learner can act on.

Every error the core raises on purpose is a ``LearnTuiError``: its ``str()`` is one line that says
what went wrong *and what to do*. The CLI prints it without a traceback; the app shows it and keeps
running. Errors that come from a learner's own code carry that code's traceback in ``details``.
"""

from __future__ import annotations

import traceback


class LearnTuiError(Exception):
    """Base class: ``str(err)`` is a one-line message naming the fix."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details  # e.g. a traceback from the learner's own lesson file


class UsageError(LearnTuiError):
    """A bad argument or value: unknown lesson, a learning rate that is not a positive number, ..."""


class LessonFileError(LearnTuiError):
    """A lesson file could not be loaded: missing, a syntax error, or it raised while importing."""


class LessonCrashed(LearnTuiError):
    """The lesson's training loop raised an exception; ``details`` holds the lesson's traceback."""


class CheckpointError(LearnTuiError):
    """A checkpoint could not be saved or loaded; the current run is left untouched."""


class DataError(LearnTuiError):
    """A dataset is missing, corrupt or malformed (the message names the file, row or column)."""


class DeviceError(LearnTuiError):
    """The requested device (e.g. ``cuda``) is not available."""


def lesson_traceback(exc: BaseException, source_file: str) -> str:
    """The traceback of ``exc`` from the lesson's own frames on (the trainer's frames left out)."""
    frames = list(traceback.extract_tb(exc.__traceback__))
    for index, frame in enumerate(frames):
        if source_file and frame.filename == source_file:
            frames = frames[index:]
            break
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc)
    return "Traceback (most recent call last):\n" + "".join(lines)
