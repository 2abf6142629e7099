"""Where a line of Chinese (Japanese, Korean) text may break, and wrapping it to a width in terminal cells.

Western text wraps at spaces; Chinese has none, so each wide character is a break opportunity, with the
line-breaking rules (kinsoku): no line begins with a closing mark (、，。：；）」！？》…) and none ends with an
opening mark (（「《【). A run without spaces of other characters (``torch.nn.Module``, ``LinearModel(torch.nn.
Module)``, ``--optimizer``, ``0.01``) is never split, and neither, while it fits the width, is a phrase of
them amid the Chinese (``y = w*x + b``, a code span like ``learn-tui attach``): a space with no wide character
on either side is only a second choice, taken when the phrase alone is wider than the line.

Text without a wide character is not this module's business: callers keep their own wrapping for it (the app
its Rich/Textual wrapping, the command line ``textwrap``), so English output is exactly as it was.
Standard library only (``core`` is UI-free); the app passes Rich's cell width in, the command line the one here.
UAX #14 (e.g. the ``uniseg`` package) was not used: it breaks after ``-`` and ``/`` inside identifiers and
option names (``--max-steps``, ``checkpoints/run.pt``), which the learner must read whole.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator

# Wide (two-cell) scripts and punctuation: CJK, kana, hangul, fullwidth forms (first and last code point).
WIDE_RANGES = (
    (0x1100, 0x115F), (0x2E80, 0x303E), (0x3041, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA000, 0xA4CF),
    (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFF60), (0xFFE0, 0xFFE6), (0x20000, 0x3FFFD),
)  # fmt: skip
WIDE_STARTS = [first for first, _ in WIDE_RANGES]
# A line never begins with one of these (they close what precedes them) ...
CLOSING = frozenset("、，。．：；！？）」』》】〕〉〗〙〛｝］〞”’…‥・々〜～ー)]},.;:!?%")
# ... nor ends with one of these (they open what follows).
OPENING = frozenset("（「『《【〔〈〖〘〚｛［〝“‘([{")
# Marks that are not wide (’ ” …) but outside ASCII break like the wide ones: after a closing, before an opening one.
BREAK_AFTER = frozenset(c for c in CLOSING if not c.isascii())
BREAK_BEFORE = frozenset(c for c in OPENING if not c.isascii())

NO_BREAK, SECOND, BREAK = 0, 1, 2  # what a position between two characters is

CellLen = Callable[[str], int]


def has_wide(text: str) -> bool:
    """Whether the text has a wide character (and so wraps by character here)."""
    return not text.isascii() and _has_wide(text)


@functools.lru_cache(maxsize=4096)  # (the app asks again for every line it wraps, each frame)
def _has_wide(text: str) -> bool:
    return any(is_wide(char) for char in text)


def is_wide(char: str) -> bool:
    """A character of the wide scripts (``WIDE_RANGES``)."""
    code = ord(char)
    index = bisect.bisect_right(WIDE_STARTS, code) - 1
    return index >= 0 and code <= WIDE_RANGES[index][1]


@functools.cache
def wide_runs() -> re.Pattern[str]:
    """Runs of wide characters. Compiled when first needed, by Chinese text: a class of such ranges takes re ~5 ms
    to compile (a bitmap of the whole BMP), which the app's first frame would wait for."""
    ranges = "".join(f"{chr(first)}-{chr(last)}" for first, last in WIDE_RANGES)
    return re.compile(f"[{ranges}]+")


def cell_len(text: str) -> int:
    """Terminal cells the text takes: two for a wide (W/F) character, none for a combining one, else one."""
    if text.isascii():
        return len(text)
    width = unicodedata.east_asian_width
    return sum(0 if unicodedata.combining(c) else 2 if width(c) in "WF" else 1 for c in text)


def break_kinds(text: str) -> list[int]:
    """For each index ``i`` (0 ≤ i < len(text)): may a line begin at ``text[i]``? BREAK, SECOND (only where the
    phrase around it is wider than the line) or NO_BREAK. Index 0 and whitespace are never a break: a line
    begins after the spaces that end the previous one (which the renderer drops)."""
    kinds = [NO_BREAK] * len(text)
    wide = [False] * len(text)
    for run in wide_runs().finditer(text):
        wide[run.start() : run.end()] = [True] * len(run.group())
    last = -1  # the index of the last character before ``i`` that is not whitespace
    after_space = False
    for i, char in enumerate(text):
        if char.isspace():
            after_space = True
            continue
        if last >= 0 and char not in CLOSING and text[last] not in OPENING:
            if wide[i] or wide[last] or text[last] in BREAK_AFTER or char in BREAK_BEFORE:
                kinds[i] = BREAK
            elif after_space:
                kinds[i] = SECOND
        last, after_space = i, False
    return kinds


def chunks(text: str, width: int, cells: CellLen = cell_len) -> Iterator[tuple[int, str, int]]:
    """(start, chunk, its cells without trailing spaces): the text cut at each BREAK; a piece wider than
    ``width`` is cut at its SECOND breaks too."""
    kinds = break_kinds(text)
    starts = [i for i, kind in enumerate(kinds) if kind == BREAK]
    for start, end in zip([0, *starts], [*starts, len(text)]):
        piece = text[start:end]
        size = cells(piece.rstrip())
        if size <= width or SECOND not in kinds[start:end]:
            yield start, piece, size
            continue
        seconds = [i for i in range(start + 1, end) if kinds[i] == SECOND]
        for sub_start, sub_end in zip([start, *seconds], [*seconds, end]):
            sub = text[sub_start:sub_end]
            yield sub_start, sub, cells(sub.rstrip())


def chop(text: str, width: int, cells: CellLen = cell_len) -> list[str]:
    """The text folded into lines of at most ``width`` cells (a character wider than that gets a line alone)."""
    lines = [""]
    used = 0
    for char in text:
        size = cells(char)
        if used + size > width and lines[-1]:
            lines.append("")
            used = 0
        lines[-1] += char
        used += size
    return lines


def wrap_offsets(
    text: str, width: int, fold: bool = True, cells: CellLen = cell_len, chop_cells: Callable = chop
) -> list[int]:
    """The indices to break the text at so each line fits ``width`` cells (its trailing spaces aside): Rich's
    ``divide_line`` with the chunks above in place of space-separated words. A chunk wider than any line is
    folded by cells (``fold``, with ``chop_cells``) or left to overflow a line of its own."""
    offsets: list[int] = []
    used = 0
    for start, piece, size in chunks(text, width, cells):
        if width - used >= size:
            used += cells(piece) if piece[-1:].isspace() else size
        elif size > width:
            lines = [line for line in chop_cells(piece, width) if line] if fold else [piece]  # (Rich's: '' first)
            for line in lines[:-1]:
                if start:
                    offsets.append(start)
                start += len(line)
            if start:
                offsets.append(start)
            used = cells(lines[-1])
        elif used and start:
            offsets.append(start)
            used = cells(piece)
    return offsets


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells (for the command line's wide text), trailing spaces dropped."""
    offsets = wrap_offsets(text, max(width, 1))
    return [text[a:b].rstrip() for a, b in zip([0, *offsets], [*offsets, len(text)])]
