"""The help screens (?) on the picker and the training view: the keys they list and what they say."""

from __future__ import annotations

from app_helpers import PLAIN, TOY, async_test, ready

from tui.app import LearnApp
from tui.keys import FOCUS_KEYS
from tui.screens.help import HelpScreen
from tui.widgets.key_bar import KeyBar

SIZE = (110, 34)


def described(rows) -> dict[str, str]:
    return dict(rows)


@async_test
async def test_picker_help_says_enter_opens_the_lesson_and_mentions_the_arrows():
    async with LearnApp(preload_torch=False).run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        texts = described(pilot.app.screen.rows)
        assert texts["⏎"] == "open the highlighted lesson"
        assert not any("checkpoint" in text for text in texts.values())
        assert "↑ ↓" in texts and "lessons" in texts["↑ ↓"]


async def help_rows(lesson, pilot):
    screen = await ready(pilot)
    await pilot.pause()
    shown = [key for key, _, _ in screen.query_one(KeyBar).shown]
    await pilot.press("question_mark")
    assert isinstance(pilot.app.screen, HelpScreen)
    return shown, pilot.app.screen.rows


@async_test
async def test_training_help_lists_exactly_the_keys_of_the_key_bar():
    async with LearnApp(PLAIN, preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        shown, rows = await help_rows(PLAIN, pilot)
        keys = [key for key, _ in rows]
        assert "z" not in keys and "z" not in shown  # PLAIN has no zero_grad switch
        generic = [pilot.app.get_key_display(key.binding) for key in FOCUS_KEYS]
        assert keys[-len(generic) :] == generic  # Tab and shift+Tab, on every screen
        assert keys[: -len(generic)] == shown
    async with LearnApp(TOY, preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        shown, rows = await help_rows(TOY, pilot)
        assert "z" in [key for key, _ in rows] and "z" in shown


@async_test
async def test_the_tab_keys_have_different_descriptions():
    async with LearnApp(TOY, preload_torch=False, show_speed=False).run_test(size=SIZE) as pilot:
        _, rows = await help_rows(TOY, pilot)
        texts = described(rows)
        assert texts["["].startswith("show the previous tab") and texts["]"].startswith("show the next tab")
        descriptions = [text for _, text in rows]
        assert len(descriptions) == len(set(descriptions))
