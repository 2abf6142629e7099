"""An exercise file in the training view: the Check tab, the reload on save, and ``h``'s hints.

After each phase the learner reaches (while the run is paused), a thread worker runs ``core.exercises.check``'s
own comparison up to that step and phase: it builds its own two trainers, so the live run's tensors are never
touched from another thread. The file's mtime is polled once a second, from the moment the view opens: a file
that does not load (a syntax error) gets the Check tab too, showing the error with its line lit, and is still
watched. A save reopens the view on the reloaded file from step 0 (a reset), on the tab the learner was on, and
the Check tab is re-run to the step and phase reached before the save. Hints are counted in memory per file
and TODO, for as long as the app runs (a reload keeps them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.base.i18n import pick
from core.base.status import Status
from core.engine import catalog
from core.errors import LearnTuiError
from core.exercises import make
from core.exercises.files import read_exercise
from core.exercises.learner import TodoLeft
from core.exercises.time_limit import TimedOut
from tui.widgets.check_panel import CheckPanel, verdict
from tui.widgets.code_panel import CodePanel

if TYPE_CHECKING:
    from core.exercises.check import Comparison
    from tui.screens.training import TrainingScreen

POLL_SECONDS = 1.0
HINTS_SHOWN: dict[tuple[str, int], int] = {}  # (file, TODO index) -> hints shown so far
REACHED: dict[str, tuple[int, str | None, int | None]] = {}  # file -> where the learner was when it was saved
TABS: dict[str, str] = {}  # file -> the tab the learner was on when it was saved
EXERCISE_LINE = re.compile(r"^EXERCISE_OF\s*=", re.MULTILINE)
ERROR_LINE = re.compile(r", line (\d+)")


def exercise_file(ref: Any) -> Path | None:
    """The exercise file a view opens, told from its text without running it (so one that does not load is
    known too), or None."""
    if not isinstance(ref, str) or not catalog.is_path(ref):
        return None
    path = Path(ref).expanduser()
    try:
        return path if EXERCISE_LINE.search(path.read_text(encoding="utf-8", errors="replace")) else None
    except OSError:
        return None


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


@dataclass(frozen=True)
class Outcome:
    target: tuple[int, str | None, int | None]
    phases: int  # phases that matched
    mismatch: Comparison | None = None
    crash: str = ""
    stuck: int | None = None  # the line to light: where a phase was stuck, the TODO to fill in
    timed_out: bool = False  # the crash message stands alone (a time limit, a TODO left)


def compare_to(path: Path, target: tuple[int, str | None, int | None]) -> Outcome:
    """The comparison up to ``target`` (step, phase, line: the learner's position), in the calling thread."""
    from core.exercises.check import compare  # (numpy and the trainer: in the checking thread, not the UI's)

    step, phase, line = target
    matched = 0
    try:
        for item in compare(path, steps=max(step, 1)):
            if item.step > step:
                break
            if item.difference is not None:
                return Outcome(target, matched, item)
            matched += item.phase is not None
            if item.step == step and phase is not None and item.phase == phase and line in (None, item.line):
                break
    except TimedOut as exc:  # the learner's file never reached its next yield: stopped, the app goes on
        return Outcome(target, matched, crash=exc.message, stuck=exc.stuck, timed_out=True)
    except TodoLeft as exc:  # it stopped on a name a TODO still has to set
        return Outcome(target, matched, crash=exc.message, stuck=exc.line, timed_out=True)
    except LearnTuiError as exc:
        return Outcome(target, matched, crash=exc.message)
    except Exception as exc:  # the learner's own code, where check does not wrap it
        return Outcome(target, matched, crash=f"{type(exc).__name__}: {exc}")
    return Outcome(target, matched)


class ExerciseCheck:
    def __init__(self, screen: TrainingScreen, path: str) -> None:
        self.screen, self.path = screen, Path(path)
        self.mtime = _mtime(self.path)
        self.carried = REACHED.pop(str(self.path), None)  # where the learner was before a reload
        self.target: tuple[int, str | None, int | None] | None = self.carried
        self.checked: tuple | None = None
        self.busy = False
        self.outcome: Outcome | None = None
        self.panel = CheckPanel(id="check")
        self.tab = TABS.pop(str(self.path), None)  # the tab the learner was on before a reload
        self.switched = False  # the Check tab was brought forward to show a load error
        self.load_error = ""

    @classmethod
    def watch(cls, screen: TrainingScreen) -> ExerciseCheck | None:
        """The Check tab and the watch on the file, as the view opens, when it opens an exercise file."""
        path = exercise_file(screen.lesson_ref)
        if path is None:
            return None
        check = cls(screen, str(path))
        check.mount()
        return check

    def mount(self) -> None:
        from textual.widgets import TabbedContent, TabPane

        self.screen.query_one(TabbedContent).add_pane(
            TabPane(pick("Check", "检查"), self.panel, id="tab-check"), before="tab-params"
        )
        self.screen.set_interval(POLL_SECONDS, self.poll)
        if self.target is not None:
            self.panel.show(
                pick(
                    "reloaded: checking your file again to where you were…",
                    "已重新加载：正在把你的文件重新检查到刚才的位置…",
                )
            )

    def loaded(self) -> None:
        """The lesson is loaded and its tabs added: back to the tab the learner was on before the reload, and
        the check re-run to where the learner was."""
        self.screen.call_after_refresh(self._show_tab, self.tab)
        self._start()

    def _show_tab(self, tab: str | None) -> None:
        from textual.widgets import TabbedContent

        tabs = self.screen.query_one(TabbedContent)
        if tab is None or tab == tabs.active or not self.screen.is_mounted:
            return
        try:
            hidden = tabs.get_tab(tab).has_class("-hidden")  # (Params and Grads beside the tabs, when wide)
        except Exception:  # a tab this version of the file no longer has (a view removed): stay
            return
        if not hidden:
            tabs.active = tab

    def load_failed(self, message: str, details: str = "") -> None:
        """The file does not load: the error in the Check tab, its line lit; the next save reloads it. (Called
        for the driver's failure, then for each frame drawn: the frame's own line would unlight it.)"""
        from textual.widgets import TabbedContent

        code = self.screen.query_one(CodePanel)
        if message != self.load_error:
            self.load_error = message
            text = pick(f"✗ your file does not load: {message}", f"✗ 你的文件无法加载：{message}")
            hint = pick("save the fix: this view reloads it", "保存修改后，这个视图会重新加载它")
            self.panel.show("\n\n".join(part for part in (text, details.rstrip(), hint) if part))
            code.set_source(str(self.path))
            tabs = self.screen.query_one(TabbedContent)
            if tabs.active != "tab-check":
                self.tab, self.switched = self.tab or tabs.active, True
                tabs.active = "tab-check"
        where = re.search(rf'"{re.escape(str(self.path.resolve()))}", line (\d+)', details) or ERROR_LINE.search(
            message
        )
        if where is not None:
            code.show_line(int(where.group(1)), title=pick("✗ your file does not load", "✗ 文件无法加载"))

    # -- checking ---------------------------------------------------------------------------------------------
    def seen(self, progress: Any, state: Status) -> None:
        """A frame was drawn: check up to its ``Progress`` once the run stands still there."""
        frame = self.screen.frame
        if state == Status.FAILED and self.screen.lesson is None and frame is not None:
            self.load_failed(frame.message)
            return
        step, line = progress.step, progress.line
        phase = progress.phase.name if progress.phase is not None else None
        if state in (Status.CRASHED, Status.FAILED):  # check through the step the learner's code broke in
            step, phase, line = max(step, 1), None, None
        elif phase is None or state in (Status.RUNNING, Status.LOADING):
            return
        if self.carried is not None and step < self.carried[0]:
            return  # the reloaded run has not caught up with where the learner was: keep that target
        self.carried = None
        self.target = (step, phase, line)
        self._start()

    def _start(self) -> None:
        if self.busy or self.target is None or self.target == self.checked:
            return
        self.busy, target = True, self.target
        self.screen.run_worker(
            lambda: self._run(target),
            thread=True,
            exit_on_error=False,
            name="check against the reference",
            group="exercise-check",
        )

    def _run(self, target: tuple) -> None:
        outcome = compare_to(self.path, target)
        self.screen.app.call_from_thread(self._show, outcome)

    def _show(self, outcome: Outcome) -> None:
        self.busy, self.checked, self.outcome = False, outcome.target, outcome
        self.panel.show(verdict(outcome))
        item = outcome.mismatch
        line = (item.lit or item.line) if item is not None else outcome.stuck
        if line is not None and self.screen.is_mounted:
            if item is not None:
                title = pick("✗ differs from the reference here", "✗ 此处与参考代码不同")
                if item.lit is not None:
                    title = pick("✗ this line made the difference", "✗ 差异出自这一行")
            else:
                title = pick("✗ the check stopped your file here", "✗ 检查在这里停下了你的文件")
            self.screen.query_one(CodePanel).show_line(line, title=title)
        self._start()  # the learner moved on while this ran

    # -- reloading ----------------------------------------------------------------------------------------------
    def poll(self) -> None:
        now = _mtime(self.path)
        if now is None or now == self.mtime or not self.screen.is_current:
            return  # (a dialog on top: reload once it is closed)
        self.mtime = now
        self.reload()

    def reload(self) -> None:
        """Reopen the view on the saved file, from step 0; the check re-runs to where the learner was."""
        from textual.widgets import TabbedContent

        reached = self.target or self.checked
        if reached is not None:
            REACHED[str(self.path)] = (reached[0], reached[1], None)  # (lines may have moved)
        active = self.screen.query_one(TabbedContent).active
        tab = self.tab if self.switched and active == "tab-check" else active
        if tab:
            TABS[str(self.path)] = tab
        screen = self.screen
        screen.app.switch_screen(screen.reopened())
        screen.app.notify(
            pick(f"{self.path.name} changed: reloaded from step 0", f"{self.path.name} 已修改：从第 0 步重新加载")
        )

    # -- hints ----------------------------------------------------------------------------------------------------
    def hint(self) -> str:
        """The next hint for the first TODO that is wrong: what its phase must do, then the API, then the line."""

        try:
            lesson_id, level = read_exercise(self.path)
            _, removed = make.make_exercise(lesson_id, level)
            index = self._todo_index(lesson_id, removed)
            hints = make.hints(lesson_id, level, index)
        except LearnTuiError as exc:
            return exc.message
        key = (str(self.path), index)
        shown = HINTS_SHOWN.get(key, 0)
        HINTS_SHOWN[key] = shown + 1
        which = min(shown, len(hints) - 1)
        label = pick(["what it must do", "the API", "the line"][which], ["要做什么", "要用的 API", "那一行"][which])
        text = pick(
            f"hint {which + 1}/3 for TODO {index + 1} ({label}): {hints[which]}",
            f"TODO {index + 1} 的提示 {which + 1}/3（{label}）：{hints[which]}",
        )
        self.panel.show(hint=text)
        return text

    def _todo_index(self, lesson_id: str, removed: list[Any]) -> int:
        """The TODO before the phase where the runs part; else the first TODO still in the file; else the first."""
        item = self.outcome.mismatch if self.outcome is not None else None
        if item is not None and item.phase is not None:
            lines = Path(catalog.find(lesson_id).path).read_text(encoding="utf-8").splitlines()
            for index, part in enumerate(removed):
                if _phase_after(lines, part.end) == item.phase:
                    return index
        try:
            left = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            left = ""
        return next((i for i, part in enumerate(removed) if f"# TODO: {part.task}" in left), 0)


_YIELD = re.compile(r"^\s*yield\s+([A-Z_]+)")


def _phase_after(lines: list[str], end: int) -> str | None:
    """The phase of the first ``yield`` after line ``end`` (1-based) of a lesson's source."""
    for text in lines[end:]:
        found = _YIELD.match(text)
        if found:
            return found.group(1)
    return None
