"""Every built-in rule has its documentation page with the sections users look for."""

from __future__ import annotations

from pathlib import Path

import pytest

from archdesigner.lint import builtin_rules

DOCS = Path(__file__).resolve().parents[2] / "docs"
RULES = builtin_rules().rules


@pytest.mark.parametrize("reg", RULES, ids=[r.rule.id for r in RULES])
def test_rule_page_exists_with_sections(reg: object) -> None:
    rule = reg.rule  # type: ignore[attr-defined]
    page = (DOCS / "rules" / f"{rule.id}.md").read_text()
    assert page.startswith(f"# {rule.id} {rule.name}\n")
    assert f"**Severity:** {rule.severity}" in page
    for section in ("What it detects", "Why it matters", "Example", "How to fix it",
                    "How to suppress it"):  # fmt: skip
        assert f"## {section}" in page
    for option in rule.options:
        assert f"`{option}`" in page


def test_spec_table_and_rules_agree() -> None:
    spec = (DOCS / "lint-rules.md").read_text()
    for reg in RULES:
        rule = reg.rule
        rows = (f"| {rule.id} {rule.name} | ", f"| {rule.id} {rule.name} (**v2**) | ")
        assert any(f"{row}{rule.severity} |" in spec for row in rows), rule.id
