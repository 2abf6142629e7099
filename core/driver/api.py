"""The one driver interface: what a training view asks of a training driver, in this process
(``core/driver/driver.py``) or in another one across the wire (``tui/driver/remote.py``), declared once.

``REQUESTS`` is each request a learner can make: its arguments (the types or the values each may take: the wire
checks a client's line against them, ``core/remote/protocol.py``), whether a dialog waits for its answer, and how
that answer names it. ``DriverApi`` is the Protocol both drivers implement; each request of the table is one
method of it whose body hands its name and arguments to the driver's ``request`` (``refresh`` and ``needs``, which
only steer the frames, each driver implements itself). The server hands a client's request to the method of that
name (``relay``). ``tests/test_driver_api.py`` checks the methods, ``RunControl``'s and the wire's table against
``REQUESTS``: adding a request is one entry and one method here, and what it does in ``RunControl``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

from core.driver.frames import Frame, Needs
from core.driver.records import ActionDone, Answer, Failure, LessonReady, Notice, Unit

# Everything a driver emits: its sink gets these (the app posts them to the screen, the server sends them).
Record = Frame | LessonReady | Notice | ActionDone | Failure | Answer
Sink = Callable[[Record], None]

UNITS: tuple[Unit, ...] = ("phase", "step", "epoch", "line")
TEXT, NUMBER, VALUE, FLAG = (str,), (str, int, float), (str, int, float, bool), (bool,)
MAYBE_TEXT = (str, type(None))


@dataclass(frozen=True)
class Request:
    """One request: ``args`` maps each argument to the types its value may have (``bool`` only where named: True
    is an int too) or to the values themselves; ``what`` names it in its answer and in a failure's title (a word,
    or ``{argument}``: that argument's value); ``defaults``: the arguments a client may leave out."""

    args: dict[str, tuple[Any, ...]]
    what: str
    answered: bool = False  # a dialog waits for its answer (``reply_to``; an ``id`` on the wire)
    defaults: dict[str, Any] = field(default_factory=dict)


REQUESTS: dict[str, Request] = {
    "toggle": Request({}, "run/pause"),
    "advance": Request({"unit": UNITS}, "{unit}"),
    "nudge_lr": Request({"direction": (1, -1)}, "lr"),
    "set_lr": Request({"value": NUMBER}, "lr", answered=True),
    "set_option": Request({"name": TEXT, "value": VALUE}, "{name}", answered=True),
    "toggle_option": Request({"name": TEXT}, "{name}"),
    "reset": Request({}, "reset"),
    # (a client of before the path left it out: its ctrl+s saves in the run's folder, as it did)
    "save": Request({"path": MAYBE_TEXT}, "save", defaults={"path": None}),
    "open": Request({"path": TEXT}, "open", answered=True),
    "call": Request({"action": TEXT, "argument": MAYBE_TEXT, "description": TEXT}, "{description}", answered=True),
    "set_break": Request({"text": TEXT}, "break", answered=True),
    "refresh": Request({}, "refresh"),
    # (a client of before the Variables and Model tabs leaves those out: they are off for it)
    "needs": Request(
        {f.name: MAYBE_TEXT if f.name == "full" else FLAG for f in fields(Needs)},
        "needs",
        defaults={"variables": False, "full": None, "model": False},
    ),
}
OWN = frozenset({"refresh", "needs"})  # each driver implements these itself: they steer its frames, not the run


def what(name: str, args: dict[str, Any]) -> str:
    """How the answer to request ``name`` (and its failure's title) names it: "lr", an option's name, ..."""
    return REQUESTS[name].what.format(**args)


class DriverApi(Protocol):
    """A training driver, as the training view (``TrainingScreen``) and the server use it. A request is queued (or
    sent) and applied later, between two events; a request that passes ``reply_to`` gets an ``Answer`` carrying it
    back (the in-process driver posts it to that dialog as a ``RequestDone``; on the wire it is the request's id)."""

    @property
    def needs(self) -> Needs:
        """What the visible panels need in a frame (the screen sets it when the tab changes)."""
        ...

    @needs.setter
    def needs(self, needs: Needs) -> None: ...

    @property
    def stopped(self) -> bool:
        """``stop`` was called: ``run`` returns (or has returned)."""
        ...

    @property
    def idle(self) -> bool:
        """Nothing queued and not training: the last frame shows where the run stands."""
        ...

    @property
    def last_saved(self) -> str | None:
        """The latest checkpoint this run wrote (the open dialog offers it)."""
        ...

    def run(self) -> None:
        """The driver's work (training, or the connection), in a thread of its own, until ``stop``."""
        ...

    def stop(self) -> None: ...

    def frame_done(self) -> None:
        """The last frame was drawn: the next one may be built."""
        ...

    def refresh(self) -> None:
        """The next frame carries a snapshot and the history (a panel that needs them became visible)."""
        ...

    def request(self, name: str, args: dict[str, Any], reply_to: Any = None) -> None:
        """Queue (or send) request ``name`` of ``REQUESTS`` with its arguments; every method below calls this."""
        ...

    # -- the requests of REQUESTS, each handed to ``request`` by name ------------------------------------------
    def toggle(self) -> None:
        self.request("toggle", {})

    def advance(self, unit: Unit) -> None:
        self.request("advance", {"unit": unit})

    def nudge_lr(self, direction: int) -> None:
        self.request("nudge_lr", {"direction": direction})

    def set_lr(self, value: float | str, reply_to: Any = None) -> None:
        self.request("set_lr", {"value": value}, reply_to)

    def set_option(self, name: str, value: Any, reply_to: Any = None) -> None:
        self.request("set_option", {"name": name, "value": value}, reply_to)

    def toggle_option(self, name: str) -> None:
        self.request("toggle_option", {"name": name})

    def reset(self) -> None:
        self.request("reset", {})

    def save(self, path: str | None = None) -> None:
        self.request("save", {"path": path})

    def open(self, path: str, reply_to: Any = None) -> None:
        self.request("open", {"path": path}, reply_to)

    def call(self, action: str, argument: str | None, description: str, reply_to: Any = None) -> None:
        self.request("call", {"action": action, "argument": argument, "description": description}, reply_to)

    def set_break(self, text: str, reply_to: Any = None) -> None:
        self.request("set_break", {"text": text}, reply_to)


def relay(driver: DriverApi, name: str, args: dict[str, Any], reply_to: Any = None) -> None:
    """Hand a request a client sent (checked against ``REQUESTS``) to ``driver``'s method of that name."""
    if name == "needs":
        driver.needs = Needs(**args)
        driver.refresh()  # a whole frame for what the client shows now
        return
    method = getattr(driver, name)  # (every name of REQUESTS is a method of DriverApi: tests/test_driver_api.py)
    method(**args, **({"reply_to": reply_to} if REQUESTS[name].answered else {}))
