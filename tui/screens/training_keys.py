"""The training view's keys, each declared once (``tui/keys.py``): the screen's bindings, ``check_action``,
the key bar and the help are made from this table. Adding a key is one entry here plus the screen's
``action_`` method. A lesson adds its own keys (its ``Control``s): they come right after the keys that
drive the run, so they show early in the key bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.base.i18n import pick
from core.base.status import MOVABLE, SAVABLE, STARTED, STEPPABLE
from core.exercises.make import EXERCISE_SUFFIX
from tui.keys import FOCUS_KEYS, Key

if TYPE_CHECKING:
    from core.lesson import Lesson


def uses_lr(lesson: Lesson) -> bool:
    """A lesson without a learning rate (``Lesson(uses_lr=False)``, a grid search) is offered no lr keys."""
    return lesson.uses_lr


RUN_KEYS = (
    Key(
        "space",
        "toggle_pause",
        "Run/Pause",
        "run or pause training (after a divergence: continue from here)",
        when=MOVABLE,
    ),
    Key("n", "step_batch", "Step", "while paused: run one batch (one full training step)", when=STEPPABLE),
    Key(
        "full_stop",
        "step_phase",
        "Phase",
        "while paused: run to the next phase (forward, loss, backward, update, zero_grad)",
        when=STEPPABLE,
        display=".",
    ),
    Key("e", "run_epoch", "Epoch", "while paused: run to the end of the epoch", when=STEPPABLE),
    Key(
        "i",
        "step_line",
        "Line",
        "while paused: run one source line of the lesson, into its model's forward and its own helpers "
        "(Variables shows that line's locals)",
        when=STEPPABLE,
        in_bar=False,  # (the bar is full at 80 columns: the help lists it)
    ),
    Key(
        "plus,equals_sign",
        "lr_up",
        "lr↑",
        "raise the learning rate to the next rung (… 0.01, 0.03, 0.1, 0.3, 1 …)",
        when=STARTED,
        needs=uses_lr,
        display="+",
    ),
    Key(
        "minus", "lr_down", "lr↓", "lower the learning rate to the next rung", when=STARTED, needs=uses_lr, display="-"
    ),
    Key("l", "type_lr", "Set lr", "type an exact learning rate", when=STARTED, needs=uses_lr),
    Key("r", "reset", "Reset", "start the lesson again from step 0 (same learning rate and options)", when=STARTED),
    Key("question_mark", "help", "Help", "this help", display="?"),
    Key("escape", "back", "Lessons", "back to the lesson picker"),
    Key("q", "app.quit", "Quit", "quit learn-tui"),
)
ATTACHED_KEYS = (  # learn-tui attach: these replace the keys of the same name (the run is not in this app)
    Key("escape", "detach", "Detach", "close this view and leave the run training (learn-tui attach to come back)"),
    Key("q", "app.quit", "Quit", "quit learn-tui attach (the run goes on training)"),
)
MORE_KEYS = (
    Key(
        "ctrl+s",
        "save",
        "Save",
        "save a checkpoint in ./checkpoints (finishes the step in progress first)",
        when=SAVABLE,
    ),
    Key("o", "open", "Open", "open a checkpoint (type its path)", when=STARTED),
    Key(
        "O",
        "options",
        "Options",
        "see and change the lesson's live options (booleans, choices, numbers, text)",
        when=STARTED,
    ),
    Key(
        "b",
        "set_break",
        "Break",
        "pause at the end of the first step where a condition holds, e.g. loss < 0.1, accuracy > 0.9, step >= 500, "
        'grad_norm("fc.weight") > 10, nan (as run --until; empty: no break)',
        when=STARTED,
        in_bar=False,  # (the bar is full at 80 columns: the help lists it)
    ),
    Key("g", "toggle_log", "Log scale", "loss chart: log scale on or off"),
    Key(
        "c",
        "keep_reference",
        "Keep curve",
        "keep this run's loss curve on the Loss chart as a faint reference (up to 5, labelled by what differed); "
        "reset with another setting to compare",
        when=STARTED,
    ),
    Key(
        "C",
        "compare",
        "Compare",
        "compare runs side by side: choose an option (or lr) and its values; each runs from the same seed, "
        "their losses on one chart",
        when=STARTED,
        in_bar=False,  # (the bar is full at 80 columns: the help lists it)
    ),
    Key(
        "left_square_bracket",
        "tab",
        "Prev tab",
        "show the previous tab (loss, params, grads, the lesson's views, variables, model, notes)",
        args=(-1,),
        display="[",
    ),
    Key(
        "right_square_bracket",
        "tab",
        "Next tab",
        "show the next tab (loss, params, grads, the lesson's views, variables, model, notes)",
        args=(1,),
        display="]",
    ),
)


def is_exercise(lesson: Lesson) -> bool:
    """A lesson loaded from a file ``learn-tui exercise`` wrote (its id ends in ``-exercise``)."""
    return bool(lesson.source_file) and lesson.id.endswith(EXERCISE_SUFFIX)


EXERCISE_KEYS = (  # only for a file learn-tui exercise wrote: a lesson's own control may use these elsewhere
    Key(
        "h",
        "hint",
        "Hint",
        "exercise files: a hint for the first TODO that differs from the reference (press "
        "again: a stronger one, then the reference line)",
        needs=is_exercise,
    ),
)
BUILT_IN = (*RUN_KEYS, *MORE_KEYS, *EXERCISE_KEYS, *FOCUS_KEYS)
RESERVED = frozenset(
    {name for key in (*RUN_KEYS, *MORE_KEYS, *FOCUS_KEYS) for name in key.key.split(",")} | {"ctrl+q", "ctrl+c"}
)


def lesson_keys(lesson: Lesson) -> tuple[list[Key], list[str]]:
    """The lesson's controls as keys, and one line for each control that cannot be bound (a key the app
    already uses, or a toggle of something that is not a boolean option)."""
    keys: list[Key] = []
    problems: list[str] = []
    taken = set(RESERVED)
    if is_exercise(lesson):
        taken |= {name for key in EXERCISE_KEYS for name in key.key.split(",")}
    for index, control in enumerate(lesson.controls):
        what = pick(
            f"lesson control {control.key!r} ({control.description})",
            f"本课的按键 {control.key!r}（{control.description}）",
        )
        toggled = next((o for o in lesson.options if o.name == control.toggles), None)
        if control.key in taken:
            problems.append(
                what + pick(" clashes with a key already in use; it is not bound", " 与已有的按键冲突，未绑定")
            )
        elif control.toggles and (toggled is None or not isinstance(toggled.default, bool)):
            problems.append(
                what
                + pick(
                    f" toggles {control.toggles!r}, which is not a boolean option; it is not bound",
                    f" 切换的 {control.toggles!r} 不是布尔选项，未绑定",
                )
            )
        else:
            taken.add(control.key)
            keys.append(
                Key(
                    control.key,
                    "control",
                    control.description,
                    control.help or control.description,
                    args=(index,),
                    when=STARTED if control.toggles else SAVABLE,
                )
            )
    return keys, problems


def training_keys(lesson_keys: list[Key] | tuple[Key, ...] = ()) -> tuple[Key, ...]:
    """The whole table, in the key bar's order: the run's keys, the lesson's, the rest."""
    return (*RUN_KEYS, *lesson_keys, *EXERCISE_KEYS, *MORE_KEYS, *FOCUS_KEYS)


def attached(keys: tuple[Key, ...]) -> tuple[Key, ...]:
    """The table of an attached view: ``ATTACHED_KEYS`` in place of the keys they replace, in the same places."""
    by_key = {key.key: key for key in ATTACHED_KEYS}
    return tuple(by_key.get(key.key, key) for key in keys)
