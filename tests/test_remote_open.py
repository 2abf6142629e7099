"""An attached client opens and saves checkpoints by name inside the served run's checkpoint folder (where ctrl+s
and --save write): any other path gets the same answer whether or not it exists, so a token tells nothing of
the files on the run's machine; a value the driver refuses is answered and the run goes on."""

from __future__ import annotations

import json
import os

from test_remote import serve  # noqa: F401  (the fixture)
from test_remote_hardening import StandInDriver, attach, next_record, server, until  # noqa: F401  (a fixture)

from core.driver.records import Answer, Notice
from core.errors import UsageError
from core.remote.codec import decode
from core.remote.messages import Welcome


class Wire:
    """A raw connection to a served run: requests with ids, the records that come back."""

    def __init__(self, served):
        self.sock, self.lines = served.connect(served.token)
        self.ids = iter(range(1, 1000))
        assert decode(self.lines.readline()).lesson == "linear-regression"

    def ask(self, name, args=None):
        ident = next(self.ids)
        self.sock.sendall((json.dumps({"do": name, "args": args or {}, "id": ident}) + "\n").encode())
        return next(r for r in self.records() if isinstance(r, Answer) and r.reply_to == ident)

    def records(self):
        for line in self.lines:
            if line != b"\n":
                yield decode(line)


def test_open_outside_the_checkpoint_folder_answers_the_same_whether_or_not_the_file_exists(serve, tmp_path):  # noqa: F811
    (tmp_path / "run").mkdir()
    (tmp_path / "secret.txt").write_text("not a checkpoint, and not the client's to know about")
    (tmp_path / "run" / "checkpoints").mkdir()
    os.symlink(tmp_path / "secret.txt", tmp_path / "run" / "checkpoints" / "link.pt")
    served = serve("--steps", "1000000", "--save", str(tmp_path / "run" / "kept" / "final.pt"), cwd=tmp_path / "run")
    wire = Wire(served)
    outside = [
        str(tmp_path / "secret.txt"),  # exists
        str(tmp_path / "nothing.pt"),  # does not
        "../secret.txt",
        "../nothing.pt",
        "checkpoints/../../secret.txt",
        "~/.bashrc",
        "link.pt",  # a link in the folder to a file elsewhere
        "..",
        "",
        "a\x00b",
    ]
    answers = {text: wire.ask("open", {"path": text}).error for text in outside}
    assert len(set(answers.values())) == 1, answers
    assert "open takes the name of a checkpoint this run saved, in checkpoints/ or " in answers["../secret.txt"]
    missing = wire.ask("open", {"path": "nothing-here.pt"}).error  # in the folder: the driver's own answer
    assert missing != answers[".."] and "nothing-here.pt" in missing

    wire.sock.sendall(b'{"do": "save", "args": {}}\n')  # ctrl+s: in the run's folder
    saved = next(r for r in wire.records() if isinstance(r, Notice) and r.path).path
    assert saved.startswith("checkpoints/") and (tmp_path / "run" / saved).is_file()
    for name in (os.path.basename(saved), saved):
        assert wire.ask("open", {"path": name}).error == ""
    refused = wire.ask("set_lr", {"value": "not a number"}).error  # refused with its reason; the run goes on
    assert refused and wire.ask("set_lr", {"value": 0.02}).error == ""
    code, records, err = served.finish()
    assert code == 130 and "Traceback" not in err, err


class RefusingDriver(StandInDriver):
    """A driver whose set_lr and set_option refuse a bad value at once, in the caller's thread."""

    def set_lr(self, value, reply_to=None):
        raise UsageError(f"the learning rate must be a positive number, not {value!r}")

    def set_option(self, name, value, reply_to=None):
        raise UsageError(f"{name} takes a whole number from 1 to 4096, not {value!r}")


def test_a_value_the_driver_refuses_at_once_is_the_wires_answer_and_the_connection_stays(server):  # noqa: F811
    server.driver = RefusingDriver()
    sock, lines = attach(server)
    assert isinstance(next_record(lines), Welcome)
    sock.sendall(
        b'{"do": "set_lr", "args": {"value": -1}, "id": 7}\n{"do": "set_option", "args": {"name": "b", "value": 0}}\n'
    )
    assert next_record(lines) == Answer("set_lr", "the learning rate must be a positive number, not -1", 7)
    assert next_record(lines) == Notice("b takes a whole number from 1 to 4096, not 0", "error")
    sock.sendall(b'{"do": "toggle", "args": {}}\n')
    assert until(lambda: server.driver.calls == ["refresh", "toggle"]) and server.client is not None
