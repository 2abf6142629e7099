"""Finding lessons: the built-in ones in ``core/lessons/`` and a learner's own lesson files.

``catalog()`` reads each lesson's id, title, lecture and notes from its source with ``ast``, without
importing it, so the lesson picker shows in milliseconds while torch is still loading.
``load(id_or_path)`` imports the lesson (and whatever it imports, usually torch). ``localized(info)`` gives
a built-in lesson's title and notes in the chosen language (``core.base.i18n``).
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import inspect
import re
import sys
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.base import i18n
from core.base.i18n import pick
from core.errors import LessonFileError, UsageError

if TYPE_CHECKING:
    from core.lesson import Lesson

LESSONS_DIR = Path(__file__).parent.parent / "lessons"


@dataclass(frozen=True)
class LessonInfo:
    id: str
    title: str
    lecture: int | None
    notes: str
    path: str


def _literal(call: ast.Call, name: str) -> object:
    for keyword in call.keywords:
        if keyword.arg == name:
            return ast.literal_eval(keyword.value)
    raise ValueError(f"LESSON = Lesson(...) needs a literal {name}=")


def read_info(path: Path) -> LessonInfo:
    """A lesson file's metadata, read from its source without running it."""
    source = path.read_text(encoding="utf-8")
    tree, notes = _parse_head(source, str(path))
    if isinstance(tree, dict):  # (read from the statement's lines: see _quick_head)
        return _info(path, tree["id"], tree["title"], tree["lecture"], notes)
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "LESSON" for t in node.targets)
            and isinstance(node.value, ast.Call)
        ):
            call = node.value
            return _info(path, _literal(call, "id"), _literal(call, "title"), _literal(call, "lecture"), notes)
    raise ValueError(f"{path} defines no LESSON = Lesson(...)")


def _info(path: Path, lesson_id: object, title: object, lecture: object, notes: str) -> LessonInfo:
    if lecture is not None and type(lecture) is not int:
        raise ValueError(f"{path}: LESSON's lecture must be a whole number or None, not {lecture!r}")
    return LessonInfo(str(lesson_id), str(title), lecture, notes, str(path))


HEAD_KEYWORD = re.compile(r"^    (id|title|lecture)=(.+),$", re.MULTILINE)  # one a line, four spaces in


def _quick_head(statement: str) -> dict[str, object] | None:
    """``id``, ``title`` and ``lecture`` of ``LESSON = Lesson(...)`` when each is a plain literal on a line of its
    own (as a formatted lesson file has them: parsing the statement took ~2 ms of the first frame's 14
    lessons); None where they are not, and the statement is parsed."""
    found: dict[str, object] = {}
    for match in HEAD_KEYWORD.finditer(statement):
        name, text = match.groups()
        if name in found:
            return None
        if text == "None" or text.isdigit():
            found[name] = None if text == "None" else int(text)
        elif len(text) >= 2 and text[0] == text[-1] in "'\"" and not any(c in text[1:-1] for c in "'\"\\"):
            found[name] = text[1:-1]
        else:
            return None
    return found if len(found) == 3 else None


def _parse_head(source: str, filename: str) -> tuple[ast.Module | dict[str, object], str]:
    """The ``LESSON = Lesson(...)`` statement and the module's docstring, each cut out alone when that can be
    done cleanly (parsing every lesson whole was the picker's costliest start-up step, and parsing its long
    docstring too ~2 ms of the first frame's 14 lessons); otherwise the whole file."""
    doc_end = source.find('"""', 3) + 3 if source.startswith('"""') else 0
    start = source.find("\nLESSON = Lesson(", doc_end)
    following = re.compile(r"^[^\s)\]}#]", re.MULTILINE).search(source, source.find("\n", start + 1) + 1)
    end = following.start() if following else len(source)
    if doc_end > 3 and start >= 0 and not source[start:end].rstrip().endswith("\\"):
        try:
            statement = source[start:end]
            head = _quick_head(statement) or ast.parse(statement, filename=filename)
            return head, _docstring(source[:doc_end], filename)
        except SyntaxError:
            pass
    tree = ast.parse(source, filename=filename)
    return tree, ast.get_docstring(tree) or ""


def _docstring(literal: str, filename: str) -> str:
    """A module docstring's text, as ``ast.get_docstring`` gives it: a literal without a backslash is its text."""
    if "\\" not in literal:
        return inspect.cleandoc(literal[3:-3])
    return ast.get_docstring(ast.parse(literal, filename=filename)) or ""


def localized(info: LessonInfo) -> LessonInfo:
    """The lesson's title and notes in the chosen language; a lesson without a translation stays English."""
    if not i18n.is_chinese() or Path(info.path).parent != LESSONS_DIR:
        return info
    zh = i18n.translation(info.id)
    return info if zh is None else replace(info, title=zh.title, notes=zh.notes)


def catalog() -> list[LessonInfo]:
    """Every built-in lesson, ordered by course lecture (lessons beyond the course last)."""
    infos = [read_info(path) for path in sorted(LESSONS_DIR.glob("*.py")) if not path.name.startswith("_")]
    return sorted(infos, key=lambda i: (i.lecture is None, i.lecture or 0, i.path))


def find(lesson_id: str) -> LessonInfo:
    infos = catalog()
    for info in infos:
        if info.id == lesson_id:
            return info
    names = ", ".join(i.id for i in infos)
    raise UsageError(
        pick(
            f"unknown lesson {lesson_id!r}; choose one of: {names} (or give a path to a .py lesson file)",
            f"未知的课程 {lesson_id!r}；请从中选择：{names}（或给出课程 .py 文件的路径）",
        )
    )


def is_path(text: str) -> bool:
    return text.endswith(".py") or "/" in text or "\\" in text


def load(lesson: str) -> Lesson:
    """A built-in lesson by id, or a lesson file by path; errors say what to fix."""
    if is_path(lesson):
        return load_file(Path(lesson))
    return load_file(Path(find(lesson).path), builtin=True)


def load_file(path: Path, builtin: bool = False) -> Lesson:
    path = path.expanduser()
    if not path.is_file():
        raise LessonFileError(
            pick(
                f"no lesson file at {path}; check the path (see docs/writing-lessons.md)",
                f"{path} 没有课程文件；请检查路径（见 docs/writing-lessons.md）",
            )
        )
    source = path.read_text(encoding="utf-8", errors="replace")
    try:
        code = compile(source, str(path.resolve()), "exec")
    except SyntaxError as exc:
        text = (exc.text or "").rstrip()
        raise LessonFileError(
            pick(
                f"{path}, line {exc.lineno}: {exc.msg}; fix the syntax and run it again",
                f"{path} 第 {exc.lineno} 行：{exc.msg}；改正语法后再运行",
            ),
            details=f"{text}\n{' ' * max((exc.offset or 1) - 1, 0)}^" if text else "",
        ) from None
    name = f"core.lessons.{path.stem}" if builtin else f"learn_tui_user_lesson_{abs(hash(str(path.resolve())))}"
    if builtin and name in sys.modules:
        module = sys.modules[name]
    else:
        spec = importlib.util.spec_from_file_location(name, path.resolve())
        if spec is None:
            raise LessonFileError(
                pick(
                    f"{path} can't be loaded as a Python module; give a .py file",
                    f"{path} 无法作为 Python 模块加载；请给出 .py 文件",
                )
            )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            exec(code, module.__dict__)
        except Exception as exc:
            del sys.modules[name]
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
            details = "".join(traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc))
            raise LessonFileError(
                pick(
                    f"{path} raised {type(exc).__name__} while loading: {exc}",
                    f"{path} 加载时抛出 {type(exc).__name__}：{exc}",
                ),
                details="Traceback (most recent call last):\n" + details,
            ) from None
    from core.lesson import Lesson  # (loaded by the lesson module itself: the picker's first frame needs none)

    lesson = getattr(module, "LESSON", None)
    if not isinstance(lesson, Lesson):
        raise LessonFileError(
            pick(
                f"{path} defines no LESSON = Lesson(...); see docs/writing-lessons.md for an example",
                f"{path} 没有定义 LESSON = Lesson(...)；示例见 docs/writing-lessons.md",
            )
        )
    if not lesson.source_file:
        lesson = replace(lesson, source_file=str(path.resolve()))
        setattr(module, "LESSON", lesson)  # noqa: B010 (a module's attribute, set like any other)
    return lesson


@functools.lru_cache(maxsize=1)
def _notes_by_english() -> dict[str, str]:
    found = {}
    for info in catalog():
        zh = i18n.translation(info.id)
        if zh is not None:
            found[inspect.cleandoc(info.notes)] = zh.notes
    return found


def localized_notes(notes: str) -> str:
    """A built-in lesson's notes in the chosen language, recognised by its English text (so a learner's
    file, or a lesson whose notes were edited since, shows what it says)."""
    if not i18n.is_chinese() or not notes:
        return notes
    try:
        return _notes_by_english().get(inspect.cleandoc(notes), notes)
    except Exception:  # an unreadable lesson file: its notes stay as they are
        return notes
