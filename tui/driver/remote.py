"""A training driver for a run in another process: ``DriverApi`` (``core/driver/api.py``), its requests sent to a
``learn-tui run --headless --serve`` run, and that run's records posted to the screen as the same Textual
messages. The training view cannot tell the two apart (``tui/attach.py`` only retitles it)."""

from __future__ import annotations

import itertools
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

from core.base.status import Status
from core.driver.api import DriverApi, Record, what
from core.driver.frames import Frame, Needs
from core.driver.records import ActionDone, Answer, Failure, LessonReady, Notice
from core.errors import LearnTuiError
from core.remote.client import Client, GaveUp, Lost
from core.remote.lesson_check import load_lesson, shown
from core.remote.messages import Bye, Refused, Welcome
from core.remote.words import say
from tui.driver.messages import DriverRecord, RequestDone

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from core.lesson import Lesson


class RemoteDriver(DriverApi):
    def __init__(
        self,
        target: MessagePump,
        host: str,
        port: int,
        token: str,
        *,
        token_from_file: bool = False,
        client: Client | None = None,
    ) -> None:
        """``client``: one already running in a thread of its own, its first connection made (``run_attached``);
        without it the driver makes its own and runs it in the screen's worker."""
        self._target = target
        self._own_client = client is None
        self.lesson: Lesson | None = None
        self._needs = Needs()
        self._waiting: dict[int, tuple[MessagePump, str]] = {}  # request id -> the dialog waiting, what it asked
        self._ids = itertools.count(1)
        self._stopped = False
        self._state = Status.LOADING
        self._last_saved: str | None = None
        self._last: Frame | None = None  # the latest frame, shown dimmed while the connection is lost
        if client is None:
            self.client = Client(host, port, token, self._receive, token_from_file=token_from_file)
        else:
            self.client = client

    @property
    def needs(self) -> Needs:
        return self._needs

    @needs.setter
    def needs(self, needs: Needs) -> None:
        self._needs = needs
        self.client.send("needs", asdict(needs))  # (sent again by the client on reconnecting)

    @property
    def stopped(self) -> bool:
        return self._stopped

    @property
    def idle(self) -> bool:
        return self._state != Status.RUNNING

    @property
    def last_saved(self) -> str | None:
        return self._last_saved

    def refresh(self) -> None:
        self.client.send("refresh")

    def frame_done(self) -> None:
        """Nothing to tell: the server paces frames by the connection, and a frame waiting here is replaced."""

    def stop(self) -> None:
        self._stopped = True
        self.client.stop()

    def run(self) -> None:
        """The connection, in the screen's thread worker, until the screen goes away or the run ends."""
        if self._own_client:
            self.client.run()
            return
        self.client.hand_over(self._receive)  # what came while the app started, then the rest (this thread
        self.client.done.wait()  # loads the lesson on the welcome: the screen draws meanwhile)

    def request(self, name: str, args: dict[str, Any], reply_to: MessagePump | None = None) -> None:
        """A request to the run; one made while the connection is lost is answered here, not dropped silently."""
        if reply_to is None:
            if not self.client.send(name, args):
                self._post(Notice(say("unsent"), "warning"))
            return
        ident, asked = next(self._ids), what(name, args)  # (named in the answer as the driver names it)
        self._waiting[ident] = (reply_to, asked)  # (before sending: the answer may come back at once)
        if not self.client.send(name, args, ident):
            self._waiting.pop(ident, None)
            reply_to.post_message(RequestDone(asked, say("unsent")))

    def _answer_waiting(self) -> None:
        """The connection is lost: requests sent before it will get no answer."""
        waiting, self._waiting = self._waiting, {}
        for dialog, asked in waiting.values():
            dialog.post_message(RequestDone(asked, say("unsent")))

    # -- records from the server (the client's thread) ---------------------------------------------------
    def _receive(self, record: Any) -> None:
        if isinstance(record, Welcome):
            self._welcome(record)
        elif isinstance(record, Answer):
            waiting = self._waiting.pop(record.reply_to, None) if isinstance(record.reply_to, int) else None
            if waiting is not None:
                waiting[0].post_message(RequestDone(record.what, record.error))
        elif isinstance(record, Refused):
            reason = shown(record.reason)
            self._post(Notice(say("refused here", reason=reason), "error"))
            self._post(Frame(Status.FAILED, message=say("address refused", address=self.client.address, reason=reason)))
        elif isinstance(record, GaveUp):
            self._answer_waiting()
            self._post(Notice(record.reason, "error"))
            self._state = Status.FAILED
            self._show_last(Status.FAILED, record.reason)
        elif isinstance(record, Bye):
            self._post(Notice(record.reason, title=say("run ended")))
        elif isinstance(record, Frame):
            self._state, self._last = record.state, record
            self._post(record)
        elif isinstance(record, Notice):
            if record.path:
                self._last_saved = record.path  # (the run's own path of it: its open takes that, or the name)
            self._post(record)
            if isinstance(record, Lost):
                self._answer_waiting()
                if self._last is not None:  # keys wait
                    self._show_last(Status.LOADING, f"{self.client.address}: {record.text}")
        elif isinstance(record, (ActionDone, Failure)):
            self._post(record)  # (a part of a record alone, a Progress or a Snapshot, says nothing to the view)

    def _show_last(self, state: Status, message: str) -> None:
        """The latest frame (if any) in ``state`` under ``message``; the panels keep what they show."""
        if self._last is None:
            self._post(Frame(state, message=message))
        else:  # (no snapshot, history or evaluations: the panels keep their own pictures)
            self._post(replace(self._last, state=state, message=message, snapshot=None, losses=None, evals={}))

    def _welcome(self, welcome: Welcome) -> None:
        if self.lesson is not None:
            return  # a reconnection: the same run
        try:
            self.lesson = load_lesson(welcome)
        except LearnTuiError as exc:
            self._post(Notice(str(exc), "error"))
            self._post(Frame(Status.FAILED, message=str(exc)))
            self.stop()
            return
        self._post(LessonReady(self.lesson))

    def _post(self, record: Record) -> None:
        self._target.post_message(DriverRecord(record))
