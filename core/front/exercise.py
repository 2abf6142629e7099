"""The two sub-commands: ``learn-tui exercise`` (write an exercise, or list them with the levels passed) and
``learn-tui check`` (compare a learner's file with its reference; exit 0 all match, 1 a difference, 2 usage)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.base.i18n import pick
from core.errors import UsageError
from core.exercises import check, make, progress


def run_exercise(args: argparse.Namespace) -> int:
    if args.list or args.lesson is None:
        record = progress.passed()
        for lesson in make.exercise_lessons():
            levels = record.get(lesson, [])
            marks = " ".join(("✓" if level in levels else "·") + str(level) for level in make.LEVELS)
            print(f"{lesson:<22} {marks}")
        return 0
    path, backup = make.write_exercise(args.lesson, args.level, Path(args.dir).expanduser(), args.reset)
    if backup is not None:
        print(pick(f"kept your old file as {backup}", f"旧文件已保存为 {backup}"))
    print(
        pick(
            f"wrote {path}: fill in each TODO, then run: learn-tui check {path}",
            f"已写入 {path}：补全每个 TODO，然后运行：learn-tui check {path}",
        )
    )
    return 0


def run_check(args: argparse.Namespace) -> int:
    if args.steps is not None and args.steps < 1:
        raise UsageError(pick(f"--steps must be at least 1, got {args.steps}", f"--steps 至少为 1，收到 {args.steps}"))
    if args.timeout is not None and not 0 < args.timeout < 10**6:  # (nan fails too)
        raise UsageError(
            pick(
                f"--timeout must be a number of seconds above 0 (and below 1e6), got {args.timeout}",
                f"--timeout 必须是大于 0（且小于 1e6）的秒数，收到 {args.timeout}",
            )
        )
    result = check.check_file(args.file, args.steps, timeout=args.timeout)
    if result.passed:
        progress.record_pass(result.lesson, result.level)
    print(json.dumps(result.as_json(), ensure_ascii=False) if args.json else result.message)
    return 0 if result.passed else 1
