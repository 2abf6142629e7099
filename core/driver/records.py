"""What the driver emits besides frames: plain, frozen records for the sink (the app or the server).

``reply_to`` in ``Answer`` is whatever the asker passed with its request (a dialog in the app, a request
number on the wire): the driver never looks inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from core.lesson import Lesson

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class LessonReady:
    """The lesson module was imported (torch is loaded): its code, notes, views and controls are known."""

    lesson: Lesson


@dataclass(frozen=True)
class Notice:
    """A one-line result for the learner: a checkpoint saved, a rejected value, an option switched."""

    text: str
    severity: Severity = "information"
    title: str = ""
    path: str = ""  # the checkpoint a save wrote (the attached app's open dialog offers it)


@dataclass(frozen=True)
class ActionDone:
    """A lesson action's plain-data result (the app writes it as a readable line), under ``title``."""

    result: Any
    title: str = ""


@dataclass(frozen=True)
class Failure:
    """An error the learner should read in full (a lesson file's traceback, or a bug)."""

    message: str
    details: str = ""
    title: str = "Error"


@dataclass(frozen=True)
class Answer:
    """The answer to a request that asked to be answered: ``error`` is empty when it was applied, else the
    one line saying why not."""

    what: str  # what was asked: an option's name, an action's, "lr", "open"
    error: str = ""
    reply_to: Any = None


def option_word(value: Any) -> str:
    """How an option's value reads in a notice: ``on``/``off`` for a switch, else the value."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return repr(value) if value == "" else str(value)


Unit = Literal["phase", "step", "epoch", "line"]  # what n, . and e advance by; i: one source line


@dataclass(frozen=True)
class LineStop:
    """Where a line step stopped (i): before this line of the lesson's own code ran, in that function (the loop's
    ``train``, the model's ``forward``, a helper of the lesson's file)."""

    file: str
    function: str
    line: int
