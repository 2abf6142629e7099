"""What can be wrong with taking or opening a checkpoint where the fix is something the learner does in a front
end. The message says what is wrong and what to do in a run's terms ("finish this step first", "save one from
a run"); the front end adds how, in its own words (``saying``): the app a key, the command line a flag.
"""

from __future__ import annotations

from typing import TypeVar

from core.base.i18n import pick
from core.errors import CheckpointError

Fixable = TypeVar("Fixable", bound="CheckpointFix")


class CheckpointFix(CheckpointError):
    def saying(self: Fixable, how: str) -> Fixable:
        """This error with a front end's way to do the fix: ``… finish this step first (press n)``."""
        return type(self)(pick(f"{self.message} ({how})", f"{self.message}（{how}）"), self.details)


class MidStep(CheckpointFix):
    """A checkpoint is taken between steps, and a step is in progress: finish it first (in the app: n)."""


class UnusableCheckpoint(CheckpointFix):
    """The path holds no checkpoint this learn-tui can continue (missing, foreign, damaged, of an older
    learn-tui); the message ends by saying to save one from a run (the app: ctrl+s; the command line: --save)."""
