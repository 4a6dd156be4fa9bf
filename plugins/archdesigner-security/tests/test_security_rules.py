"""Tests of the SEC rules: each with a design that triggers it and a near-identical twin."""

from __future__ import annotations

import archdesigner_security as sec

from archdesigner.lint import builtin_rules, lint_design
from archdesigner.lint.registry import RegisteredRule, RuleSet
from archdesigner.model import Design, Group, Link, Node


def _rules() -> RuleSet:
    own = [RegisteredRule(r, "archdesigner-security") for r in sec.RULES]
    return RuleSet(builtin_rules().rules + own)


def _found(design: Design, rule_id: str) -> list[tuple[str, str]]:
    report = lint_design(design, rules=_rules(), select=[rule_id])
    return [(f.rule_id, f.subject) for f in report.active]


def _zones(protocol: str, target_zone: str) -> Design:
    d = Design.empty()
    d.groups = [Group(id="a", kind="zone"), Group(id="b", kind="zone")]
    d.nodes = [
        Node(id="api", kind="service", group="a", replicas=2),
        Node(id="db", kind="database", group=target_zone, replicas=2),
    ]
    d.links = [Link(id="l1", source="api", target="db", protocol=protocol)]
    return d


def test_sec001_plain_text_between_zones_fires_and_fix_encrypts() -> None:
    design = _zones("http", "b")
    assert _found(design, "SEC001") == [("SEC001", "l1")]
    finding = lint_design(design, rules=_rules(), select=["SEC001"]).active[0]
    assert "plain text from a to b" in finding.message
    assert finding.fix is not None
    finding.fix.edit.apply(design)
    assert design.links[0].protocol == "https"
    assert _found(design, "SEC001") == []


def test_sec001_twin_same_zone_or_encrypted_does_not_fire() -> None:
    assert _found(_zones("http", "a"), "SEC001") == []
    assert _found(_zones("https", "b"), "SEC001") == []


def test_sec001_extra_protocols_option() -> None:
    design = _zones("grpc", "b")
    assert _found(design, "SEC001") == []
    design.lint.options = {"SEC001": {"protocols": "grpc"}}
    assert _found(design, "SEC001") == [("SEC001", "l1")]


def _env(value: str) -> Design:
    d = Design.empty()
    d.nodes = [Node(id="db", kind="database", env={"POSTGRES_PASSWORD": value, "TZ": "UTC"})]
    return d


def test_sec002_literal_secret_fires_reference_does_not() -> None:
    assert _found(_env("hunter2"), "SEC002") == [("SEC002", "db")]
    assert _found(_env("${DB_PASSWORD}"), "SEC002") == []
