"""What the code panel reads from a lesson's source with ``ast``: its loops, where a lesson opens, how wide
its loop is.

Between a yield on line ``prev`` and the next on line ``line`` the loop ran the lines after ``prev``
up to ``line``. When ``line`` comes before ``prev`` the loop went round: it ran to the end of the
innermost loop holding both lines, then from the loop's head down to ``line``.

A lesson opens on its loop: the outermost loop holding the first ``yield`` that sits in a loop (the first
line a learner steps to is usually there); a yield before any loop (autograd's demo) is shown first.
"""

from __future__ import annotations

import ast


class LoopSpans:
    """The (first, last) line of every ``for``/``while`` loop in a source file, its first yield and main loop."""

    def __init__(self, source: str) -> None:
        try:
            tree: ast.AST | None = ast.parse(source)
        except (SyntaxError, ValueError):
            tree = None
        nodes = list(ast.walk(tree)) if tree is not None else []
        loops = [node for node in nodes if isinstance(node, (ast.For, ast.While, ast.AsyncFor))]
        self.loops = sorted(
            ((node.lineno, node.end_lineno or node.lineno) for node in loops),
            key=lambda span: span[1] - span[0],
        )  # innermost (shortest) first
        yields = sorted(node.lineno for node in nodes if isinstance(node, (ast.Yield, ast.YieldFrom)))
        in_loop = [line for line in yields if self.outermost(line)]
        self.first_yield = yields[0] if yields else 0  # the first line a learner steps to (0: none)
        self.main_loop = self.outermost(in_loop[0]) if in_loop else None  # (first, last) line
        main = next((node for node in loops if (node.lineno, node.end_lineno) == self.main_loop), None)
        self.loop_width = code_width(main, source.splitlines()) if main is not None else 0

    def outermost(self, line: int) -> tuple[int, int] | None:
        """The outermost loop holding ``line``, or None."""
        return next((span for span in reversed(self.loops) if span[0] <= line <= span[1]), None)

    def ran_between(self, prev: int, line: int) -> list[int]:
        """Lines that ran after the yield on ``prev`` and before the yield on ``line`` (both excluded)."""
        if prev <= 0 or line <= 0 or prev == line:
            return []
        if prev < line:
            return list(range(prev + 1, line))
        for first, last in self.loops:
            if first <= line and prev <= last:
                return list(range(prev + 1, last + 1)) + list(range(first, line))
        return []


def code_width(node: ast.AST, lines: list[str]) -> int:
    """The columns the code of ``node``'s lines reaches, trailing comments left out: where the last node
    ending on a line ends, and the punctuation after it (a header's colon, a comma)."""
    ends: dict[int, int] = {}
    for child in ast.walk(node):
        line, end = getattr(child, "end_lineno", None), getattr(child, "end_col_offset", None)
        if line is not None and end is not None and end > ends.get(line, -1):
            ends[line] = end
    width = 0
    for line, end in ends.items():
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        rest = text.encode()[end:].decode(errors="replace")  # (ast's offsets count UTF-8 bytes)
        column = len(text) - len(rest)
        width = max(width, column + len(rest) - len(rest.lstrip(",:;)]}")))
    return width
