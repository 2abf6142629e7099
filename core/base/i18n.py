"""Which language learn-tui speaks: English (the default) or Simplified Chinese, the course's own.

The choice, first match wins: ``--lang en|zh`` (``set_language``), else ``LEARN_TUI_LANG``, else a
``zh_*`` locale in ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` (the order POSIX reads them in). The CLI
sets it once; the app and the catalog read ``language()``, so nothing has to pass it along.

The Chinese texts of the built-in lessons live beside them, in ``core/lessons/zh/<lesson-id>.md``: a
``title:`` line and an ``option.NAME:`` line for each of the lesson's options (its help) between ``---``
lines, then the notes. Code in them is copied verbatim from the English notes (``tests/test_translations.py``
checks it, and that every option has its line). ``option_help`` gives an option's help in the chosen language.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import UsageError

LANGUAGES = ("en", "zh")
DEFAULT = "en"
ENV_VAR = "LEARN_TUI_LANG"
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")
TRANSLATIONS_DIR = Path(__file__).parent.parent / "lessons" / "zh"

_chosen: str | None = None  # set by --lang; None: read the environment


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """``LEARN_TUI_LANG`` (en or zh; anything else is ignored), else the locale, else English."""
    environ = os.environ if environ is None else environ
    wanted = environ.get(ENV_VAR, "").strip().lower()
    for language in LANGUAGES:
        if wanted == language or wanted.startswith(language + "_") or wanted.startswith(language + "-"):
            return language
    for name in LOCALE_VARS:
        value = environ.get(name, "")
        if value:  # the first one set decides, as in POSIX (LC_ALL=C means C, whatever LANG says)
            return "zh" if value.lower().startswith("zh") else DEFAULT
    return DEFAULT


def set_language(language: str | None) -> None:
    """The language given on the command line (None: go back to the environment's)."""
    global _chosen
    if language is not None and language not in LANGUAGES:
        raise UsageError(f"unknown language {language!r}; use one of: {', '.join(LANGUAGES)}")
    _chosen = language


def language() -> str:
    return _chosen or from_environment()


def is_chinese() -> bool:
    return language() == "zh"


def pick(english: str, chinese: str) -> str:
    """One of two texts, in the chosen language."""
    return chinese if is_chinese() else english


class Texts:
    """Messages in both languages by key, each ``(english, chinese)``: ``Texts(table).say(key, **values)`` is
    the chosen language's (picked when the message is made), filled in with ``values``."""

    def __init__(self, table: Mapping[str, tuple[str, str]]) -> None:
        self.table = table

    def say(self, key: str, /, **values: object) -> str:
        english, chinese = self.table[key]
        return pick(english, chinese).format(**values)


@dataclass(frozen=True)
class Translation:
    title: str
    notes: str
    options: Mapping[str, str] = field(default_factory=dict)  # an option's name -> its help


def parse_translation(text: str, where: str = "translation") -> Translation:
    """A ``---``/``title: ...``/``option.NAME: ...``/``---`` header, then the notes (Markdown)."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---" or "---" not in [line.strip() for line in lines[1:]]:
        raise ValueError(f"{where} must start with a --- / title: ... / --- header")
    end = 1 + [line.strip() for line in lines[1:]].index("---")
    header = {key.strip(): value.strip() for key, value in (line.split(":", 1) for line in lines[1:end] if ":" in line)}
    title = header.get("title", "")
    if not title:
        raise ValueError(f"{where} has no title: line in its header")
    options = {key.removeprefix("option."): value for key, value in header.items() if key.startswith("option.")}
    if "" in options.values():
        raise ValueError(f"{where} has an empty option.NAME: line in its header")
    return Translation(title, "\n".join(lines[end + 1 :]).strip(), options)


@functools.cache
def translation(lesson_id: str) -> Translation | None:
    """A built-in lesson's Chinese title and notes, or None when it has none (a learner's own lesson)."""
    path = TRANSLATIONS_DIR / f"{lesson_id}.md"
    if not path.is_file():
        return None
    return parse_translation(path.read_text(encoding="utf-8"), str(path))


def option_help(lesson_id: str, option: Any) -> str:
    """A lesson option's help (``option.help``) in the chosen language: a built-in lesson's ``option.NAME:``
    line in Chinese; the English help where there is none (a learner's own lesson)."""
    if is_chinese() and (chinese := translation(lesson_id)) is not None:
        return chinese.options.get(option.name, option.help)
    return str(option.help)


def display_width(text: str) -> int:
    """Columns a terminal gives the text: two for each wide (CJK) character."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def pad(text: str, width: int) -> str:
    """The text padded with spaces to ``width`` columns (``str.ljust`` counts a CJK character as one)."""
    return text + " " * max(width - display_width(text), 0)
