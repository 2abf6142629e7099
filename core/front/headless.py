"""``learn-tui run LESSON --headless``: train without the app and print progress, then the results.

With ``--json`` stdout carries only JSON objects, one per line, flushed as written: one per completed
step (``"event": "step"``), one per evaluation (``"eval"``), then a final ``"summary"`` whose keys name
the lesson's results plainly (``loss``, ``w``, ``b``, ``accuracy``, ``prediction``, ...). Notes (saved,
not saved, interrupted) go to stderr.

``--until EXPR`` (``core/engine/until.py``, read by ``core/engine/until_watch.py``) ends the run at the end of
the first step where EXPR holds, like a finished one (exit 0, saved there with ``--save``, which resumes): the
summary's ``status`` is ``stopped`` and its ``until`` the part that held; the text output names it too.

With ``--serve`` the same loop (``train``) takes its events from the app's own driver, which applies the requests
of ``learn-tui attach`` between two (``core/front/serve.py``); the same progress is printed.

Ctrl-C: the first press stops at the next step boundary, prints the summary so far and saves there
with ``--save`` (exit 130; resuming gives exactly the run that was not interrupted); a second press
stops at once, saving nothing. Before the first step is done ctrl+c stops at once too: a half-built
run is neither summarized nor saved, so a good checkpoint at the ``--save`` path is never replaced.
"""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from core import distributed
from core.base.events import Diverged, Finished, Progress
from core.base.exits import EXIT_DIVERGED, EXIT_DONE, EXIT_INTERRUPTED
from core.base.i18n import pick
from core.base.settings import RunSettings
from core.engine import session, variables, variables_text
from core.engine.divergence import diverged_message
from core.engine.until_watch import Held, UntilWatch
from core.errors import CheckpointError, UsageError
from core.front import progress as progress_display
from core.front.ctrl_c import StopAtStepBoundary
from core.front.report import ended_words, format_summary, json_safe, note
from core.front.serve import serving
from core.front.words import in_cli_words
from core.phases import EVAL

if TYPE_CHECKING:
    from core.driver.driver import Driver
    from core.engine.trainer import Trainer


class Output(Protocol):
    """Where a headless run's progress goes: the progress display, JSON lines, or nothing (compare)."""

    def event(self, event: Progress) -> None: ...

    def follow(self, trainer: Any) -> None:
        """A new run from here on (a served run reset, or a checkpoint opened)."""
        ...

    def close(self) -> None: ...


def progress_record(progress: Progress) -> dict[str, Any]:
    """The JSON record of an event: ``eval`` for an evaluation (its metrics, and the step it belongs to),
    else ``step`` (for the event that completes a step, with its metrics). The same counting as everywhere."""
    if progress.phase is EVAL:
        return {"event": "eval", "step": progress.step, "epoch": progress.epoch, **(progress.metrics or {})}
    record = {"event": "step", "step": progress.step, "epoch": progress.epoch, "loss": progress.loss, "lr": progress.lr}
    if progress.metrics:
        record["metrics"] = progress.metrics
    return record


class JsonLines:
    """``--json``: one object per completed step and per evaluation, flushed as written."""

    def __init__(self, out: TextIO, trainer: Any) -> None:
        self.out, self.trainer, self.last_step = out, trainer, trainer.step

    def write(self, record: dict[str, Any]) -> None:
        self.out.write(json.dumps(json_safe(record)) + "\n")
        self.out.flush()

    def event(self, event: Progress) -> None:
        if event.phase is EVAL or event.closes_step(self.last_step):
            self.write(progress_record(event))
            if event.phase is not EVAL:
                self.last_step = event.step

    def follow(self, trainer: Any) -> None:
        """A new run from here on (a served run reset, or a checkpoint opened): its steps are written afresh."""
        self.trainer, self.last_step = trainer, trainer.step

    def close(self) -> None:
        pass


def start_trainer(lesson: Any, settings: RunSettings) -> Any:
    """A new run, or one continued from ``--resume`` (a file that does not load is a bad argument)."""
    try:
        return session.start(lesson, settings)
    except CheckpointError as exc:
        if settings.resume is None:
            raise
        raise UsageError(in_cli_words(exc)) from None


def train(
    trainer: Any,
    output: Output,
    ctrl_c: StopAtStepBoundary,
    until: UntilWatch | None = None,
    driver: Driver | None = None,
) -> Finished | Diverged | Held | None:
    """Pull events to the end of the run (its last event), to the end of the first step where ``until``'s
    condition held (``Held``), or to the step boundary where ctrl+c asked to stop (None). Ctrl-C is caught
    from the end of the first step on; before, it stops at once.

    With ``driver`` (``--serve``) the events come from it (``Driver.events``): it applies an attached client's
    requests between two, and gives None while the client keeps the run paused (ctrl+c is checked then too, and
    resumes the run to its step's end). A reset or an opened checkpoint is a new run, which the output follows."""
    start, shown = trainer.step, trainer.run

    def tell(text: str) -> None:
        note(output, text)
        if driver is not None:
            driver.resume()  # a paused run finishes its step

    for event in trainer if driver is None else driver.events():
        if driver is not None and (current := driver.trainer) is not None and current.run is not shown:
            trainer, shown = current, current.run
            output.follow(current)
        if event is not None:
            if not isinstance(event, Progress):
                return event
            output.event(event)
            if until is not None and (held := until.event(event, trainer)) is not None:
                return held
        if ctrl_c.at_boundary(trainer, start, tell):
            return None
    return trainer.ended


def ended_status(ended: Finished | Diverged | Held | None) -> str:
    """How a run that ``train`` returned from ended: finished, diverged, stopped (--until) or interrupted (None)."""
    if isinstance(ended, Held):
        return "stopped"
    return "interrupted" if ended is None else "diverged" if isinstance(ended, Diverged) else "finished"


def watch_until(args: Any, trainer: Any, output: Output) -> UntilWatch | None:
    """``--until``'s watch of this run (None without one), its parameter names checked before the first step."""
    condition = getattr(args, "until", None)
    if condition is None:
        return None
    tell = lambda text: note(output, text)  # noqa: E731
    watch = UntilWatch(condition, trainer.step, "--until", tell, shared=distributed.world_size() > 1)
    watch.check(trainer)
    return watch


def divergence_advice(ended: Diverged) -> str:
    return diverged_message(
        ended.step,
        ended.reason,
        pick(
            f"Lower the learning rate: rerun with --lr {ended.lr / 10:g} or lower",
            f"请调低学习率：用 --lr {ended.lr / 10:g} 或更低的值重新运行",
        ),
    )


def left_as_it_was(path: str | None) -> str:
    if path is None:
        return ""
    if Path(path).expanduser().exists():
        return pick(f"; {path} is as it was", f"；{path} 保持原样")
    return pick(f"; nothing written to {path}", f"；没有写入 {path}")


def run_headless(lesson: Any, args: Any, settings: RunSettings) -> int:
    started = time.perf_counter()
    output: Output | None = None
    ctrl_c = StopAtStepBoundary()
    ended: Finished | Diverged | Held | None
    until: UntilWatch | None = None
    try:
        trainer = start_trainer(lesson, settings)
        steps_before = trainer.step
        output = JsonLines(sys.stdout, trainer) if args.json else progress_display.ProgressDisplay(sys.stdout, trainer)
        until = watch_until(args, trainer, output)
        served = serving(lesson, args, settings, trainer) if getattr(args, "serve", None) is not None else None
        with served or contextlib.nullcontext() as driver, ctrl_c:
            ended = train(trainer, output, ctrl_c, until, driver)
        if driver is not None:
            trainer = driver.trainer or trainer  # (a client may have reset the run or opened a checkpoint)
    except KeyboardInterrupt:
        when = (
            pick("stopped at once (ctrl+c twice)", "已立即停止（按了两次 ctrl+c）")
            if ctrl_c.requested
            else pick("interrupted before the first step was done", "第一步完成之前就中断了")
        )
        note(output, pick(f"{when}: nothing saved", f"{when}：没有保存") + left_as_it_was(args.save))
        return EXIT_INTERRUPTED
    finally:
        if output is not None:
            output.close()
    status = ended_status(ended)
    summary = ended.summary if isinstance(ended, Finished) else trainer.summary()
    seconds = time.perf_counter() - started
    if isinstance(output, JsonLines):
        record = {
            "event": "summary",
            "lesson": lesson.id,
            "status": status,
            "steps": trainer.step,
            "epochs": max(trainer.run.epoch, 1),
            "seconds": round(seconds, 3),
            **summary,
        }
        if isinstance(ended, Diverged):
            record["message"] = divergence_advice(ended)
        if isinstance(ended, Held):
            record["until"] = ended.held
        if getattr(args, "vars", False):
            record["variables"] = [variables_text.record(v) for v in variables.describe(trainer.loop_variables())]
        output.write(record)
    elif isinstance(ended, Held):
        print(
            pick(
                f"{lesson.id}: stopped after {trainer.step} steps in {seconds:.1f} s: {ended.describe()}",
                f"{lesson.id}：{trainer.step} 步后停下（{seconds:.1f} 秒）：{ended.describe()}",
            )
        )
        print(format_summary(summary), flush=True)
    else:
        words = ended_words(ended, trainer.step)
        print(pick(f"{lesson.id}: {words} in {seconds:.1f} s", f"{lesson.id}：{words}（{seconds:.1f} 秒）"))
        print(format_summary(summary), flush=True)
    if getattr(args, "vars", False) and not isinstance(output, JsonLines):
        print(stop_variables(trainer), flush=True)
    if isinstance(ended, Held) and isinstance(output, JsonLines):
        note(None, pick(f"stopped: {ended.describe()}", f"已停下：{ended.describe()}"))
    elif isinstance(ended, Finished) and until is not None:
        note(None, until.never_held(trainer))
    if (idle := nothing_left(settings, trainer, ended, steps_before)) is not None:
        note(None, idle)
    if isinstance(ended, Diverged):
        note(None, divergence_advice(ended))
        if args.save:
            note(
                None,
                pick("not saved: a diverged run is not worth resuming", "没有保存：发散的训练不值得继续")
                + left_as_it_was(args.save),
            )
        return EXIT_DIVERGED
    if args.save:
        path = trainer.save(args.save)
        if ended is None or isinstance(ended, Held):
            processes = f" --nproc {distributed.world_size()}" if distributed.world_size() > 1 else ""
            again = f"learn-tui run {shlex.quote(str(args.lesson))} --headless{processes} --resume {shlex.quote(path)}"
            # (a checkpoint resumes at its world size)
            note(
                None, pick(f"saved checkpoint {path}; continue with: {again}", f"检查点已保存到 {path}；继续：{again}")
            )
        else:
            note(None, pick(f"saved checkpoint {path}", f"检查点已保存到 {path}"))
    if ended is None:
        if not args.save:
            note(None, pick(f"interrupted after {trainer.step} steps", f"{trainer.step} 步后中断"))
        return EXIT_INTERRUPTED
    return EXIT_DONE


def stop_variables(trainer: Trainer) -> str:
    """``--vars``: the loop's local variables where the run stopped, as a table under a heading."""
    found = variables.describe(trainer.loop_variables())
    if not found:
        return pick("variables: none (the lesson's loop never started)", "变量：无（这一课的循环没有开始）")
    where = trainer.progress
    after = pick(f"after {where.phase}, ", f"{where.phase} 之后，") if where.phase is not None else ""
    heading = pick(f"variables ({after}step {where.step}):", f"变量（{after}第 {where.step} 步）：")
    return "\n".join([heading, *("  " + line for line in variables_text.table(found))])


def nothing_left(
    settings: RunSettings, trainer: Trainer, ended: Finished | Diverged | Held | None, steps_before: int
) -> str | None:
    """A resumed run that stopped at once because its checkpoint had reached its budget: one line saying so
    and how to train on (else None)."""
    if settings.resume is None or not isinstance(ended, Finished) or trainer.step != steps_before:
        return None
    if ended.reason == "steps" and trainer.max_steps is not None:
        unit, budget, word = "steps", trainer.max_steps, "步"
    elif ended.reason == "epochs" and trainer.max_epochs is not None:
        unit, budget, word = "epochs", trainer.max_epochs, "轮"
    else:
        return None
    return pick(
        f"{settings.resume} already reached its budget of {budget} {unit}, so there was nothing to train; "
        f"add --{unit} {2 * budget} to train on",
        f"{settings.resume} 已经用完了 {budget} {word}的预算，没有可训练的；加上 --{unit} {2 * budget} 继续训练",
    )
