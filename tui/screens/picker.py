"""The lesson picker: lessons grouped by course lecture, the highlighted one's notes beside the list.

The list comes from ``core.engine.catalog`` (read with ``ast``, nothing imported), so it paints at once while
torch loads in the background; the footer and the notes panel (Markdown) are mounted just after that first
frame. Titles wrap rather than being cut; typing narrows the list to the lessons
whose id or title holds what was typed (escape clears it, and so does opening a lesson: back from it, the
whole list shows again); ctrl+o opens the highlighted lesson's options form (``lesson_form.py``) instead.
Texts follow ``core.base.i18n``'s language.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from core.base.i18n import pick
from core.engine import catalog
from core.errors import UsageError
from tui.keys import FOCUS_KEYS, Key, translated
from tui.screens.lesson_list import exercise_marks, first_lesson, lesson_infos, list_keys, list_options, matches

if TYPE_CHECKING:
    from textual import getters
    from textual.binding import ActiveBinding

    from core.base.settings import RunSettings
    from core.lesson import Lesson
    from tui.app import LearnApp
    from tui.widgets.notes_panel import NotesPanel


PICKER_KEYS = (
    # priority: the list's own enter (select, not shown) would hide it from the footer
    Key("enter", "open_lesson", "Open lesson", "open the highlighted lesson", priority=True),
    Key(
        "ctrl+o",
        "lesson_options",
        "Options",
        "choose the highlighted lesson's options (its data folder, batch "
        "size …, the learning rate, seed and budget), then start it",
    ),
    Key("f", "open_file", "Open a lesson file", "open your own lesson file (a path to a .py file)"),
    Key("question_mark", "help", "Help", "this help", display="?"),
    Key("q", "app.quit", "Quit", "quit learn-tui"),
)


class PickerScreen(Screen):
    if TYPE_CHECKING:  # (LearnApp is the app this screen runs in; at run time Textual's own app property answers)
        app = getters.app(LearnApp)

    BINDINGS = [key.binding for key in (*PICKER_KEYS, *FOCUS_KEYS)]

    def __init__(self) -> None:
        super().__init__()
        infos, self.problems = lesson_infos()
        self.english = {info.id: info for info in infos}  # the filter matches English titles too
        self.infos = [catalog.localized(info) for info in infos]
        self._by_id = {info.id: info for info in self.infos}
        self.typed = ""  # the filter
        self.marks: dict = {}  # the exercise levels passed, beside each lesson: read after the first frame
        self.preview: NotesPanel | None = None  # the highlighted lesson's notes, mounted after the first frame

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, each key's word in the chosen language (the Footer shows them; ``tui/keys.py``)."""
        return {
            key: active._replace(binding=translated(active.binding)) for key, active in super().active_bindings.items()
        }

    def compose(self) -> ComposeResult:
        yield Static(self._title_text(), id="picker-title")
        with Horizontal(id="picker-body"):
            lessons = OptionList(*self._options(), id="lesson-list")
            lessons.styles.text_wrap = "wrap"  # titles wrap (the app's stylesheet cuts list rows)
            lessons.styles.text_overflow = "fold"
            yield lessons  # the notes panel (Markdown: ~30 ms to import) is mounted after the first frame
        yield Static(self._status_text(), id="torch-status")  # (the footer is mounted after the first frame)

    def _title_text(self) -> str:
        if self.typed:
            return pick(
                f"learn-tui · Pick a lesson · filter: {self.typed}▏ (escape clears)",
                f"learn-tui · 选择一课 · 筛选：{self.typed}▏（escape 清空）",
            )
        return pick("learn-tui · Pick a lesson · type to filter", "learn-tui · 选择一课 · 输入文字可筛选")

    def shown_infos(self) -> list:
        """The lessons the filter lets through, in course order."""
        return [info for info in self.infos if matches(self.english.get(info.id, info), self.typed)]

    def _options(self) -> list[Option]:
        return list_options(self.infos, self.shown_infos(), self.typed, self.problems, self.marks)

    def on_key(self, event: events.Key) -> None:
        """Typing filters; f, q and ? keep their keys while nothing is typed."""
        if event.key == "escape" and self.typed:
            self.set_filter("")
        elif event.key == "backspace" and self.typed:
            self.set_filter(self.typed[:-1])
        elif (
            event.is_printable
            and event.character
            and event.character.isprintable()
            and (self.typed or (event.character not in "fq?" and not event.character.isspace()))
        ):
            self.set_filter(self.typed + event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    def set_filter(self, typed: str, keep: str | None = None) -> None:
        """Show the lessons ``typed`` lets through, the first highlighted (or ``keep``, a lesson id); with none,
        the notes panel says so instead of showing the notes of a lesson no longer listed."""
        self.typed = typed
        self.query_one("#picker-title", Static).update(self._title_text())
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(self._options())
        kept = next((i for i, option in enumerate(option_list.options) if keep and option.id == keep), None)
        option_list.highlighted = kept if kept is not None else first_lesson(option_list)
        if option_list.highlighted is None and self.preview is not None:
            self.preview.show_hint(
                pick(
                    "*No lesson matches the filter.* Backspace deletes a character; escape clears it.",
                    "*没有与筛选匹配的课程。* backspace 删除一个字符；escape 清空。",
                )
            )

    def _open(self, lesson: str | Lesson, settings: RunSettings | None = None) -> None:
        """Open a lesson (an id, a file or a loaded one, with the options form's settings); the filter goes, so
        that the picker shows every lesson when the learner comes back (the opened one highlighted)."""
        if self.typed:
            self.set_filter("", keep=lesson if isinstance(lesson, str) else lesson.id)
        self.app.open_lesson(lesson, settings)

    def _status_text(self) -> str:
        if "torch" in sys.modules:
            return pick(
                "torch ready · enter opens a lesson · ctrl+o: its options first",
                "torch 已就绪 · 按 enter 打开课程 · ctrl+o：先设置选项",
            )
        return pick(
            "loading torch… (in the background; lessons open when it is ready)",
            "正在后台加载 torch…（加载完成后即可打开课程）",
        )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.call_after_refresh(self._mount_footer)  # the footer and the notes preview can wait for the first
        self.call_after_refresh(self._highlight_first)  # frame (~10 ms of the picker's start-up)

    async def _mount_footer(self) -> None:
        await self.mount(Footer())
        self.refresh_bindings()  # (a footer mounted late fills its keys at the next bindings change)

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self.show_marks)  # (a level passed in the lesson just left; after the first frame)
        if self.query_one(OptionList).highlighted is None or self.preview is None:
            self.call_after_refresh(self._highlight_first)

    def show_marks(self) -> None:
        """The exercise levels passed, beside each lesson (read again: a level may have passed since)."""
        marks = exercise_marks()
        if marks == self.marks:
            return
        self.marks = marks
        option_list = self.query_one(OptionList)
        highlighted = option_list.highlighted
        option_list.clear_options()
        option_list.add_options(self._options())
        option_list.highlighted = highlighted

    async def _highlight_first(self) -> None:
        option_list = self.query_one(OptionList)
        if self.app.screen is not self:  # under a lesson opened from the command line: preview later
            return
        self.show_marks()
        await self._mount_preview()
        if self.infos and option_list.highlighted is None:
            option_list.highlighted = first_lesson(option_list)

    async def _mount_preview(self) -> None:
        """The notes panel, mounted once the list is on screen (Markdown and markdown_it take ~30 ms to import)."""
        if self.preview is not None:
            return
        from tui.widgets.notes_panel import NotesPanel  # (Markdown: after the first frame)

        self.preview = NotesPanel(id="lesson-preview")
        await self.query_one("#picker-body").mount(self.preview)
        lesson_id = self._highlighted_id()  # (highlighted before the panel was there)
        if lesson_id is not None:
            self.preview.set_notes(self._by_id[lesson_id].notes)

    def torch_loaded(self) -> None:
        self.query_one("#torch-status", Static).update(self._status_text())

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        info = self._by_id.get(event.option.id or "")
        if info is not None and self.preview is not None:
            self.preview.set_notes(info.notes)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id in self._by_id:
            self._open(event.option.id)

    def action_open_lesson(self) -> None:
        lesson_id = self._highlighted_id()
        if lesson_id is not None:
            self._open(lesson_id)

    def _highlighted_id(self) -> str | None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return None
        option_id = option_list.get_option_at_index(option_list.highlighted).id
        return option_id if option_id in self._by_id else None

    def action_lesson_options(self) -> None:
        """The options form of the highlighted lesson; it answers the lesson and its settings, or None."""
        from tui.screens.lesson_form import LessonForm  # (opened by a key: off the first frame)

        lesson_id = self._highlighted_id()
        if lesson_id is not None:
            self.app.push_screen(LessonForm(lesson_id), self._start_with)

    def _start_with(self, answer: tuple[Lesson, RunSettings] | None) -> None:
        """The options form's answer: the lesson and its settings, or None when it was closed."""
        if answer:
            self._open(*answer)

    def action_open_file(self) -> None:
        from tui.screens.prompt import PromptScreen  # (opened by a key: off the first frame)

        def check(text: str) -> str:
            path = Path(text.strip()).expanduser()
            if not text.strip():
                raise UsageError("type the path of a lesson file, e.g. my_lesson.py")
            if not path.is_file():
                raise UsageError(f"no file at {path}; check the path")
            return str(path)

        self.app.push_screen(
            PromptScreen(
                pick("Open a lesson file (path to a .py file):", "打开课程文件（.py 文件的路径）："),
                placeholder="my_lesson.py",
                validate=check,
            ),
            self._open_path,
        )

    def _open_path(self, path: str | None) -> None:
        if path:
            self._open(path)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen, help_rows  # (opened by a key: off the first frame)

        # The list's own keys first: they have no binding on this screen.
        self.app.push_screen(HelpScreen([*list_keys(), *help_rows(self.app, (*PICKER_KEYS, *FOCUS_KEYS))]))
