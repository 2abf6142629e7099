"""The status bar shows what it is told: the frames (state, step, epoch, lr, loss, metrics) and, once, the
loaded lesson (``LessonReady``: its name, whether it has a learning rate and schedules it). It never reaches
into its screen for the lesson."""

from __future__ import annotations

from dataclasses import replace

from app_helpers import TOY, async_test
from textual.app import App, ComposeResult

from core.base.events import Progress
from core.base.status import Status
from core.driver.frames import Frame
from core.driver.records import LessonReady
from core.phases import STEP
from tui.widgets.status_bar import StatusBar

AT_STEP_3 = Frame(Status.PAUSED, Progress(Status.RUNNING, STEP, 3, 1, 10, 0.05, 1.25), metrics={"lr_now": 0.005})


class Host(App):
    def __init__(self, bar: StatusBar) -> None:
        super().__init__()
        self.bar = bar

    def compose(self) -> ComposeResult:
        yield self.bar


@async_test
async def test_the_status_bar_takes_the_lesson_from_lesson_ready_not_from_its_screen():
    bar = StatusBar("toy.py", show_speed=False)
    async with Host(bar).run_test(size=(120, 3)) as pilot:
        pilot.app.screen.lesson = TOY  # (a screen's lesson, with a learning rate: not what the bar reads)
        bar.show(AT_STEP_3)
        assert bar.text == "toy.py │ paused │ step 3 │ epoch 1 │ lr 0.05 │ loss 1.25"  # before the lesson loads
        bar.lesson_ready(LessonReady(replace(TOY, id="grid-search", uses_lr=False)))
        bar.show(AT_STEP_3)
        assert bar.text == "grid-search │ paused │ step 3 │ epoch 1 │ loss 1.25"
        bar.lesson_ready(LessonReady(replace(TOY, schedules_lr=True)))
        bar.show(AT_STEP_3)
        assert bar.text == "toy │ paused │ step 3 │ epoch 1 │ lr 0.05 (now 0.005) │ loss 1.25"
        bar.show(replace(AT_STEP_3, metrics={"lr_now": 0.05}))  # the schedule has not lowered it yet
        assert bar.text == "toy │ paused │ step 3 │ epoch 1 │ lr 0.05 │ loss 1.25"
