"""The learn-tui app: a lesson picker, and a training view per opened lesson.

Importing this module does not import torch (nor numpy): the picker paints at once, and lessons (with
torch) are imported by the training view's thread worker. The app also starts importing torch in the
background as soon as the first frame is on screen, so the first lesson opens sooner.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from core.base.settings import RunSettings
from core.engine import catalog
from core.errors import LearnTuiError
from tui import cjk_wrap
from tui.screens.picker import PickerScreen

if TYPE_CHECKING:
    from collections.abc import Sequence

    from core.front.compare_args import Variant
    from core.lesson import Lesson
    from tui.screens.compare_form import CompareChosen


class LearnApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "learn-tui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False)]

    def __init__(
        self,
        lesson: str | Lesson | None = None,
        settings: RunSettings | None = None,
        *,
        paused: bool = True,
        show_speed: bool = True,
        preload_torch: bool = True,
        data_dir: str | None = None,
        compare: Sequence[Variant] = (),
        **changes: Any,
    ) -> None:
        """``lesson``: an id, a path to a lesson file, a ``Lesson`` object, or None for the picker.

        ``settings`` (or ``changes`` to the defaults, e.g. ``lr=1``) apply to that first lesson; lessons opened
        from the picker use the defaults (with the same seed and device). ``paused`` opens lessons paused at
        step 0; ``show_speed=False`` leaves steps/s out of the status bar (for reproducible screenshots).
        ``data_dir`` (``learn-tui --data-dir``) is the ``data_dir`` of lessons opened from the picker that have one.
        ``compare`` (``learn-tui run LESSON --compare``, a loaded ``lesson``): its variants side by side.
        """
        super().__init__()
        cjk_wrap.install()  # Chinese wraps by character, with its line-breaking rules
        self.first_lesson = lesson
        self.first_settings = RunSettings.of(settings, **changes)
        self.paused = paused
        self.show_speed = show_speed
        self.preload_torch = preload_torch
        self.data_dir = data_dir
        self.compare = tuple(compare)

    def get_default_screen(self) -> Screen:
        return PickerScreen()

    def on_mount(self) -> None:
        if self.compare and not isinstance(self.first_lesson, (str, type(None))):
            self.open_compare(self.first_lesson, self.first_settings, self.compare)
        elif self.first_lesson is not None:
            self.open_lesson(self.first_lesson, self.first_settings)
        elif self.preload_torch and "torch" not in sys.modules:  # (a lesson's worker imports it anyway)
            self.call_after_refresh(self._start_torch_import)

    def open_lesson(self, lesson: str | Lesson, settings: RunSettings | None = None) -> None:
        from tui.driver.local import local_driver  # (the training view and its driver: off the picker's first frame)
        from tui.screens.training import TrainingScreen  # (plotext and the panels: ~400 ms, after the first frame)

        if settings is None and self.data_dir and isinstance(lesson, str):
            # Whether it has a data_dir option is known once it is imported: in a thread (torch takes seconds).
            self.run_worker(
                functools.partial(self._open_with_data_dir, lesson),
                thread=True,
                exit_on_error=False,
                name=f"open {lesson}",
                group="open",
            )
            return
        settings = settings or self.picker_settings()
        driver = local_driver(lesson, settings, paused=self.paused)
        self.push_screen(TrainingScreen(driver, lesson, settings, show_speed=self.show_speed))

    def open_compare(
        self, lesson: Lesson, settings: RunSettings, variants: Sequence[Variant], switch: bool = False
    ) -> None:
        from tui.screens.compare_view import CompareScreen  # (as the training view: after the picker's first frame)

        screen = CompareScreen(lesson, settings, variants, paused=self.paused, show_speed=self.show_speed)
        (self.switch_screen if switch else self.push_screen)(screen)

    def on_compare_chosen(self, message: CompareChosen) -> None:
        """``C`` in a training view: the comparison opens in its place."""
        if message.screen is self.screen:
            self.open_compare(message.lesson, message.base, message.variants, switch=True)

    def picker_settings(self, lesson: Lesson | None = None) -> RunSettings:
        """What a lesson opened from the picker starts with: the defaults, the first lesson's seed and device, and
        ``--data-dir`` as its ``data_dir`` when ``lesson`` has that option."""
        first = self.first_settings
        has_data_dir = lesson is not None and any(option.name == "data_dir" for option in lesson.options)
        options = {"data_dir": self.data_dir} if self.data_dir and has_data_dir else {}
        return RunSettings(options=options, seed=first.seed, device=first.device)

    def _open_with_data_dir(self, ref: str) -> None:
        try:
            lesson: str | Lesson = catalog.load(ref)
        except LearnTuiError:
            lesson = ref  # the training view loads it again and shows why it fails
        settings = self.picker_settings(lesson if not isinstance(lesson, str) else None)
        self.call_from_thread(self.open_lesson, lesson, settings)

    def _start_torch_import(self) -> None:
        self.run_worker(_import_torch, thread=True, exit_on_error=False, name="import torch", group="torch")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "torch" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            for screen in self.screen_stack:
                if isinstance(screen, PickerScreen):
                    screen.torch_loaded()


def _import_torch() -> None:
    import torch  # noqa: F401  (only to have it loaded before the learner opens a lesson)


def run_app(
    lesson: str | Lesson | None = None,
    settings: RunSettings | None = None,
    *,
    paused: bool = True,
    data_dir: str | None = None,
    compare: Sequence[Variant] = (),
) -> int:
    """Run the app until the learner quits; the exit status for the CLI."""
    app = LearnApp(lesson, settings, paused=paused, data_dir=data_dir, compare=compare)
    app.run()
    return app.return_code or 0
