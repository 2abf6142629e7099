"""What each of the learner's requests does to the run: ``RunControl``, used by the driver only.

``RunControl`` extends ``RunState`` (``core/driver/run_state.py``: the trainer and where the run stands). It lives
in the training thread: every method here is one request, applied between two events. A method returns a notice
for the learner (or None), or raises ``LearnTuiError`` (a bad learning rate, a checkpoint that won't load, a lesson
action's ``UsageError``): the driver reports it, and the run carries on unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from core import distributed
from core.base.events import Diverged
from core.base.i18n import pick
from core.base.status import Status
from core.checkpoint.errors import MidStep, UnusableCheckpoint
from core.driver.lr_ladder import next_rung
from core.driver.records import ActionDone, Notice, Unit, option_word
from core.driver.run_state import SAVE_KEY, RunState
from core.engine import until
from core.engine.arrays import plain
from core.engine.divergence import diverged_message
from core.engine.trainer import Trainer
from core.engine.until_watch import UntilWatch
from core.errors import UsageError


class RunControl(RunState):
    # -- before a request ----------------------------------------------------------------------------
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
