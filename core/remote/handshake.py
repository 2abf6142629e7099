"""The first exchange of each connection ``learn-tui attach`` makes: connect, say hello with the token, and read
the server's first record, which must be a ``Welcome`` or a ``Refused``. A peer that answers anything else (an
HTTP server, garbage, a line without end, a close) is not a learn-tui run; one that says nothing in time is
given up on. ``why_not`` is the one line ``attach`` prints for each of these.
"""

from __future__ import annotations

import asyncio
from typing import Any

from core.base.i18n import pick
from core.errors import LearnTuiError
from core.remote import protocol
from core.remote.codec import CodecError, decode
from core.remote.lesson_check import shown
from core.remote.messages import Refused, Welcome

Reached = tuple[asyncio.StreamReader, asyncio.StreamWriter, Any]  # a connection and the server's first record


class AttachError(LearnTuiError):
    """The first connection did not reach a learn-tui run: one line, exit 1."""


class NotAServer(Exception):
    """The peer answered with something a learn-tui server never sends first."""


async def handshake(host: str, port: int, hello: bytes, within: float) -> Reached:
    """The connection and the server's first record within ``within`` seconds; else ``TimeoutError``,
    ``OSError`` or ``NotAServer`` (and the connection closed)."""
    opened: list[asyncio.StreamWriter] = []
    try:
        return await asyncio.wait_for(_exchange(host, port, hello, opened), within)
    except BaseException:
        for writer in opened:
            close(writer)
        raise


async def _exchange(host: str, port: int, hello: bytes, opened: list[asyncio.StreamWriter]) -> Reached:
    reader, writer = await asyncio.open_connection(host, port, limit=protocol.RECORD_LIMIT)
    opened.append(writer)
    writer.write(hello)
    try:
        while (line := await reader.readline()) == b"\n":
            pass  # (a heartbeat)
    except ValueError:  # (a line over the limit)
        raise NotAServer(
            pick(f"it sent a line over {protocol.RECORD_LIMIT} bytes", f"它发来一行超过 {protocol.RECORD_LIMIT} 字节")
        ) from None
    if not line:
        raise NotAServer(pick("it closed the connection without a word", "它一言不发就关闭了连接"))
    try:
        record = decode(line)
    except CodecError:
        answer = shown(line.decode(errors="replace").strip(), 60)
        raise NotAServer(pick(f"it answered '{answer}'", f"它的回答是 '{answer}'")) from None
    if not isinstance(record, (Welcome, Refused)):
        kind = type(record).__name__
        raise NotAServer(pick(f"it answered with a {kind} before any welcome", f"它在欢迎之前先回了一个 {kind}"))
    return reader, writer, record


def why_not(exc: BaseException, address: str, within: float) -> str:
    """The one line for a first connection that did not reach a learn-tui run."""
    if isinstance(exc, ConnectionRefusedError):
        return pick(
            f"nothing listens on {address} (connection refused): attach to the port the run printed",
            f"{address} 上没有程序在监听（连接被拒绝）：请 attach 到运行打印出的端口",
        )
    if isinstance(exc, TimeoutError):
        return pick(
            f"{address} did not answer as a learn-tui run within {within:g} s: is the address right?",
            f"{address} 在 {within:g} 秒内没有像 learn-tui 运行那样应答：地址对吗？",
        )
    if isinstance(exc, NotAServer):
        return pick(f"{address} is not a learn-tui run: {exc}", f"{address} 不是 learn-tui 运行：{exc}")
    why = getattr(exc, "strerror", None) or exc
    return pick(f"cannot reach {address} ({why})", f"无法连接 {address}（{why}）")


def close(writer: asyncio.StreamWriter) -> None:
    writer.transport.abort()  # (no flush: nothing more is owed to this peer)
