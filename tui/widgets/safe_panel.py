"""Panels that cannot take the app down: a panel whose drawing fails says so in itself, and the run goes on.

A bug in one panel (a plotext corner case, a lesson's odd view data) must cost that panel, not the learner's
run: Textual ends the whole app on an exception from a widget's ``render``. ``SafePanel`` goes first in a
widget's bases (``class GradTable(SafePanel, DataTable)``); it guards ``render``, ``render_line``, ``show``,
``show_*`` and ``_draw`` (the redraw that resizes and timers call), the base widget's and every subclass's. A failed
``show`` leaves its one-line message in the panel until a later ``show`` succeeds; a failed render is tried
again at the next repaint.
"""

from __future__ import annotations

import functools
import traceback
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widgets import Static

from core.base.i18n import pick

if TYPE_CHECKING:
    from textual.app import RenderResult
    from textual.widget import Widget

    # To the type checker SafePanel is a Widget: it is only ever a widget's first base, and its methods use the
    # widget's size, children, mount, log and refresh. At run time it must stay a plain
    # mixin: Textual finds a widget's CSS (DEFAULT_CSS, type selectors such as DataTable) by following each class's
    # first DOMNode base, so a Widget here would hide the real widget class's.
    _MixinBase = Widget
else:
    _MixinBase = object

T = TypeVar("T")

ERROR_STYLE = "bold red"
MAX_DETAIL = 200  # characters of the exception's text kept on the panel's one line


def failure_message(error: BaseException) -> str:
    """One line: what failed, and that the training is unharmed."""
    detail = " ".join(str(error).split())
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 1] + "…"
    what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return pick(f"this panel failed to draw: {what} (the run goes on)", f"这个面板绘制失败：{what}（训练继续进行）")


class PanelNote(Static):
    """The failure line a container panel shows above its children (its own drawing is hidden by them)."""

    DEFAULT_CSS = "PanelNote { height: auto; color: $error; text-style: bold; }"


def _is_guarded(name: str) -> bool:
    return name in ("render", "render_line", "show", "_draw") or name.startswith("show_")


_GUARDS: weakref.WeakSet[Callable[..., Any]] = weakref.WeakSet()  # the wrappers _guard made


def _guard_render(method: Callable[[SafePanel], RenderResult]) -> Callable[[SafePanel], RenderResult]:
    def wrapper(self: SafePanel) -> RenderResult:
        return self.safe_draw(lambda: method(self), self.error_text)

    return wrapper


def _guard_render_line(method: Callable[[SafePanel, int], Strip]) -> Callable[[SafePanel, int], Strip]:
    def wrapper(self: SafePanel, y: int) -> Strip:
        return self.safe_draw(lambda: method(self, y), lambda message: self.error_strip(message, y))

    return wrapper


def _guard_call(method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(self: SafePanel, *args: Any, **kwargs: Any) -> Any:
        failures = self._panel_failures
        try:
            result = method(self, *args, **kwargs)
        except Exception as exc:
            self.panel_failed(exc, lasting=True)
            return None
        if self.panel_error and self._panel_failures == failures:  # (a nested guarded call may have failed)
            self.panel_recovered()
        return result

    return wrapper


def _guard(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    guarded: Callable[..., Any]
    if name == "render":
        guarded = _guard_render(method)
    elif name == "render_line":
        guarded = _guard_render_line(method)
    else:
        guarded = _guard_call(method)
    wrapper = functools.wraps(method)(guarded)
    _GUARDS.add(wrapper)
    return wrapper


class SafePanel(_MixinBase):
    """Mixin for every panel widget and lesson view: put it first in the bases."""

    panel_error: str | None = None  # the message of a failed show(), shown until the next one succeeds
    last_failure: str | None = None  # the latest failure of any kind (render ones included), for tests and logs
    _panel_failures = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, method in list(vars(cls).items()):
            if _is_guarded(name) and callable(method) and method not in _GUARDS:
                setattr(cls, name, _guard(name, method))
        # The base widget's own drawing, guarded too (a Static's content can fail when it is drawn).
        for name in ("render", "render_line"):
            method = getattr(cls, name)
            if method not in _GUARDS:
                setattr(cls, name, _guard(name, method))

    def panel_failed(self, error: Exception, *, lasting: bool) -> str:
        message = failure_message(error)
        self._panel_failures += 1
        first = message != self.last_failure
        self.last_failure = message
        if first:
            self.log.error("".join(traceback.format_exception(error)))
        if lasting:
            self.panel_error = message
            self._show_note(message)
        return message

    def draws_error(self) -> bool:
        """A failed show() stands and this panel is a leaf (a container shows a PanelNote child instead)."""
        return bool(self.panel_error) and not self.children

    def panel_recovered(self) -> None:
        self.panel_error = None
        for note in self.query_children(PanelNote):
            note.remove()
        self.refresh(layout=True)

    def _show_note(self, message: str) -> None:
        children = [child for child in self.children if not isinstance(child, PanelNote)]
        if not children:  # a leaf draws the message itself (render and render_line see panel_error)
            self.refresh(layout=True)
            return
        notes = list(self.query_children(PanelNote))
        if notes:
            notes[0].update(Text(message))
        elif self.is_mounted:
            self.mount(PanelNote(Text(message)), before=children[0])

    def one_line(self, message: str) -> str:
        """``message`` cut to the panel's width: one line, however narrow the panel (the log has it all)."""
        width = self.size.width
        return set_cell_size(message, width - 1) + "…" if 0 < width < cell_len(message) else message

    def error_text(self, message: str) -> Text:
        return Text(self.one_line(message), style=ERROR_STYLE, no_wrap=True)

    def error_strip(self, message: str, y: int) -> Strip:
        width = self.size.width
        if y != 0:
            return Strip.blank(width)
        return Strip([Segment(self.one_line(message), Style.parse(ERROR_STYLE))]).crop_extend(0, width, None)

    def safe_draw(self, draw: Callable[[], T], error: Callable[[str], T]) -> T:
        """``draw()`` (a render or a line of it), or ``error(message)`` while a failed show() stands or when
        ``draw`` fails."""
        if self.draws_error():
            return error(self.panel_error or "")
        try:
            return draw()
        except Exception as exc:
            return error(self.panel_failed(exc, lasting=False))


class PanelText(SafePanel, Static):
    """A Static inside a container panel that draws its own failures (e.g. a Pretty of odd data)."""
