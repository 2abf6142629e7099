"""The lesson picker: lessons grouped by course lecture, the highlighted one's notes beside the list.

The list comes from ``core.catalog`` (read with ``ast``, nothing imported), so it paints at once while
torch loads in the background.
"""

from __future__ import annotations

import functools
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.widgets.notes_panel import NotesPanel

# The course 《PyTorch深度学习实践》 (Liu Er), by lecture.
LECTURES = {
    1: "Overview", 2: "Linear model", 3: "Gradient descent", 4: "Back propagation",
    5: "Linear regression with PyTorch", 6: "Logistic regression", 7: "Multi-dimensional input",
    8: "Dataset and DataLoader", 9: "Softmax classifier", 10: "Basic CNN", 11: "Advanced CNN",
    12: "Basic RNN", 13: "RNN classifier",
}


LIST_KEYS = [("↑ ↓", "", "move through the lessons (the highlighted one's notes show on the right)"),
             ("pgup pgdn", "", "move a page up or down the list")]


def lecture_heading(lecture: int | None) -> str:
    if lecture is None:
        return "Beyond the course"
    return f"Lecture {lecture} · {LECTURES.get(lecture, '')}".rstrip(" ·")


@functools.lru_cache(maxsize=1)
def lesson_infos() -> tuple[list, list[str]]:
    """The built-in lessons, and a line for each lesson file that could not be read (read once per run)."""
    from core import catalog

    try:
        return catalog.catalog(), []
    except Exception:  # one broken file: list the others and say which one
        infos, problems = [], []
        for path in sorted(catalog.LESSONS_DIR.glob("*.py")):
            if path.name.startswith("_"):
                continue
            try:
                infos.append(catalog.read_info(path))
            except Exception as exc:
                problems.append(f"{path.name}: {type(exc).__name__}: {exc}")
        infos.sort(key=lambda i: (i.lecture is None, i.lecture or 0, i.path))
        return infos, problems


class PickerScreen(Screen):
    BINDINGS = [
        # priority: the list's own enter (select, not shown) would hide it from the footer and the help
        Binding("enter", "open_lesson", "Open lesson", priority=True),
        Binding("f", "open_file", "Open a lesson file"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        infos, self.problems = lesson_infos()
        self.infos = list(infos)
        self._by_id = {info.id: info for info in self.infos}

    def compose(self) -> ComposeResult:
        yield Static("learn-tui · Pick a lesson", id="picker-title")
        with Horizontal(id="picker-body"):
            yield OptionList(*self._options(), id="lesson-list")
            yield NotesPanel(id="lesson-preview")
        yield Static(self._status_text(), id="torch-status")
        yield Footer()

    def _options(self) -> list:
        options, lecture = [], object()
        for info in self.infos:
            if info.lecture != lecture:
                lecture = info.lecture
                options.append(Option(Text(lecture_heading(lecture), style="bold"), disabled=True))
            prompt = Text.assemble("  ", (info.id, "bold"), (f"  {info.title}", "dim"), no_wrap=True,
                                   overflow="ellipsis")
            options.append(Option(prompt, id=info.id))
        for problem in self.problems:
            options.append(Option(Text(f"  could not read {problem}", style="red"), disabled=True))
        if not self.infos:
            options.append(Option("no lessons found in core/lessons", disabled=True))
        return options

    def _status_text(self) -> str:
        import sys

        if "torch" in sys.modules:
            return "torch ready · enter opens a lesson"
        return "loading torch… (in the background; lessons open when it is ready)"

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.call_after_refresh(self._highlight_first)  # the notes preview can wait for the first frame

    def on_screen_resume(self) -> None:
        if self.query_one(OptionList).highlighted is None:
            self.call_after_refresh(self._highlight_first)

    def _highlight_first(self) -> None:
        option_list = self.query_one(OptionList)
        if self.app.screen is not self:  # under a lesson opened from the command line: preview later
            return
        if self.infos and option_list.highlighted is None:
            option_list.highlighted = next(i for i, o in enumerate(option_list.options) if not o.disabled)

    def torch_loaded(self) -> None:
        self.query_one("#torch-status", Static).update(self._status_text())

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        info = self._by_id.get(event.option.id or "")
        if info is not None:
            self.query_one(NotesPanel).set_notes(info.notes)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id in self._by_id:
            self.app.open_lesson(event.option.id)

    def action_open_lesson(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            option = option_list.get_option_at_index(option_list.highlighted)
            if option.id in self._by_id:
                self.app.open_lesson(option.id)

    def action_open_file(self) -> None:
        from core.errors import UsageError
        from tui.screens.prompt import PromptScreen

        def check(text: str) -> str:
            path = Path(text.strip()).expanduser()
            if not text.strip():
                raise UsageError("type the path of a lesson file, e.g. my_lesson.py")
            if not path.is_file():
                raise UsageError(f"no file at {path}; check the path")
            return str(path)

        self.app.push_screen(PromptScreen("Open a lesson file (path to a .py file):", placeholder="my_lesson.py",
                                          validate=check), lambda path: path and self.app.open_lesson(path))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen, rows_for

        # The list's own keys first: they have no binding on this screen.
        self.app.push_screen(HelpScreen([*LIST_KEYS, *rows_for(self)]))
