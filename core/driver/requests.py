"""What each of the learner's requests does to the run: ``RunControl``, used by the driver only.

``RunControl`` holds the trainer and where the run stands (moving or not, towards which goal, the lines
of the last two yields, the message for the learner). It lives in the training thread: every method is
one request, applied between two events. A method returns a notice for the learner (or None), or raises
``LearnTuiError`` (a bad learning rate, a checkpoint that won't load, a lesson action's ``UsageError``):
the driver reports it, and the run carries on unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from core import distributed
from core.base.events import Diverged, Finished, Progress
from core.base.i18n import pick
from core.base.rate import StepRate
from core.base.settings import RunSettings
from core.base.status import ENDED, Status
from core.checkpoint.errors import MidStep, UnusableCheckpoint
from core.driver.frames import finished_message
from core.driver.lr_ladder import next_rung
from core.driver.records import ActionDone, LineStop, Notice, Unit, option_word
from core.engine import session, until
from core.engine.divergence import diverged_message
from core.engine.snapshot import plain
from core.engine.trainer import Trainer
from core.engine.until_watch import UntilWatch
from core.errors import DataError, LearnTuiError, UsageError

if TYPE_CHECKING:
    from core.base.events import Event
    from core.engine.trainer import Trainer
    from core.lesson import Lesson


SAVE_KEY = "with ctrl+s"  # how the app saves a checkpoint: added where one is refused ("… save one from a run")


class RunControl:
    def __init__(self, lesson: Lesson, settings: RunSettings, *, paused: bool, trainer: Trainer | None = None) -> None:
        """Build the first run (from ``settings.resume`` when given), unless ``trainer`` is one already built
        (headless ``--serve``); raises ``LearnTuiError``."""
        self.lesson = lesson
        self.settings = settings
        self.trainer: Trainer = trainer or self._new_trainer(dict(settings.options), settings.lr, settings.resume)
        self.running = not paused
        # ("phase", phases left), ("step", the step to reach) or ("epoch", epoch ends left): n, . and e
        self.goal: tuple[Unit, int] | None = None
        self.line = self.prev_line = 0  # the latest yield's line, and the one before it
        self.message = ""  # why the run stopped, or what just happened to it
        self.run_id = 0  # changes with every new run (reset, a checkpoint opened)
        self.rate = StepRate()
        self.last_saved: str | None = None  # the latest checkpoint written, offered by the open dialog
        self.needs_data = False  # the set-up stopped on a DataError: status "needs data", not "crashed"
        self.stop_when: UntilWatch | None = None  # b: the break, read where each step ends (None: no break)
        self.notices: list[Notice] = []  # said while training (a break that held): the driver sends them
        self.at_line: LineStop | None = None  # i: the line a line step stopped before (the lesson is mid-pull)
        self.line_frame: FrameType | None = None  # that line's frame (its locals: Variables), this thread only
        self.after_line = False  # the latest move was a line step: its frames carry only what is on screen

    def _new_trainer(self, options: dict[str, Any], lr: float | str | None, resume: str | None = None) -> Trainer:
        try:
            return session.start(self.lesson, replace(self.settings, options=options, lr=lr, resume=resume))
        except UnusableCheckpoint as exc:
            raise exc.saying(SAVE_KEY) from None

    # -- where the run stands ------------------------------------------------------------------------
    @property
    def moving(self) -> bool:
        return self.running or self.goal is not None

    @property
    def status(self) -> Status:
        status = Status(self.trainer.status)
        if status in ENDED:
            return Status.NEEDS_DATA if status == Status.CRASHED and self.needs_data else status
        return Status.RUNNING if self.moving else Status.PAUSED

    def prime(self) -> None:
        """Run the lesson's set-up to its first yield, so its parameters show (and data errors surface) at once."""
        try:
            self.trainer.prime()
        except LearnTuiError as exc:
            self.needs_data = isinstance(exc, DataError)
            self.stop_moving(str(exc))
            raise
        self.needs_data = False

    def stop_moving(self, message: str | None = None) -> None:
        self.running = False
        self.goal = None
        if message is not None:
            self.message = message
        self.rate.close(self.trainer.step)

    def note(self, event: Event) -> bool:
        """Record an event; False (and stop moving) when it ends or stops the run (Diverged, Finished)."""
        if isinstance(event, Progress):
            self.prev_line, self.line = self.line, event.line
            return self.stop_when is None or not self._break_held(event)
        if isinstance(event, (Diverged, Finished)):
            if self.trainer.line != self.line:  # a divergence stops right after the yield that showed it
                self.prev_line, self.line = self.line, self.trainer.line
            self.stop_moving(event.message if isinstance(event, Diverged) else finished_message(event))
            return False
        return True  # an event this app does not show: training goes on

    def _break_held(self, event: Progress) -> bool:
        """The break's condition held where this event ends a step: pause there, once (b sets another)."""
        assert self.stop_when is not None
        try:
            held = self.stop_when.event(event, self.trainer)
        except LearnTuiError as exc:  # a value that is not a number, a lesson without gradients
            self.stop_when = None
            self.stop_moving(pick(f"break removed: {exc}", f"断点已取消：{exc}"))
            self.notices.append(Notice(self.message, "error", title=pick("break", "断点")))
            return True
        if held is None:
            return False
        self.stop_when = None
        self.stop_moving(pick(f"break: {held.describe()}; paused", f"断点：{held.describe()}；已暂停"))
        self.notices.append(Notice(self.message, "warning", title=pick("break", "断点")))
        return True

    def reached(self, event: Event) -> bool:
        """True (and stop moving) when ``event`` completes the goal of n, . or e."""
        if self.goal is None or not isinstance(event, Progress):
            return False
        unit, value = self.goal
        if unit == "line":  # the line steps went as far as the next yield: stop at that phase
            done = self.after_line = True
        elif unit == "step":
            done = self.trainer.step >= value  # the step is complete
        elif unit == "epoch" and str(event.phase) != "epoch":
            done = False
        else:
            self.goal = (unit, value - 1)
            done = value <= 1
        if done:
            self.stop_moving()
        return done

    def _blocked(self) -> Notice | None:
        """Why the run cannot move (it finished or crashed); a diverged run carries on from here."""
        trainer = self.trainer
        if trainer.status == Status.DIVERGED:
            trainer.continue_after_divergence()
            self.message = ""
        if trainer.status in (Status.FINISHED, Status.CRASHED):
            return Notice(
                pick(
                    f"the run has {trainer.status}: press r to start it again",
                    f"训练已经{status_word(trainer.status)}：按 r 重新开始",
                ),
                "warning",
            )
        return None

    def _acted(self) -> None:
        """The learner did something: a notice about the run as it was (a checkpoint opened, a divergence's
        advice on the old learning rate) is stale now. A finished or crashed run's message still holds."""
        trainer, ended = self.trainer, self.trainer.ended
        self.after_line = False
        if trainer.status == Status.DIVERGED and isinstance(ended, Diverged) and ended.reason:
            advice = pick(
                f"The learning rate is now {trainer.lr:g}: continue with it, or reset.",
                f"学习率现在是 {trainer.lr:g}：用它继续，或者重置。",
            )
            self.message = diverged_message(ended.step, ended.reason, advice)
        elif trainer.status not in (Status.FINISHED, Status.CRASHED):
            self.message = ""

    def _restart(self, message: str) -> None:
        self.after_line = False
        self.stop_moving(message)
        self.line = self.prev_line = 0
        self.rate.forget()
        self.run_id += 1
        self.prime()

    # -- the requests --------------------------------------------------------------------------------
    def toggle(self) -> Notice | None:
        self._acted()
        if self.moving:
            self.stop_moving()
            return None
        blocked = self._blocked()
        if blocked is None:
            self.running = True
            self.rate.restart()
        return blocked

    def advance(self, unit: Unit) -> Notice | None:
        self._acted()
        blocked = self._blocked()
        if blocked is not None:
            return blocked
        kind, value = self.goal or (None, 0)
        self.running = False
        if unit == "step":
            self.goal = ("step", (value if kind == "step" else self.trainer.step) + 1)
        else:
            self.goal = (unit, (value if kind == unit else 0) + 1)
        self.rate.restart()
        return None

    def nudge_lr(self, direction: int) -> None:
        self.trainer.lr = next_rung(self.trainer.lr, direction)
        self._acted()

    def set_lr(self, value: float | str) -> None:
        self.trainer.lr = value  # parse_lr: a bad value raises UsageError and keeps the old one
        self._acted()

    def set_option(self, name: str, value: Any) -> Notice:
        """A live option, checked as on the command line (``Option.parse``); a bad value keeps the old one."""
        self.trainer.set_option(name, value)
        self._acted()
        return Notice(f"{name} {option_word(self.trainer.options[name])}")

    def toggle_option(self, name: str) -> Notice | None:
        """A boolean option on/off (a lesson's ``Control(toggles=...)``): live, or by restarting the run."""
        option, trainer = self.lesson.option(name), self.trainer
        value = not trainer.options[name]
        if option.live:
            return self.set_option(name, value)
        refuse_restart_of_many()
        options = {**trainer.options, name: value}
        self.trainer = self._new_trainer(options, trainer.lr)
        self.settings = replace(self.settings, options=options)
        self._restart(
            pick(
                f"{name} {option_word(value)}: the run started again (this option is fixed during a run)",
                f"{name} {option_word(value)}：训练已重新开始（这个选项在训练中不能改）",
            )
        )
        return None

    def _not_mid_line(self, what: str) -> None:
        """Refuse what cannot happen while a line step holds the lesson's code in the middle of a pull."""
        if self.at_line is not None:
            raise UsageError(
                pick(
                    f"{what} waits for the end of this line step: press . to run to the next yield first",
                    f"{what}要等这次逐行执行结束：先按 . 运行到下一个 yield",
                )
            )

    def reset(self) -> None:
        self._not_mid_line("reset")
        refuse_restart_of_many()
        self.trainer.reset()
        self._restart("")

    def save(self, path: str | None) -> Notice:
        self._not_mid_line("save")
        trainer = self.trainer
        while trainer.step_open and trainer.ended is None:  # a checkpoint is taken between steps
            event = next(trainer, None)
            if event is None or not self.note(event):
                break
        target = path or str(Path("checkpoints") / f"{self.lesson.id}-step{trainer.step}.pt")
        try:
            saved = self.last_saved = trainer.save(target)
        except MidStep as exc:  # (it ended mid-step: diverged; n carries on to the step's end)
            raise exc.saying("press n") from None
        text = pick(
            f"saved {saved} at step {trainer.step}; press o to open it later",
            f"已在第 {trainer.step} 步保存到 {saved}；之后按 o 打开它",
        )
        return Notice(text, title=pick("checkpoint saved", "检查点已保存"), path=saved)

    def open(self, path: str) -> None:
        """A checkpoint of this lesson; ``CheckpointError`` (missing, damaged, foreign) leaves the run as it was."""
        self._not_mid_line("open")
        refuse_restart_of_many()
        try:
            self.trainer = Trainer.from_checkpoint(path, self.lesson, device=self.settings.device)  # its own budget
        except UnusableCheckpoint as exc:
            raise exc.saying(SAVE_KEY) from None
        self.stop_moving(f"opened {path} at step {self.trainer.step}")
        self.line = self.prev_line = 0
        self.run_id += 1

    def set_break(self, text: str) -> Notice:
        """b: pause at the end of the first step where ``text`` holds (``core/engine/until.py``); empty: no break.
        A condition that is not one, or names a parameter the lesson lacks, is refused and the old break kept."""
        if not text.strip():
            self.stop_when = None
            return Notice(pick("no break: the run goes on to its end", "已清除断点：运行到结束"))
        watch = UntilWatch(until.parse(text, "break"), self.trainer.step, "break", self._tell)
        watch.check(self.trainer)
        self.stop_when, shown = watch, watch.condition.text
        return Notice(pick(f"break: the run pauses where {shown} holds", f"断点：{shown} 成立时暂停"))

    def _tell(self, text: str) -> None:
        self.notices.append(Notice(text, "information", title=pick("break", "断点")))

    def call(self, action: str, argument: str | None, description: str) -> ActionDone:
        self._not_mid_line(description)
        return ActionDone(plain(self.trainer.call(action, argument)), title=description)

    def resume(self) -> Notice | None:
        """Train on unless the run is already moving (the last client of a served run left)."""
        return None if self.moving else self.toggle()


def refuse_restart_of_many() -> None:
    """A new run built here would be rank 0's alone (a served ``--nproc`` run): the others would wait at their
    next collective for a partner that never comes."""
    if (processes := distributed.world_size()) > 1:
        raise UsageError(
            pick(
                f"a run of {processes} processes can't restart from the app: stop it and start it again",
                f"{processes} 个进程的训练不能从应用里重新开始：先停下它，再重新启动",
            )
        )


def status_word(status: Any) -> str:
    """A run's ended status (finished, crashed) in Chinese."""
    return {"finished": "完成", "crashed": "崩溃"}.get(str(status), str(status))
