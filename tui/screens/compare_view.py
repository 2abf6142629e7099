"""The compare view (``learn-tui run LESSON --compare optimizer=SGD,Adam,LBFGS``, or ``C`` in a training view):
the training view, with one run per variant side by side (``tui/driver/compare.py``: same seed, each its own
driver) and a Compare tab first, where every variant's loss curve is live on one chart with its label, and a
table beside it gives each one's state, step, latest and best loss (``tui/widgets/compare_chart.py``).

Everything else on the screen (the status bar, sparkline, code panel, Loss, Params, Grads, the lesson's views,
Variables, Model) follows the selected variant: keys 1..9 select one. ``space`` runs and pauses every variant
together, so the curves stay comparable; ``n``, ``.``, ``e`` and ``r`` act on every variant, ``i``, the learning
rate, options and lesson actions on the selected one (the driver's docstring says why). ``C`` chooses anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.widgets import Static, TabbedContent, TabPane

from core.base.i18n import pick
from core.base.settings import RunSettings
from core.driver.frames import Frame
from core.driver.records import Failure, LessonReady
from core.front.compare_args import MAX_SIDE_BY_SIDE, Variant
from tui.driver.compare import CompareDriver, VariantRecord
from tui.driver.messages import DriverRecord
from tui.keys import FOCUS_KEYS, Key
from tui.screens.help import HelpScreen, help_rows, key_help
from tui.screens.training import TrainingScreen
from tui.widgets.compare_chart import CompareBoard
from tui.widgets.key_bar import panel_bindings

if TYPE_CHECKING:
    from core.lesson import Lesson


def variant_settings(base: RunSettings, variant: Variant) -> RunSettings:
    """A variant's run: ``base`` (seed, device, budget) with the variant's options and learning rate."""
    lr = variant.lr if variant.lr is not None else base.lr
    return RunSettings.of(base, options={**base.options, **variant.options}, lr=lr, resume=None)


class CompareScreen(TrainingScreen):
    DEFAULT_CSS = "CompareScreen #compare-banner { height: 1; margin: 0 1; }"
    BINDINGS = [Binding(str(index + 1), f"select_variant({index})", show=False) for index in range(MAX_SIDE_BY_SIDE)]

    def __init__(
        self,
        lesson: Lesson,
        settings: RunSettings,
        variants: Sequence[Variant],
        *,
        paused: bool = True,
        show_speed: bool = True,
    ) -> None:
        """``settings``: what every variant shares (seed, device, budget, other options); ``variants``: 2 to 9."""
        self.variants = tuple(variants)
        self.base = settings
        runs = [variant_settings(settings, variant) for variant in self.variants]
        super().__init__(
            lambda screen: CompareDriver(screen, lesson, runs, paused=paused), lesson, runs[0], show_speed=show_speed
        )
        self.lesson_object = lesson
        self.board = CompareBoard([variant.label for variant in self.variants], id="compare-board")

    @property
    def runs(self) -> CompareDriver:
        return cast(CompareDriver, self.driver)

    @property
    def selected(self) -> int:
        return self.runs.selected

    def _use_keys(self, keys: tuple[Key, ...]) -> None:
        """The training view's keys, then one per variant (1..9: the key bar shows the first as 1-N)."""
        count = len(self.variants)
        chosen = tuple(
            Key(
                str(index + 1),
                "select_variant",
                pick("Variant", "变体") if index == 0 else variant.label,
                pick(
                    f"show {variant.label}: the panels follow it, and i, lr, options and ctrl+s act on it",
                    f"显示 {variant.label}：各面板跟随它，i、学习率、选项和 ctrl+s 作用于它",
                ),
                args=(index,),
                display=f"1-{count}" if index == 0 else None,
                in_bar=index == 0,
            )
            for index, variant in enumerate(self.variants)
        )
        super()._use_keys((*keys, *chosen))

    def on_mount(self) -> None:  # (Textual calls TrainingScreen.on_mount after this one)
        self.mount(Static(self._banner(), id="compare-banner", markup=False), before="#panes")
        self.call_later(self._add_compare_tab)

    async def _add_compare_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        await tabs.add_pane(TabPane(pick("Compare", "比较"), self.board, id="tab-compare"), before="tab-chart")
        tabs.active = "tab-compare"

    def _banner(self) -> str:
        names = "  ".join(
            f"{'▶' if index == self.selected else ' '}{index + 1} {variant.label}"
            for index, variant in enumerate(self.variants)
        )
        return pick(
            f"comparing {names}   (1-{len(self.variants)}: show one · space: all run/pause · n: all step)",
            f"比较 {names}   （1-{len(self.variants)}：显示其一 · space：全部运行/暂停 · n：全部走一步）",
        )

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """The Compare tab takes room from the code panel (TrainingScreen's handler runs after this one)."""
        self.query_one("#code").styles.max_width = "36%" if event.pane.id == "tab-compare" else None

    # -- every variant's records -----------------------------------------------------------------------------
    def on_variant_record(self, message: VariantRecord) -> None:
        index, record = message.index, message.record
        if isinstance(record, Frame):
            try:
                self.board.seen(index, record)
                if index == self.selected:
                    self._draw(record)
                    self.frames_drawn += 1
            finally:
                self.runs.frame_done_of(index)
        elif isinstance(record, LessonReady):
            if self.lesson is None:  # (every variant runs the same lesson: its views and keys join once)
                self.on_driver_record(DriverRecord(record))
        elif index == self.selected:
            self.on_driver_record(DriverRecord(record))
        elif isinstance(record, Failure):
            label = self.variants[index].label
            self.notify(record.message, title=f"{label}: {record.title}", severity="error", markup=False)

    # -- keys ------------------------------------------------------------------------------------------------
    def action_select_variant(self, index: int) -> None:
        if index >= len(self.variants) or index == self.selected:
            return
        self.runs.select(index)
        self.board.select(index)
        self.painter.message = ""
        self.query_one("#compare-banner", Static).update(self._banner())
        self.kept.runs = []  # (kept curves belong to the variant they were kept from)

    def action_help(self) -> None:
        """The training view's help, saying which keys act on every variant and which on the selected one."""
        together = {
            "toggle_pause": pick(
                "run or pause every variant together (so the curves stay comparable)",
                "所有变体一起运行或暂停（曲线才好比较）",
            ),
            "step_batch": pick("while paused: every variant runs one batch", "暂停时：每个变体都运行一个批量"),
            "step_phase": pick(
                "while paused: every variant runs to its next phase", "暂停时：每个变体都运行到下一个阶段"
            ),
            "run_epoch": pick(
                "while paused: every variant runs to the end of its epoch", "暂停时：每个变体都运行到 epoch 结束"
            ),
            "step_line": pick(
                "while paused: one source line of the selected variant", "暂停时：选中的变体运行一行代码"
            ),
            "reset": pick(
                "start every variant again from step 0 (same seed)", "所有变体从第 0 步重新开始（同一个随机种子）"
            ),
            "set_break": pick("pause each variant where a condition holds", "每个变体在条件成立时暂停"),
        }
        rows = [
            (self.app.get_key_display(key.binding), together.get(key.action) or key_help(key.call, key.help))
            for key, _ in self.shown_keys()
        ]
        panel = [binding for binding, _ in panel_bindings(self)]
        self.app.push_screen(HelpScreen(rows + help_rows(self.app, [], panel) + help_rows(self.app, FOCUS_KEYS)))

    def action_open(self) -> None:
        self.notify(
            pick(
                "the compare view starts every variant from step 0: open a checkpoint in a single run (escape, then o)",
                "比较视图里每个变体都从第 0 步开始：请在单独的一次训练中打开检查点（escape，然后 o）",
            ),
            severity="warning",
        )

    def compare_base(self) -> RunSettings:
        """What ``C`` starts a new comparison from: the shared settings (not a variant's own values)."""
        return self.base

    def reopened(self) -> TrainingScreen:
        return CompareScreen(self.lesson_object, self.base, self.variants, show_speed=self.show_speed)
