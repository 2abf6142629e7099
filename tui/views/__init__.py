"""Lesson-specific views: module <name>.py exports VIEW, a widget with show(data) (see docs/architecture.md).

A lesson declares ``views={"digits": fn}``; the training screen mounts ``tui.views.digits.VIEW()`` in a tab
and calls its ``show(data)`` with ``snapshot.views["digits"]`` (plain data of the type
``core.base.views.VIEWS["digits"]``) at the refresh rate. The names are ``VIEWS``' names, each with its module
here (a test checks both ways); a ``PlainView`` (``core.lesson``) is shown by ``GenericView`` (its data
pretty-printed), and any other name is refused. View modules are imported in the UI thread: they must not
import torch.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from core.base.i18n import pick
from core.base.views import check_name
from core.lesson import PlainView
from tui.widgets.generic_view import GenericView

# The tab names in Chinese, in the course's terms (a lesson's own PlainView keeps its English name).
CHINESE_TITLES = {
    "attention": "注意力",
    "batch": "批次",
    "boundary": "决策边界",
    "confusion": "混淆矩阵",
    "digits": "数字",
    "filters": "卷积核",
    "fit": "拟合",
    "graph": "计算图",
    "grid": "网格搜索",
    "hidden_states": "隐藏状态",
    "landscape": "损失曲面",
    "misclassified": "分错的数字",
    "name_predictions": "姓名预测",
    "samples": "生成样本",
    "sigmoid": "Sigmoid 曲线",
    "weights": "权重",
}


def title(view: str) -> str:
    """The tab's name for the lesson view ``view``, as the lesson notes say it: "hidden_states" → "Hidden states"
    (in Chinese, ``CHINESE_TITLES``' name where it has one)."""
    words = view.replace("_", " ").replace("-", " ").strip()
    english = words[:1].upper() + words[1:] if words else view
    return pick(english, CHINESE_TITLES[view]) if view in CHINESE_TITLES else english


def make_view(view: str, compute: Callable[[Any], Any] | None = None) -> Any:
    """A widget for the lesson view ``view`` computed by ``compute``: the generic pretty-printer for a
    ``PlainView``, else the module's VIEW; UsageError (``check_name``'s line) for a name the app does not draw."""
    if isinstance(compute, PlainView):
        return GenericView()
    check_name(view, "lesson view")
    name = f"{__name__}.{view}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        return GenericView(f"view module {name} needs {exc.name}, which is not installed")
    except Exception as exc:  # a broken view module must not take the app down
        return GenericView(f"view module {name} failed to load ({type(exc).__name__}: {exc}); showing raw data")
    widget_class = getattr(module, "VIEW", None)
    if widget_class is None:
        return GenericView(f"{name} exports no VIEW; showing raw data")
    try:
        return widget_class()
    except Exception as exc:
        return GenericView(f"{name}.VIEW() failed ({type(exc).__name__}: {exc}); showing raw data")
