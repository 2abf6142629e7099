"""The records only the wire has: the server's greeting, its refusal of a client, and its goodbye."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Welcome:
    """Sent once a client's token is accepted: which lesson runs there, so the client loads its own copy."""

    lesson: str  # the lesson's id, or the path of its file on the server's machine
    sha256: str | None = None  # a lesson file's digest: the client opens its file only if it matches
    protocol: int = 1


@dataclass(frozen=True)
class Refused:
    """One line saying why the server will not take this client's connection or message; it then closes."""

    reason: str


@dataclass(frozen=True)
class Bye:
    """The run ended (finished, diverged, interrupted): the server closes; the client stops retrying."""

    reason: str
