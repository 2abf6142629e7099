"""Which lines of a lesson ran between two consecutive ``yield``s (dimly highlighted in the code panel).

Between a yield on line ``prev`` and the next on line ``line`` the loop ran the lines after ``prev``
up to ``line``. When ``line`` comes before ``prev`` the loop went round: it ran to the end of the
innermost loop holding both lines, then from the loop's head down to ``line``.
"""

from __future__ import annotations

import ast


class LoopSpans:
    """The (first, last) line of every ``for``/``while`` loop in a source file."""

    def __init__(self, source: str) -> None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            tree = None
        self.loops = sorted(
            (
                (node.lineno, node.end_lineno or node.lineno)
                for node in ast.walk(tree)
                if isinstance(node, (ast.For, ast.While, ast.AsyncFor))
            )
            if tree is not None
            else [],
            key=lambda span: span[1] - span[0],
        )  # innermost (shortest) first

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
