"""Covers a screen that is smaller than its views can be drawn in: "terminal too small: need 60×18, have
50×16", instead of a training view squeezed until its tabs and charts vanish. Grow the terminal and the
view comes back as it was (nothing is lost: the run goes on underneath).
"""

from __future__ import annotations

from textual.widget import Widget

from core.base.i18n import pick

MIN_WIDTH, MIN_HEIGHT = 60, 18


def too_small_message(width: int, height: int, need: tuple[int, int] = (MIN_WIDTH, MIN_HEIGHT)) -> str | None:
    """The notice for a ``width``×``height`` terminal, or None where it is big enough."""
    if width >= need[0] and height >= need[1]:
        return None
    return pick(
        f"terminal too small: need {need[0]}×{need[1]}, have {width}×{height}",
        f"终端太小：需要 {need[0]}×{need[1]}，现在是 {width}×{height}",
    )


class TooSmall(Widget):
    """Hidden while the screen is big enough; otherwise docked over all of it, saying what size it needs."""

    DEFAULT_CSS = """

    TooSmall {
        dock: top;
        width: 100%;
        height: 100%;
        display: none;
        content-align: center middle;
        text-align: center;
        background: $surface;
        color: $warning;
        text-style: bold;
    }
    """

    def __init__(self, need: tuple[int, int] = (MIN_WIDTH, MIN_HEIGHT), **kwargs) -> None:
        super().__init__(**kwargs)
        self.need = need
        self.message: str | None = None

    def on_mount(self) -> None:
        self.screen.screen_layout_refresh_signal.subscribe(self, lambda screen: self.check(screen.size))
        self.check(self.screen.size)

    def on_unmount(self) -> None:
        self.screen.screen_layout_refresh_signal.unsubscribe(self)

    def check(self, size) -> None:
        message = too_small_message(size.width, size.height, self.need)
        if message != self.message:
            self.message = message
            self.display = message is not None
            self.screen.set_class(message is not None, "-too-small")  # (no scrollbar beside the notice)
            self.refresh()

    def render(self) -> str:
        return self.message or ""
