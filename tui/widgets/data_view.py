"""The base of the lesson views drawn as one rich ``Text`` from their plain data (``tui/views/<name>.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from core.base.i18n import pick
from tui.widgets.safe_panel import SafePanel

if TYPE_CHECKING:
    from typing_extensions import TypeIs

    from core.base.view_data import ViewError


def failed(data: object) -> TypeIs[ViewError]:
    """Whether a view's data are the error its function raised (``{"error": ...}``), or not a dict at all:
    either way not its picture's data (``core.base.views``), drawn as ``unavailable``."""
    return not isinstance(data, dict) or "error" in data


def error_of(data: object) -> object:
    """What went wrong: the error's text, or the data themselves when they are not a dict."""
    return data.get("error") if isinstance(data, dict) else data


def unavailable(what: str, data: object) -> Text:
    """The red line of a view whose data can't be drawn (``failed``)."""
    return Text(pick(f"{what} unavailable: ", f"{what} 无法显示：") + repr(error_of(data)), "red")


class DataView(SafePanel, Static):
    """``show(data)`` redraws only when the data change; with ``fits_width``, also when the width does.
    Subclasses turn the data into text in ``render_data(data, width)`` (width None before the first layout)."""

    DEFAULT_CSS = "DataView { height: auto; padding: 0 1; }"
    fits_width = False  # the text is laid out to the view's width

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._data: Any = object()  # nothing shown yet: any first data differs
        self._width = 0  # the width the data were last laid out for

    def render_data(self, data: Any, width: int | None) -> Text:
        raise NotImplementedError

    def show(self, data: Any) -> None:
        if data is self._data or data == self._data:
            return
        self._data = data
        self._draw()

    def shown(self) -> bool:
        """Whether some data were shown (and so laid out) yet."""
        return type(self._data) is not object

    def _draw(self) -> None:
        self._width = self.content_size.width
        self.update(self.render_data(self._data, self._width or None))

    def on_resize(self) -> None:
        if self.fits_width and self.content_size.width != self._width and isinstance(self._data, dict):
            self._draw()
