"""A key, declared once: its binding, its word in the key bar, its line in the help, and when it applies.

A screen lists its keys in a table of ``Key``s; its ``BINDINGS``, its ``check_action``, the key bar and the
help screen are all made from that table, so adding a key is one entry plus its ``action_`` method.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

from core.base.i18n import is_chinese
from core.base.status import Status

if TYPE_CHECKING:
    from core.lesson import Lesson


@dataclass(frozen=True)
class Key:
    key: str  # Textual's key name(s): "n", "ctrl+s", "plus,equals_sign" (several keys, one entry)
    action: str  # the screen's action_<name> it runs ("app.quit": the app's)
    label: str  # the word in the key bar
    help: str  # the sentence in the help screen
    args: tuple[object, ...] = ()  # the action's arguments: tab(1), control(0)
    when: frozenset[Status] | None = None  # the states in which it applies (dimmed in others); None: always
    needs: Callable[[Lesson], bool] | None = None  # shown only for a lesson where this holds
    display: str | None = None  # how the key is written ("?" for question_mark); None: Textual's way
    in_bar: bool = True  # False: listed in the help only (tab, shift+tab)
    priority: bool = False  # checked before the focused widget's own keys

    @property
    def first(self) -> str:
        """The key name a click on the key bar presses."""
        return self.key.split(",")[0]

    @property
    def call(self) -> str:
        """The action as Textual writes it: ``tab(1)``."""
        if not self.args:
            return self.action
        return f"{self.action}({', '.join(repr(arg) for arg in self.args)})"

    @property
    def shown_label(self) -> str:
        """The word in the key bar, in the chosen language (``label_of``)."""
        return label_of(self.call, self.label)

    @property
    def binding(self) -> Binding:
        return Binding(
            self.key, self.call, self.label, show=self.in_bar, key_display=self.display, priority=self.priority
        )

    def applies(self, status: Status, lesson: Lesson | None) -> bool | None:
        """``check_action``'s answer: True (enabled), None (shown dimmed), False (hidden: the lesson has no
        use for it)."""
        if self.needs is not None and (lesson is None or not self.needs(lesson)):
            return False
        return True if self.when is None or status in self.when else None


# The key-bar word of each key in Chinese, by its action as Textual writes it (``Key.call``, a binding's action):
# the key tables and the class-level BINDINGS stay one language, and the word is looked up when a bar is drawn.
LABEL_ZH = {
    # the training view (tui/screens/training_keys.py)
    "toggle_pause": "运行/暂停",
    "step_batch": "单步",
    "step_phase": "阶段",
    "run_epoch": "一轮",
    "step_line": "单行",
    "type_lr": "设置 lr",
    "reset": "重置",
    "help": "帮助",
    "back": "课程列表",
    "app.quit": "退出",
    "quit": "退出",
    "detach": "断开",
    "save": "保存",
    "open": "打开",
    "options": "选项",
    "set_break": "断点",
    "toggle_log": "对数坐标",
    "keep_reference": "保留曲线",
    "tab(-1)": "上个标签",
    "tab(1)": "下个标签",
    "hint": "提示",
    # the picker (tui/screens/picker.py)
    "open_lesson": "打开课程",
    "lesson_options": "选项",
    "open_file": "打开课程文件",
    # every screen, the dialogs, and the focused panels' own keys (tui/views, tui/widgets)
    "app.focus_next": "下一面板",
    "app.focus_previous": "上一面板",
    "close": "关闭",
    "cancel": "取消",
    "start": "开始",
    "page(-1)": "上一页错例",
    "page(1)": "下一页错例",
    "select_cursor": "展开/收起变量",
}
# The built-in lessons' own controls (``Control``: key-bar word, help and prompt), by their English text; a
# learner's own lesson keeps its words.
CONTROL_ZH = {
    "classify a name": "给姓氏分类",
    "A surname to classify (e.g. Nakamura):": "要分类的姓氏（例如 Nakamura）：",
    "write a sample now": "立即生成样本",
    "edit the prompt": "修改 prompt",
    "prompt for the samples": "生成样本用的 prompt",
    "set the temperature": "设置 temperature",
    "temperature (> 0, e.g. 0.8)": "temperature（> 0，例如 0.8）",
    "set top-k": "设置 top-k",
    "top-k (keep the k likeliest characters; 0 = all)": "top-k（只保留最可能的 k 个字符；0 表示全部）",
    "next attention head": "下一个注意力头",
    "batch size": "批量大小",
    "Batch size from the next epoch (e.g. 32):": "从下一轮起的批量大小（例如 32）：",
    "shuffle on/off": "shuffle 开/关",
    "turn w.grad.data.zero_() off and on: without it the gradients pile up": (
        "关闭或打开 w.grad.data.zero_()：不清零，梯度会不断累加"
    ),
}


def label_of(action: str, english: str) -> str:
    """A key's word for the key bar or the footer in the chosen language (its own words where none is known)."""
    if not is_chinese():
        return english
    return LABEL_ZH.get(action) or CONTROL_ZH.get(english, english)


def control_words(english: str) -> str:
    """A built-in lesson control's words (its help, its prompt) in the chosen language."""
    return CONTROL_ZH.get(english, english) if is_chinese() else english


def translated(binding: Binding) -> Binding:
    """The binding with its description in the chosen language (for Textual's Footer, which shows it)."""
    description = label_of(binding.action, binding.description)
    return binding if description == binding.description else dataclasses.replace(binding, description=description)


FOCUS_KEYS = (  # every screen has these (Textual's own bindings, declared here so that the help lists them)
    Key(
        "tab",
        "app.focus_next",
        "Next panel",
        "move the keyboard focus to the next panel (then arrows scroll it)",
        in_bar=False,
    ),
    Key(
        "shift+tab",
        "app.focus_previous",
        "Previous panel",
        "move the keyboard focus to the previous panel",
        in_bar=False,
    ),
)
