"""Single points of failure: SPF001, SPF002."""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.lint.api import Finding, Fix, LintContext, label, names, plural, rule, verb
from archdesigner.lint.rules._common import OUTSIDE, entry_set, requests
from archdesigner.lint.rules._fixes import no_fix_note, scale_fix
from archdesigner.model.design import Node
from archdesigner.model.edits import UpdateNode


@rule(
    "SPF001",
    "single-point-of-failure",
    "error",
    "A component with one instance that an entry needs: when it fails, the entry fails.",
    fixable=True,
)
def single_point_of_failure(ctx: LintContext) -> Iterator[Finding]:
    g = ctx.graph
    comp_of = g.required_cond.comp_of
    table = g.blast  # the failure-propagation table, computed once for every node
    total = len(g.ids)
    flow = requests(ctx)
    first_hop = entry_set(ctx)
    all_entries = g.entries
    for i, node in enumerate(g.node_list):
        if node.kind in OUTSIDE or node.redundant:
            continue
        comp = comp_of[i]
        if not table.entries[comp]:
            continue
        entries = [all_entries[k] for k in table.entries[comp]]
        share = flow.share(flow.required[i])
        front = _front_door(ctx, node, first_hop)
        blast = _blast(ctx, node, entries, table.counts[comp] - 1, share, front)
        fix = redundancy_fix(ctx, node)
        yield ctx.finding(
            node,
            f"{label(node)} is a single point of failure{blast}. Run at least 2 replicas."
            + no_fix_note(ctx, node, fix),
            related=entries,
            evidence={
                "replicas": node.replicas,
                "autoscale_min": node.autoscale.min if node.autoscale else None,
                "entries": entries,
                "failing_components": table.counts[comp],
                "total_components": total,
                "front_door": front,
            },
            fix=fix,
        )


def _front_door(ctx: LintContext, node: Node, first_hop: frozenset[str]) -> bool:
    """An entry (of ``first_hop``) calls ``node`` directly over a required link."""
    return any(link.required and link.source in first_hop for link in ctx.graph.in_links[node.id])


def _blast(
    ctx: LintContext, node: Node, entries: list[str], others: int, share: float, front: bool
) -> str:
    """What stops when ``node`` fails, after "X is a single point of failure": at a front
    door (an entry calls it directly) the share of requests that stops; elsewhere how many
    components fail with it, which entries, and the share of requests that touch it."""
    nodes = ctx.nodes
    who = names([label(nodes[e]) for e in entries])
    if node.id in entries and len(entries) == 1:
        return (
            f" (1 instance) and an entry: when it fails its own traffic stops{_and_others(others)}"
        )
    if front:
        stops = (
            f"all requests from {who} (100%) stop"
            if share >= 0.9995
            else f"{share:.0%} of all requests stop (from {who})"
        )
        return f" at the front door (1 instance): when it fails, {stops}"
    return (
        f" (1 instance): if it fails, {plural(others, 'other component')} "
        f"{verb(others, 'fails', 'fail')} with it, including "
        f"{'entries' if len(entries) > 1 else 'entry'} {who}; {share:.0%} of all requests "
        f"touch it"
    )


def _and_others(others: int) -> str:
    if not others:
        return ""
    return f", and {plural(others, 'other component')} {verb(others, 'fails', 'fail')} with it"


def redundancy_fix(ctx: LintContext, node: Node) -> Fix | None:
    """Two instances of ``node``: ``replicas`` 2, or ``autoscale.min`` 2 when it autoscales.
    None for a node that cannot scale (``scaling`` none) or whose scale-out would add a
    finding (see :func:`archdesigner.lint.rules._fixes.scale_fix`)."""
    if node.scaling_mode == "none":
        return None
    if node.autoscale is not None:
        scale = {"min": 2, "max": max(2, node.autoscale.max)}
        edit = UpdateNode(node.id, {"autoscale": scale}, f"Autoscale {node.id} from 2")
        return Fix(f"Set autoscale.min of {node.id} to 2", edit)
    edit = UpdateNode(node.id, {"replicas": 2}, f"Run 2 replicas of {node.id}")
    return scale_fix(ctx, node, edit, f"Set replicas of {node.id} to 2")


@rule(
    "SPF002",
    "zone-failure",
    "warning",
    "When one zone or region fails, entries outside it fail too.",
)
def zone_failure(ctx: LintContext) -> Iterator[Finding]:
    design = ctx.design
    zones = [grp for grp in design.groups if grp.kind in ("zone", "region")]
    if len(zones) < 2:
        return
    failures = ctx.graph.group_failures([grp.id for grp in zones])
    for grp, failure in zip(zones, failures, strict=True):
        out = sorted(e for e in failure.entries if e not in failure.roots)
        inside = len(failure.roots)
        if not out:
            continue
        nodes = ctx.nodes
        who = names([label(nodes[e]) for e in out])
        who = f"entries {who}" if len(out) > 1 else f"entry {who}"
        failing = len(failure.failing)
        yield ctx.finding(
            grp,
            f"If {grp.kind} {label(grp)} fails ({plural(inside, 'component')} inside "
            f"it), {plural(failing, 'component')} {verb(failing, 'fails', 'fail')} in total, "
            f"including {who} outside it. Run replicas of what they need in another "
            f"{grp.kind} as well.",
            related=out,
            evidence={
                "group_kind": grp.kind,
                "components_inside": inside,
                "failing_components": len(failure.failing),
                "entries": out,
                "entries_failing": sorted(failure.entries),
            },
        )


RULES = [single_point_of_failure, zone_failure]
