"""Every screen of the app in Chinese, at 80×24 and 120×36: the picker and its dialogs, the training view of a few
lessons (one with pictures, one with a control and live options, an exercise file) on each of its tabs, and its
dialogs. No English word of the interface may show outside the code (``zh_screen_words``: identifiers, option names
and values, PyTorch's names and a few proper nouns are not English words here).
The words found are sorted by where they come from: the frame, a lesson picture (``tui/views/``), or a
lesson's option help (``core/lessons/zh/*.md``), so a failure names the file to translate."""

from __future__ import annotations

import pytest
from app_helpers import async_test, ready, settle, wait_for
from textual.widgets import TabbedContent
from zh_screen_words import WORD, Found, allowed, english_words, lesson_words

from core.base import i18n
from core.engine import catalog
from core.exercises.make import write_exercise
from core.front.compare_args import side_by_side
from tui.app import LearnApp
from tui.screens.compare_form import CompareForm
from tui.screens.error_dialog import ErrorDialog
from tui.screens.help import HelpScreen
from tui.screens.lesson_form import LessonForm
from tui.screens.options import OptionsScreen
from tui.screens.prompt import PromptScreen

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language(None)


class Seen:
    """The English words found on each screen looked at, the frame's apart from the pictures'."""

    def __init__(self, lesson_id: str) -> None:
        """What may show in English: the words of ``lesson_id`` (its code, options and views), and every lesson id."""
        lesson = catalog.load(lesson_id)
        ids = {part for info in catalog.catalog() for part in (info.id, *info.id.split("-"))}
        self.allow = allowed(lesson_words(lesson) | ids | {"exercise"})  # (the picker lists every lesson's id)
        self.help_words = frozenset(w.lower() for option in lesson.options for w in WORD.findall(option.help))
        self.frame: list[str] = []
        self.views: list[str] = []
        self.lesson_texts: list[str] = []
        self.screens = 0

    async def look(self, pilot, where: str) -> None:
        await pilot.pause()
        self.screens += 1
        for found in english_words(pilot.app.screen, self.allow, self.help_words):
            kind = self.views if found.in_views else self.lesson_texts if found.lesson_text else self.frame
            kind.append(f"{where}: {found}")

    def verdict(self) -> None:
        assert not self.frame, "English in the app's frame:\n" + "\n".join(self.frame)
        assert not self.views, "English in a lesson picture (tui/views/):\n" + "\n".join(self.views)
        assert not self.lesson_texts, "English option help (core/lessons/zh/*.md):\n" + "\n".join(self.lesson_texts)


async def dialog(pilot, seen: Seen, key: str, kind: type, where: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), what=where)
    await seen.look(pilot, where)
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, kind), what=f"{where} to close")


async def every_tab(pilot, screen, seen: Seen, lesson: str) -> None:
    tabs = screen.query_one(TabbedContent)
    for pane in list(tabs.query("TabPane")):
        if not tabs.get_tab(pane.id).display:
            continue  # (Params and Grads beside the chart on a wide terminal)
        tabs.active = pane.id
        await pilot.pause()
        await settle(pilot, screen)
        await seen.look(pilot, f"{lesson} tab {pane.id}")


@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_the_picker_and_its_dialogs_are_chinese(size, chinese):
    seen = Seen(catalog.catalog()[0].id)  # (the options form opens on the first lesson)
    async with LearnApp(preload_torch=False).run_test(size=SIZES[size]) as pilot:
        await wait_for(pilot, lambda: pilot.app.screen.preview is not None, what="the notes preview")
        await pilot.pause()
        await seen.look(pilot, "picker")
        await dialog(pilot, seen, "question_mark", HelpScreen, "picker help")
        await dialog(pilot, seen, "f", PromptScreen, "open a lesson file")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, LessonForm) and pilot.app.screen.fields, 60)
        await seen.look(pilot, "lesson form")
    seen.verdict()


@pytest.mark.parametrize(  # (one with pictures at both sizes; one with a control and live options)
    ("size", "lesson"), [("80x24", "linear-regression"), ("120x36", "linear-regression"), ("80x24", "autograd")]
)
@async_test
async def test_the_training_view_its_tabs_and_dialogs_are_chinese(size, lesson, chinese):
    seen = Seen(lesson)
    async with LearnApp(lesson, preload_torch=False, show_speed=False).run_test(size=SIZES[size]) as pilot:
        screen = await ready(pilot)
        await seen.look(pilot, "paused at step 0")
        await pilot.press("n", "n", "full_stop", "full_stop")
        await settle(pilot, screen)
        await every_tab(pilot, screen, seen, lesson)
        screen.query_one(TabbedContent).active = "tab-chart"
        await pilot.press("g", "c")  # log scale; keep the curve (a notice)
        await settle(pilot, screen)
        await seen.look(pilot, "log scale, a kept curve")
        await dialog(pilot, seen, "question_mark", HelpScreen, "help")
        await dialog(pilot, seen, "l", PromptScreen, "lr dialog")
        await dialog(pilot, seen, "o", PromptScreen, "open a checkpoint")
        await dialog(pilot, seen, "b", PromptScreen, "break dialog")
        if any(option.live for option in screen.lesson.options):
            await dialog(pilot, seen, "O", OptionsScreen, "options")
        pilot.app.push_screen(ErrorDialog("训练线程停止了", "RuntimeError: 出错了"))
        await seen.look(pilot, "error dialog")
        await pilot.press("escape")
        await pilot.resize_terminal(50, 16)
        await seen.look(pilot, "too small")
    seen.verdict()


@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_an_exercise_file_its_check_tab_and_hints_are_chinese(size, chinese, tmp_path):
    path, _ = write_exercise("linear-regression", 1, tmp_path)
    seen = Seen("linear-regression")
    async with LearnApp(str(path), preload_torch=False, show_speed=False).run_test(size=SIZES[size]) as pilot:
        screen = await ready(pilot)
        await wait_for(pilot, lambda: screen.exercise is not None, what="the Check tab")
        screen.query_one(TabbedContent).active = "tab-check"
        await pilot.press("n", "n", "n")
        await settle(pilot, screen)
        await wait_for(pilot, lambda: screen.exercise.outcome is not None, what="the check")
        await seen.look(pilot, "check tab")
        await pilot.press("h")
        await seen.look(pilot, "a hint")
    seen.verdict()


@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_the_compare_view_and_its_form_are_chinese(size, chinese):
    lesson = catalog.load("linear-regression")
    variants = side_by_side(lesson, "optimizer", "SGD,Adam,LBFGS")
    seen = Seen("linear-regression")
    app = LearnApp(lesson, preload_torch=False, show_speed=False, compare=variants, steps=100_000)
    async with app.run_test(size=SIZES[size]) as pilot:
        screen = await ready(pilot)
        await pilot.press("n", "n", "2")
        await settle(pilot, screen)
        await seen.look(pilot, "compare view")
        await pilot.press("g")
        await settle(pilot, screen)
        await seen.look(pilot, "compare view, log scale")
        await dialog(pilot, seen, "question_mark", HelpScreen, "compare help")
        await dialog(pilot, seen, "C", CompareForm, "compare form")
    seen.verdict()


def test_a_word_is_found_with_the_widget_that_drew_it():
    """The checker itself: an English word in a frame widget is found and named; identifiers are not."""
    found = Found("paused", "StatusBar#status", False, False, "paused │ step 1")
    assert str(found) == "'paused' in StatusBar#status: 'paused │ step 1'"
    allow = allowed({"zero_grad"})
    assert "zero_grad" in allow and "grad" in allow and "paused" not in allow


@async_test
async def test_the_status_bar_tab_names_and_key_bars_speak_chinese(chinese):
    async with LearnApp("linear-regression", preload_torch=False, show_speed=False).run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        await pilot.press("n")
        await settle(pilot, screen)
        status = screen.query_one("#status").text
        assert status.startswith("linear-regression │ 已暂停 │ 第 1 步 │ 第 1 轮 │ lr 0.01 │ 损失 "), status
        tabs = screen.query_one(TabbedContent)
        names = [str(tabs.get_tab(pane.id).label) for pane in tabs.query("TabPane")]
        assert names[:3] == ["损失", "参数", "梯度"] and {"变量", "模型", "笔记"} <= set(names), names
        bar = {display: word for display, word, _ in screen.query_one("#keys").shown}
        assert bar["space"] == "运行/暂停" and bar["n"] == "单步" and bar["esc"] == "课程列表", bar
        assert "对数坐标：关 (g)" in str(screen.query_one("#log-scale").label)
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen.query("Footer"), what="the picker's footer")
        await pilot.pause()
        words = [str(key.description) for key in pilot.app.screen.query("FooterKey")]
        assert words[:3] == ["打开课程", "选项", "打开课程文件"], words
