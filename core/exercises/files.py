"""The learner's files: the exercise file ``check`` reads, the folder ``exercise --dir`` writes in. Whatever is
wrong with either (missing, a folder, binary, not UTF-8, unreadable, a name too long, no such parent folder, a
read-only one) is one ``UsageError`` naming the fix; nothing is written unless the whole exercise is."""

from __future__ import annotations

import ast
import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import Any

from core.base.i18n import pick
from core.errors import UsageError
from core.exercises import unversioned

SHOWN = 100  # characters of a path a message shows (a 5,000-character name is cut in the middle)


def shown(path: Path | str) -> str:
    text = str(path)
    if len(text) <= SHOWN:
        return text
    return f"{text[: SHOWN // 2]}…{text[-SHOWN // 2 :]} ({len(text)} characters)"


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _exercise_in(folder: Path) -> str:
    """An exercise file in ``folder`` to name in the message, or how they are named."""
    try:
        found = sorted(p.name for p in folder.glob("*_level[123].py") if p.is_file())
    except OSError:
        found = []
    if found:
        return pick(f"e.g. learn-tui check {folder / found[0]}", f"例如 learn-tui check {folder / found[0]}")
    return pick("learn-tui exercise names it LESSON_levelN.py", "learn-tui exercise 把它命名为 LESSON_levelN.py")


def exercise_source(path: Path) -> str:
    """The text of the exercise file at ``path``, read strictly as UTF-8 (``UsageError`` if it is not one)."""
    give = pick("give the exercise file learn-tui exercise wrote", "请给出 learn-tui exercise 写的练习文件")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise UsageError(pick(f"no file at {shown(path)}; {give}", f"{shown(path)} 不存在；{give}")) from None
        raise UsageError(
            pick(f"can't read {shown(path)}: {_why(exc)}; {give}", f"无法读取 {shown(path)}：{_why(exc)}；{give}")
        ) from None
    if stat.S_ISDIR(mode):
        example = _exercise_in(path)
        raise UsageError(
            pick(
                f"{shown(path)} is a folder: give the exercise file in it ({example})",
                f"{shown(path)} 是文件夹：请给出其中的练习文件（{example}）",
            )
        )
    if not stat.S_ISREG(mode):  # a pipe or a device: reading it could wait for ever
        raise UsageError(pick(f"{shown(path)} is not a regular file; {give}", f"{shown(path)} 不是普通文件；{give}"))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(
            pick(f"can't read {shown(path)}: {_why(exc)}; {give}", f"无法读取 {shown(path)}：{_why(exc)}；{give}")
        ) from None
    if b"\0" in data:
        raise UsageError(
            pick(
                f"{shown(path)} is not a Python file (it holds binary data); {give}",
                f"{shown(path)} 不是 Python 文件（含二进制数据）；{give}",
            )
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(
            pick(
                f"{shown(path)}, line {line}: not UTF-8 text (byte {exc.start + 1}); save it as UTF-8 and check again",
                f"{shown(path)} 第 {line} 行：不是 UTF-8 文本（第 {exc.start + 1} 字节）；请存为 UTF-8 后再检查",
            )
        ) from None


def _folder_for(folder: Path) -> bool:
    """Check ``--dir``: a folder, or a new one whose parent exists; True when it must be made."""
    try:
        mode = folder.stat().st_mode
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise UsageError(
                pick(
                    f"--dir {shown(folder)}: {_why(exc)}; give another folder",
                    f"--dir {shown(folder)}：{_why(exc)}；请换一个文件夹",
                )
            ) from None
    else:
        if stat.S_ISDIR(mode):
            return False
        raise UsageError(
            pick(
                f"--dir {shown(folder)} is a file, not a folder; give the folder to write the exercise in",
                f"--dir {shown(folder)} 是文件，不是文件夹；请给出写练习的文件夹",
            )
        )
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise UsageError(
            pick(
                f"--dir {shown(folder)}: its parent folder {shown(parent)} does not exist; create it first, "
                "or give another folder",
                f"--dir {shown(folder)}：上级文件夹 {shown(parent)} 不存在；请先创建它，或换一个文件夹",
            )
        )
    return True


def write_new(folder: Path, path: Path, text: str, reset: bool) -> Path | None:
    """Write ``text`` at ``path`` in ``folder`` (made if its parent exists). A file already there is refused
    unless ``reset``, which first keeps it as ``.bakN`` (returned). On any failure nothing is left behind: no
    new folder, no half-written file, the old file where it was."""
    made = _folder_for(folder)
    backup = None
    if not made and path.exists():
        if not reset:
            raise UsageError(
                pick(
                    f"{path} exists and holds your work; to start it over use --reset (keeps a backup)",
                    f"{path} 已存在，里面是你的代码；要重新开始请用 --reset（会保留备份）",
                )
            )
        number = 1
        while path.with_name(f"{path.name}.bak{number}").exists():
            number += 1
        backup = path.with_name(f"{path.name}.bak{number}")
    temporary, moved = path.with_name(f".{path.name}.writing"), False
    try:
        if made:
            folder.mkdir()
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(text)
        if backup is not None:
            path.replace(backup)
            moved = True
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            if moved and backup is not None:
                backup.replace(path)
            temporary.unlink(missing_ok=True)
            if made:
                folder.rmdir()
        raise UsageError(
            pick(
                f"can't write the exercise in {shown(folder)}: {_why(exc)}; give another folder with --dir",
                f"无法在 {shown(folder)} 写入练习：{_why(exc)}；请用 --dir 换一个文件夹",
            )
        ) from None
    return backup


def read_exercise(path: Path) -> tuple[str, int]:
    """The reference lesson and level an exercise file names (``EXERCISE_OF``, ``EXERCISE_LEVEL``), read with ast."""
    exercise_source(path)  # a file, readable, UTF-8 text: else a UsageError that says so
    try:
        tree = unversioned.parsed(path)
    except SyntaxError as exc:
        where = (
            pick(f"{shown(path)}, line {exc.lineno}", f"{shown(path)} 第 {exc.lineno} 行")
            if exc.lineno
            else shown(path)
        )
        raise UsageError(
            pick(f"{where}: {exc.msg}; fix the syntax and check again", f"{where}：{exc.msg}；请修正语法后再检查")
        ) from None
    except (OSError, ValueError) as exc:  # (changed since it was read)
        raise UsageError(pick(f"can't read {shown(path)}: {exc}", f"无法读取 {shown(path)}：{exc}")) from None
    found: dict[str, Any] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1 or not isinstance(node.value, ast.Constant):
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id in ("EXERCISE_OF", "EXERCISE_LEVEL"):
            found[target.id] = node.value.value
    if not isinstance(found.get("EXERCISE_OF"), str) or not isinstance(found.get("EXERCISE_LEVEL"), int):
        raise UsageError(
            pick(
                f"{path} is not an exercise file (no EXERCISE_OF = ...); make one with learn-tui exercise LESSON",
                f"{path} 不是练习文件（没有 EXERCISE_OF = ...）；请用 learn-tui exercise LESSON 生成一个",
            )
        )
    return found["EXERCISE_OF"], found["EXERCISE_LEVEL"]
