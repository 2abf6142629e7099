"""The ``learn-tui`` command line: ``list``, ``run``, ``compare`` and ``sample``, parsed here for both front ends.

``core`` never imports the app: ``tui/main.py`` (the console script) parses with ``parse``, opens the
app for the commands that want it (``Command.opens_app``, with ``app_settings``) and hands every other
command to ``run_command``. ``main`` runs the headless commands alone (the tests call it).

A stable contract that scripts rely on (see README.md): bad arguments exit with status 2 and one
line on stderr that names the fix; ``run --json`` prints only JSON objects on stdout, one per line.
Exit status: 0 done, 1 the lesson failed (its traceback on stderr), 2 bad usage, 3 the run diverged,
130 interrupted. A reader that stops reading (``| head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from core.base.exits import EXIT_DONE, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE
from core.base.i18n import LANGUAGES, display_width, pad, pick, set_language
from core.engine import catalog
from core.errors import DeviceError, LearnTuiError, UsageError
from core.front import cli_zh
from core.front.args import (
    Parser,
    add_check_arguments,
    add_compare_arguments,
    add_exercise_arguments,
    add_sample_arguments,
    check_data_dir_placement,
    check_run_arguments,
    parse_lesson_options,
    print_help,
    run_settings,
)
from core.front.compare_args import app_variants
from core.front.remote_args import add_attach_parser, add_serve_argument
from core.front.words import in_cli_words


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The whole command line; given ``argv``, a sub-command gets its own arguments only when ``argv`` names it
    (the app's start-up parses a command line without one: ~4 ms of arguments it would not use)."""
    named = None if argv is None else set(argv)

    def wanted(name: str) -> bool:
        return named is None or name in named

    parser = Parser(
        prog="learn-tui", allow_abbrev=False, description="Learn PyTorch by watching real training loops run."
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--lang", choices=LANGUAGES, help="en or zh (default: $LEARN_TUI_LANG, else the locale)")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="the data folder (MNIST/raw/) of lessons opened from the "
        "picker (for one lesson: learn-tui run LESSON --data-dir DIR)",
    )
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    listing = commands.add_parser("list", help="list the lessons")
    run = commands.add_parser(
        "run",
        help="train a lesson (in the app, or --headless)",
        allow_abbrev=False,
        add_help=False,
        usage="learn-tui run LESSON [options] [lesson options]",
    )
    attach = add_attach_parser(commands, arguments=wanted("attach"))
    compare = commands.add_parser(
        "compare",
        help="train variants of a lesson (--optimizer SGD,Adam) and chart them",
        allow_abbrev=False,
        add_help=False,
        usage="learn-tui compare LESSON [options] [lesson options, each a comma list]",
    )
    sample = commands.add_parser("sample", help="generate text from a char-gpt checkpoint")
    exercise = commands.add_parser("exercise", help="write a lesson's loop with lines to fill in (learn-tui check it)")
    check = commands.add_parser("check", help="compare your exercise file with its lesson, phase by phase")
    parser.commands = {
        "list": listing,
        "run": run,
        "compare": compare,
        "sample": sample,
        "exercise": exercise,
        "check": check,
        "attach": attach,
    }
    adding = {
        "list": lambda: listing.add_argument("--json", action="store_true", help="one JSON object per lesson"),
        "run": lambda: add_run_arguments(run),
        "compare": lambda: add_compare_arguments(compare),
        "sample": lambda: add_sample_arguments(sample),
        "exercise": lambda: add_exercise_arguments(exercise),
        "check": lambda: add_check_arguments(check),
    }
    for name, add in adding.items():
        if wanted(name):
            add()
    return parser


def add_run_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument("lesson", nargs="?", help="a lesson id (see learn-tui list) or a path to a lesson .py file")
    run.add_argument("-h", "--help", action="store_true", help="show this help and the lesson's own options")
    budget = run.add_mutually_exclusive_group()
    budget.add_argument("--steps", help="stop after this many steps (batches) in all")
    budget.add_argument("--epochs", help="stop after this many epochs in all")
    run.add_argument("--lr", help="learning rate, a positive number such as 0.01")
    run.add_argument("--seed", help="random seed (default 0; a resumed run keeps its own)")
    run.add_argument("--device", default="cpu", choices=("cpu", "cuda", "auto"), help="where to train")
    run.add_argument("--headless", action="store_true", help="train without the app, print progress and results")
    run.add_argument("--json", action="store_true", help="with --headless: one JSON object per step, then a summary")
    run.add_argument(
        "--vars", action="store_true", help="with --headless: print the loop's variables where the run stops"
    )
    run.add_argument(
        "--save", metavar="PATH", help="with --headless: save a checkpoint here when the run ends or ctrl+c stops it"
    )
    run.add_argument("--resume", metavar="PATH", help="continue from a checkpoint saved with --save or ctrl+s")
    run.add_argument(
        "--until",
        metavar="EXPR",
        help='with --headless: stop at the first step where EXPR holds, e.g. "loss < 0.1 or accuracy > 0.9" (README)',
    )
    run.add_argument("--nproc", metavar="N", help="with --headless: train in N processes (docs/scaling.md)")
    run.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="notes and help in en or zh")
    run.add_argument(
        "--compare",
        metavar="OPTION=V1,V2",
        help="in the app: train a run of each value side by side, same seed, their losses on one chart "
        "(e.g. optimizer=SGD,Adam,LBFGS or lr=0.01,0.1; at most 9)",
    )
    add_serve_argument(run)


@dataclass
class Command:
    """A parsed command line: argparse's namespace, the arguments left for the lesson, and the parser."""

    args: argparse.Namespace
    rest: list[str]
    parser: Parser
    argv: Sequence[str] = ()  # the command line as given (--nproc starts it again in each process)

    @property
    def opens_app(self) -> bool:
        """No command, or ``run LESSON`` without ``--headless``/``--json``/``--vars``: the app's to open."""
        args = self.args
        if args.command is None:
            return not args.version
        if args.command == "attach":
            return True
        return (
            args.command == "run"
            and not args.help
            and args.lesson is not None
            and not (args.headless or args.json or args.vars)
        )


def parse(argv: Sequence[str]) -> Command:
    argv = list(argv)
    if cli_zh.given_language(argv) in LANGUAGES:
        set_language(cli_zh.given_language(argv))  # before the parser is built: its help is in that language
    cli_zh.install()
    parser = build_parser(argv)
    cli_zh.chinese_help(parser)
    args, rest = parser.parse_known_args(argv)
    if args.lang is not None:
        set_language(args.lang)  # the app and the catalog read it from core.base.i18n
    return Command(args, rest, parser, argv)


def app_settings(command: Command) -> dict[str, Any]:
    """The keyword arguments of ``tui.app.run_app`` for a command that opens the app, checked."""
    args, rest = command.args, command.rest
    if args.command is None:
        if rest:
            raise UsageError(
                pick(
                    f"unknown command {' '.join(rest)}; use learn-tui list, run, compare, sample, exercise or check",
                    f"未知的命令 {' '.join(rest)}；请用 learn-tui list、run、compare、sample、exercise 或 check",
                )
            )
        return {"lesson": None, "data_dir": args.data_dir}
    check_data_dir_placement(args)
    check_run_arguments(args, rest)
    lesson = catalog.load(args.lesson) if rest or args.lr is not None else None
    if lesson is not None:
        lesson.check_lr_given(args.lr)
    if args.compare is not None:
        lesson = lesson or catalog.load(args.lesson)
        variants = app_variants(lesson, args.compare, rest, args.lr)
        return {"lesson": lesson, "settings": run_settings(args, {}), "compare": variants}
    overrides = parse_lesson_options(lesson, rest) if rest else {}
    return {"lesson": args.lesson, "settings": run_settings(args, overrides)}


def command_list(args: argparse.Namespace) -> int:
    import json

    infos = catalog.catalog()
    if args.json:  # a stable contract: the English title, whatever the language
        for info in infos:
            print(json.dumps({"id": info.id, "title": info.title, "lecture": info.lecture}))
        return EXIT_DONE
    rows = [(info.id, catalog.localized(info).title, lecture_label(info.lecture)) for info in infos]
    id_width, title_width = (max(display_width(row[i]) for row in rows) for i in (0, 1))
    for lesson_id, title, lecture in rows:
        print(f"{pad(lesson_id, id_width)}  {pad(title, title_width)}  {lecture}")
    return EXIT_DONE


def lecture_label(lecture: int | None) -> str:
    if lecture is None:
        return pick("beyond the course", "课程之外")
    return pick(f"lecture {lecture}", f"第 {lecture} 讲")


def command_run(command: Command) -> int:
    args, rest = command.args, command.rest
    if args.help:
        return print_help(command, "run", pick("flag and default, then what it does", "选项和默认值，然后是它的作用"))
    check_run_arguments(args, rest)
    from core.front import launch  # (the engine: numpy, and torch with the lesson)

    lesson = catalog.load(args.lesson)
    lesson.check_lr_given(args.lr)
    settings = run_settings(args, parse_lesson_options(lesson, rest))
    return launch.run(lesson, args, settings, command.argv)  # alone, or one of torchrun's ranks


def run_command(command: Command) -> int:
    """Run a command that needs no app: --version, list, run --help, run --headless, compare, sample."""
    args, rest = command.args, command.rest
    if command.opens_app:
        raise UsageError(
            pick(
                "this opens the app: start it with learn-tui, or add --headless to train here",
                "这会打开应用：用 learn-tui 启动它，或者加上 --headless 在这里训练",
            )
        )
    check_data_dir_placement(args)
    if args.version:
        from importlib.metadata import version

        print(f"learn-tui {version('learn-tui')}")
        return EXIT_DONE
    if args.command == "run":
        return command_run(command)
    if args.command in ("exercise", "check"):
        from core.front import exercise as commands  # (numpy and the trainer: only for these commands)

        if rest:
            raise UsageError(unrecognized(rest, args.command))
        return commands.run_exercise(args) if args.command == "exercise" else commands.run_check(args)
    if args.command == "compare":
        from core.front import compare  # (the engine: numpy, torch with the lesson)

        return compare.run(command)
    if rest:
        raise UsageError(unrecognized(rest, args.command))
    if args.command == "list":
        return command_list(args)
    from core.front import sample as sample_cli  # (char-gpt's model: torch)

    return sample_cli.run(args)


def unrecognized(rest: Sequence[str], command: str) -> str:
    return pick(
        f"unrecognized arguments: {' '.join(rest)} (see: learn-tui {command} --help)",
        f"无法识别的参数：{' '.join(rest)}（见：learn-tui {command} --help）",
    )


def silence_stdout() -> None:
    """Point stdout at devnull, so Python's flush at exit does not raise again on a closed pipe (the
    recipe of Python's signal docs); a stdout without a file descriptor (a test's capture) is left alone."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError and a ValueError
        pass


def guarded(action: Callable[[], int]) -> int:
    """Run ``action`` and turn what it raises into the contract's exit status and one line on stderr."""
    try:
        return action()
    except BrokenPipeError:  # the reader left (| head): stop quietly
        silence_stdout()
        return EXIT_FAILED
    except KeyboardInterrupt:
        if os.environ.get("RANK", "0") == "0":  # torchrun's other processes got the same ctrl+c: rank 0 says it
            print(pick("learn-tui: interrupted", "learn-tui：已中断"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except (UsageError, DeviceError) as exc:  # a device the machine lacks is a bad argument here
        print(f"learn-tui: {pick('error', '错误')}: {in_cli_words(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except LearnTuiError as exc:
        if exc.details:
            print(exc.details.rstrip(), file=sys.stderr)
        print(f"learn-tui: {pick('error', '错误')}: {in_cli_words(exc)}", file=sys.stderr)
        return EXIT_FAILED


def main(argv: Sequence[str]) -> int:
    """The headless commands (the app's are opened by ``tui.main``)."""
    return guarded(lambda: run_command(parse(argv)))
