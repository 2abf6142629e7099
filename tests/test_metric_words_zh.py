"""With --lang zh, the loss chart's legend names the lessons' evaluation metrics in Chinese (rnn-names showed
"test loss" beside 训练损失), and the Variables tab counts a container's items in Chinese."""

from __future__ import annotations

import pytest
import torch

from core.base import i18n
from core.engine.variables import describe
from tui.formatting import METRIC_WORDS, metric_words
from tui.widgets.loss_chart import on_side, series_style


@pytest.fixture
def zh():
    i18n.set_language("zh")
    yield
    i18n.set_language(None)


def test_the_legend_names_the_metrics_the_lessons_evaluate(zh):
    assert [series_style(i, name)["label"] for i, name in enumerate(["test_loss", "accuracy"])] == [
        "测试损失",
        "准确率",
    ]
    assert metric_words("val_loss") == "验证损失" and metric_words("test_f1") == "test_f1"  # unknown: the identifier


def test_in_english_the_legend_is_the_name_with_spaces():
    assert series_style(0, "test_loss")["label"] == "test loss" and metric_words("avg_train_loss") == "avg train loss"
    assert on_side("test loss", "left") == "test loss (left)" and on_side("accuracy", "right") == "accuracy (right)"


def test_every_metric_a_lesson_evaluates_has_its_chinese_name():
    """Each name in a built-in lesson's EVAL metrics is in the table (a new metric without words fails here)."""
    import re
    from pathlib import Path

    lessons = Path(__file__).resolve().parents[1] / "core" / "lessons"
    evaluated = set()
    for path in lessons.glob("*.py"):
        for block in re.findall(r"yield EVAL, \{([^}]*)\}", path.read_text()):
            evaluated |= set(re.findall(r'"(\w+)":', block))
        for block in re.findall(r"return \{([^}]*)\}", path.read_text()):
            evaluated |= {n for n in re.findall(r'"(\w+)":', block) if "loss" in n or "accuracy" in n}
    assert {"test_loss", "val_loss", "accuracy"} <= evaluated and evaluated <= set(METRIC_WORDS)


def test_variables_count_items_in_chinese(zh):
    found = {v.name: v.text for v in describe({"rows": [1, 2, 3], "lookup": {"a": 1}, "one": (4,)})}
    assert found == {"rows": "3 项: 1, 2, 3", "lookup": "1 项: a", "one": "1 项: 4"}
    optimizer = torch.optim.SGD([{"params": [torch.zeros(1)]}, {"params": [torch.zeros(1)]}], lr=0.1)
    assert {v.name: v.text for v in describe({"optimizer": optimizer})} == {"optimizer": "lr 0.1，2 个参数组"}
