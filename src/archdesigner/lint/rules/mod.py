"""The model itself: MOD001, MOD002, MOD004, and the engine's MOD003 and MOD900.

MOD003 (unused suppressions) and MOD900 (a rule crashed) are produced by the engine, which
alone knows which suppressions matched and which rules failed; they are declared here so
that they are listed, documented, selected and configured like every other rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.lint.api import Finding, LintContext, label, names, rule
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
            f"{label(node)} has no links: nothing calls it and it calls nothing. Link it to "
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
            f"{label(node)} has the kind {node.kind!r}, which neither the catalog nor an "
            "installed plugin defines; rules treat it as a plain component. Pick a catalog "
            "kind or install the plugin that adds it.",
            evidence={"kind": node.kind},
        )


#: the rules that only look at what entries reach, blind without an entry
_BLIND = ("SPF001", "SPF002", "SCL005", "RES003", "CAP001", "CAP002")


@rule(
    "MOD004",
    "no-entry",
    "warning",
    "Nothing sends traffic into the design: the rules that follow requests are blind.",
)
def no_entry(ctx: LintContext) -> Iterator[Finding]:
    g = ctx.graph
    nodes = ctx.design.nodes
    if g.entries or all(n.kind == "client" for n in nodes):
        return
    targeted = {link.target for link in ctx.design.links}
    tops = [n for n in nodes if n.id not in targeted]
    subject = tops[0] if tops else nodes[0]
    where = (
        f"Nothing calls {names([n.id for n in tops])}, so traffic probably comes in there."
        if tops
        else "Every component is called by another, so the way in is not drawn."
    )
    yield ctx.finding(
        subject,
        f"The design has no entry (no client and no component with load_rps), so "
        f"{names(list(_BLIND), 6)} have nothing to check. {where} Add a client linked to "
        "where users come in, or set load_rps on it.",
        related=[n.id for n in tops[:5]],
        evidence={"blind_rules": list(_BLIND), "untargeted": [n.id for n in tops]},
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

RULES = [isolated_node, unknown_kind, unused_suppression, no_entry, rule_crashed]
