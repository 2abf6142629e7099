"""``--lang zh``: what the command line prints is Chinese, code and names aside (``tests/zh_words.py``);
exit codes are the same as in English."""

from __future__ import annotations

import pytest
from zh_words import english_words

from core.base import i18n
from core.engine import catalog
from core.front import cli_zh
from core.front.cli import build_parser, main

NAMES = {
    "nolesson",
    "command",
    "autograd",
    "dataloader",
    "Adamax",
    "Rprop",
    "prediction",
    "model",
    "criterion",
    "run",
    "Run",
    "MSELoss",
}
NAMES |= {
    "extra",
    "lesson",
    "checkpoint",
    "file",
    "list",
    "attach",
    "compare",
    "sample",
    "exercise",
    "check",
}  # typed: commands, positionals


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language(None)


def run_zh(capsys, *argv: str) -> tuple[int, str]:
    code = main(["--lang", "zh", *argv])
    out, err = capsys.readouterr()
    return code, out + err


def assert_chinese(text: str) -> None:
    assert text.strip()
    left = [(line, english_words(line, NAMES)) for line in text.splitlines() if english_words(line, NAMES)]
    assert not left, left


def test_a_headless_run_with_its_variables_and_a_saved_checkpoint(capsys, tmp_path):
    code, text = run_zh(
        capsys, "run", "linear-regression", "--headless", "--steps", "3", "--vars", "--save", str(tmp_path / "a.pt")
    )
    assert code == 0 and "3 步后完成" in text
    assert_chinese(text)


def test_a_diverged_run_gives_its_advice_in_chinese_and_exits_3(capsys):
    code, text = run_zh(capsys, "run", "gradient-descent", "--headless", "--lr", "10")
    assert code == 3 and "发散" in text
    assert_chinese(text)


def test_until_and_a_resumed_run_with_nothing_left(capsys, tmp_path):
    path = str(tmp_path / "b.pt")
    code, text = run_zh(capsys, "run", "gradient-descent", "--headless", "--steps", "2", "--save", path)
    code, again = run_zh(capsys, "run", "gradient-descent", "--headless", "--resume", path)
    code, until = run_zh(capsys, "run", "gradient-descent", "--headless", "--until", "loss < 100")
    assert code == 0
    assert_chinese(text + again + until)


def test_compare_prints_its_table_and_lines_in_chinese(capsys):
    code, text = run_zh(capsys, "compare", "linear-regression", "--lr", "0.01,10", "--steps", "5")
    assert code == 3 and "最终损失" in text and "发散" in text
    assert_chinese(
        "\n".join(line for line in text.splitlines() if not line.strip().startswith(("│", "┤", "┬", "└", "┌")))
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["run"],
        ["run", "nolesson", "--headless"],
        ["run", "gradient-descent", "--headless", "--steps", "x"],
        ["run", "gradient-descent", "--headless", "--steps", "2", "--epochs", "2"],  # argparse's own words
        ["run", "gradient-descent", "--headless", "--bogus", "3"],
        ["run", "linear-regression", "--headless", "--optimizer", "Foo"],
        ["run", "linear-regression", "--headless", "--lr", "-1"],
        ["run", "gradient-descent", "--headless", "--resume", "/nonexistent/a.pt"],
        ["run", "gradient-descent", "--headless", "--save", "/"],
        ["run", "gradient-descent", "--until", "loss < 1"],
        ["run", "gradient-descent", "--headless", "--until", "loss <"],
        ["run", "gradient-descent", "--headless", "--until", "w.grad > 1"],
        ["run", "gradient-descent", "--headless", "--until", "open('x') > 1"],
        ["run", "gradient-descent", "--headless", "--until", "loss + 1"],
        ["run", "gradient-descent", "--headless", "--until", 'grad_norm("nope") > 1'],
        ["run", "gradient-descent", "--headless", "--until", "loss"],
        ["run", "gradient-descent", "--headless", "--until", ""],
        ["run", "gradient-descent", "--headless", "--until", "nan == 1"],
        ["compare"],
        ["bogus"],
        ["sample", "/nonexistent/a.pt"],
        ["list", "extra"],
    ],
)
def test_bad_arguments_are_refused_in_chinese_with_exit_2(capsys, argv):
    code, text = run_zh(capsys, *argv)
    assert code == 2 and "错误" in text
    assert_chinese(text)


def test_the_trainers_refusals_and_a_crash_are_chinese(tmp_path):
    from core.engine.trainer import Trainer
    from core.errors import CheckpointError, UsageError

    i18n.set_language("zh")
    trainer = Trainer(catalog.load("linear-regression"))
    said = []
    for attempt in (
        lambda: trainer.set_option("optimizer", "Adam"),
        lambda: trainer.call("predict"),
        lambda: trainer.state_dict(),
    ):
        with pytest.raises((UsageError, CheckpointError)) as caught:
            attempt()
        said.append(str(caught.value))
    assert_chinese("\n".join(said))


def test_help_and_lesson_option_help_are_chinese(capsys):
    code, text = run_zh(capsys, "run", "linear-grid", "--help")
    assert code == 0 and "第一个候选 w" in text
    assert_chinese(text)


def test_every_help_of_every_command_has_its_chinese():
    i18n.set_language("zh")
    cli_zh.install()  # (cli.parse installs it: this test builds the parser itself)
    parser = build_parser()  # (every sub-command with its arguments)
    cli_zh.chinese_help(parser)
    for sub in [parser, *parser.commands.values()]:
        assert_chinese(sub.format_help())


@pytest.mark.parametrize("info", catalog.catalog(), ids=lambda info: info.id)
def test_every_option_of_every_lesson_has_chinese_help(info):
    lesson = catalog.load(info.id)
    i18n.set_language("zh")
    for option in lesson.options:
        assert i18n.option_help(info.id, option) != option.help, f"add option.{option.name}: to {info.id}.md"
    i18n.set_language("en")
    assert all(i18n.option_help(info.id, option) == option.help for option in lesson.options)


def test_a_checkpoint_resumed_at_another_world_size_is_told_how_in_chinese(capsys, tmp_path):
    from core.distributed import world_size_advice

    path = str(tmp_path / "one.pt")
    assert run_zh(capsys, "run", "gradient-descent", "--headless", "--steps", "2", "--save", path)[0] == 0
    code, text = run_zh(capsys, "run", "gradient-descent", "--headless", "--resume", path, "--nproc", "2")
    assert code == 2 and len(text.strip().splitlines()) == 1 and "1 个进程" in text
    assert_chinese(text)
    i18n.set_language("zh")
    advice = world_size_advice("runs/two.pt", 2, 1)  # (what a single process resuming it is told)
    assert "--nproc 2" in advice and "torchrun --nproc-per-node 2" in advice
    assert_chinese(advice)
