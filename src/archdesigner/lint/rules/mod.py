"""The model itself: MOD001, MOD002, and the engine's MOD003 and MOD900.

MOD003 (unused suppressions) and MOD900 (a rule crashed) are produced by the engine, which
alone knows which suppressions matched and which rules failed; they are declared here so
that they are listed, documented, selected and configured like every other rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.lint.api import Finding, LintContext, rule
from archdesigner.model import catalog


@rule(
    "MOD001",
    "isolated-node",
    "info",
    "A component has no links at all.",
)
def isolated_node(ctx: LintContext) -> Iterator[Finding]:
    if len(ctx.design.nodes) < 2:
        return
    g = ctx.graph
    for node in ctx.design.nodes:
        if g.in_links[node.id] or g.out_links[node.id]:
            continue
        yield ctx.finding(
            node,
            f"{node.id} has no links: nothing calls it and it calls nothing. Link it to "
            "the components it works with, or delete it.",
        )


@rule(
    "MOD002",
    "unknown-kind",
    "warning",
    "A node's kind is neither in the catalog nor added by an installed plugin.",
)
def unknown_kind(ctx: LintContext) -> Iterator[Finding]:
    for node in ctx.design.nodes:
        if catalog.is_known_kind(node.kind):
            continue
        yield ctx.finding(
            node,
            f"{node.id} has the kind {node.kind!r}, which neither the catalog nor an "
            "installed plugin defines; rules treat it as a plain component. Pick a catalog "
            "kind or install the plugin that adds it.",
            evidence={"kind": node.kind},
        )


def _engine(ctx: LintContext) -> Iterator[Finding]:
    return iter(())


unused_suppression = rule(
    "MOD003",
    "unused-suppression",
    "info",
    "A lint_ignore entry suppressed nothing in this run.",
    fixable=True,
)(_engine)

rule_crashed = rule(
    "MOD900",
    "rule-crashed",
    "error",
    "A rule raised an exception or ran past its time limit.",
)(_engine)

RULES = [isolated_node, unknown_kind, unused_suppression, rule_crashed]
