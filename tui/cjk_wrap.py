"""Chinese text in the app wraps by character, with the line-breaking rules (``core/base/linebreak.py``).

Textual (``Content``: Static, Label, Markdown) and Rich (``Text``: the help's table) wrap a line with
``rich._wrap.divide_line``, which breaks only at spaces: a Chinese sentence is one "word", folded at the width
mid-anything (a line starting with 、, ``LinearModel(to`` / ``rch.nn.Module)``). ``install()`` swaps the name
``divide_line`` in the two modules that call it for ``divide_line`` below, which hands a line without a wide
character to Rich's own (English renders exactly as before) and a line with one to ``linebreak.wrap_offsets``.
This leans on private names of the pinned textual 8.2.8 / rich 15.0.0: tests/test_cjk_wrap.py fails loudly if
they change.
"""

from __future__ import annotations

import rich.text
import textual.content
from rich._wrap import divide_line as rich_divide_line
from rich.cells import cell_len, chop_cells

from core.base.linebreak import has_wide, wrap_offsets

PATCHED = (textual.content, rich.text)  # the modules whose ``divide_line`` wraps every line the app draws


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """``rich._wrap.divide_line``, breaking wide text by character (same arguments, same offsets otherwise)."""
    if not has_wide(text):
        return rich_divide_line(text, width, fold)
    return wrap_offsets(text, width, fold, cells=cell_len, chop_cells=chop_cells)


def install() -> None:
    """Wrap Chinese by character in every widget from now on (idempotent)."""
    for module in PATCHED:
        module.divide_line = divide_line  # type: ignore[attr-defined]
