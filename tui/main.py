"""The ``learn-tui`` console script: parses with ``core.front.cli``, opens the app for the commands that want it
and hands the others (list, sample, run --headless) to ``core.front.cli``. The dispatch lives here so that
``core`` never imports the app."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from core.base.i18n import pick
from core.distributed import launched
from core.errors import UsageError
from core.front import cli
from core.front.remote_args import attach_settings


def require_terminal() -> None:
    """The app draws on a terminal and reads its keys: without one it would hang, so say so at once. Under
    torchrun every process would open its own app on the same terminal: say what to run instead."""
    if launched():
        raise UsageError(
            pick(
                "torchrun started this process: the app runs in one process only; add --headless to train on "
                "several (rank 0 can --serve for learn-tui attach), or run learn-tui without torchrun",
                "这个进程是 torchrun 启动的：应用只能在一个进程里运行；要多进程训练请加 --headless"
                "（rank 0 可以加 --serve，供 learn-tui attach 连接），或者不用 torchrun 运行 learn-tui",
            )
        )
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            pick(
                "the app needs a terminal (stdin and stdout are not one here); "
                "to train without it, add --headless: learn-tui run LESSON --headless",
                "应用需要终端（这里的 stdin 和 stdout 都不是终端）；不用终端训练请加 --headless："
                "learn-tui run LESSON --headless",
            )
        )


def open_app(settings: dict[str, Any]) -> int:
    require_terminal()  # before importing Textual
    from tui.app import run_app  # (Textual: never on the headless commands' or a torchrun process's path)

    return run_app(**settings)


def dispatch(argv: Sequence[str]) -> int:
    command = cli.parse(argv)
    if not command.opens_app:
        return cli.run_command(command)
    if command.args.command == "attach":
        settings = attach_settings(command.args, command.rest)
        require_terminal()
        from tui.attach import run_attached  # (Textual, as above)

        return run_attached(**settings)
    return open_app(cli.app_settings(command))


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    return cli.guarded(lambda: dispatch(arguments))


if __name__ == "__main__":
    sys.exit(main())
