"""``learn-tui run LESSON --headless --serve [HOST:]PORT``: the headless run, driven by the app's own driver.

The run trains at once (the driver unpaused, in the main thread) and prints as any headless run (the same
lines or JSON, the same exit statuses, ctrl+c stopping at a step boundary and saving); the driver's records
also go to the server, where one ``learn-tui attach`` at a time watches and steers it. The run ends as a
headless run does (finished, diverged, crashed, ctrl+c), whoever is attached; the client is told why.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.base.events import Diverged, Finished, Progress
from core.driver.driver import Driver
from core.engine import catalog
from core.front.report import ended_words, note
from core.remote import protocol
from core.remote.messages import Welcome
from core.remote.server import NOBODY, Server

CHECKPOINTS = "checkpoints"  # where the driver's save puts a checkpoint given no path (ctrl+s)

if TYPE_CHECKING:
    from core.base.events import Event
    from core.base.settings import RunSettings
    from core.engine.trainer import Trainer
    from core.front.ctrl_c import StopAtStepBoundary
    from core.lesson import Lesson


def say(text: str) -> None:
    """The server's lines (any thread): one ``learn-tui:`` line on stderr, below the progress."""
    note(None, text)


def welcome_for(lesson: Lesson, given: str) -> Welcome:
    """A built-in lesson by its id; a lesson file by its path and digest (the client opens its own copy)."""
    if not catalog.is_path(given):
        return Welcome(lesson.id)
    path = Path(given).expanduser().resolve()
    return Welcome(str(path), hashlib.sha256(path.read_bytes()).hexdigest())


def checkpoint_folders(args: Any) -> tuple[Path, ...]:
    """Where this run's checkpoints are, the only folders a client's ``open`` reads: ``checkpoints/`` (where
    ctrl+s saves) and ``--save``'s folder."""
    saved = (Path(args.save).expanduser().parent,) if getattr(args, "save", None) else ()
    return tuple(dict.fromkeys((Path(CHECKPOINTS), *saved)))


def serve_and_train(
    lesson: Lesson, args: Any, settings: RunSettings, trainer: Trainer, output: Any, ctrl_c: StopAtStepBoundary
) -> tuple[Finished | Diverged | None, Trainer]:
    """Train to the end (or ctrl+c's step boundary: None) while serving; the run's trainer at the end (a client
    may have reset the run or opened a checkpoint)."""
    host, port = protocol.parse_address(args.serve, "--serve")
    token = protocol.new_token()
    server = Server(welcome_for(lesson, str(args.lesson)), token, host, port, say, checkpoint_folders(args))
    trainer.prime()  # a set-up that fails does so before anything is served, as in any headless run
    start, stop = trainer.step, {"interrupted": False}
    shown = [trainer.run]  # the run the output shows: a reset makes a new one, an opened checkpoint a new trainer

    def stopping(text: str) -> None:
        note(output, text)
        driver.resume()  # a paused run finishes its step

    def at_boundary() -> None:
        if ctrl_c.at_boundary(driver.trainer, start, stopping):
            stop["interrupted"] = True
            driver.stop()

    def observe(event: Event) -> None:
        current = driver.trainer
        if current is not None and current.run is not shown[0]:
            shown[0] = current.run
            output.follow(current)
        if type(event) is Progress:
            output.event(event)
        at_boundary()

    driver = Driver(
        server.publish,
        lesson,
        settings,
        paused=False,
        trainer=trainer,
        until_end=True,
        observe=observe,
        idle=at_boundary,
    )
    driver.needs = NOBODY
    server.driver = driver
    port = server.start()
    token_file = protocol.write_token(token, port)
    address = f"{host}:{port}"
    say(f"serving on {address}; token {token} (also in {token_file}, readable only by you)")
    say(
        f"attach with: learn-tui attach {address}   (from another machine: copy the token into a file only you "
        f"can read and pass --token-file FILE, or set {protocol.TOKEN_VARIABLE})"
    )
    reason = "the run was interrupted"
    try:
        with ctrl_c:
            driver.run()
        current = driver.trainer or trainer
        ended = None if stop["interrupted"] else current.ended
        if driver.error is not None:
            reason = "the lesson crashed"
        elif ended is not None:
            reason = f"the run {ended_words(ended, current.step)}"
    finally:
        token_file.unlink(missing_ok=True)  # first: whatever the network does, no stale token is left
        server.close(f"{reason}; the server closed")
    if driver.error is not None:
        raise driver.error
    return ended, current
