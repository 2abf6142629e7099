"""The one check of each value in the app's dialogs (``l``, ``O``) and over the wire of a ``--serve`` run: a bad
value is explained where it was typed (or in the request's answer) and the run trains on, samples and saves."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from app_helpers import TOY, async_test, ready, settle, status, wait_for
from conftest import REPO
from test_value_checks import poem, tiny_gpt  # noqa: F401  (poem: the fixture)

from core.base.settings import RunSettings
from core.driver.records import Answer
from core.remote.codec import decode
from tui.app import LearnApp
from tui.screens.options import OptionsScreen
from tui.screens.prompt import PromptScreen

SIZE = (110, 34)


def app_for(lesson, settings=None) -> LearnApp:
    return LearnApp(lesson, settings, preload_torch=False, show_speed=False)


@pytest.mark.parametrize("typed", ["1e39", "nan"])
@async_test
async def test_the_l_dialog_explains_a_learning_rate_the_parameters_cant_hold_and_keeps_the_old_one(typed):
    async with app_for(TOY).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("l")
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one("Input").value = typed
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is prompt and prompt.error.startswith("learning rate must be")  # still asking
        assert ("at most 3.4e+38" in prompt.error) == (typed == "1e39")
        await pilot.press("escape")
        await settle(pilot, screen)
        assert screen.frame.lr == 0.01 and "│ lr 0.01 │" in status(screen)


async def type_option(pilot, dialog, row: int, text: str) -> None:
    """Highlight the ``row``-th live option, enter, type ``text`` and enter."""
    await pilot.press(*["down"] * row, "enter")
    dialog.query_one("Input").value = text
    await pilot.press("enter")


@async_test
async def test_the_o_form_refuses_a_temperature_at_once_and_the_run_refuses_a_prompt_outside_its_text(poem):  # noqa: F811
    settings = RunSettings(options=tiny_gpt(poem, sample_interval=1))
    async with app_for("char-gpt", settings).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("n")
        await settle(pilot, screen)
        await pilot.press("O")
        dialog = pilot.app.screen
        assert isinstance(dialog, OptionsScreen) and list(dialog.options) == ["prompt", "temperature", "top_k"]
        for text, message in (("-5", "temperature must be greater than 0"), ("0", "greater than 0"), ("nan", "finite")):
            await type_option(pilot, dialog, 1, text)
            await pilot.pause()
            assert message in dialog.error and pilot.app.screen is dialog
            await pilot.press("escape")  # back to the list
        await type_option(pilot, dialog, 0, "Zebra")  # only the run knows its text: its driver answers
        await wait_for(pilot, lambda: dialog.error, what="the driver's answer")
        await settle(pilot, screen)
        assert "never saw in its text: 'Z' 'b'" in dialog.error and pilot.app.screen is dialog
        assert screen.frame.options["prompt"] == "" and screen.frame.options["temperature"] == 0.8
        await pilot.press("escape", "escape", "n")
        await settle(pilot, screen)
        assert screen.frame.step == 2 and screen.state == "paused"  # the run goes on


def test_a_served_char_gpt_answers_a_bad_set_option_trains_on_and_saves_at_the_end(tmp_path, poem):  # noqa: F811
    """char-gpt served with samples every 5 steps and --save: set_option temperature -5 (and 0, and a prompt
    outside its text) is answered with the reason, the run goes on past its next samples, and ctrl+c saves it."""
    saved, out = tmp_path / "run.pt", tmp_path / "run.jsonl"
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in tiny_gpt(poem).items()]
    argv = ["run", "char-gpt", "--headless", "--json", "--steps", "1000000", "--sample-interval", "5", *flags]
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path)}
    with open(out, "w+b") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui.main", *argv, "--save", str(saved), "--serve", "127.0.0.1:0"],
            cwd=REPO,
            env=env,
            stdout=sink,
            stderr=subprocess.PIPE,
        )
        try:
            found = re.search(r"serving on 127\.0\.0\.1:(\d+); token (\S+) ", proc.stderr.readline().decode())
            assert found
            answers = ask(int(found[1]), found[2], [("temperature", -5), ("temperature", 0), ("prompt", "Zebra")])
            assert answers[0].startswith("temperature must be greater than 0, got -5.0")
            assert answers[1].startswith("temperature must be greater than 0, got 0.0")
            assert "never saw in its text: 'Z' 'b'" in answers[2]
            steps = wait_for_step(proc, out, past=last_step(out) + 12)  # two more samples at least (every 5 steps)
            proc.send_signal(signal.SIGINT)  # stops at the next step boundary, saving
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 130, err.decode()
    assert saved.is_file() and f"saved checkpoint {saved}" in err.decode() and steps > 10


def ask(port: int, token: str, changes: list) -> list[str]:
    """Attach as a client, send each set_option with an id, and return each answer's error."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall((json.dumps({"hello": 1, "token": token, "session": "test"}) + "\n").encode())
        for ident, (name, value) in enumerate(changes):
            request = {"do": "set_option", "args": {"name": name, "value": value}, "id": ident}
            sock.sendall((json.dumps(request) + "\n").encode())
        answers: dict[int, str] = {}
        for line in sock.makefile("rb"):
            record = decode(line) if line.strip() else None
            if isinstance(record, Answer):
                answers[record.reply_to] = record.error
            if len(answers) == len(changes):
                return [answers[i] for i in range(len(changes))]
    raise AssertionError(f"the run closed with answers {answers} only")


def last_step(path) -> int:
    """The latest step the run's JSON shows (0 before the first)."""
    lines = [line for line in path.read_bytes().splitlines() if line.endswith(b"}")]  # (not one half written)
    return json.loads(lines[-1]).get("step", 0) if lines else 0


def wait_for_step(proc, path, past: int) -> int:
    """Wait until the run's JSON shows a step past ``past``; that step."""
    deadline = time.monotonic() + 60
    while (step := last_step(path)) <= past:
        assert proc.poll() is None, f"the run ended with {proc.returncode} at step {step}: {proc.stderr.read()!r}"
        assert time.monotonic() < deadline, f"the run did not reach step {past}"
        time.sleep(0.05)
    return step
