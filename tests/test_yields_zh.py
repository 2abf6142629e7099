"""``--lang zh``: a lesson that yields the wrong thing is told so in Chinese (code and names aside,
``tests/zh_words.py``), naming the learner's file and line as in English; the exit code is the same."""

from __future__ import annotations

import re

import pytest
from test_lesson_errors import BAD_LINE, BAD_YIELDS, lesson_file
from zh_words import english_words

from core.base import i18n
from core.engine import catalog
from core.engine.trainer import Trainer
from core.errors import LessonCrashed
from core.front.cli import main

NAMES = {"run", "watch", "mean", "tuple", "list", "dict", "complex", "train", "yield", "items", "watched", "acc"}
RAISED = re.compile(r"\b[A-Z]\w*Error: [^）]*")  # what torch or numpy raised, quoted as it said it
MORE_BAD_YIELDS = [
    "yield BACKWARD, 3",  # not a dict of gradients
    'yield BACKWARD, {"b": 1.0}',  # not watched
    'yield BACKWARD, {"w": "x"}',  # not numbers
    'yield BACKWARD, {"w": [1.0, 2.0]}',  # the wrong size
    'yield STEP, {"acc": [np.complex128(1j)]}',  # not a number or text
]
WATCHING = "from core.phases import BACKWARD\nw = np.ones(3)\nrun.watch(w=w)\n"


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language(None)


def assert_chinese(text: str) -> None:
    assert text.strip()
    assert not english_words(RAISED.sub("", text), NAMES), text


def crash(path) -> str:
    with pytest.raises(LessonCrashed) as caught:
        list(Trainer(catalog.load(str(path))))
    return str(caught.value)


@pytest.mark.parametrize("statement", [statement for statement, _ in BAD_YIELDS])
def test_a_bad_yield_is_told_in_chinese_at_the_learners_line(tmp_path, capsys, statement):
    path = lesson_file(tmp_path, statement)
    i18n.set_language("zh")
    message = crash(path)
    assert message.startswith(f"{path.resolve()}:{BAD_LINE}：") and "\n" not in message
    assert_chinese(message)
    i18n.set_language(None)
    code = main(["--lang", "zh", "run", str(path), "--headless"])
    err = capsys.readouterr().err
    assert code == 1
    said = [line for line in err.splitlines() if line.startswith("learn-tui")]  # (the rest: the learner's line)
    assert len(said) == 1 and f"my_lesson.py:{BAD_LINE}" in said[0]
    assert_chinese(said[0])


@pytest.mark.parametrize("statement", MORE_BAD_YIELDS)
def test_bad_gradients_and_metrics_are_told_in_chinese(tmp_path, statement):
    path = lesson_file(tmp_path, WATCHING + statement)
    english = crash(path)
    i18n.set_language("zh")
    chinese = crash(path)
    assert english != chinese and english_words(english, NAMES)  # (each language its own text)
    assert_chinese(chinese)


def test_a_tensor_is_described_with_its_shape_in_chinese(tmp_path):
    path = lesson_file(tmp_path, "yield LOSS, torch.ones(2, 3)")
    i18n.set_language("zh")
    message = crash(path)
    assert "Tensor（形状为 (2, 3)）" in message and "6 个元素" in message
    assert_chinese(message)


def test_a_train_that_is_not_a_generator_is_told_in_chinese(tmp_path):
    path = tmp_path / "plain.py"
    path.write_text(
        "from core.lesson import Lesson\n\n\ndef train(run):\n    return 3\n\n\n"
        'LESSON = Lesson(id="plain", title="plain", lecture=None, train=train)\n'
    )
    i18n.set_language("zh")
    with pytest.raises(LessonCrashed) as caught:
        Trainer(catalog.load(str(path)))
    assert "plain.py:4：train(run) 返回了 int（3）" in str(caught.value)
    assert_chinese(str(caught.value))
