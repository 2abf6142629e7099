"""A checker for the app in Chinese: the English words a screen draws outside the code.

It reads what the screen draws cell by cell (its compositor's strips), gives each cell to the widget drawn
there, leaves out the code (the code panel, code blocks in the notes), and finds the ASCII words of three
letters or more that are not allowed: the identifiers of the lesson's source (tokenized, and its one-word
strings: metric and view names), its option names and values, PyTorch's API names, key names, and a short
list of proper nouns. Each word found is reported with the widget it came from.
"""

from __future__ import annotations

import builtins
import functools
import io
import keyword
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.cells import cell_len

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
PROPER_NOUNS = {
    "PyTorch", "torch", "torchvision", "MNIST", "GPT", "CNN", "RNN", "GRU", "LSTM", "SGD", "Adam", "MSE", "ReLU",
    "Sigmoid", "Softmax", "CUDA", "CPU", "GPU", "NumPy", "numpy", "DataLoader", "Dataset", "TODO", "learn", "tui",
    "Python", "checkpoints", "LEARN_TUI_DATA", "local", "share", "Nakamura", "None", "True", "False", "nan", "inf",
    "Shakespeare", "tinyshakespeare", "softmax", "sigmoid", "relu", "tanh", "set_to_none", "top", "Inception",
    "ResNet", "LLM", "hello", "ohlol", "size_average",
}  # fmt: skip
KEY_NAMES = {"space", "enter", "escape", "esc", "ctrl", "shift", "tab", "backspace", "pgup", "pgdn", "alt"}
CONDITION_NAMES = {"loss", "step", "epoch", "accuracy", "grad_norm", "nan"}  # a break's (--until's) names
GRAD_FN = re.compile(r"[A-Z][A-Za-z]*Backward\d*\Z")  # autograd's nodes (a tensor's grad_fn)
TABLES = ("VariablesTable", "ParamTable", "GradTable", "ModelTable")  # cells cut at their column's edge
CUT_BACKWARD = re.compile(r"[a-z]B(a|ac|ack|ackw|ackwa|ackwar)?\Z")  # a grad_fn cut: ``AddmmBa``
CODE_WIDGETS = ("CodePanel", "MarkdownFence", "PythonFence")  # the code itself: never checked
VIEWS = "tui.views"  # the lesson pictures' widgets (their words are translated with tui/views)


@functools.cache
def torch_names() -> frozenset[str]:
    import torch
    import torch.nn.functional as F
    import torch.utils.data

    names: set[str] = set()
    for module in (torch, torch.nn, F, torch.optim, torch.Tensor, torch.utils.data, torch.autograd):
        names |= {name for name in dir(module) if not name.startswith("__")}
    return frozenset(names)


def source_words(path: str | Path) -> set[str]:
    """The identifiers of a Python file, and its strings that are one identifier (a metric's name)."""
    words: set[str] = set()
    text = Path(path).read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.NAME:
            words.add(token.string)
        elif token.type == tokenize.STRING:
            inner = token.string.strip("rbfRBF").strip("'\"")
            if IDENTIFIER.match(inner):
                words.add(inner)
    return words


def lesson_words(lesson: Any) -> set[str]:
    """What a lesson may show in English: its code's identifiers, its id, its option names and values."""
    words = set(lesson.id.replace("-", "_").split("_")) | {lesson.id}
    if lesson.source_file:
        words |= source_words(lesson.source_file)
    for option in lesson.options:
        words |= {option.name, str(option.default), *(str(choice) for choice in option.choices or ())}
    for name in lesson.views:
        words |= {name, *name.split("_")}
    return words


def allowed(extra: set[str] = frozenset()) -> frozenset[str]:
    python = set(dir(builtins)) | set(keyword.kwlist)
    base = torch_names() | python | PROPER_NOUNS | KEY_NAMES | CONDITION_NAMES | set(extra)
    return frozenset(word.lower() for word in base) | frozenset(part.lower() for w in base for part in w.split("_"))


@dataclass(frozen=True)
class Found:
    word: str
    widget: str  # the widget's class and id, and its ancestors' up to the screen
    in_views: bool  # drawn by a lesson picture (tui/views/): translated separately
    lesson_text: bool  # a lesson's own help of an option (core/lessons/), not yet translated
    line: str  # the text of that widget on that screen line

    def __str__(self) -> str:
        return f"{self.word!r} in {self.widget}: {self.line.strip()!r}"


def describe(widget: Any) -> str:
    return type(widget).__name__ + (f"#{widget.id}" if widget.id else "")


def _chain(widget: Any) -> list[Any]:
    chain = []
    node = widget
    while node is not None and not hasattr(node, "_compositor"):
        chain.append(node)
        node = node.parent
    return chain


def in_views(widget: Any) -> bool:
    """Drawn by a lesson picture, or the tab of one (its title comes from ``tui.views.title``)."""
    for node in _chain(widget):
        if type(node).__module__.startswith(VIEWS) or (node.id or "").startswith("--content-tab-tab-view-"):
            return True
    return False


def is_code(widget: Any) -> bool:
    return any(type(node).__name__ in CODE_WIDGETS for node in _chain(widget))


def drawn_runs(screen: Any) -> list[tuple[Any, str]]:
    """(widget, text) for each run of cells a widget draws on one line of the screen."""
    compositor = screen._compositor
    runs: list[tuple[Any, str]] = []
    for y, strip in enumerate(compositor.render_strips()):
        x, owner, text = 0, None, []
        for char in strip.text:
            try:
                widget = compositor.get_widget_at(x, y)[0]
            except Exception:  # (no widget there)
                widget = None
            if widget is screen:  # (a dialog's background: the screen underneath, looked at on its own)
                widget = None
            if widget is not owner:
                if owner is not None and text:
                    runs.append((owner, "".join(text)))
                owner, text = widget, []
            text.append(char)
            x += cell_len(char)
        if owner is not None and text:
            runs.append((owner, "".join(text)))
    return runs


def cut_short(word: str, allow: frozenset[str]) -> bool:
    """A table cell cut at the edge of its column: the start of an allowed word (``floa`` of ``float32``)."""
    lowered = word.lower()
    return any(name.startswith(lowered) for name in allow) or CUT_BACKWARD.search(word) is not None


def english_words(screen: Any, allow: frozenset[str], help_words: frozenset[str] = frozenset()) -> list[Found]:
    """The English words the screen draws outside the code, with where each one is; ``help_words``: the words of
    the lesson's option help, marked ``lesson_text`` where an options form shows them."""
    found = []
    for widget, text in drawn_runs(screen):
        if is_code(widget):
            continue
        for word in WORD.findall(text):
            letters = sum(c.isalpha() for c in word)
            parts = [p for p in word.split("_") if p]
            if letters < 3 or word.lower() in allow or all(p.lower() in allow or len(p) < 3 for p in parts):
                continue
            in_table = any(type(node).__name__ in TABLES for node in _chain(widget))
            if GRAD_FN.match(word) or (in_table and cut_short(word, allow)):
                continue
            chain = " < ".join(describe(node) for node in _chain(widget)[:4])
            about = any(node.has_class("form-about") or node.id == "options-list" for node in _chain(widget))
            found.append(Found(word, chain, in_views(widget), about and word.lower() in help_words, text))
    return found
