"""The one "a, b and 3 more" helper."""

from __future__ import annotations

from archdesigner.wording import names


def test_names_with_and_between_the_last_two() -> None:
    assert names([]) == "" and names(["a"]) == "a" and names(["a", "b"]) == "a and b"
    assert names(["a", "b", "c"]) == "a, b and c"
    assert names([str(i) for i in range(8)], 5) == "0, 1, 2, 3, 4 and 3 more"


def test_names_joined_by_commas() -> None:
    assert names(["a", "b", "c"], 4, and_last=False) == "a, b, c"
    assert names(["a", "b", "c"], 2, and_last=False) == "a, b and 1 more"
