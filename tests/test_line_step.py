"""Line stepping in the engine (core/engine/line_step.py): the lesson's own lines, its model's forward, never
torch; the same numbers as stepping by phase; nothing installed when not asked for."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
import torch

from core.engine import catalog
from core.engine.line_step import LineTrace, where
from core.engine.trainer import Trainer
from core.errors import LessonCrashed


def pull_by_lines(trainer: Trainer, stops: list[tuple[str, str, int]], limit: int = 10_000):
    """The next event, stepping every line of it (every stop says: go on line by line)."""

    def stop(frame):
        stops.append(where(frame))
        return len(stops) < limit

    with LineTrace([trainer.lesson.source_file], stop):
        return next(trainer)


def test_a_line_step_goes_into_the_models_forward_and_never_into_torch():
    lesson = catalog.load("linear-regression")
    trainer, stops = Trainer(lesson), []
    for _ in range(8):  # a whole step and the next forward
        pull_by_lines(trainer, stops)
    files = {file for file, _, _ in stops}
    assert files == {lesson.source_file}  # torch's own frames never stop
    functions = [function for _, function, _ in stops]
    assert "forward" in functions and "train" in functions
    source = Path(lesson.source_file).read_text().splitlines()
    forward_lines = [line for _, function, line in stops if function == "forward"]
    assert "self.linear(x)" in source[forward_lines[0] - 1]


def test_stepping_a_step_line_by_line_ends_bit_identical_to_stepping_it_by_phase():
    lesson = catalog.load("simple-nn")

    def weights(trainer):
        return {k: v.clone() for name, m in trainer.run.watched.items() for k, v in m.state_dict().items()}

    by_phase = Trainer(lesson, seed=3)  # (one run after the other: both draw from the global random generators)
    for _ in range(3):
        by_phase.advance("step")
    phase_losses, phase_weights = by_phase.history.state(), weights(by_phase)

    by_line, stops = Trainer(lesson, seed=3), []
    while by_line.step < 3:
        pull_by_lines(by_line, stops)
    assert by_line.history.state() == phase_losses
    line_weights = weights(by_line)
    assert phase_weights.keys() == line_weights.keys()
    for key, value in phase_weights.items():
        assert torch.equal(value, line_weights[key]), key
    assert len(stops) > 3 * 5  # it did stop line by line


def test_a_stop_that_says_run_freely_stops_no_more_and_reaches_the_yield():
    lesson = catalog.load("linear-regression")
    trainer = Trainer(lesson)
    trainer.prime()
    next(trainer)  # FORWARD (primed)
    stops: list = []
    event = pull_by_lines(trainer, stops, limit=1)
    assert len(stops) == 1 and str(event.phase) == "loss"
    assert sys.gettrace() is None  # the trace is gone once the pull is done


def test_no_trace_is_installed_unless_a_line_step_is_asked_for(tmp_path):
    seen = []
    path = tmp_path / "spy_lesson.py"
    path.write_text(
        textwrap.dedent(
            """
            import sys
            from core.lesson import Lesson
            from core.phases import FORWARD, STEP

            SEEN = []

            def train(run):
                for epoch in run.epochs():
                    SEEN.append(sys.gettrace())
                    yield FORWARD
                    yield STEP

            LESSON = Lesson(id="spy", title="spy", lecture=None, train=train, epochs=2)
            """
        )
    )
    lesson = catalog.load(str(path))
    trainer = Trainer(lesson)
    trainer.advance("step")
    seen = sys.modules[lesson.train.__module__].SEEN
    assert seen == [None]


class Quit(BaseException):
    pass


def test_an_exception_raised_by_the_stop_unwinds_the_lesson_and_leaves_no_trace():
    lesson = catalog.load("linear-regression")
    trainer = Trainer(lesson)
    trainer.prime()
    next(trainer)

    def stop(frame):
        raise Quit

    with pytest.raises(Quit), LineTrace([lesson.source_file], stop):
        next(trainer)
    assert sys.gettrace() is None


def test_a_lesson_that_raises_inside_a_line_step_is_a_crash_as_always(tmp_path):
    path = tmp_path / "breaks.py"
    path.write_text(
        textwrap.dedent(
            """
            from core.lesson import Lesson
            from core.phases import FORWARD, STEP

            def train(run):
                for epoch in run.epochs():
                    yield FORWARD
                    x = 1 / 0
                    yield STEP

            LESSON = Lesson(id="breaks", title="breaks", lecture=None, train=train, epochs=2)
            """
        )
    )
    trainer = Trainer(catalog.load(str(path)))
    next(trainer)
    stops: list = []
    with pytest.raises(LessonCrashed, match="ZeroDivisionError"):
        pull_by_lines(trainer, stops)
    assert stops and stops[-1][2] == 8  # it stopped at the line that raised, before it ran
    assert sys.gettrace() is None
