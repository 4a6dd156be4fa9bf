"""Single points of failure: SPF001, SPF002."""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.graph import bits_of, propagate_backward
from archdesigner.lint.api import Finding, Fix, LintContext, names, plural, rule
from archdesigner.model.design import group_ancestors
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
    cond = g.required_cond
    entries_failing = g.entries_failing
    counts = g.failing_counts
    total = len(g.ids)
    for i, node in enumerate(g.node_list):
        if node.kind in ("client", "external") or node.redundant:
            continue
        comp = cond.comp_of[i]
        entries = g.entries_of_mask(entries_failing[comp])
        if not entries:
            continue
        others = counts[comp] - 1
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
                "failing_components": counts[comp],
                "total_components": total,
            },
            fix=Fix(
                f"Set replicas of {node.id} to 2",
                UpdateNode(node.id, {"replicas": 2}, f"Run 2 replicas of {node.id}"),
            ),
        )


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
    bit = {grp.id: k for k, grp in enumerate(zones)}
    ancestors = group_ancestors(design)
    g = ctx.graph
    cond = g.required_cond
    inside = [0] * len(g.ids)
    seed = [0] * cond.count
    for i, node in enumerate(g.node_list):
        if node.group is None:
            continue
        mask = 0
        for gid in (node.group, *ancestors.get(node.group, [])):
            if gid in bit:
                mask |= 1 << bit[gid]
        inside[i] = mask
        seed[cond.comp_of[i]] |= mask
    fails = propagate_backward(cond, seed)
    failing_count = [0] * len(zones)
    inside_count = [0] * len(zones)
    entries_out: list[list[str]] = [[] for _ in zones]
    entries_all: list[list[str]] = [[] for _ in zones]
    entry_set = set(g.entry_indexes)
    for i in range(len(g.ids)):
        mask = fails[cond.comp_of[i]]
        if not mask:
            continue
        for k in bits_of(mask):
            failing_count[k] += 1
            if i in entry_set:
                entries_all[k].append(g.ids[i])
            if inside[i] >> k & 1:
                inside_count[k] += 1
            elif i in entry_set:
                entries_out[k].append(g.ids[i])
    for k, grp in enumerate(zones):
        out = sorted(entries_out[k])
        if not out:
            continue
        who = f"entries {names(out)}" if len(out) > 1 else f"entry {out[0]}"
        yield ctx.finding(
            grp,
            f"If {grp.kind} {grp.id} fails ({plural(inside_count[k], 'component')} inside "
            f"it), {plural(failing_count[k], 'component')} fail in total, including {who} "
            f"outside it. Run replicas of what they need in another {grp.kind} as well.",
            related=out,
            evidence={
                "group_kind": grp.kind,
                "components_inside": inside_count[k],
                "failing_components": failing_count[k],
                "entries": out,
                "entries_failing": sorted(entries_all[k]),
            },
        )


RULES = [single_point_of_failure, zone_failure]
