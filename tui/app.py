"""The learn-tui app: a lesson picker, and a training view per opened lesson.

Importing this module does not import torch (nor numpy): the picker paints at once, and lessons (with
torch) are imported by the training view's thread worker. The app also starts importing torch in the
background as soon as the first frame is on screen, so the first lesson opens sooner.
"""

from __future__ import annotations

import sys
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.screens.picker import PickerScreen


class LearnApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "learn-tui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False)]

    def __init__(self, lesson: Any = None, *, options: dict | None = None, lr: Any = None, seed: int = 0,
                 device: str = "cpu", steps: Any = None, epochs: Any = None, resume: str | None = None,
                 paused: bool = True, show_speed: bool = True, preload_torch: bool = True) -> None:
        """``lesson``: an id, a path to a lesson file, a ``Lesson`` object, or None for the picker.

        The run settings apply to that first lesson; lessons opened from the picker use the defaults
        (with the same seed and device). ``paused`` opens lessons paused at step 0; ``show_speed=False``
        leaves steps/s out of the status bar (for reproducible screenshots).
        """
        super().__init__()
        self.first_lesson = lesson
        self.first_settings = {"options": options, "lr": lr, "seed": seed, "device": device, "steps": steps,
                               "epochs": epochs, "resume": resume}
        self.seed = seed
        self.device = device
        self.paused = paused
        self.show_speed = show_speed
        self.preload_torch = preload_torch

    def get_default_screen(self) -> Screen:
        return PickerScreen()

    def on_mount(self) -> None:
        if self.first_lesson is not None:
            self.open_lesson(self.first_lesson, self.first_settings)
        elif self.preload_torch and "torch" not in sys.modules:  # (a lesson's worker imports it anyway)
            self.call_after_refresh(self._start_torch_import)

    def open_lesson(self, lesson: Any, settings: dict | None = None) -> None:
        from tui.screens.training import TrainingScreen

        settings = settings or {"seed": self.seed, "device": self.device}
        self.push_screen(TrainingScreen(lesson, settings, paused=self.paused, show_speed=self.show_speed))

    def _start_torch_import(self) -> None:
        self.run_worker(_import_torch, thread=True, exit_on_error=False, name="import torch", group="torch")

    def on_worker_state_changed(self, event) -> None:
        if event.worker.group == "torch" and event.state.name in ("SUCCESS", "ERROR"):
            for screen in self.screen_stack:
                if isinstance(screen, PickerScreen):
                    screen.torch_loaded()


def _import_torch() -> None:
    import torch  # noqa: F401  (only to have it loaded before the learner opens a lesson)


def run_app(lesson: str | None = None, *, options: dict | None = None, lr: Any = None, seed: int = 0,
            device: str = "cpu", steps: Any = None, epochs: Any = None, resume: str | None = None,
            paused: bool = True) -> int:
    """Run the app until the learner quits; the exit status for the CLI."""
    app = LearnApp(lesson, options=options, lr=lr, seed=seed, device=device, steps=steps, epochs=epochs,
                   resume=resume, paused=paused)
    app.run()
    return app.return_code or 0
