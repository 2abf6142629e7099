"""``learn-tui attach [HOST:]PORT``: the training view of a run served by ``learn-tui run --headless --serve``.

The screen is the app's own ``TrainingScreen`` with a ``RemoteDriver`` in place of the in-process one: the
same keys, panels and dialogs, acting on the remote run. The status bar names the address. Quitting leaves
the run training; attaching again shows its history so far.
"""

from __future__ import annotations

from textual.binding import Binding

from tui.app import LearnApp
from tui.driver.messages import LessonLoaded
from tui.driver.remote import RemoteDriver
from tui.keys import Key
from tui.screens.training import TrainingScreen
from tui.screens.training_keys import ATTACHED_KEYS, attached
from tui.widgets.status_bar import StatusBar


class AttachedScreen(TrainingScreen):
    BINDINGS = [key.binding for key in ATTACHED_KEYS]  # (in place of the training view's bindings of those keys)

    def __init__(
        self, host: str, port: int, token: str, *, show_speed: bool = True, token_from_file: bool = False
    ) -> None:
        self.address = f"{host}:{port}"
        super().__init__(self.address, show_speed=show_speed)
        self.driver = RemoteDriver(self, host, port, token, token_from_file=token_from_file)  # type: ignore[assignment]

    def on_lesson_loaded(self, message: LessonLoaded) -> None:
        """(Textual calls TrainingScreen's handler too, after this one: name the address once it has run.)"""
        self.call_later(self._name_address, message.lesson.id)

    def _name_address(self, lesson_id: str) -> None:
        self.lesson_id = self.query_one(StatusBar).lesson_id = f"{lesson_id} @ {self.address}"

    def _use_keys(self, keys: tuple[Key, ...]) -> None:
        """The training view's table with the attached view's own keys (esc detaches): the key bar and help
        are made from it."""
        super()._use_keys(attached(keys))

    def action_detach(self) -> None:
        self.app.exit()  # (the run goes on)


class AttachApp(LearnApp):
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False)]

    def __init__(
        self, host: str, port: int, token: str, *, show_speed: bool = True, token_from_file: bool = False
    ) -> None:
        super().__init__(None, preload_torch=False, show_speed=show_speed)
        self.address = (host, port, token)
        self.token_from_file = token_from_file
        self.TITLE = f"learn-tui attach {host}:{port}"

    def on_mount(self) -> None:
        host, port, token = self.address
        screen = AttachedScreen(host, port, token, show_speed=self.show_speed, token_from_file=self.token_from_file)
        self.push_screen(screen)


def run_attached(host: str, port: int, token: str, token_from_file: bool = False) -> int:
    app = AttachApp(host, port, token, token_from_file=token_from_file)
    app.run()
    return app.return_code or 0
