"""The lesson views the app draws, by name: ``VIEWS`` maps each name to its data's type
(``core.base.view_data``), and ``tui/views/<name>.py`` draws that data (a test checks both ways).

A lesson declares ``views={"fit": fit_view}``: ``fit_view(run)`` returns a ``FitData`` and the app's Fit tab
draws it with ``tui/views/fit.py``. A lesson that names any other view is refused when it is built
(``check_name``, from ``Lesson``), unless that view is a ``PlainView`` (``core.lesson``: its data shown as
text). A view that raises shows a ``ViewError`` instead. Torch- and numpy-free, for the app's start-up.
"""

from __future__ import annotations

import difflib

from core.base.view_data import (
    AttentionData,
    BatchData,
    BoundaryData,
    ConfusionData,
    DigitsData,
    FiltersData,
    FitData,
    GraphData,
    GridData,
    HiddenStatesData,
    LandscapeData,
    MisclassifiedData,
    NamePredictionsData,
    SamplesData,
    SigmoidData,
    WeightsData,
)
from core.errors import UsageError

# The views the app draws, by name: tui/views/<name>.py draws the data of this type.
VIEWS: dict[str, object] = {
    "attention": AttentionData | None,  # None before the first sample
    "batch": BatchData,
    "boundary": BoundaryData,
    "confusion": ConfusionData,
    "digits": DigitsData,
    "filters": FiltersData,
    "fit": FitData,
    "graph": GraphData,
    "grid": GridData,
    "hidden_states": HiddenStatesData,
    "landscape": LandscapeData,
    "misclassified": MisclassifiedData,
    "name_predictions": NamePredictionsData,
    "samples": SamplesData,
    "sigmoid": SigmoidData,
    "weights": WeightsData,
}


def check_name(name: str, where: str) -> None:
    """Refuse a view name the app has no picture for, in one line: the close names and the whole list, and
    how to show a lesson's own data instead. ``where`` starts the line ("lesson my-lesson")."""
    if name in VIEWS:
        return
    close = difflib.get_close_matches(name, VIEWS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise UsageError(
        f"{where}: the app has no view {name!r}{hint}; its views: {', '.join(VIEWS)}. To show data of your own "
        f"as text, wrap its function: views={{{name!r}: PlainView(fn)}} (from core.lesson import PlainView)"
    )
