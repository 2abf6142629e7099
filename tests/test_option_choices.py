"""Option choices typed as a person types them: ``--optimizer adam`` is Adam, where that is unambiguous."""

from __future__ import annotations

import pytest

from core.errors import UsageError
from core.lesson import Option


def test_a_choice_matches_whatever_its_case_where_only_one_name_fits():
    optimizer = Option("optimizer", "SGD", "the optimizer", choices=("SGD", "Adam", "Adamax", "LBFGS"))
    assert optimizer.parse("adam") == "Adam" and optimizer.parse("lbfgs") == "LBFGS"
    assert optimizer.parse("Adamax") == "Adamax"
    with pytest.raises(UsageError, match="one of SGD, Adam"):
        optimizer.parse("adagrad")
    exact = Option("mode", "a", "a mode", choices=("a", "A"))  # two names differ only in case: exact only
    assert exact.parse("A") == "A"
    with pytest.raises(UsageError):  # "ab" could be either: still an error, naming both
        Option("mode", "Ab", "a mode", choices=("Ab", "aB")).parse("ab")
