"""The gallery of misclassified test digits (view "misclassified"), a page at a time.

It takes the focus when its tab opens; ``←`` / ``→`` then show the previous / next page (in the Footer
while focused). ``[`` / ``]`` stay the training screen's keys for switching tabs.
Each digit shows its test-set index, its true label and what the model predicted, with how sure it
was. ``render_gallery`` is a pure function of the view's plain data, the page and the width.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from core.base.i18n import is_chinese, pick
from core.base.view_data import MisclassifiedData, Mistake, ViewError
from tui.views.digits import GAP, PANEL_WIDTH, WRONG, Line, digit_rows, side_by_side
from tui.widgets.data_view import failed, unavailable
from tui.widgets.safe_panel import SafePanel

ROWS_PER_PAGE = 2


def page_size(width: int) -> int:
    return max(1, (width + GAP) // (PANEL_WIDTH + GAP)) * ROWS_PER_PAGE


def page_count(data: Any, width: int) -> int:
    items = data.get("items", []) if isinstance(data, dict) else []
    return max(1, -(-len(items) // page_size(width)))


def gallery_panel(item: Mistake) -> list[Line]:
    caption: Line = [
        (f"#{item['index']}: {item['label']} → ", None),
        (str(item["prediction"]), WRONG),
        (pick(f" ({item['confidence'] * 100:.0f}% sure)", f"（把握 {item['confidence'] * 100:.0f}%）"), None),
    ]
    return [caption] + digit_rows(item["image"])


def render_gallery(data: MisclassifiedData | ViewError, page: int, width: int = 80) -> Text:
    """One page of misclassified digits with a line saying where in the gallery it is."""
    if failed(data):
        return unavailable(pick("gallery", "错例集"), data)
    items = data.get("items", [])
    if not data.get("evaluated"):
        return Text(
            pick(
                "No evaluation yet: the digits the model gets wrong appear here after the first test.",
                "还没有评估：第一次测试后，这里显示模型分错的数字。",
            ),
            "grey50",
        )
    if not items:
        return Text(
            pick(
                f"No mistakes: all {data['evaluated']:,} test digits classified right.",
                f"没有错误：{data['evaluated']:,} 个测试数字全部分对。",
            ),
            "green",
        )
    size = page_size(width)
    pages = page_count(data, width)
    page = max(0, min(page, pages - 1))
    shown = items[page * size : (page + 1) * size]
    kept = pick(f" (the first {len(items)} kept)", f"（保留前 {len(items)} 个）") if len(items) < data["total"] else ""
    total, evaluated, step = f"{data['total']:,}", f"{data['evaluated']:,}", data.get("step")
    header: Line = [
        (pick(f"page {page + 1}/{pages}", f"第 {page + 1}/{pages} 页"), "bold"),
        (
            pick(
                f" · {total} of {evaluated} test digits misclassified at step {step}{kept} · ← → page (when focused)",
                f" · 第 {step} 步：{evaluated} 个测试数字中分错 {total} 个{kept} · ← → 翻页（获得焦点时）",
            ),
            None,
        ),
    ]
    return side_by_side([gallery_panel(item) for item in shown], width, header)


def translate_bindings(widget: Widget, chinese: dict[str, str]) -> None:
    """In Chinese, the widget's key descriptions (what the key bar shows) from ``chinese``: Textual reads the
    class's ``BINDINGS`` once, at import, so the language chosen later is applied to the widget's own copy."""
    if not is_chinese():
        return
    bindings = widget._bindings.key_to_bindings  # noqa: SLF001 (the instance copy of BINDINGS; no public setter)
    for key, alike in bindings.items():
        bindings[key] = [replace(b, description=chinese.get(b.description, b.description)) for b in alike]


class MisclassifiedView(SafePanel, Static, can_focus=True):
    """Shows the "misclassified" view; ``←`` and ``→`` page through it when focused."""

    DEFAULT_CSS = """
    MisclassifiedView { height: auto; padding: 0 1; }
    MisclassifiedView:focus { border-left: thick $accent; }
    """
    BINDINGS = [
        Binding("left", "page(-1)", "Prev mistakes", key_display="←"),
        Binding("right", "page(1)", "Next mistakes", key_display="→"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self, {"Prev mistakes": "上一页错例", "Next mistakes": "下一页错例"})
        self._data: Any = None
        self.page = 0

    def show(self, data: MisclassifiedData | ViewError) -> None:
        if data is self._data or data == self._data:
            return
        self._data = data
        self._draw()

    def on_show(self) -> None:
        """Take the focus when its tab opens, so ← and → page at once (``[``/``]`` still switch tabs)."""
        self.focus()

    def action_page(self, delta: int) -> None:
        pages = page_count(self._data, self._width())
        self.page = max(0, min(self.page + delta, pages - 1))
        self._draw()

    def on_resize(self) -> None:
        if self._data is not None:
            self._draw()

    def _width(self) -> int:
        return self.content_size.width or 80

    def _draw(self) -> None:
        self.page = max(0, min(self.page, page_count(self._data, self._width()) - 1))
        self.update(render_gallery(self._data, self.page, self._width()))


VIEW = MisclassifiedView
