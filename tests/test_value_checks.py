"""One check per value, wherever it comes from: an option's (``Option.parse``: type, choices, range and its own
``check``) and the learning rate's (``parse_lr``: finite, above 0, and a number the parameters can hold). The
command line refuses in one line (exit 2); a running run's driver answers the reason and trains on; a lesson
that fails mid-run, even with a UsageError of its own, exits 1 (the lesson failed), not 2 (a bad argument)."""

import math

import pytest
import torch

from core.base.parse import parse_lr
from core.base.settings import RunSettings
from core.base.status import Status
from core.driver.driver import Driver
from core.driver.records import Answer
from core.engine.catalog import load
from core.engine.trainer import Trainer
from core.errors import LessonCrashed, UsageError
from core.front.cli import app_settings, main, parse
from core.lesson import Lesson
from core.phases import LOSS, STEP, UPDATE

TINY = {
    "n_layer": 1,
    "n_head": 2,
    "n_embd": 16,
    "block_size": 16,
    "batch_size": 4,
    "eval_batches": 1,
    "eval_interval": 1000,
    "sample_tokens": 8,
}
POEM = "Twinkle, twinkle, little star,\nHow I wonder what you are!\n" * 30


@pytest.fixture
def poem(tmp_path):
    path = tmp_path / "poem.txt"
    path.write_text(POEM, encoding="utf-8")
    return path


def tiny_gpt(text, **options):
    return {**TINY, "text": str(text), **{k: str(v) for k, v in options.items()}}


# The values an attached app (or the O form) might send, and what the refusal says.
BAD_OPTIONS = [
    ("temperature", -5, "temperature must be greater than 0, got -5.0"),
    ("temperature", float("nan"), "--temperature must be a finite number, got nan"),
    ("temperature", "nan", "--temperature must be a finite number, got nan"),
    ("temperature", 0, "temperature must be greater than 0, got 0.0"),
    ("temperature", 1e-300, "temperature must be at least 1e-06"),
    ("prompt", "Zebra ☃", "the prompt has characters the model never saw in its text: 'Z' 'b' '☃'"),
]
BAD_LRS = [(1e39, "learning rate must be at most 3.4e+38"), (float("nan"), "learning rate must be finite")]


def test_the_driver_answers_each_bad_value_with_its_reason_and_the_run_trains_on_and_samples(poem):
    """The wire's path: the driver's set_option and set_lr requests (what --serve relays) answer a refusal with
    the reason; the run keeps its values, takes every sample (one per step) and finishes."""
    records = []
    settings = RunSettings(options=tiny_gpt(poem, sample_interval=1), steps=6)
    driver = Driver(records.append, load("char-gpt"), settings, paused=False)
    for ident, (name, value, _) in enumerate(BAD_OPTIONS):
        driver.set_option(name, value, reply_to=ident)
    for ident, (value, _) in enumerate(BAD_LRS, start=len(BAD_OPTIONS)):
        driver.set_lr(value, reply_to=ident)
    for _ in driver.events():  # (a served run's loop takes these, to the run's end; a crash would raise)
        pass
    answers = {record.reply_to: record.error for record in records if isinstance(record, Answer)}
    expected = [message for _, _, message in BAD_OPTIONS] + [message for _, message in BAD_LRS]
    assert [answers[i][: len(message)] for i, message in enumerate(expected)] == expected
    trainer = driver.trainer
    assert trainer.status == Status.FINISHED and trainer.step == 6
    assert (trainer.options["temperature"], trainer.options["prompt"], trainer.lr) == (0.8, "", load("char-gpt").lr)
    assert [sample["step"] for sample in trainer.run.state.samples][-5:] == [2, 3, 4, 5, 6]


def test_the_lessons_own_actions_go_through_the_same_checks(poem):
    trainer = Trainer(load("char-gpt"), steps=4, options=tiny_gpt(poem, sample_interval=0))
    trainer.advance("step")
    for action, text, message in [
        ("set_temperature", "-5", "temperature must be greater than 0"),
        ("set_temperature", "1e-300", "temperature must be at least 1e-06"),
        ("set_prompt", "☃", "never saw in its text: '☃'"),
        ("set_top_k", "-1", "--top-k must be at least 0, got -1"),
    ]:
        with pytest.raises(UsageError, match=message):
            trainer.call(action, text)
    assert (trainer.options["temperature"], trainer.options["prompt"], trainer.options["top_k"]) == (0.8, "", 0)
    assert trainer.call("set_temperature", "0.5") and trainer.run.options.temperature == 0.5


@pytest.mark.parametrize("value", ["-5", "0", "nan", "1e-300"])
def test_a_bad_temperature_for_the_app_is_refused_before_it_opens(value):
    """``learn-tui run char-gpt --temperature X``, which opens the app: refused in one line (exit 2 by tui.main)."""
    with pytest.raises(UsageError, match="temperature"):
        app_settings(parse(["run", "char-gpt", "--temperature", value]))


def test_a_temperature_too_small_to_sample_with_is_one_line_and_exit_2(poem, capsys):
    argv = ["run", "char-gpt", "--headless", "--steps", "3", "--sample-interval", "1", "--temperature", "1e-300"]
    assert main(argv + [f"--{k.replace('_', '-')}={v}" for k, v in tiny_gpt(poem).items()]) == 2
    err = capsys.readouterr().err
    assert err == "learn-tui: error: temperature must be at least 1e-06, got 1e-300; 0.01 is already nearly greedy\n"


def test_a_prompt_outside_the_text_is_one_line_and_exit_2(poem, capsys):
    argv = ["run", "char-gpt", "--headless", "--steps", "3", "--prompt", "☃"]
    assert main(argv + [f"--{k.replace('_', '-')}={v}" for k, v in tiny_gpt(poem).items()]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "learn-tui: error: the prompt has characters the model never saw in its text: '☃'; "
        "use only characters of the training text"
    ]


@pytest.mark.parametrize("value, message", [("1e39", "at most 3.4e+38"), ("nan", "finite"), ("-inf", "finite")])
def test_a_learning_rate_the_parameters_cant_hold_is_one_line_and_exit_2(capsys, value, message):
    assert main(["run", "linear-regression", "--headless", "--steps", "3", f"--lr={value}"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1, captured.err
    assert captured.err.startswith(f"learn-tui: error: learning rate must be {message}")


def test_the_lr_check_names_the_bound_and_why_and_takes_the_largest_float32():
    with pytest.raises(UsageError) as refused:
        parse_lr("1e39")
    assert str(refused.value) == (
        "learning rate must be at most 3.4e+38, the largest number a float32 parameter holds (a bigger step "
        "cannot be stored in it), got '1e39'; try 0.01"
    )
    assert parse_lr(torch.finfo(torch.float32).max) == torch.finfo(torch.float32).max


def test_the_trainers_lr_setter_refuses_it_and_a_run_at_the_bound_diverges_instead_of_crashing():
    trainer = Trainer(load("linear-regression"), steps=3)
    with pytest.raises(UsageError, match="at most 3.4e"):
        trainer.lr = 1e39
    assert trainer.lr == 0.01
    trainer.lr = 3e38  # (a number float32 holds: the step overflows, which the trainer calls a divergence)
    events = list(trainer)
    assert trainer.status == Status.DIVERGED and "nan or inf" in events[-1].reason


def half_train(run):
    layer = torch.nn.Linear(1, 1).half()
    optimizer = torch.optim.SGD(layer.parameters(), lr=run.lr)
    run.watch(layer, optimizer=optimizer)
    x = torch.ones(4, 1, dtype=torch.half)
    for _ in run.epochs():
        loss = (layer(x) ** 2).mean()
        yield LOSS, loss
        loss.backward()
        optimizer.step()
        yield UPDATE
        yield STEP


HALF = Lesson(id="half", title="float16", lecture=None, train=half_train, steps=2)


def test_float16_parameters_hold_a_smaller_learning_rate():
    with pytest.raises(UsageError, match="at most 6.55e\\+04, the largest number a float16 parameter holds"):
        next(Trainer(HALF, lr=1e5))  # given before the optimizer existed: refused at the set-up (exit 2)
    trainer = Trainer(HALF, lr=0.1)
    next(trainer)
    with pytest.raises(UsageError, match="float16"):
        trainer.lr = 1e5
    assert trainer.lr == 0.1 and math.isfinite(list(trainer)[-1].summary["loss"])


MID_RUN = """
from core.errors import UsageError
from core.lesson import Lesson
from core.phases import LOSS, STEP


def train(run):
    if run.options.at < 0:
        raise UsageError("--at must be 0 or more")  # the set-up's refusal: a bad argument
    for _ in run.epochs():
        yield LOSS, 1.0
        if run.step == run.options.at:
            raise UsageError("a value the lesson cannot use")  # mid-run: the lesson failed
        yield STEP


from core.lesson import Option

LESSON = Lesson(id="mid-run", title="t", lecture=None, train=train, steps=5, options=(Option("at", 2, "step"),))
"""


def test_a_usage_error_raised_mid_run_is_the_lesson_failing_exit_1_and_at_the_set_up_exit_2(tmp_path, capsys):
    path = tmp_path / "mid_run.py"
    path.write_text(MID_RUN)
    assert main(["run", str(path), "--headless"]) == 1
    err = capsys.readouterr().err
    assert "lesson mid-run raised UsageError at step 3: a value the lesson cannot use" in err
    assert "Traceback" in err and 'raise UsageError("a value the lesson cannot use")' in err  # where, in its code
    assert main(["run", str(path), "--headless", "--at", "-1"]) == 2
    assert capsys.readouterr().err == "learn-tui: error: --at must be 0 or more\n"
    with pytest.raises(LessonCrashed):
        list(Trainer(load(str(path))))
