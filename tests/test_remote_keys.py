"""The attached view's keys say what they do there: esc detaches (the run is in another process, there is no
lesson picker to go back to), in the key bar and in the help, made from the same key table."""

import socket

from app_helpers import async_test, wait_for

from tui.screens.help import HelpScreen
from tui.widgets.key_bar import KeyBar


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@async_test
async def test_esc_in_the_attached_view_says_detach_in_the_key_bar_and_help_and_detaches():
    from tui.attach import AttachApp

    app = AttachApp("127.0.0.1", free_port(), "token", show_speed=False)  # (nothing serves there: it retries)
    async with app.run_test(size=(200, 36)) as pilot:
        bar = app.screen.query_one(KeyBar)
        await wait_for(pilot, lambda: bar.shown, what="the key bar")
        words = {display: word for display, word, _ in bar.shown}
        assert words["esc"] == "Detach" and "Lessons" not in words.values()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = dict(app.screen.rows)
        assert rows["esc"].startswith("close this view and leave the run training")
        assert "lesson picker" not in " ".join(rows.values())
        await pilot.press("escape")  # closes the help
        await pilot.press("escape")  # detaches
        await wait_for(pilot, lambda: app._exit, what="the app to close")
