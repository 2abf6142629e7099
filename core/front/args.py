"""The checks and settings of ``learn-tui run``'s arguments, shared by the app and headless runs (``core/front/cli.py``
parses; this checks what it parsed, without importing the lesson where it can, so the app starts at once)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import distributed
from core.errors import UsageError

if TYPE_CHECKING:
    from core.base.settings import RunSettings


def lesson_option_text(lesson: Any, rest: Sequence[str]) -> dict[str, str]:
    """The lesson's own options given in ``rest`` (``--optimizer SGD`` -> ``{"optimizer": "SGD"}``), not yet
    parsed; an argument that is not one of them is a UsageError."""
    from core.front.cli import Parser

    parser = Parser(prog=f"learn-tui run {lesson.id}", add_help=False, allow_abbrev=False)
    for option in lesson.options:
        extra: dict[str, Any] = {"nargs": "?", "const": "true"} if isinstance(option.default, bool) else {}
        parser.add_argument(option.flag, dest=option.name, default=None, help=option.help, **extra)
    values, unknown = parser.parse_known_args(list(rest))
    if unknown:
        flags = " ".join(o.flag for o in lesson.options) or "none"
        raise UsageError(f"lesson {lesson.id} does not take {' '.join(unknown)}; its own options are: {flags}")
    return {k: v for k, v in vars(values).items() if v is not None}


def parse_lesson_options(lesson: Any, rest: Sequence[str]) -> dict[str, Any]:
    if not rest:
        return {}
    overrides = lesson_option_text(lesson, rest)
    lesson.config(overrides)  # raises UsageError for a bad value, e.g. an unknown optimizer
    return overrides


def check_run_arguments(args: argparse.Namespace, rest: Sequence[str]) -> None:
    """Everything that can be checked without importing the lesson (so the app still starts at once)."""
    from core.engine import catalog
    from core.front.sample import parse_seed
    from core.lesson import parse_count, parse_lr

    if args.lesson is None:
        raise UsageError("name a lesson: learn-tui run LESSON (see learn-tui list)")
    if args.lr is not None:
        args.lr = parse_lr(args.lr)
    if args.steps is not None:
        args.steps = parse_count(args.steps, "--steps")
    if args.epochs is not None:
        args.epochs = parse_count(args.epochs, "--epochs")
    if args.resume is not None and args.seed is not None:
        raise UsageError(
            f"--seed can't change a resumed run ({args.resume} continues its own random state); "
            "drop --seed, or start a new run without --resume"
        )
    args.seed = parse_seed(args.seed if args.seed is not None else "0")
    if args.json and not args.headless:
        args.headless = True  # --json only makes sense without the app
    from core.front.remote_args import check_serve

    check_serve(args)
    distributed.check_nproc(args)
    if args.resume is not None and not Path(args.resume).expanduser().is_file():
        raise UsageError(f"no checkpoint at {args.resume}; check the path")
    if args.resume is not None and rest:
        raise UsageError("a resumed run keeps the options it was saved with; drop " + " ".join(rest))
    if args.save is not None:
        if not args.headless:
            raise UsageError("--save is for --headless runs; in the app, press ctrl+s to save")
        from core.checkpoint.store import check_save_path

        check_save_path(args.save)  # a path that cannot be written is refused before any training
    if catalog.is_path(args.lesson):
        if not Path(args.lesson).expanduser().is_file():
            raise UsageError(f"no lesson file at {args.lesson}; check the path (or see learn-tui list)")
    else:
        catalog.find(args.lesson)


def check_data_dir_placement(args: argparse.Namespace) -> None:
    """``learn-tui --data-dir DIR`` is the picker's; a command takes it after the lesson, as its own option."""
    if args.data_dir is not None and args.command is not None:
        raise UsageError(
            f"--data-dir before {args.command} is for the lesson picker (learn-tui --data-dir DIR); for "
            f"one lesson put it after the lesson: learn-tui run LESSON --data-dir {args.data_dir}"
        )


def run_settings(args: argparse.Namespace, options: dict[str, Any]) -> RunSettings:
    """What ``learn-tui run`` was given (checked by ``check_run_arguments``), for headless mode and the app."""
    from core.base.settings import RunSettings

    return RunSettings(
        options=options,
        lr=args.lr,
        seed=args.seed,
        device=args.device,
        steps=args.steps,
        epochs=args.epochs,
        resume=args.resume,
    )
