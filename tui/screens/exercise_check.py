"""An exercise file in the training view: the Check tab, the reload on save, and ``h``'s hints.

After each phase the learner reaches (while the run is paused), a thread worker runs ``core.exercises.check``'s
own comparison up to that step and phase: it builds its own two trainers, so the live run's tensors are never
touched from another thread. The file's mtime is polled once a second; a save reopens the view on the reloaded
file from step 0 (a reset), and the Check tab is re-run to the step and phase reached before the save.
Hints are counted in memory per file and TODO, for as long as the app runs (a reload keeps them).
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
from core.exercises.time_limit import TimedOut
from tui.widgets.check_panel import CheckPanel, differing_values
from tui.widgets.code_panel import CodePanel

if TYPE_CHECKING:
    from core.exercises.check import Comparison
    from tui.screens.training import TrainingScreen

POLL_SECONDS = 1.0
HINTS_SHOWN: dict[tuple[str, int], int] = {}  # (file, TODO index) -> hints shown so far
REACHED: dict[str, tuple[int, str | None, int | None]] = {}  # file -> where the learner was when it was saved


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
    stuck: int | None = None  # the line a phase was stuck at when it ran past its time limit
    timed_out: bool = False


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
            self._start()

    # -- checking ---------------------------------------------------------------------------------------------
    def seen(self, progress: Any, state: Status) -> None:
        """A frame was drawn: check up to its ``Progress`` once the run stands still there."""
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
        self.panel.show(self.verdict(outcome))
        line = outcome.mismatch.line if outcome.mismatch is not None else outcome.stuck
        if line is not None and self.screen.is_mounted:
            title = (
                pick("✗ differs from the reference here", "✗ 此处与参考代码不同")
                if outcome.mismatch is not None
                else pick("✗ the check stopped your file here", "✗ 检查在这里停下了你的文件")
            )
            self.screen.query_one(CodePanel).show_line(line, title=title)
        self._start()  # the learner moved on while this ran

    def verdict(self, outcome: Outcome) -> str:
        item = outcome.mismatch
        if outcome.timed_out:
            return f"✗ {outcome.crash}"
        if outcome.crash:
            return pick(
                f"✗ your file stopped before the reference did: {outcome.crash}",
                f"✗ 你的文件在参考代码之前停下了：{outcome.crash}",
            )
        if item is None:
            step, phase, _ = outcome.target
            return pick(
                f"✓ all {outcome.phases} phases so far match the reference (to {phase} at step {step})",
                f"✓ 到第 {step} 步 {phase} 为止，全部 {outcome.phases} 个阶段都与参考代码一致",
            )
        lines = [
            pick(
                f"✗ after {item.phase} at step {item.step} (line {item.line}):",
                f"✗ 第 {item.step} 步 {item.phase} 之后（第 {item.line} 行）：",
            ),
            item.difference or "",
        ]
        if item.mine is not None and item.reference is not None:
            rows = differing_values(item.mine, item.reference)
            if rows:
                lines.append("")
                width = max(len(what) for what, _, _ in rows)
                for what, yours, theirs in rows:
                    lines.append(pick(f"{what:<{width}}  yours:     {yours}", f"{what:<{width}}  你的：  {yours}"))
                    lines.append(pick(f"{'':<{width}}  reference: {theirs}", f"{'':<{width}}  参考：  {theirs}"))
        return "\n".join(lines)

    # -- reloading ----------------------------------------------------------------------------------------------
    def poll(self) -> None:
        now = _mtime(self.path)
        if now is None or now == self.mtime or not self.screen.is_current:
            return  # (a dialog on top: reload once it is closed)
        self.mtime = now
        self.reload()

    def reload(self) -> None:
        """Reopen the view on the saved file, from step 0; the check re-runs to where the learner was."""
        reached = self.target or self.checked
        if reached is not None:
            REACHED[str(self.path)] = (reached[0], reached[1], None)  # (lines may have moved)
        screen = self.screen
        screen.app.switch_screen(screen.reopened())
        screen.app.notify(
            pick(f"{self.path.name} changed: reloaded from step 0", f"{self.path.name} 已修改：从第 0 步重新加载")
        )

    # -- hints ----------------------------------------------------------------------------------------------------
    def hint(self) -> str:
        """The next hint for the first TODO that is wrong (the task, then the calls it needs, then the line)."""

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
        label = pick(
            ["task", "stronger hint", "the reference line"][which], ["任务", "更明确的提示", "参考代码"][which]
        )
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
