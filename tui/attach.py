"""``learn-tui attach [HOST:]PORT``: the training view of a run served by ``learn-tui run --headless --serve``.

The screen is the app's own ``TrainingScreen`` with a ``RemoteDriver`` in place of the in-process one: the
same keys, panels and dialogs, acting on the remote run. The status bar names the address. Quitting leaves
the run training; attaching again shows its history so far. ``run_attached`` makes the first connection
before the app opens: a run that cannot be reached, a peer that is not one, a refusal or a lesson this machine
does not have is one line and an exit status, with no app drawn and nothing loaded.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual.binding import Binding

from core.remote.client import Client, GaveUp
from core.remote.lesson_check import lesson_ref
from tui.app import LearnApp
from tui.driver.remote import RemoteDriver
from tui.keys import Key
from tui.screens.training import TrainingScreen
from tui.screens.training_keys import ATTACHED_KEYS, attached
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from core.driver.records import LessonReady


class AttachedScreen(TrainingScreen):
    BINDINGS = [key.binding for key in ATTACHED_KEYS]  # (in place of the training view's bindings of those keys)

    def __init__(
        self,
        host: str,
        port: int,
        token: str,
        *,
        show_speed: bool = True,
        token_from_file: bool = False,
        client: Client | None = None,
    ) -> None:
        self.address = f"{host}:{port}"

        def connect(screen: MessagePump) -> RemoteDriver:
            return RemoteDriver(screen, host, port, token, token_from_file=token_from_file, client=client)

        super().__init__(connect, self.address, show_speed=show_speed)

    def lesson_loaded(self, ready: LessonReady) -> None:
        super().lesson_loaded(ready)
        self.lesson_id = self.query_one(StatusBar).lesson_id = f"{ready.lesson.id} @ {self.address}"

    def _use_keys(self, keys: tuple[Key, ...]) -> None:
        """The training view's table with the attached view's own keys (esc detaches): the key bar and help
        are made from it."""
        super()._use_keys(attached(keys))

    def action_detach(self) -> None:
        self.app.exit()  # (the run goes on)


class AttachApp(LearnApp):
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False)]

    def __init__(
        self,
        host: str,
        port: int,
        token: str,
        *,
        show_speed: bool = True,
        token_from_file: bool = False,
        client: Client | None = None,
    ) -> None:
        """``client``: one already connected (``run_attached``); without it the screen connects by itself."""
        super().__init__(None, preload_torch=False, show_speed=show_speed)
        self.address = (host, port, token)
        self.token_from_file = token_from_file
        self.client = client
        self.TITLE = f"learn-tui attach {host}:{port}"

    def on_mount(self) -> None:
        host, port, token = self.address
        screen = AttachedScreen(
            host, port, token, show_speed=self.show_speed, token_from_file=self.token_from_file, client=self.client
        )
        self.push_screen(screen)


def run_attached(host: str, port: int, token: str, token_from_file: bool = False, **timing: float) -> int:
    """Reach the run (``Client.reach``: ``UsageError`` for a wrong token, ``AttachError`` for the rest, each one
    line), check the lesson it names (``lesson_ref``), then open the app on that connection. 1 when the client
    gave up reconnecting; ``timing``: the client's ``reach``, ``retry``, ``give_up`` seconds."""
    client = Client(host, port, token, None, token_from_file=token_from_file, **timing)
    thread = threading.Thread(target=client.run, name="learn-tui attach", daemon=True)
    thread.start()
    try:
        lesson_ref(client.reach())  # (before anything is imported or drawn)
        app = AttachApp(host, port, token, token_from_file=token_from_file, client=client)
        app.run()
    finally:
        client.stop()
        thread.join(5)
    return app.return_code or (1 if isinstance(client.ended, GaveUp) else 0)
