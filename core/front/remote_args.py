"""The command line of serving and attaching: ``run ... --serve [HOST:]PORT`` and ``attach [HOST:]PORT``
(``core/front/cli.py`` calls these; ``tui/main.py`` opens the attached app)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from core.base.i18n import pick
from core.errors import UsageError
from core.remote import address


def add_serve_argument(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--serve",
        metavar="[HOST:]PORT",
        help="with --headless: also serve the run to learn-tui attach (127.0.0.1 unless a host is given; "
        "port 0 picks a free one)",
    )


def add_attach_parser(commands: Any, arguments: bool = True) -> Any:
    """``learn-tui attach``; ``arguments=False``: its name and help only (a command line that does not name it)."""
    attach = commands.add_parser("attach", help="watch and steer a run started with run --headless --serve")
    if not arguments:
        return attach
    attach.add_argument("address", metavar="[HOST:]PORT", help="where the run serves (it printed it at start)")
    token = attach.add_mutually_exclusive_group()
    token.add_argument(
        "--token-file",
        metavar="FILE",
        help=f"a file holding the token the run printed (default: ${address.TOKEN_VARIABLE}, else the run's "
        "own token file on this machine)",
    )
    token.add_argument(
        "--token", help="the token itself (other users of this machine can see it in ps: prefer --token-file)"
    )
    return attach


def check_serve(args: argparse.Namespace) -> None:
    if getattr(args, "serve", None) is None:
        return
    if not args.headless:
        raise UsageError(
            pick(
                "--serve is for headless runs: learn-tui run LESSON --headless --serve PORT",
                "--serve 只用于无界面运行：learn-tui run LESSON --headless --serve PORT",
            )
        )
    address.parse_address(args.serve, "--serve")


def attach_settings(args: argparse.Namespace, rest: list[str]) -> dict[str, Any]:
    """``tui.attach.run_attached``'s arguments: the address and the token (given, from a file, or the server's
    own token file when it runs on this machine)."""
    if rest:
        extra = " ".join(rest)
        raise UsageError(
            pick(
                f"unrecognized arguments: {extra} (see: learn-tui attach --help)",
                f"无法识别的参数：{extra}（参见 learn-tui attach --help）",
            )
        )
    host, port = address.parse_address(args.address, "attach")
    if port == 0:
        raise UsageError(
            pick(
                "attach to the port the run printed (it serves on one port, not 0)",
                "请 attach 到运行打印出的端口（它只在一个端口上服务，不是 0）",
            )
        )
    from_file = False
    if args.token is not None:
        token = args.token
    elif args.token_file is not None:
        token = address.read_token(args.token_file)
    elif os.environ.get(address.TOKEN_VARIABLE):
        token = os.environ[address.TOKEN_VARIABLE].strip()
    elif address.token_path(port).is_file():
        token, from_file = address.read_token(address.token_path(port)), True
    else:
        raise UsageError(
            pick(
                f"no token for port {port} on this machine: put the one the run printed in a file and pass "
                f"--token-file FILE (or set {address.TOKEN_VARIABLE})",
                f"本机没有端口 {port} 的令牌：把运行打印出的令牌放进一个文件，再传 "
                f"--token-file FILE（或设置 {address.TOKEN_VARIABLE}）",
            )
        )
    return {"host": host, "port": port, "token": token, "token_from_file": from_file}
