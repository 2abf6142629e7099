"""Fuzzing what arrives over the wire at the client, with hypothesis (the server's side: ``test_fuzz_wire.py``).

What a peer answers to the hello (any bytes, any record, welcomes naming anything, refusals saying anything)
ends as a Welcome of a lesson this machine has or one line of a typed error, with nothing imported; what
follows a welcome (records mutated from real ones, garbage) reaches the attached view as well-formed records
the view draws, or is a lost connection that ends visibly, never an exception.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fuzz_wire import JSON, LESSON, LONG, TEXT, WIRE
from test_remote_trust import EVIL, Peer

from core.base.settings import RunSettings
from core.driver.frames import FrameBuilder
from core.driver.records import ActionDone, Answer, Failure, Notice
from core.driver.requests import RunControl
from core.engine.catalog import load
from core.errors import LessonFileError, UsageError
from core.remote.client import AttachError, Client, GaveUp, Lost
from core.remote.codec import ALLOWED, CodecError, decode, encode
from core.remote.lesson_check import lesson_ref
from core.remote.messages import Bye, Refused, Welcome


@pytest.fixture(scope="module")
def peer(tmp_path_factory):
    """A listener answering the hello with whatever the example sets; an evil lesson file beside it."""
    home = tmp_path_factory.mktemp("peer")
    (home / "evil_lesson.py").write_text(EVIL)
    (home / "below").mkdir()
    fake = Peer(lambda conn, index: conn.sendall(fake.script) or conn.close())
    fake.home = home
    yield fake
    fake.close()


def welcomes(home) -> st.SearchStrategy:
    evil = home / "evil_lesson.py"
    digest = hashlib.sha256(EVIL.encode()).hexdigest()
    lesson = st.one_of(TEXT, st.sampled_from(["linear-regression", "../evil_lesson.py", str(evil), "evil_lesson.py"]))
    sha = st.one_of(st.none(), st.just(digest), TEXT, st.integers())
    return st.fixed_dictionaries(
        {"@": st.just("Welcome"), "lesson": lesson | JSON, "sha256": sha, "protocol": st.one_of(st.just(1), JSON)}
    )


def first_lines(home) -> st.SearchStrategy:
    record = st.builds(
        lambda name, fields: {"@": name, **fields},
        st.sampled_from(sorted(ALLOWED)),
        st.dictionaries(st.text(max_size=8), JSON, max_size=3),
    )
    refused = st.fixed_dictionaries({"@": st.just("Refused"), "reason": st.one_of(TEXT, JSON)})
    line = st.one_of(welcomes(home), refused, record, JSON).map(lambda v: json.dumps(v).encode() + b"\n")
    return st.one_of(line, st.binary(max_size=200), st.just(b"\n" * 3), st.just(b""))


@WIRE
@given(data=st.data())
def test_anything_a_peer_answers_to_the_hello_is_a_welcome_this_machine_may_load_or_one_line(peer, data, monkeypatch):
    peer.script = data.draw(first_lines(peer.home))
    monkeypatch.chdir(peer.home / "below")  # ("../evil_lesson.py" is there)
    client = Client("127.0.0.1", peer.port, "t", None, reach=2.0, give_up=0.2, retry=0.05)
    thread = threading.Thread(target=client.run, daemon=True)
    thread.start()
    try:
        assert lesson_ref(client.reach()) == "linear-regression"  # (the evil file declares no lesson)
    except (UsageError, AttachError, LessonFileError) as exc:
        assert "\n" not in str(exc) and str(exc).isprintable(), str(exc)
    finally:
        client.stop()
        thread.join(5)
    assert not (peer.home / "MARKER").exists() and not thread.is_alive()


@pytest.fixture(scope="module")
def real_records() -> list[Any]:
    run = RunControl(load(LESSON), RunSettings(), paused=True)
    run.prime()
    run.advance("step")
    while (event := next(run.trainer)) and run.note(event) and not run.reached(event):
        pass
    frame = FrameBuilder().build(run)
    assert frame.snapshot is not None and frame.snapshot.views
    return [
        frame,
        Notice("saved", "information", "t", "checkpoints/a.pt"),
        Answer("lr", "", 3),
        ActionDone({"batch_size": 8}, "b"),
        Failure("x", "trace"),
        Bye("the run finished"),
    ]


def mutated(value: Any, draw, depth: int = 0) -> Any:
    """``value`` with a few of its parts replaced by any JSON, dropped, or left as they were."""
    if isinstance(value, dict) and value:
        keys = sorted(value)
        chosen = draw(st.sampled_from(keys))
        changed = dict(value)
        how = draw(st.sampled_from(["replace", "drop", "deeper", "deeper"]))
        if how == "replace" or not isinstance(value[chosen], (dict, list)) or depth > 8:
            changed[chosen] = draw(JSON)
        elif how == "drop":
            del changed[chosen]
        else:
            changed[chosen] = mutated(value[chosen], draw, depth + 1)
        return changed
    if isinstance(value, list) and value:
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], mutated(value[index], draw, depth + 1), *value[index + 1 :]]
    return draw(JSON)


@WIRE
@given(data=st.data())
def test_any_record_after_the_welcome_reaches_the_view_well_formed_or_not_at_all(real_records, data):
    from tui.driver.remote import RemoteDriver

    original = data.draw(st.sampled_from(real_records))
    line = json.dumps(mutated(json.loads(encode(original)), data.draw)).encode()
    try:
        record = decode(line)
    except CodecError:
        return
    assert encode(decode(encode(record))) == encode(record)  # (as built by the driver: it goes round)
    posted: list[Any] = []
    driver = RemoteDriver(type("Pump", (), {"post_message": lambda self, m: posted.append(m)})(), "h", 1, "t")
    driver._receive(record)
    assert all(type(message).__module__.startswith("tui.") for message in posted)


@WIRE
@given(data=st.data())
def test_a_session_fed_garbage_after_its_welcome_ends_visibly(peer, data):
    tail = data.draw(st.lists(st.one_of(st.binary(max_size=100), JSON.map(json.dumps).map(str.encode)), max_size=4))
    peer.script = encode(Welcome("linear-regression")).encode() + b"\n" + b"\n".join(tail)
    got: list[Any] = []
    client = Client("127.0.0.1", peer.port, "t", got.append, reach=2.0, give_up=0.3, retry=0.05)
    client.run()  # (returns once it gave up: every later connection gets the same)
    assert isinstance(got[0], Welcome) and isinstance(got[-1], (GaveUp, Refused, Bye)), got
    assert all(type(r).__name__ in ALLOWED or isinstance(r, (GaveUp, Lost)) for r in got)  # (the client's own)


class Held(Client):
    """A client that never connects: the records the test hands the view are all it gets."""

    def __init__(self) -> None:
        super().__init__("127.0.0.1", 1, "t", None)

    def stop(self) -> None:
        super().stop()
        self.done.set()


async def draw_all(records: list[Any]) -> None:
    from app_helpers import wait_for

    from tui.attach import AttachApp

    client = Held()
    app = AttachApp("127.0.0.1", 1, "t", show_speed=False, client=client)
    async with app.run_test(size=(160, 48)) as pilot:
        driver = app.screen.driver
        driver._receive(Welcome(LESSON))
        await wait_for(pilot, lambda: app.screen.lesson is not None, what="the lesson")
        for record in records:
            driver._receive(record)
            await pilot.pause()
        for tab in ("2", "3", "4", "1"):  # (each tab's panels draw the last frame)
            await pilot.press(tab)
            await pilot.pause()


@settings(WIRE, max_examples=60 if LONG else 6)
@given(data=st.data())
def test_the_attached_view_draws_any_records_that_decode(real_records, data):
    lines = [mutated(json.loads(encode(data.draw(st.sampled_from(real_records)))), data.draw) for _ in range(4)]
    decoded = []
    for line in lines:
        with contextlib.suppress(CodecError):
            decoded.append(decode(json.dumps(line)))
    asyncio.run(draw_all([real_records[0], *decoded]))
