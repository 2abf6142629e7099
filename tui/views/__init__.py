"""Lesson-specific views: module <name>.py exports VIEW, a widget with show(data) (see docs/architecture.md).

A lesson declares ``views={"digits": fn}``; the training screen mounts ``tui.views.digits.VIEW()`` in a tab
and calls its ``show(data)`` with ``snapshot.views["digits"]`` (plain data) at the refresh rate. A view name
without a module is shown by ``GenericView`` (its data pretty-printed). View modules are imported in the UI
thread: they must not import torch.
"""

from __future__ import annotations

import importlib
from typing import Any

from tui.widgets.generic_view import GenericView


def title(view: str) -> str:
    """The tab's name for the lesson view ``view``, as the lesson notes say it: "hidden_states" → "Hidden states"."""
    words = view.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else view


def module_name(view: str) -> str:
    return f"{__name__}.{view.replace('-', '_')}"


def make_view(view: str) -> Any:
    """A widget for the lesson view ``view``: its module's VIEW, else the generic pretty-printer."""
    name = module_name(view)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            return GenericView(f"view module {name} needs {exc.name}, which is not installed")
        return GenericView()
    except Exception as exc:  # a broken view module must not take the app down
        return GenericView(f"view module {name} failed to load ({type(exc).__name__}: {exc}); showing raw data")
    widget_class = getattr(module, "VIEW", None)
    if widget_class is None:
        return GenericView(f"{name} exports no VIEW; showing raw data")
    try:
        return widget_class()
    except Exception as exc:
        return GenericView(f"{name}.VIEW() failed ({type(exc).__name__}: {exc}); showing raw data")
