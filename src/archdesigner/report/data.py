"""Collects what a review report shows from the linter and the graph, computing nothing twice.

Every figure comes from the one implementation that owns it:

* findings, their order and impact: :func:`archdesigner.lint.lint_design` (lint v2 order);
* what fails with a component or a zone: the failure-propagation API of
  :class:`archdesigner.graph.DesignGraph` (the same one SPF001, SPF002 and the app's failure
  simulation use);
* the share of requests that stop: the request flow of :mod:`archdesigner.lint.flow` (the
  impact measure of lint v2);
* offered load and capacity: the lint report's ``utilization`` (CAP001/CAP002's load model).
  Load is linear in the traffic multiplier, so a component offered L at 1x with capacity C
  reaches the utilization target t at t x C / L and its capacity at C / L exactly.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from archdesigner import __version__
from archdesigner.graph import DesignGraph
from archdesigner.lint.flow import RequestFlow, request_flow
from archdesigner.lint.output.grouped import top_risks
from archdesigner.model.design import Design
from archdesigner.report.model import (
    EntryLoad,
    FailureRow,
    Footer,
    Growth,
    NumberedFinding,
    Review,
    RuleGroup,
    Saturation,
    Summary,
)
from archdesigner.report.rulepages import rule_paragraphs

if TYPE_CHECKING:
    from archdesigner.lint import LintReport, RuleSet

#: The growth chart's range of traffic multipliers.
MAX_FACTOR = 100.0
#: How many top risks the summary lists.
TOP_RISKS = 5
ZONE_KINDS = ("zone", "region")


def build_review(
    design: Design,
    *,
    path: str = "",
    content: bytes | None = None,
    plugin_dirs: Sequence[str | Path] = (),
    rules: RuleSet | None = None,
    report: LintReport | None = None,
) -> Review:
    """The report of ``design``. ``path`` and ``content`` (the file's bytes, for its SHA-256)
    go in the footer. ``report``: a lint report at 1x traffic the caller already has (the
    app's); otherwise the linter runs here with ``rules`` or the installed rules plus
    ``plugin_dirs``."""
    if report is None:
        from archdesigner.lint import lint_design

        report = lint_design(design, plugin_dirs=tuple(plugin_dirs), rules=rules)
    labels = {**report.labels, **report.link_labels}
    numbered = [
        NumberedFinding(k, f, labels.get(f.subject, "")) for k, f in enumerate(report.active, 1)
    ]
    graph = DesignGraph(design)
    flow = request_flow(graph)
    notes = [str(e) for e in report.errors] + list(report.warnings)
    return Review(
        summary=summary_of(design, graph, report, numbered),
        findings=numbered,
        groups=rule_groups(numbered, report),
        failures=failure_rows(graph, flow, numbered),
        growth=growth_of(design, report),
        footer=footer_of(design, path, content, plugin_dirs),
        notes=notes,
    )


def summary_of(
    design: Design, graph: DesignGraph, report: LintReport, numbered: list[NumberedFinding]
) -> Summary:
    kinds = Counter(n.kind for n in design.nodes)
    by_finding = {id(nf.finding): nf for nf in numbered}
    nodes = graph.nodes
    entries = [EntryLoad(e, nodes[e].label, nodes[e].load_rps) for e in graph.entries]
    return Summary(
        name=design.name,
        description=design.description,
        nodes=len(design.nodes),
        links=len(design.links),
        groups=len(design.groups),
        kinds=sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])),
        entries=entries,
        counts=report.counts(),
        suppressed=len(report.suppressed),
        top=[by_finding[id(f)] for f in top_risks(report.active, TOP_RISKS)],
    )


def rule_groups(numbered: list[NumberedFinding], report: LintReport) -> list[RuleGroup]:
    """Findings grouped by rule, groups in the order of their first finding."""
    by_rule: dict[str, list[NumberedFinding]] = {}
    for nf in numbered:
        by_rule.setdefault(nf.rule_id, []).append(nf)
    summaries = {r.rule.id: r.rule.summary for r in report.rules}
    out = []
    for rule_id, items in by_rule.items():
        why, fix = rule_paragraphs(rule_id)
        first = items[0].finding
        out.append(
            RuleGroup(
                rule_id,
                first.name,
                first.severity,
                summaries.get(rule_id, ""),
                why,
                fix,
                items,
            )
        )
    return out


def _numbers_by_subject(numbered: list[NumberedFinding], rule_id: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for nf in numbered:
        if nf.rule_id == rule_id:
            out.setdefault(nf.subject, []).append(nf.number)
    return out


def failure_rows(
    graph: DesignGraph, flow: RequestFlow, numbered: list[NumberedFinding]
) -> list[FailureRow]:
    """One row per component (clients excepted) and per zone or region, worst first: by the
    share of requests that stop, then components failing, then id."""
    spf = _numbers_by_subject(numbered, "SPF001")
    rows = []
    for i, node in enumerate(graph.node_list):
        if node.kind == "client":  # the users' side: not a component that can go down
            continue
        nums = spf.get(node.id, [])
        rows.append(
            FailureRow(
                "node",
                node.id,
                node.label,
                node.kind,
                graph.blast_radius(node.id),
                tuple(graph.stopping_entries(node.id)),
                flow.share(flow.required[i]),
                bool(nums),
                tuple(nums),
            )
        )
    zones = [g for g in graph.design.groups if g.kind in ZONE_KINDS]
    zone_spf = _numbers_by_subject(numbered, "SPF002")
    index = graph.index
    for grp, failure in zip(zones, graph.group_failures([g.id for g in zones]), strict=True):
        weight = sum(flow.weight[index[e]] for e in failure.entries)
        nums = zone_spf.get(grp.id, [])
        rows.append(
            FailureRow(
                "group",
                grp.id,
                grp.label,
                grp.kind,
                len(failure.failing),
                failure.entries,
                flow.share(weight),
                bool(nums),
                tuple(nums),
            )
        )
    rows.sort(key=lambda r: (-r.share, -r.failing, -len(r.entries), r.scope != "group", r.id))
    return rows


def saturation(offered: float, capacity: float, target: float) -> tuple[float | None, float | None]:
    """The traffic multipliers at which a component offered ``offered`` requests/s at 1x
    reaches ``target`` x its capacity and its full capacity: exactly target x C / L and
    C / L (offered load grows linearly with traffic); (None, None) when nothing reaches it."""
    if offered <= 0:
        return None, None
    return target * capacity / offered, capacity / offered


def growth_of(design: Design, report: LintReport) -> Growth:
    target = report.utilization_target
    rows = []
    labels = {n.id: n.label for n in design.nodes}
    for nid, (offered, capacity) in report.utilization.items():
        at_target, at_full = saturation(offered, capacity, target)
        rows.append(Saturation(nid, labels.get(nid, nid), offered, capacity, at_target, at_full))
    rows.sort(key=lambda s: (s.at_full is None, s.at_full or 0.0, s.id))
    known = set(report.utilization)
    unknown = [n.id for n in design.nodes if n.id not in known and n.kind != "client"]
    return Growth(target, MAX_FACTOR, rows, unknown)


def footer_of(
    design: Design, path: str, content: bytes | None, plugin_dirs: Sequence[str | Path]
) -> Footer:
    cfg = design.lint.model_dump(exclude_defaults=True)
    if plugin_dirs:
        cfg["plugin_dirs"] = [str(p) for p in plugin_dirs]
    digest = hashlib.sha256(content).hexdigest() if content is not None else ""
    return Footer(__version__, path, digest, cfg)


__all__ = ["MAX_FACTOR", "build_review", "saturation"]
