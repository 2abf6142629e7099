"""The checks and settings of ``learn-tui run``'s arguments, shared by the app and headless runs (``core/front/cli.py``
parses; this checks what it parsed, without importing the lesson where it can, so the app starts at once)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from core import distributed
from core.base import linebreak
from core.base.exits import EXIT_DONE
from core.base.i18n import option_help, pick
from core.base.parse import parse_count, parse_lr, parse_seed
from core.base.settings import RunSettings
from core.checkpoint.file import check_save_path
from core.engine import catalog
from core.errors import UsageError
from core.front.remote_args import check_serve

if TYPE_CHECKING:
    from core.front.cli import Command


def lesson_option_text(lesson: Any, rest: Sequence[str]) -> dict[str, str]:
    """The lesson's own options given in ``rest`` (``--optimizer SGD`` -> ``{"optimizer": "SGD"}``), not yet
    parsed; an argument that is not one of them is a UsageError."""
    parser = Parser(prog=f"learn-tui run {lesson.id}", add_help=False, allow_abbrev=False)
    for option in lesson.options:
        extra: dict[str, Any] = {"nargs": "?", "const": "true"} if isinstance(option.default, bool) else {}
        parser.add_argument(option.flag, dest=option.name, default=None, help=option.help, **extra)
    values, unknown = parser.parse_known_args(list(rest))
    if unknown:
        flags = " ".join(o.flag for o in lesson.options) or pick("none", "无")
        raise UsageError(
            pick(
                f"lesson {lesson.id} does not take {' '.join(unknown)}; its own options are: {flags}",
                f"课程 {lesson.id} 不接受 {' '.join(unknown)}；它自己的选项是：{flags}",
            )
        )
    return {k: v for k, v in vars(values).items() if v is not None}


def parse_lesson_options(lesson: Any, rest: Sequence[str]) -> dict[str, Any]:
    if not rest:
        return {}
    overrides = lesson_option_text(lesson, rest)
    lesson.config(overrides)  # raises UsageError for a bad value, e.g. an unknown optimizer
    return overrides


def check_run_arguments(args: argparse.Namespace, rest: Sequence[str]) -> None:
    """Everything that can be checked without importing the lesson (so the app still starts at once)."""

    if args.lesson is None:
        raise UsageError(
            pick(
                "name a lesson: learn-tui run LESSON (see learn-tui list)",
                "请指定课程：learn-tui run LESSON（见 learn-tui list）",
            )
        )
    if args.lr is not None:
        args.lr = parse_lr(args.lr)
    if args.steps is not None:
        args.steps = parse_count(args.steps, "--steps")
    if args.epochs is not None:
        args.epochs = parse_count(args.epochs, "--epochs")
    if args.resume is not None and args.seed is not None:
        raise UsageError(
            pick(
                f"--seed can't change a resumed run ({args.resume} continues its own random state); "
                "drop --seed, or start a new run without --resume",
                f"--seed 不能改变继续的训练（{args.resume} 沿用它自己的随机状态）；"
                "去掉 --seed，或者不加 --resume 开始新的训练",
            )
        )
    args.seed = parse_seed(args.seed if args.seed is not None else "0")
    if (args.json or getattr(args, "vars", False)) and not args.headless:
        args.headless = True  # --json and --vars only make sense without the app
    check_compare(args)
    check_serve(args)
    check_nproc(args)
    check_until(args)
    if args.resume is not None and not Path(args.resume).expanduser().is_file():
        raise UsageError(
            pick(f"no checkpoint at {args.resume}; check the path", f"{args.resume} 没有检查点；请检查路径")
        )
    if args.resume is not None and rest:
        raise UsageError(
            pick("a resumed run keeps the options it was saved with; drop ", "继续的训练沿用保存时的选项；请去掉 ")
            + " ".join(rest)
        )
    if args.save is not None:
        if not args.headless:
            raise UsageError(
                pick(
                    "--save is for --headless runs; in the app, press ctrl+s to save",
                    "--save 用于 --headless 训练；在应用里按 ctrl+s 保存",
                )
            )
        check_save_path(args.save)  # a path that cannot be written is refused before any training
    if catalog.is_path(args.lesson):
        if not Path(args.lesson).expanduser().is_file():
            raise UsageError(
                pick(
                    f"no lesson file at {args.lesson}; check the path (or see learn-tui list)",
                    f"{args.lesson} 没有课程文件；请检查路径（或见 learn-tui list）",
                )
            )
    else:
        catalog.find(args.lesson)


def check_compare(args: argparse.Namespace) -> None:
    """``--compare OPTION=V1,V2`` opens the app on a new run of each value (``core/front/compare_args.py``)."""
    if getattr(args, "compare", None) is None:
        return
    if args.headless:
        raise UsageError(
            "--compare opens the app; without it, compare with learn-tui compare LESSON --optimizer SGD,Adam"
        )
    if args.resume is not None:
        raise UsageError("--compare starts each variant from step 0; drop --resume (or --compare)")


def check_until(args: argparse.Namespace) -> None:
    """``--until EXPR``: a condition (``core/engine/until.py``) for a headless run, parsed here, before any training."""
    if getattr(args, "until", None) is None:
        return
    if not args.headless:
        raise UsageError(
            pick(
                "--until is for --headless runs; in the app, press b to pause where a condition holds",
                "--until 用于 --headless 训练；在应用里按 b，在条件成立处暂停",
            )
        )
    if getattr(args, "serve", None) is not None:
        raise UsageError(
            pick(
                "--until and --serve don't go together: attach and press b to pause where a condition holds",
                "--until 和 --serve 不能一起用：连接（attach）后按 b，在条件成立处暂停",
            )
        )
    from core.engine import until  # (its parser: only for a run given --until, not the app's first frame)

    args.until = until.parse(args.until, "--until")


def check_data_dir_placement(args: argparse.Namespace) -> None:
    """``learn-tui --data-dir DIR`` is the picker's; a command takes it after the lesson, as its own option."""
    if args.data_dir is not None and args.command is not None:
        raise UsageError(
            pick(
                f"--data-dir before {args.command} is for the lesson picker (learn-tui --data-dir DIR); for "
                f"one lesson put it after the lesson: learn-tui run LESSON --data-dir {args.data_dir}",
                f"{args.command} 之前的 --data-dir 是给课程列表用的（learn-tui --data-dir DIR）；"
                f"单个课程请放在课程之后：learn-tui run LESSON --data-dir {args.data_dir}",
            )
        )


def run_settings(args: argparse.Namespace, options: dict[str, Any]) -> RunSettings:
    """What ``learn-tui run`` was given (checked by ``check_run_arguments``), for headless mode and the app."""
    return RunSettings(
        options=options,
        lr=args.lr,
        seed=args.seed,
        device=args.device,
        steps=args.steps,
        epochs=args.epochs,
        resume=args.resume,
    )


def check_nproc(args: Any) -> None:
    """``--nproc N``: a whole number from 1, headless only, and not under torchrun (which starts them)."""
    if getattr(args, "nproc", None) is None:
        return
    args.nproc = parse_count(args.nproc, "--nproc")
    if not (args.headless or args.json):
        raise UsageError(
            pick(
                "--nproc is for headless runs: learn-tui run LESSON --headless --nproc N",
                "--nproc 用于 --headless 训练：learn-tui run LESSON --headless --nproc N",
            )
        )
    if distributed.launched():
        raise UsageError(
            pick(
                "--nproc starts torchrun's launcher itself; under torchrun leave it out",
                "--nproc 会自己启动 torchrun 的启动器；在 torchrun 下请去掉它",
            )
        )


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line, as a UsageError."""

    commands: dict[str, Parser]  # the subcommands' parsers, by name (set on the top-level parser)

    def error(self, message: str) -> NoReturn:
        raise UsageError(pick(f"{message} (see: {self.prog} --help)", f"{message}（见：{self.prog} --help）"))


def format_lesson_options(lesson_id: str, options: Sequence[Any]) -> str:
    """Flags with their defaults in one column, the help beside them wrapped to the terminal's width."""
    import shutil
    import textwrap

    flags = [f"{option.flag} {option.default!r}" for option in options]
    width = min(max(map(len, flags)) + 2, 30)
    room = max(shutil.get_terminal_size().columns - width - 2, 30)
    lines = []
    for flag, option in zip(flags, options, strict=True):
        listed = ", ".join(map(str, option.choices or ()))
        choices = pick(f" (one of {listed})", f"（可选：{listed}）") if option.choices else ""
        text = option_help(lesson_id, option) + choices
        wrapped = (linebreak.wrap(text, room) if linebreak.has_wide(text) else textwrap.wrap(text, room)) or [""]
        first = f"  {flag:<{width}}" if len(flag) < width else f"  {flag}\n  {'':<{width}}"
        lines.append(first + wrapped[0])
        lines.extend(f"  {'':<{width}}{rest}" for rest in wrapped[1:])
    return "\n".join(lines)


def print_help(command: Command, name: str, about_options: str) -> int:
    """``learn-tui NAME --help [LESSON]``: the sub-command's help, then the lesson's own options."""
    print(command.parser.commands[name].format_help())
    if command.args.lesson:
        lesson = catalog.load(command.args.lesson)
        print(pick(f"options of {lesson.id} ({about_options}):", f"{lesson.id} 的选项（{about_options}）："))
        print(format_lesson_options(lesson.id, lesson.options) if lesson.options else pick("  none", "  无"))
    return EXIT_DONE


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", nargs="?", help="a lesson id (see learn-tui list) or a path to a lesson .py file")
    parser.add_argument("-h", "--help", action="store_true", help="show this help and the lesson's own options")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--steps", help="each variant stops after this many steps")
    budget.add_argument("--epochs", help="each variant stops after this many epochs")
    parser.add_argument("--lr", help="learning rates, e.g. 0.01 or 0.01,0.1 (default: the lesson's)")
    parser.add_argument("--seed", default="0", help="the random seed of every variant (default 0)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda", "auto"), help="where to train")
    parser.add_argument("--json", action="store_true", help="one JSON object per variant, with its loss curve")


MAX_TOKENS = 100_000  # one model call per character: more is hours of CPU, and rarely meant


def add_sample_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("checkpoint", help="a char-gpt checkpoint (saved with ctrl+s or --save PATH)")
    parser.add_argument("--prompt", default="", help="the text to continue (default: start a new line)")
    parser.add_argument(
        "--tokens", default="500", help=f"how many characters to write, at most {MAX_TOKENS:,} (default 500)"
    )
    parser.add_argument(
        "--temperature", default="0.8", help="> 0: lower is safer, higher is wilder; near 0 is greedy (default 0.8)"
    )
    parser.add_argument("--top-k", default="0", help="sample only from the k likeliest characters (default 0: all)")
    parser.add_argument("--seed", default="0", help="the same seed writes the same text (default 0)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default cpu)")


def add_exercise_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", nargs="?", help="the lesson (see --list); none: list the exercises")
    parser.add_argument(
        "--level", type=int, default=1, choices=(1, 2, 3), help="1: one line, 2: every phase's code, 3: the whole step"
    )
    parser.add_argument("--dir", default=".", help="where to write it (default: the current folder)")
    parser.add_argument("--reset", action="store_true", help="start over; the old file is kept as .bakN")
    parser.add_argument("--list", action="store_true", help="the lessons with exercises and the levels you passed")


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="your exercise file")
    parser.add_argument(
        "--steps", type=int, default=None, help="steps to compare (default: two epochs, within 20 to 100 steps)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop a phase of your file that runs longer than this (default 30, or 20x the lesson's own time)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object")
