"""The GPT's messages in both languages: its text file, its sampling options and its shape options."""

from __future__ import annotations

from core.base.i18n import Texts

TEXTS = {
    # the text (core.gpt.text)
    "unseen characters": (
        "{what} has characters the model never saw in its text: {shown}; use only characters of the training text",
        "{what}含有模型在训练文本里从没见过的字符：{shown}；只用训练文本里的字符",
    ),
    "the prompt": ("the prompt", "提示词"),
    "the sample": ("the sample", "样本"),
    "no file": (
        "no text file at {source}; check the path given to --text",
        "{source} 处没有文本文件；请检查 --text 给出的路径",
    ),
    "binary": (
        "{source} looks like a binary file (it holds NUL bytes); give --text a UTF-8 text file",
        "{source} 像是二进制文件（含有 NUL 字节）；请给 --text 一个 UTF-8 文本文件",
    ),
    "empty": (
        "{source} is empty; give --text a file with some text in it",
        "{source} 是空的；请给 --text 一个有文字的文件",
    ),
    "not utf-8": (
        "{source} is not UTF-8 text (byte {byte} is invalid); save it as UTF-8 or give another file",
        "{source} 不是 UTF-8 文本（第 {byte} 个字节无效）；请把它存成 UTF-8，或换一个文件",
    ),
    "unreadable": (
        "could not read {source}: {reason}; check its permissions",
        "读不了 {source}：{reason}；请检查它的权限",
    ),
    "changed": ("the text changed while it was read; try again", "读取期间文本被改动了；请再试一次"),
    "no corpus": (
        "this Python has neither pydoc_data nor docstrings to learn from; give a UTF-8 text file with --text PATH",
        "这个 Python 既没有 pydoc_data 也没有文档字符串可学；请用 --text PATH 给一个 UTF-8 文本文件",
    ),
    "too short": (
        "{source} has {total} characters: too short for --block-size {block_size} (its last 10% must hold {need});"
        " give a longer text (at least {least} characters) or a smaller --block-size",
        "{source} 只有 {total} 个字符，对 --block-size {block_size} 来说太短（最后 10% 至少要有 {need} 个）；"
        "请给更长的文本（至少 {least} 个字符），或调小 --block-size",
    ),
    # sampling (core.gpt.sampling)
    "temperature number": (
        "temperature must be a number like 0.8, got {value}",
        "temperature（温度）必须是像 0.8 这样的数，收到 {value}",
    ),
    "temperature positive": (
        "temperature must be greater than 0, got {value}; try 0.8 (near 0 = greedy)",
        "temperature（温度）必须大于 0，收到 {value}；试试 0.8（接近 0 即贪心）",
    ),
    "temperature least": (
        "temperature must be at least {least:g}, got {value}; 0.01 is already nearly greedy",
        "temperature（温度）至少为 {least:g}，收到 {value}；0.01 就已经接近贪心了",
    ),
    "top-k number": (
        "top-k must be a whole number like 10 (0 = off), got {value}",
        "top-k 必须是像 10 这样的整数（0 = 关闭），收到 {value}",
    ),
    "top-k negative": ("top-k must be 0 (off) or more, got {value}", "top-k 必须是 0（关闭）或更大，收到 {value}"),
    "no prompt": (
        "type a prompt: the model needs at least one character to continue",
        "请输入提示词：模型至少需要一个字符才能往下写",
    ),
    # the model's shape (core.gpt.config)
    "at least 1": ("--{name} must be at least 1, got {value}", "--{name} 至少为 1，收到 {value}"),
    "heads": (
        "--n-embd {n_embd} must be a multiple of --n-head {n_head} (each head gets an equal share);"
        " e.g. --n-embd 128 --n-head 4",
        "--n-embd {n_embd} 必须是 --n-head {n_head} 的倍数（每个头分到相同的一份）；例如 --n-embd 128 --n-head 4",
    ),
    "dropout": (
        "--dropout must be from 0 up to (not including) 1, got {value}",
        "--dropout 必须在 0 到 1 之间（不含 1），收到 {value}",
    ),
    "not negative": (
        "--sample-interval and --warmup-steps must be 0 or more",
        "--sample-interval 和 --warmup-steps 必须是 0 或更大",
    ),
}

say = Texts(TEXTS).say  # TEXTS[key] in the chosen language, filled in
