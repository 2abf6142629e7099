"""The digit viewer, confusion matrix and misclassified gallery: pure rendering, and each widget
standalone in a tiny Textual app (keys, Footer)."""

from __future__ import annotations

import asyncio

from rich.color import Color
from rich.console import Console
from textual.app import App, ComposeResult
from textual.widgets import Button, Footer, TabbedContent, TabPane
from textual.widgets._footer import FooterKey

from tui.views import confusion, digits, misclassified

WHITE, BLACK = Color.from_rgb(255, 255, 255), Color.from_rgb(0, 0, 0)


def one_image(value_top: int, value_bottom: int) -> list[list[int]]:
    return [[value_top] * 28 if row % 2 == 0 else [value_bottom] * 28 for row in range(28)]


def test_half_blocks_draw_two_pixel_rows_per_line():
    image = [[255, 0, 128, 128], [0, 255, 128, 128]]  # a 2x4 image -> one line of four cells
    (line,) = digits.digit_rows(image)
    grey = Color.from_rgb(128, 128, 128)
    assert [(text, style.color, style.bgcolor) for text, style in line] == [
        ("▀", WHITE, BLACK),
        ("▀", BLACK, WHITE),
        ("▀▀", grey, grey),
    ]  # equal neighbours share a part
    text = digits.side_by_side([[line]], width=80)
    assert text.plain == "▀▀▀▀"
    style = text.get_style_at_offset(Console(), 1)
    assert (style.color, style.bgcolor) == (BLACK, WHITE)
    assert len(digits.digit_rows(one_image(255, 0))) == 14


def test_digit_viewer_shows_label_prediction_and_probability_bars():
    probabilities = [0.0] * 10
    probabilities[3], probabilities[5] = 0.25, 0.75
    data = {
        "images": [one_image(255, 0), one_image(0, 0)],
        "labels": [3, 1],
        "predictions": [5, 1],
        "probabilities": [probabilities, [0.0, 1.0] + [0.0] * 8],
    }
    text = digits.render_digits(data, width=80).plain
    assert "1 of 2 shown digits predicted right" in text
    assert "label 3 → predicted 5 ✗" in text and "label 1 → predicted 1 ✓" in text
    assert "5 " + "█" * 13 + "░" * 4 + "  75.0%" in text
    narrow = digits.render_digits(data, width=30).plain
    assert len(narrow.splitlines()) > len(text.splitlines())  # one panel per row when narrow


def test_digit_viewer_explains_an_empty_or_failed_view():
    assert (
        "No batch yet"
        in digits.render_digits({"images": [], "labels": [], "predictions": [], "probabilities": []}).plain
    )
    assert "boom" in digits.render_digits({"error": "RuntimeError: boom"}).plain


def test_confusion_matrix_shows_counts_accuracy_and_worst_mix_ups():
    matrix = [[0] * 10 for _ in range(10)]
    for digit in range(10):
        matrix[digit][digit] = 90
    matrix[4][9], matrix[3][5] = 7, 3
    text = confusion.render_confusion(matrix).plain
    lines = text.splitlines()
    row4 = next(line for line in lines if line.strip().startswith("4 "))
    assert row4.split() == ["4", "0", "0", "0", "0", "90", "0", "0", "0", "0", "7"]
    assert "accuracy 98.90 %: 900 of 910 test digits right, 10 wrong" in text
    assert "4 taken for 9 (7x), 3 taken for 5 (3x)" in text
    assert "No evaluation yet" in confusion.render_confusion([]).plain


def gallery(count: int) -> dict:
    items = [
        {"index": i, "label": i % 10, "prediction": (i + 1) % 10, "confidence": 0.5, "image": one_image(200, 0)}
        for i in range(count)
    ]
    return {"step": 938, "total": count, "evaluated": 10000, "items": items}


def test_gallery_pages_and_captions():
    data = gallery(10)
    first = misclassified.render_gallery(data, 0, width=80).plain  # 2 per row, 2 rows -> 4 per page
    assert first.startswith("page 1/3 · 10 of 10,000 test digits misclassified at step 938")
    assert "#0: 0 → 1 (50% sure)" in first and "#3: 3 → 4" in first and "#4:" not in first
    last = misclassified.render_gallery(data, 7, width=80).plain  # past the end: the last page
    assert last.startswith("page 3/3") and "#9: 9 → 0" in last and "#7:" not in last
    assert "No mistakes" in misclassified.render_gallery({**data, "total": 0, "items": []}, 0).plain


class Host(App):
    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget
        yield Footer()


class Tabs(App):
    """Like the training screen: another tab first (with a focusable widget), the gallery in a second."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        with TabbedContent():
            with TabPane("Loss", id="loss"):
                yield Button("a focusable widget")
            with TabPane("misclassified", id="gallery"):
                yield self.widget
        yield Footer()


def test_gallery_widget_pages_with_arrow_keys_shown_in_the_footer():
    async def scenario():
        view = misclassified.VIEW()
        async with Tabs(view).run_test(size=(66, 50)) as pilot:
            view.show(gallery(10))
            await pilot.pause()
            assert pilot.app.focused is not view
            pilot.app.query_one(TabbedContent).active = "gallery"
            await pilot.pause()
            assert pilot.app.focused is view  # it takes the focus when its tab opens: the arrows page at once
            keys = {binding.key_display for binding in (b.binding for b in pilot.app.screen.active_bindings.values())}
            assert {"←", "→"} <= keys
            shown = {key.description for key in pilot.app.query_one(Footer).query(FooterKey)}
            assert {"Prev mistakes", "Next mistakes"} <= shown
            await pilot.press("right")
            assert view.page == 1 and "page 2/3" in str(view.render())
            await pilot.press("right", "right")
            assert view.page == 2
            await pilot.press("left")
            assert view.page == 1
            view.show(gallery(3))  # a new evaluation with fewer mistakes: back within range
            assert view.page == 0 and "page 1/1" in str(view.render())

    asyncio.run(scenario())


def test_digit_and_confusion_widgets_render_what_they_are_shown():
    async def scenario():
        view = digits.VIEW()
        async with Host(view).run_test(size=(80, 40)) as pilot:

            def batch(label):
                return {
                    "images": [one_image(255, 0)],
                    "labels": [label],
                    "predictions": [7],
                    "probabilities": [[0.0] * 7 + [1.0, 0.0, 0.0]],
                }

            view.show(batch(7))
            await pilot.pause()
            assert "label 7 → predicted 7 ✓" in str(view.render())
            view.show(batch(1))  # right after a redraw: drawn a little later, not dropped
            view.show(batch(2))
            assert "label 7" in str(view.render())
            await pilot.pause(view.MIN_REDRAW_S + 0.1)
            assert "label 2 → predicted 7 ✗" in str(view.render())
        matrix_view = confusion.VIEW()
        async with Host(matrix_view).run_test(size=(80, 30)) as pilot:
            matrix = [[5 if t == p else 0 for p in range(10)] for t in range(10)]
            matrix_view.show(matrix)
            await pilot.pause()
            assert "accuracy 100.00 %" in str(matrix_view.render())

    asyncio.run(scenario())


def digit_data(count: int = 3) -> dict:
    image = [[(row * 9 + column * 5) % 256 for column in range(28)] for row in range(28)]  # no two rows alike
    probabilities = [0.1] * 10
    return {
        "images": [image] * count,
        "labels": [7] * count,
        "predictions": [7] * count,
        "probabilities": [probabilities] * count,
    }


def drawn_digit_rows(text: str) -> int:
    """The rows of the first digit drawn (the lines with half blocks, from the first such line on)."""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if "▀" in line), len(lines))
    return next((i for i, line in enumerate(lines[first:]) if "▀" not in line), len(lines) - first)


def test_the_digit_viewer_keeps_a_whole_digit_in_the_rows_it_has():
    data = digit_data(1)
    for height, rows in ((40, 14), (14, 14), (11, 7), (8, 7)):  # bars below, bars beside, then half size
        text = digits.render_digits(data, width=96, height=height).plain
        assert len(text.splitlines()) <= max(height, 11) and drawn_digit_rows(text) == rows, (height, text)
        assert "label 7 → predicted 7 ✓" in text
    assert "█" in digits.render_digits(data, width=96, height=14).plain  # the bars beside the digit
    assert digits.halved([[0, 4], [8, 12]]) == [[6]]


def test_the_digit_tab_at_100x30_shows_all_14_rows_of_a_digit():
    import dataclasses

    from app_helpers import TOY, ready, settle

    from tui.app import LearnApp

    lesson = dataclasses.replace(TOY, views={"digits": lambda run: digit_data()})

    async def check() -> None:
        async with LearnApp(lesson, preload_torch=False, show_speed=False).run_test(size=(100, 30)) as pilot:
            screen = await ready(pilot)
            await pilot.press("n")
            await settle(pilot, screen)
            screen.query_one(TabbedContent).active = "tab-view-0"
            await settle(pilot, screen)
            await pilot.pause(0.3)
            view = screen.query_one(digits.DigitsView)
            pane = screen.query_one("#tab-view-0")
            visible = min(view.content_size.height, pane.content_region.bottom - view.content_region.y)
            shown = view.render().plain.splitlines()[:visible]  # what is on screen
            assert drawn_digit_rows("\n".join(shown)) == 14, "\n".join(shown)

    asyncio.run(check())
