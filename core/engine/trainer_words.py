"""What the trainer says to a learner when it refuses something or a lesson fails, in English and in Chinese:
``say(key, **values)`` picks the chosen language's text when the message is made and fills it in."""

from __future__ import annotations

from core.base.i18n import Texts

TEXTS: dict[str, tuple[str, str]] = {
    "budget": ("a run's budget is steps or epochs, not both", "一次运行的预算是 steps 或 epochs，不能两个都给"),
    "fixed": (
        "option {name} is fixed during a run; start a new run with the new value",
        "选项 {name} 在运行中不能改；请用新值开始一次新的运行",
    ),
    "crashed": (
        "this run crashed; fix the lesson and reset before saving",
        "这次运行已崩溃；请先修好课程并重置，再保存",
    ),
    "mid-step": (
        "a checkpoint is taken between steps: finish this step first",
        "检查点只能在两步之间保存：请先完成这一步",
    ),
    "no epochs yet": (
        "lesson {lesson} has not entered run.epochs() yet: take a step first "
        "(a lesson's loop must walk run.epochs() for a checkpoint to resume it)",
        "课程 {lesson} 还没有进入 run.epochs()：请先走一步（课程的循环要遍历 run.epochs()，检查点才能继续它）",
    ),
    "ended early": (
        "lesson {lesson} ended before entering run.epochs(), so the checkpoint "
        "cannot be resumed; was it saved with other options?",
        "课程 {lesson} 在进入 run.epochs() 之前就结束了，检查点无法继续；它是用别的选项保存的吗？",
    ),
    "nan": ("parameter {name} holds nan or inf (then {then})", "参数 {name} 含有 nan 或 inf（随后 {then}）"),
    "raised": ("lesson {lesson} raised {kind}{where}: {exc}", "课程 {lesson} {where}抛出 {kind}：{exc}"),
    "at step": (" at step {step}", "在第 {step} 步"),
    "starting": (" while starting", "在启动时"),
    "no going on": (
        "the loop stopped when it diverged and cannot go on; reset to start it again",
        "循环在发散时已停止，无法继续；请重置后重新开始",
    ),
    "summary": ("lesson {lesson}'s summary raised {kind}: {exc}", "课程 {lesson} 的 summary 抛出 {kind}：{exc}"),
    "no action": ("lesson {lesson} has no action {action!r}", "课程 {lesson} 没有动作 {action!r}"),
    "misfit": (
        "{path}'s settings do not fit lesson {lesson} ({why}); was it saved with another version of the lesson?",
        "{path} 的设置与课程 {lesson} 不符（{why}）；它是用另一个版本的课程保存的吗？",
    ),
}


say = Texts(TEXTS).say  # TEXTS[key] in the chosen language, filled in
