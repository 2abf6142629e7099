"""A key, declared once: its binding, its word in the key bar, its line in the help, and when it applies.

A screen lists its keys in a table of ``Key``s; its ``BINDINGS``, its ``check_action``, the key bar and the
help screen are all made from that table, so adding a key is one entry plus its ``action_`` method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

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
