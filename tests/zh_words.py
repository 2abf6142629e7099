"""What a Chinese screen may still say in English: code, names and numbers, never English prose.

``english_words(text)`` lists the words of three or more ASCII letters left once code (``backticks``,
flags, paths, identifiers, calls, lesson ids) and the allowed names are taken out: a test in Chinese
asserts it is empty.
"""

from __future__ import annotations

import re

ALLOWED = {
    # proper nouns and the names of things the learner types or reads in code
    *[
        "PyTorch",
        "MNIST",
        "SGD",
        "Adam",
        "AdamW",
        "RMSprop",
        "Adagrad",
        "LBFGS",
        "GPT",
        "LLM",
        "CNN",
        "RNN",
        "GRU",
        "LSTM",
        "CUDA",
        "CPU",
        "GPU",
        "JSON",
        "ReLU",
    ],
    *[
        "torch",
        "learn",
        "tui",
        "torchrun",
        "gloo",
        "nccl",
        "cpu",
        "cuda",
        "auto",
        "python",
        "pip",
        "nan",
        "inf",
        "true",
        "false",
        "True",
        "False",
        "None",
    ],
    *[
        "loss",
        "grad",
        "lr",
        "optimizer",
        "accuracy",
        "prediction",
        "hidden",
        "momentum",
        "seed",
        "steps",
        "epochs",
        "epoch",
        "step",
    ],
    *[
        "backward",
        "forward",
        "Linear",
        "Sequential",
        "Dataset",
        "DataLoader",
        "Tensor",
        "int",
        "float",
        "bool",
        "str",
        "ctrl",
        "shift",
        "enter",
        "esc",
        "tab",
    ],
}
CODE = re.compile(
    r"`[^`]*`"  # inline code
    r"|'[^'\n]*'|\"[^\"\n]*\""  # a quoted value (what the learner typed)
    r"|learn-tui(?: (?:list|run|attach|compare|sample|exercise|check)\b)?"  # a command
    r"|\b[A-Za-z]*[a-z][A-Z]\w*"  # a CamelCase name (LinearModel, MSELoss)
    r"|(?<![\w-])--?[A-Za-z][\w-]*"  # a flag
    r"|\S*[/\\]\S*"  # a path
    r"|\b\w+\.\w+(?:\.\w+)*\b"  # a dotted name or a file name
    r"|\b\w+\("  # a call
    r"|\b\w*_\w*\b"  # an identifier with an underscore
    r"|\b[A-Za-z]\w*-[\w-]+"  # a hyphenated id (a lesson, learn-tui)
    r"|\b\w*\d\w*\b"  # a word with digits (1e-3, bak2)
)


def english_words(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The English words in ``text`` that are neither code nor allowed (ALL-CAPS words are names: MNIST, TODO)."""
    words = re.findall(r"[A-Za-z]{3,}", CODE.sub(" ", text))
    return [w for w in words if w not in ALLOWED and w not in allowed and not w.isupper()]
