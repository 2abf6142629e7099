"""``learn-tui run LESSON --headless --serve [HOST:]PORT``: the headless run, steered by the app's own driver.

The run trains at once, in the loop of every headless run (``core/front/headless.py``: ``train``, in the main
thread), and prints as any headless run (the same lines or JSON, the same exit statuses, ctrl+c stopping at a
step boundary and saving); the driver applies the requests of one ``learn-tui attach`` at a time between two
events, and its records go to the server, where that client watches. The run ends as a headless run does
(finished, diverged, crashed, ctrl+c), whoever is attached; the client is told why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.base.i18n import pick
from core.driver.driver import Driver
from core.engine import catalog
from core.errors import LearnTuiError
from core.front.report import ended_words, note
from core.remote import address
from core.remote.messages import Welcome
from core.remote.server import NOBODY, Server

CHECKPOINTS = "checkpoints"  # where the driver's save puts a checkpoint given no path (ctrl+s)

if TYPE_CHECKING:
    from core.base.settings import RunSettings
    from core.engine.trainer import Trainer
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
    """Where this run's checkpoints are, the only folders a client's ``open`` reads and ``save`` writes:
    ``checkpoints/`` (where ctrl+s saves) and ``--save``'s folder."""
    saved = (Path(args.save).expanduser().parent,) if getattr(args, "save", None) else ()
    return tuple(dict.fromkeys((Path(CHECKPOINTS), *saved)))


@contextmanager
def serving(lesson: Lesson, args: Any, settings: RunSettings, trainer: Trainer) -> Iterator[Driver]:
    """Serve the run while the block trains it (``headless.train`` with the driver given here, which applies an
    attached client's requests); when the block ends, the client is told why the run ended and the server closes.
    The driver's ``trainer`` is the run's at the end (a client may have reset it or opened a checkpoint)."""
    host, port = address.parse_address(args.serve, "--serve")
    token = address.new_token()
    server = Server(welcome_for(lesson, str(args.lesson)), token, host, port, say, checkpoint_folders(args))
    trainer.prime()  # a set-up that fails does so before anything is served, as in any headless run
    driver = Driver(server.publish, lesson, settings, paused=False, trainer=trainer)
    driver.needs = NOBODY
    server.driver = driver
    port = server.start()
    token_file = address.write_token(token, port)
    where = f"{host}:{port}"
    say(
        pick(
            f"serving on {where}; token {token} (also in {token_file}, readable only by you)",
            f"正在 {where} 上提供服务；令牌 {token}（也在 {token_file} 中，只有你能读）",
        )
    )
    say(
        pick(
            f"attach with: learn-tui attach {where}   (from another machine: copy the token into a file only you "
            f"can read and pass --token-file FILE, or set {address.TOKEN_VARIABLE})",
            f"连接方式：learn-tui attach {where}   （从另一台机器：把令牌复制到一个只有你能读的文件里，"
            f"再传 --token-file FILE，或设置 {address.TOKEN_VARIABLE}）",
        )
    )
    reason = pick("the run was interrupted", "运行被中断")
    try:
        yield driver
        current = driver.trainer or trainer
        if current.ended is not None:  # (else ctrl+c stopped it at a step boundary)
            reason = pick(
                f"the run {ended_words(current.ended, current.step)}", f"运行{ended_words(current.ended, current.step)}"
            )
    except LearnTuiError:
        reason = pick("the lesson crashed", "课程崩溃了")
        raise
    except Exception:  # (a bug: its traceback follows, as in any headless run)
        reason = pick("the run stopped on an error", "运行因错误停止")
        raise
    finally:
        driver.stop()
        token_file.unlink(missing_ok=True)  # first: whatever the network does, no stale token is left
        server.close(pick(f"{reason}; the server closed", f"{reason}；服务端已关闭"))
