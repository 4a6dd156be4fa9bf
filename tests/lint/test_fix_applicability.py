"""Fix.applicability: 'safe' unless a rule says 'unsafe'; anything else is refused."""

from __future__ import annotations

import pytest

from archdesigner.lint.api import APPLICABILITIES, Fix
from archdesigner.model.edits import UpdateNode


def test_fixes_are_safe_unless_marked_unsafe() -> None:
    edit = UpdateNode("a", {"replicas": 2})
    assert Fix("Set replicas to 2", edit).applicability == "safe"
    lazy = Fix("Insert a load balancer", lambda: edit, applicability="unsafe")
    assert lazy.applicability == "unsafe" and lazy.edit is edit
    assert APPLICABILITIES == ("safe", "unsafe")


def test_an_unknown_applicability_is_refused() -> None:
    with pytest.raises(ValueError, match="'safe' or 'unsafe'"):
        Fix("x", UpdateNode("a", {}), applicability="risky")  # type: ignore[arg-type]
