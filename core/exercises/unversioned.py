"""Can a learner's file change a tensor without torch noticing? ``check`` skips comparing a tensor at a yield
where neither the reference's copy nor the learner's tensor changed since the yield before (same object, same
storage, same ``_version``): every in-place torch operation bumps ``_version``. A few ways of writing bypass it:
through ``.data`` (the course's ``w.data = ...`` / ``w.grad.data.zero_()`` idiom), numpy views of a tensor's
memory, raw storage, ctypes, and fused optimizers (``torch.optim.Adam(fused=True)`` writes in its own kernel).
A file that uses any of them, or imports a module beyond torch, numpy, the standard library's pure-computation
modules and learn-tui's own, is compared in full at every yield.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ALIASING_ATTRIBUTES = frozenset(
    {
        "data",
        "numpy",
        "storage",
        "untyped_storage",
        "_typed_storage",
        "set_",
        "data_ptr",
        "__array__",
        "__array_interface__",
        "__dlpack__",
    }
)
ALIASING_NAMES = frozenset(
    {"from_numpy", "frombuffer", "from_dlpack", "asarray", "memoryview", "ctypes", "fused", "capturable"}
)
PLAIN_MODULES = frozenset(
    {
        "torch",
        "numpy",
        "math",
        "random",
        "itertools",
        "functools",
        "collections",
        "typing",
        "dataclasses",
        "string",
        "unicodedata",
        "__future__",
        "core",
    }
)


# dotted names ending in an aliasing attribute that only name a module or an option
NOT_ALIASES = ("torch.utils.data", "run.options.data")


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _aliases(node: ast.AST) -> bool:
    """One node that may write a tensor behind its version counter (or that this scan cannot follow)."""
    if isinstance(node, ast.Attribute):
        if node.attr in ALIASING_NAMES:
            return True
        dotted = _dotted(node)
        named = any(dotted == x or dotted.endswith("." + x) for x in NOT_ALIASES)
        return node.attr in ALIASING_ATTRIBUTES and not named
    if isinstance(node, ast.Name):
        return node.id in ALIASING_NAMES
    if isinstance(node, ast.keyword):
        return node.arg in ALIASING_NAMES
    if isinstance(node, ast.Import):
        return any(a.name.split(".")[0] not in PLAIN_MODULES for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return bool(node.level) or (node.module or "").split(".")[0] not in PLAIN_MODULES
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("exec", "eval"):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr"):
        name = node.args[1] if len(node.args) > 1 else None
        if isinstance(name, ast.Constant):
            return name.value in ALIASING_ATTRIBUTES or name.value in ALIASING_NAMES
        return not (node.args and _dotted(node.args[0]).startswith("torch."))  # a torch module's class: fine
    return False


def parsed(path: Path) -> ast.Module:
    """The file's syntax tree, parsed once while the file stays as it is (``check`` reads it twice; the app
    checks again after each save). Raises ``SyntaxError`` and ``OSError``."""
    stat = path.stat()
    return _parsed(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _parsed(path: str, _mtime_ns: int, _size: int) -> ast.Module:
    return ast.parse(Path(path).read_text(encoding="utf-8", errors="replace"), path)


def versions_tell(path: Path) -> bool:
    """True when every change the file can make to a tensor bumps its ``_version`` or replaces it (see above)."""
    try:
        tree = parsed(path)
    except (OSError, SyntaxError, ValueError):
        return False
    return _verdict(tree)


@functools.lru_cache(maxsize=32)
def _verdict(tree: ast.Module) -> bool:
    return not any(_aliases(node) for node in ast.walk(tree))
