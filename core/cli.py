"""The ``learn-tui`` command line: ``list``, ``run`` (headless or in the app) and ``sample``.

A stable contract that scripts rely on (see README.md): bad arguments exit with status 2 and one
line on stderr that names the fix; ``run --json`` prints only JSON objects on stdout, one per line.
Exit status: 0 done, 1 the lesson failed (its traceback on stderr), 2 bad usage, 3 the run diverged,
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

from core.errors import LearnTuiError, UsageError

EXIT_FAILED, EXIT_USAGE, EXIT_DIVERGED, EXIT_INTERRUPTED = 1, 2, 3, 130


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line, as a UsageError."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see: {self.prog} --help)")


def build_parser() -> Parser:
    parser = Parser(prog="learn-tui", allow_abbrev=False, description="Learn PyTorch by watching real training loops run.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    listing = commands.add_parser("list", help="list the lessons")
    listing.add_argument("--json", action="store_true", help="one JSON object per lesson")
    run = commands.add_parser("run", help="train a lesson (in the app, or --headless)", allow_abbrev=False,
                              add_help=False, usage="learn-tui run LESSON [options] [lesson options]")
    run.add_argument("lesson", nargs="?", help="a lesson id (see learn-tui list) or a path to a lesson .py file")
    run.add_argument("-h", "--help", action="store_true", help="show this help and the lesson's own options")
    budget = run.add_mutually_exclusive_group()
    budget.add_argument("--steps", help="stop after this many steps (batches) in all")
    budget.add_argument("--epochs", help="stop after this many epochs in all")
    run.add_argument("--lr", help="learning rate, a positive number such as 0.01")
    run.add_argument("--seed", default="0", help="random seed (default 0)")
    run.add_argument("--device", default="cpu", choices=("cpu", "cuda", "auto"), help="where to train")
    run.add_argument("--headless", action="store_true", help="train without the app, print progress and results")
    run.add_argument("--json", action="store_true", help="with --headless: one JSON object per step, then a summary")
    run.add_argument("--save", metavar="PATH", help="save a checkpoint here when the run ends")
    run.add_argument("--resume", metavar="PATH", help="continue from a checkpoint saved with --save or ctrl+s")
    sample = commands.add_parser("sample", help="generate text from a char-gpt checkpoint")
    try:
        from core import sample_cli
    except ImportError:  # the GPT lesson is not installed
        sample_cli = None
    if sample_cli is not None:
        sample_cli.add_arguments(sample)
    return parser


def lesson_option_parser(lesson: Any) -> Parser:
    """A parser for one lesson's own options (``--optimizer SGD``, ``--data-dir PATH``, ...)."""
    parser = Parser(prog=f"learn-tui run {lesson.id}", add_help=False, allow_abbrev=False)
    for option in lesson.options:
        extra = {"nargs": "?", "const": "true"} if isinstance(option.default, bool) else {}
        parser.add_argument(option.flag, dest=option.name, default=None, help=option.help, **extra)
    return parser


def parse_lesson_options(lesson: Any, rest: Sequence[str]) -> dict[str, Any]:
    if not rest:
        return {}
    flags = " ".join(o.flag for o in lesson.options) or "none"
    parser = lesson_option_parser(lesson)
    values, unknown = parser.parse_known_args(list(rest))
    if unknown:
        raise UsageError(f"lesson {lesson.id} does not take {' '.join(unknown)}; its own options are: {flags}")
    overrides = {k: v for k, v in vars(values).items() if v is not None}
    lesson.config(overrides)  # raises UsageError for a bad value, e.g. an unknown optimizer
    return overrides


def check_run_arguments(args: argparse.Namespace) -> None:
    """Everything that can be checked without importing the lesson (so the app still starts at once)."""
    from core import catalog
    from core.lesson import parse_count, parse_lr

    if args.lr is not None:
        args.lr = parse_lr(args.lr)
    if args.steps is not None:
        args.steps = parse_count(args.steps, "--steps")
    if args.epochs is not None:
        args.epochs = parse_count(args.epochs, "--epochs")
    try:
        args.seed = int(args.seed)
    except ValueError:
        raise UsageError(f"--seed must be a whole number like 0, got {args.seed!r}") from None
    if args.json and not args.headless:
        args.headless = True  # --json only makes sense without the app
    if args.resume is not None and not Path(args.resume).expanduser().is_file():
        raise UsageError(f"no checkpoint at {args.resume}; check the path")
    if catalog.is_path(args.lesson):
        if not Path(args.lesson).expanduser().is_file():
            raise UsageError(f"no lesson file at {args.lesson}; check the path (or see learn-tui list)")
    else:
        catalog.find(args.lesson)


def command_list(args: argparse.Namespace) -> int:
    import json

    from core import catalog

    for info in catalog.catalog():
        lecture = f"lecture {info.lecture}" if info.lecture is not None else "beyond the course"
        if args.json:
            print(json.dumps({"id": info.id, "title": info.title, "lecture": info.lecture}))
        else:
            print(f"{info.id:<22} {info.title:<48} {lecture}")
    return 0


def format_lesson_options(options: Sequence[Any]) -> str:
    """Flags with their defaults in one column, the help beside them wrapped to the terminal's width."""
    import shutil
    import textwrap

    flags = [f"{option.flag} {option.default!r}" for option in options]
    width = min(max(map(len, flags)) + 2, 30)
    room = max(shutil.get_terminal_size().columns - width - 2, 30)
    lines = []
    for flag, option in zip(flags, options):
        choices = f" (one of {', '.join(map(str, option.choices))})" if option.choices else ""
        wrapped = textwrap.wrap(option.help + choices, room) or [""]
        first = f"  {flag:<{width}}" if len(flag) < width else f"  {flag}\n  {'':<{width}}"
        lines.append(first + wrapped[0])
        lines.extend(f"  {'':<{width}}{rest}" for rest in wrapped[1:])
    return "\n".join(lines)


def command_run(args: argparse.Namespace, rest: Sequence[str], parser: Parser) -> int:
    from core import catalog

    if args.help:
        run_parser = parser._subparsers._group_actions[0].choices["run"]  # type: ignore[union-attr]
        print(run_parser.format_help())
        if args.lesson:
            lesson = catalog.load(args.lesson)
            print(f"options of {lesson.id} (flag and default, then what it does):")
            print(format_lesson_options(lesson.options) if lesson.options else "  none")
        return 0
    if args.lesson is None:
        raise UsageError("name a lesson: learn-tui run LESSON (see learn-tui list)")
    check_run_arguments(args)
    if args.resume is not None and rest:
        raise UsageError("a resumed run keeps the options it was saved with; drop " + " ".join(rest))
    if not args.headless:
        overrides = parse_lesson_options(catalog.load(args.lesson), rest) if rest else {}
        from tui.app import run_app

        return run_app(args.lesson, options=overrides, lr=args.lr, seed=args.seed, device=args.device,
                       steps=args.steps, epochs=args.epochs, resume=args.resume)
    from core.headless import run_headless

    lesson = catalog.load(args.lesson)
    return run_headless(lesson, args, parse_lesson_options(lesson, rest))


def main(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args, rest = parser.parse_known_args(list(argv))
        if args.version:
            from importlib.metadata import version

            print(f"learn-tui {version('learn-tui')}")
            return 0
        if args.command is None:
            if rest:
                raise UsageError(f"unknown command {' '.join(rest)}; use learn-tui list, run or sample")
            from tui.app import run_app

            return run_app(None)
        if args.command == "run":
            return command_run(args, rest, parser)
        if rest:
            raise UsageError(f"unrecognized arguments: {' '.join(rest)} (see: learn-tui {args.command} --help)")
        if args.command == "list":
            return command_list(args)
        from core import sample_cli

        return sample_cli.run(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except UsageError as exc:
        print(f"learn-tui: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LearnTuiError as exc:
        if exc.details:
            print(exc.details.rstrip(), file=sys.stderr)
        print(f"learn-tui: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
