"""The training view's dialogs. Each asks the learner for something and hands it to the training driver,
which applies it between two events and answers the dialog: a refused value (a learning rate, a batch size,
a checkpoint that won't load) is shown in the dialog, which stays open until the answer is accepted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.base.i18n import pick
from core.base.parse import parse_lr
from core.engine import until
from core.errors import UsageError
from tui import formatting
from tui.keys import control_words
from tui.screens.options import OptionsScreen
from tui.screens.prompt import PromptScreen

if TYPE_CHECKING:
    from core.driver.api import DriverApi
    from core.lesson import Control, Lesson


def lr_dialog(driver: DriverApi, lr: float | None) -> PromptScreen:
    current = formatting.lr(lr) if lr is not None else ""
    return PromptScreen(
        pick("Learning rate:", "学习率："),
        value=current,
        placeholder=pick("e.g. 0.01", "例如 0.01"),
        validate=parse_lr,
        submit=driver.set_lr,
        hint=pick(
            "a positive number like 0.01 or 3e-4 · enter: set · escape: keep ",
            "一个正数，如 0.01 或 3e-4 · enter：设置 · escape：保持 ",
        )
        + current,
    )


def checkpoint_path(text: str) -> str:
    if not text.strip():
        raise UsageError(
            pick(
                "type the path of a checkpoint, e.g. checkpoints/linear-regression-step100.pt",
                "请输入检查点的路径，例如 checkpoints/linear-regression-step100.pt",
            )
        )
    return text.strip()


def open_dialog(driver: DriverApi) -> PromptScreen:
    """A checkpoint to open: one that is missing, damaged or foreign is explained here, and the run goes on."""
    return PromptScreen(
        pick("Open a checkpoint:", "打开检查点："),
        value=driver.last_saved or "checkpoints/",
        placeholder="checkpoints/….pt",
        validate=checkpoint_path,
        submit=driver.open,
        hint=pick("enter: open · escape: keep this run", "enter：打开 · escape：保留当前训练"),
    )


def break_condition(text: str) -> str:
    """A break's condition, checked here as ``--until`` checks it (the run checks the names it reads)."""
    if text.strip():
        until.parse(text, "break")
    return text


def break_dialog(driver: DriverApi, current: str) -> PromptScreen:
    """b: where the run pauses, at the end of the first step where the condition holds (once; empty: no break)."""
    return PromptScreen(
        pick("Pause where:", "在此条件成立时暂停："),
        value=current,
        placeholder='loss < 0.1 · accuracy > 0.9 and step > 100 · grad_norm("fc.weight") > 10 · nan',
        validate=break_condition,
        submit=driver.set_break,
        hint=pick(
            "compare loss, step, epoch, lr, a metric, grad_norm with and/or/not · enter: set · empty: no break "
            "· escape: keep",
            "用 and/or/not 比较 loss、step、epoch、lr、指标、grad_norm · enter：设置 · 留空：取消断点 · escape：不变",
        ),
    )


def control_dialog(driver: DriverApi, control: Control) -> PromptScreen:
    """The line of text a lesson's action asks for (its ``prompt``); the action checks it."""

    def submit(text: str, dialog: Any) -> None:
        driver.call(control.action, text, control.description, reply_to=dialog)

    return PromptScreen(control_words(control.prompt or control.description), submit=submit)


def options_dialog(driver: DriverApi, lesson: Lesson, values: Mapping[str, Any]) -> OptionsScreen:
    live = [option for option in lesson.options if option.live]
    fixed = [option for option in lesson.options if not option.live]
    return OptionsScreen(live, values, driver.set_option, fixed=fixed, lesson_id=lesson.id)
