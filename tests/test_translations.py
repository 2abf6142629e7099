"""Every built-in lesson in English and Chinese, with the same code in both; choosing the language."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest
from markdown_it import MarkdownIt

from core.base import i18n
from core.engine import catalog
from core.front import cli

MARKDOWN = MarkdownIt("commonmark")


@pytest.fixture(autouse=True)
def no_chosen_language():
    i18n.set_language(None)
    yield
    i18n.set_language(None)


def code_in(notes: str) -> tuple[list[str], Counter]:
    """The notes' code blocks (fenced or indented), in order, and their `code spans` (spacing as Markdown reads it)."""
    blocks, spans = [], Counter()
    for token in MARKDOWN.parse(notes):
        if token.type in ("fence", "code_block"):
            blocks.append(token.content)
        spans.update(" ".join(child.content.split()) for child in token.children or [] if child.type == "code_inline")
    return blocks, spans


def has_chinese(text: str) -> bool:
    return any("CJK UNIFIED" in unicodedata.name(c, "") for c in text)


@pytest.mark.parametrize("info", catalog.catalog(), ids=lambda info: info.id)
def test_every_lesson_has_chinese_notes_and_title_with_the_same_code(info):
    zh = i18n.translation(info.id)
    assert zh is not None, f"add core/lessons/zh/{info.id}.md"
    assert has_chinese(zh.title) and has_chinese(zh.notes)
    english_blocks, english_spans = code_in(info.notes)
    chinese_blocks, chinese_spans = code_in(zh.notes)
    assert chinese_blocks == english_blocks  # code blocks copied verbatim, in the same order
    assert chinese_spans == english_spans, (english_spans - chinese_spans, chinese_spans - english_spans)


def test_the_catalog_gives_titles_and_notes_in_the_chosen_language():
    info = catalog.find("autograd")
    assert catalog.localized(info) == info
    i18n.set_language("zh")
    chinese = catalog.localized(info)
    assert chinese.title == "用 autograd 做反向传播" and chinese.id == info.id and chinese.path == info.path
    assert catalog.localized_notes(info.notes) == chinese.notes  # the notes a loaded lesson carries, recognised
    assert catalog.localized_notes("A learner's own notes.") == "A learner's own notes."


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),  # LC_ALL wins over LANG
        ({"LANG": "zh_CN.UTF-8", "LEARN_TUI_LANG": "en"}, "en"),  # LEARN_TUI_LANG wins over the locale
        ({"LANG": "en_GB.UTF-8", "LEARN_TUI_LANG": "zh"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LEARN_TUI_LANG": "klingon"}, "zh"),  # an unknown value is ignored
    ],
)
def test_the_environment_picks_the_language(environ, expected):
    assert i18n.from_environment(environ) == expected


def test_lang_on_the_command_line_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("LEARN_TUI_LANG", "zh")
    assert i18n.language() == "zh"
    cli.parse(["--lang", "en", "list"])
    assert i18n.language() == "en"
    monkeypatch.setenv("LEARN_TUI_LANG", "en")
    cli.parse(["run", "linear-regression", "--lang", "zh"])
    assert i18n.language() == "zh"
    command = cli.parse(["run", "linear-regression", "--lang", "zh", "--lr", "0.1"])
    assert command.rest == [] and command.args.lr == "0.1"


def test_an_unknown_language_is_a_usage_error():
    with pytest.raises(cli.UsageError, match="--lang"):
        cli.parse(["--lang", "fr"])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_list_aligns_its_lecture_column(language, capsys):
    assert cli.main(["--lang", language, "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    infos = catalog.catalog()
    assert len(lines) == len(infos)
    marker = "lecture" if language == "en" else "第"
    starts = set()
    for line, info in zip(lines, infos, strict=True):
        label = cli.lecture_label(info.lecture)
        assert line.endswith(label), line
        starts.add(i18n.display_width(line[: -len(label)]))  # the column, in terminal cells
        assert info.lecture is None or marker in label
    assert len(starts) == 1, lines


def test_a_translation_header_gives_option_help_and_refuses_an_empty_one():
    parsed = i18n.parse_translation("---\ntitle: 标题\noption.lr: 学习率\noption.batch_size: 批量大小\n---\n笔记")
    assert parsed.title == "标题" and parsed.notes == "笔记"
    assert parsed.options == {"lr": "学习率", "batch_size": "批量大小"}
    with pytest.raises(ValueError, match="empty option"):
        i18n.parse_translation("---\ntitle: 标题\noption.lr:\n---\n笔记")


@pytest.mark.parametrize("info", catalog.catalog(), ids=lambda info: info.id)
def test_every_option_has_its_chinese_help_line_and_no_other(info):
    zh = i18n.translation(info.id)
    names = {option.name for option in catalog.load(info.id).options}
    assert zh is not None and set(zh.options) == names, (names - set(zh.options), set(zh.options) - names)
    assert all(has_chinese(text) for text in zh.options.values())
