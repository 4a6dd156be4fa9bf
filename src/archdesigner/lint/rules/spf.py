"""Single points of failure: SPF001, SPF002."""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.lint.api import Finding, Fix, LintContext, names, plural, rule
from archdesigner.lint.rules._common import OUTSIDE
from archdesigner.lint.rules._fixes import scale_fix
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
    for i, node in enumerate(g.node_list):
        if node.kind in OUTSIDE or node.redundant:
            continue
        comp = comp_of[i]
        if not table.entries[comp]:
            continue
        entries = [g.entries[k] for k in table.entries[comp]]
        others = table.counts[comp] - 1
        outside = [e for e in entries if e != node.id]
        who = f"entries {names(entries)}" if len(entries) > 1 else f"entry {entries[0]}"
        if outside:
            blast = (
                f"if it fails, {plural(others, 'other component')} fail with it, including {who}"
            )
        else:
            blast = "it is itself an entry, so its traffic stops when it fails"
            if others:
                blast += f", and {plural(others, 'other component')} fail with it"
        yield ctx.finding(
            node,
            f"{node.id} is a single point of failure: it runs as 1 instance with no "
            f"redundancy and {blast}. Run at least 2 replicas.",
            related=entries,
            evidence={
                "replicas": node.replicas,
                "autoscale_min": node.autoscale.min if node.autoscale else None,
                "entries": entries,
                "failing_components": table.counts[comp],
                "total_components": total,
            },
            fix=redundancy_fix(ctx, node),
        )


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
        who = f"entries {names(out)}" if len(out) > 1 else f"entry {out[0]}"
        yield ctx.finding(
            grp,
            f"If {grp.kind} {grp.id} fails ({plural(inside, 'component')} inside "
            f"it), {plural(len(failure.failing), 'component')} fail in total, including {who} "
            f"outside it. Run replicas of what they need in another {grp.kind} as well.",
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
