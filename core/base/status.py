"""Where a run stands: one ``Status`` for the trainer, headless mode, the driver, the frames and the keys.

The trainer's words are ``ready``, ``running``, ``finished``, ``diverged`` and ``crashed``; the app's driver
adds ``paused`` (a run that is not being pulled), ``loading``, ``failed`` (the lesson could not be loaded) and
``needs data`` (the lesson stopped on a ``DataError``: a data folder to give, not a bug to fix).
``Status`` is a ``str``, so a status still compares equal to its word and prints as it.
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    READY = "ready"  # a run that has not moved yet: the app shows it as paused
    LOADING = "loading"  # the lesson (and torch) are being imported
    FAILED = "failed"  # the lesson could not be loaded or its first run could not be built
    PAUSED = "paused"
    RUNNING = "running"
    FINISHED = "finished"
    DIVERGED = "diverged"
    CRASHED = "crashed"
    NEEDS_DATA = "needs data"  # the lesson's data are missing or damaged: the app asks for the folder

    def __str__(self) -> str:  # the word, in f-strings and str() alike (Python 3.10 and 3.11+)
        return self.value


ENDED = frozenset({Status.FINISHED, Status.DIVERGED, Status.CRASHED})  # the trainer stopped the run itself
STARTED = frozenset({Status.PAUSED, Status.RUNNING, *ENDED})  # a run exists: the learner can act on it
MOVABLE = frozenset({Status.PAUSED, Status.RUNNING, Status.DIVERGED})  # space runs or pauses it
STEPPABLE = frozenset({Status.PAUSED, Status.DIVERGED})  # n, ., e step it
SAVABLE = STARTED - {Status.CRASHED}
ALERTS = frozenset({Status.DIVERGED, Status.CRASHED, Status.FAILED, Status.NEEDS_DATA})  # the message line turns red
