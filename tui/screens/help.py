"""Every key of the screen underneath, with what it does: made from that screen's key table (``tui/keys.py``),
so it lists exactly the keys its key bar shows (a focused panel's own keys included), then Tab/shift+Tab.
In Chinese (``core.base.i18n``) each key's help comes from ``HELP_ZH``, by action, so the key tables stay one
language; a key it lacks (a lesson's own control) keeps its own words."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from core.base.i18n import is_chinese, pick
from tui.keys import control_words
from tui.screens import DIALOG_STYLES

if TYPE_CHECKING:
    from textual.app import App

    from tui.keys import Key

# What each key does, in Chinese, by its action as Textual writes it (``Key.call``, or a binding's action).
HELP_ZH = {
    # the training view (tui/screens/training_keys.py)
    "toggle_pause": "开始或暂停训练（发散之后：从这里继续）",
    "step_batch": "暂停时：运行一个批量（完整的一步训练）",
    "step_phase": "暂停时：运行到下一个阶段（前向传播、计算损失、反向传播、更新、梯度清零）",
    "run_epoch": "暂停时：运行到这个 epoch 结束",
    "step_line": (
        "暂停时：运行本课的一行源代码，可进入模型的 forward 和本课自己的辅助函数（变量标签页显示这一行的局部变量）"
    ),
    "set_break": (
        "在条件第一次成立的那一步结束时暂停，例如 loss < 0.1、accuracy > 0.9、step >= 500、"
        'grad_norm("fc.weight") > 10、nan（同 run --until；留空：不设断点）'
    ),
    "hint": "练习文件：给第一个与参考答案不同的 TODO 一个提示（再按一次：更明确的提示，然后是参考答案那一行）",
    "lr_up": "把学习率调高一档（… 0.01, 0.03, 0.1, 0.3, 1 …）",
    "lr_down": "把学习率调低一档",
    "type_lr": "输入一个确切的学习率",
    "reset": "从第 0 步重新开始本课（学习率和选项不变）",
    "help": "本帮助",
    "back": "回到课程列表",
    "detach": "关闭这个界面，训练继续进行（用 learn-tui attach 回来）",
    "app.quit": "退出 learn-tui",
    "save": "在 ./checkpoints 中保存检查点（先完成正在进行的一步）",
    "open": "打开一个检查点（输入它的路径）",
    "options": "查看并修改本课可在运行中调整的选项（布尔值、选项、数字、文本）",
    "toggle_log": "损失曲线：切换对数坐标",
    "keep_reference": (
        "把这次训练的损失曲线淡淡地留在损失图上作参照（最多 5 条，标出与现在不同的设置）；换个设置重置后即可对比"
    ),
    "compare": "并排比较几次训练：选一个选项（或 lr）和它的几个值；每次都从同一个随机种子开始，损失画在同一张图上",
    "tab(-1)": "显示上一个标签页（损失、参数、梯度、本课的视图、笔记）",
    "tab(1)": "显示下一个标签页（损失、参数、梯度、本课的视图、笔记）",
    # the picker (tui/screens/picker.py)
    "open_lesson": "打开选中的课程",
    "open_file": "打开你自己的课程文件（.py 文件的路径）",
    "lesson_options": "设置选中课程的选项（数据文件夹、批量大小……以及学习率、随机种子、步数或 epoch 数），然后开始",
    # every screen (tui/keys.py)
    "app.focus_next": "把键盘焦点移到下一个面板（然后用方向键滚动它）",
    "app.focus_previous": "把键盘焦点移到上一个面板",
    # a focused panel's own keys (tui/views/misclassified.py)
    "page(-1)": "上一页分错的数字",
    "page(1)": "下一页分错的数字",
}


def key_help(action: str, english: str) -> str:
    """A key's help in the chosen language (English where no translation is known)."""
    return (HELP_ZH.get(action) or control_words(english)) if is_chinese() else english


class HelpScreen(ModalScreen[None]):
    CSS_PATH = DIALOG_STYLES
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        """``rows``: (the key as shown, what it does)."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", expand=True, padding=(0, 1))
        table.add_column(pick("key", "按键"), no_wrap=True, style="bold")
        table.add_column(pick("what it does", "作用"), ratio=1, overflow="fold")  # Chinese has no spaces to wrap at
        for key, text in self.rows:
            table.add_row(key, text)
        with Vertical(id="help-box", classes="dialog"):
            yield Label(pick("Keys", "按键"), id="help-title")
            with VerticalScroll(id="help-table"):
                yield Static(table)
            yield Static(
                pick(
                    "The mouse works too: click a key at the bottom, a tab, or a lesson. escape closes.",
                    "也可以用鼠标：点击底部的按键、标签页或课程。按 escape 关闭。",
                ),
                id="help-hint",
            )

    def action_close(self) -> None:
        self.dismiss(None)


def help_rows(app: App, keys: Iterable[Key], panel_keys: Iterable[Binding] = ()) -> list[tuple[str, str]]:
    """(key as shown, its help) for each key of a table, then a focused panel's own keys (their key-bar word)."""
    rows = [(app.get_key_display(key.binding), key_help(key.call, key.help)) for key in keys]
    return rows + [
        (app.get_key_display(binding), key_help(binding.action, binding.description)) for binding in panel_keys
    ]
