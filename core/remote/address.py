"""Where a ``--serve`` run listens and the token that lets a client in: ``[HOST:]PORT``, the token file (0600) and
``$LEARN_TUI_TOKEN``. Standard library only: the command line reads these before anything else is imported."""

from __future__ import annotations

import os
from pathlib import Path

from core.base.i18n import pick
from core.errors import UsageError

TOKEN_VARIABLE = "LEARN_TUI_TOKEN"  # the token for attach, kept off the command line (which ps shows)


def parse_address(text: str, flag: str) -> tuple[str, int]:
    """``PORT`` (on 127.0.0.1) or ``HOST:PORT``; port 0 asks the system for a free one."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or int(port) > 65535:
        raise UsageError(
            pick(
                f"{flag} takes [HOST:]PORT, e.g. 8765 or 0.0.0.0:8765 (got {text!r})",
                f"{flag} 需要 [HOST:]PORT，例如 8765 或 0.0.0.0:8765（收到 {text!r}）",
            )
        )
    return host, int(port)


def new_token() -> str:
    import secrets  # (it imports hashlib and OpenSSL, ~3 ms: only a served run makes a token, off the app's start-up)

    return secrets.token_urlsafe(24)


def token_path(port: int) -> Path:
    """Where a server on ``port`` writes its token, and where ``attach`` looks when given none."""
    base = os.environ.get("XDG_RUNTIME_DIR") or str(Path.home() / ".cache")
    return Path(base) / "learn-tui" / f"serve-{port}.token"


def write_token(token: str, port: int) -> Path:
    """The token in a file only this user can read (0600, in a 0700 folder): for scripts and ``attach``."""
    path = token_path(port)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a file left by a crashed server keeps no wider mode
        os.write(fd, (token + "\n").encode())
    finally:
        os.close(fd)
    os.replace(temporary, path)  # whole: a reader never sees it empty or half written
    return path


OS_ZH = {FileNotFoundError: "文件不存在", PermissionError: "没有权限", IsADirectoryError: "这是一个文件夹"}


def read_token(path: str | Path) -> str:
    try:
        token = Path(path).expanduser().read_text().strip()
    except OSError as exc:
        raise UsageError(
            pick(
                f"cannot read the token file {path}: {exc.strerror}; pass --token or --token-file",
                f"无法读取令牌文件 {path}：{OS_ZH.get(type(exc), exc.strerror)}；请传 --token 或 --token-file",
            )
        ) from None
    if not token:
        raise UsageError(
            pick(
                f"the token file {path} is empty; pass the token the server printed with --token",
                f"令牌文件 {path} 是空的；请用 --token 传入服务端打印的令牌",
            )
        )
    return token
