"""Small builders for lint tests: designs from compact tables, findings as pairs."""

from __future__ import annotations

from typing import Any

from archdesigner.lint import LintReport, builtin_rules, lint_design
from archdesigner.model import Design, Group, Link, Node

BUILTIN = builtin_rules()


def make(
    nodes: dict[str, str | tuple[str, dict[str, Any]]],
    links: list[tuple[str, str] | tuple[str, str, dict[str, Any]]] = (),  # type: ignore[assignment]
    groups: list[Group] | None = None,
) -> Design:
    """``make({"web": "client", "api": ("service", {"replicas": 2})}, [("web", "api")])``;
    links get ids ``source-target``."""
    d = Design.empty()
    for nid, spec in nodes.items():
        kind, fields = (spec, {}) if isinstance(spec, str) else spec
        d.nodes.append(Node(id=nid, kind=kind, **fields))
    for item in links:
        src, dst = item[0], item[1]
        fields = item[2] if len(item) > 2 else {}  # type: ignore[misc]
        lid = fields.pop("id", f"{src}-{dst}")
        d.links.append(Link(id=lid, source=src, target=dst, **fields))
    d.groups = groups or []
    return d


def lint(design: Design, **kwargs: Any) -> LintReport:
    kwargs.setdefault("rules", BUILTIN)
    return lint_design(design, **kwargs)


def pairs(design: Design, rule: str, **kwargs: Any) -> list[tuple[str, str]]:
    """Unsuppressed (rule id, subject) pairs of one rule (or prefix)."""
    return [(f.rule_id, f.subject) for f in lint(design, select=[rule], **kwargs).active]


def only(design: Design, rule: str, **kwargs: Any) -> Any:
    found = [f for f in lint(design, select=[rule], **kwargs).active]
    assert len(found) == 1, [(f.rule_id, f.subject) for f in found]
    return found[0]
