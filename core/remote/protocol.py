"""What travels between ``learn-tui attach`` and a ``--serve`` run, besides the records: the address, the token,
the client's hello and requests (plain JSON objects checked against ``REQUESTS``), and the size limits.

Why JSON lines over asyncio streams: both ends are this program, the records are small plain data, and the
standard library frames, buffers and bounds lines (``StreamReader``'s ``limit``) with no new dependency;
ZeroMQ or websockets would bring one (and a C extension or an HTTP stack) for nothing these need.
"""

from __future__ import annotations

import hmac
import json
import os
from pathlib import Path
from typing import Any

from core.base.i18n import pick
from core.driver import api

PROTOCOL = 1
REQUEST_LIMIT = 64 * 1024  # bytes in one line from a client: a request is a few dozen
RECORD_LIMIT = 16 * 1024 * 1024  # bytes in one line from the server: a frame with a big model's snapshot
HELLO_TIMEOUT = 10.0  # seconds a new connection has to present its token
HEARTBEAT = 2.0  # seconds: each side with nothing else to send writes an empty line, so silence means a lost line

# Each request a client may send (``core/driver/api.py`` declares them): its arguments and what each may be.
REQUESTS: dict[str, dict[str, tuple[Any, ...]]] = {name: request.args for name, request in api.REQUESTS.items()}
ANSWERED = frozenset(name for name, request in api.REQUESTS.items() if request.answered)  # a dialog waits (an ``id``)


WRONG_TOKEN = ("wrong token", "令牌错误")  # how a refusal for a wrong token starts, in each language


class ProtocolError(ValueError):
    """A client's line that is not a request of ``REQUESTS``: refused in one line."""


def check_request(data: Any) -> tuple[str, dict[str, Any], int | None]:
    """(request name, its arguments, its id) from a decoded line, or ``ProtocolError`` saying what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("do"), str):
        raise ProtocolError(pick('a request is an object with "do"', '请求是一个带 "do" 的对象'))
    name, args, ident = data["do"], data.get("args", {}), data.get("id")
    request = api.REQUESTS.get(name)
    if request is None:
        raise ProtocolError(pick(f"unknown request {name[:40]!r}", f"未知的请求 {name[:40]!r}"))
    expected = request.args
    if not isinstance(args, dict) or not set(expected) - set(request.defaults) <= set(args) <= set(expected):
        takes = ", ".join(expected)
        raise ProtocolError(pick(f"{name} takes {takes or 'no arguments'}", f"{name} 的参数是 {takes or '（无）'}"))
    args = {**request.defaults, **args}
    for key, allowed in expected.items():
        if key in args and not _fits(args[key], allowed):
            raise ProtocolError(pick(f"{name}: a bad {key}", f"{name}：{key} 的值不对"))
    if ident is not None and (not isinstance(ident, int) or isinstance(ident, bool)):
        raise ProtocolError(pick("a request's id is a number", "请求的 id 必须是数字"))
    return name, args, ident


def check_hello(line: bytes, token: str, attached: str | None) -> tuple[str, str]:
    """(why a connection's first line is refused, or "", and its session); ``attached``: the session of the
    client attached now, if any (the same app reconnecting replaces it; another is refused)."""
    try:
        hello = json.loads(line)
    except (ValueError, RecursionError):  # (a hello nested thousands deep)
        hello = None
    if not isinstance(hello, dict) or not isinstance(hello.get("token"), str):
        return no_hello(), ""
    if hello.get("hello") != PROTOCOL:
        return pick(
            f"this server speaks protocol {PROTOCOL}: attach with the same learn-tui version",
            f"这个服务端使用协议 {PROTOCOL}：请用同一版本的 learn-tui attach",
        ), ""
    if not hmac.compare_digest(hello["token"].encode(), token.encode()):
        return pick(
            f"{WRONG_TOKEN[0]}: use the one the server printed (or its token file)",
            f"{WRONG_TOKEN[1]}：请用服务端打印的令牌（或它的令牌文件）",
        ), ""
    session = str(hello.get("session", ""))
    if attached is not None and (not session or session != attached):
        return pick(
            "another terminal is attached to this run (one at a time): detach it first",
            "已有另一个终端 attach 到这次运行（一次只能一个）：请先让它断开",
        ), ""
    return "", session


def no_hello() -> str:
    """The refusal of a connection whose first line is no hello with a token."""
    return pick("no hello with a token: attach with learn-tui attach", "没有带令牌的问候：请用 learn-tui attach 连接")


def _fits(value: Any, allowed: tuple) -> bool:
    """``allowed`` is types (``bool`` only where named: ``True`` is an int too) or the values themselves."""
    if isinstance(value, bool) and bool not in allowed:
        return False
    if all(isinstance(a, type) for a in allowed):
        return isinstance(value, allowed)
    return value in allowed


def checkpoint_in(text: str, folders: tuple[Path, ...]) -> str | None:
    """The checkpoint a client's ``open`` may name: a name in one of the served run's checkpoint ``folders``
    (the first that has it), or a path that lands directly in one (links followed); else None, the same for a
    path that exists as for one that does not: a client learns nothing of the files elsewhere."""
    given = Path(text)
    bare = len(given.parts) == 1 and not given.is_absolute() and text not in (".", "..")
    try:
        homes = {Path(os.path.realpath(folder)) for folder in folders}
        if bare:
            candidates = [folder / given for folder in folders]
            given = next((path for path in candidates if path.is_file()), candidates[0])
        real = Path(os.path.realpath(given))
    except (OSError, ValueError):  # (a NUL byte, a name too long)
        return None
    if real.parent not in homes:
        return None
    relative = os.path.relpath(real)
    return relative if not relative.startswith("..") else str(real)
