"""The impact of a finding (lint-rules.md v2, "Reporting"): the share of the entries'
requests that touch its subject, between 0 and 1.

The flows come from :func:`archdesigner.lint.flow.request_flow`; this module only decides,
per rule, which flow a finding's impact is: for SPF001 the flow into the node over required
links; for SPF002 the weight of the entries that fail with the group; for a link subject
the flow along the link; for SCL005 and RES003 the entry's own weight; for RES001 the
largest flow into a member of the cycle; for MOD004 1; for any other node subject the flow
into it. A design without entries gives 0 everywhere except MOD004.
"""

from __future__ import annotations

from collections.abc import Iterable

from archdesigner.graph import DesignGraph
from archdesigner.lint.api import Finding
from archdesigner.lint.flow import RequestFlow

NO_ENTRY = "MOD004"


def set_impacts(findings: Iterable[Finding], graph: DesignGraph, flow: RequestFlow) -> None:
    """Sets ``impact`` on each finding (one pass; the link index is built once). The same
    values as :func:`finding_impact`, with the common cases (a link, or a node subject of
    a rule without a rule of its own) worked out here."""
    if flow.total <= 0:
        for f in findings:
            f.impact = 1.0 if f.rule_id == NO_ENTRY else 0.0
        return
    links = {link.id: k for k, link in enumerate(graph.design.links)}
    index = graph.index
    share = flow.share
    link_flow, node_flow = flow.link, flow.node
    for f in findings:
        kind = f.subject_type
        if kind == "link" and f.rule_id != NO_ENTRY:
            k = links.get(f.subject)
            f.impact = share(link_flow[k]) if k is not None else 0.0
        elif kind == "node" and f.rule_id not in _OWN_NODE_IMPACT:
            i = index.get(f.subject)
            f.impact = share(node_flow[i]) if i is not None else 0.0
        else:
            f.impact = finding_impact(f, graph, flow, links)


#: rules whose node findings do not weigh the flow into the node (:func:`finding_impact`)
_OWN_NODE_IMPACT = frozenset({NO_ENTRY, "SPF001", "SCL005", "RES003", "RES001"})


def finding_impact(
    f: Finding, graph: DesignGraph, flow: RequestFlow, links: dict[str, int] | None = None
) -> float:
    """The impact of ``f`` in a design whose graph is ``graph`` and request flow ``flow``
    (``links``: link id -> index in ``design.links``, built when not given)."""
    if f.rule_id == NO_ENTRY:
        return 1.0
    if flow.total <= 0:
        return 0.0
    index = graph.index
    if f.subject_type == "link":
        if links is None:
            links = {link.id: k for k, link in enumerate(graph.design.links)}
        k = links.get(f.subject)
        return flow.link_share(k) if k is not None else 0.0
    if f.subject_type == "group":
        if f.rule_id == "SPF002":
            return flow.share(_weight_of(f.evidence.get("entries_failing", ()), graph, flow))
        members = [n.id for n in graph.node_list if n.group == f.subject]
        return _largest_share(members, graph, flow)
    i = index.get(f.subject)
    if f.subject_type != "node" or i is None:
        return 0.0
    if f.rule_id == "SPF001":
        return flow.share(flow.required[i])
    if f.rule_id in ("SCL005", "RES003"):
        return flow.share(flow.weight[i])
    if f.rule_id == "RES001":
        return _largest_share(f.evidence.get("members", (f.subject,)), graph, flow)
    return flow.node_share(i)


def _weight_of(entries: Iterable[object], graph: DesignGraph, flow: RequestFlow) -> float:
    index = graph.index
    return sum(flow.weight[index[e]] for e in entries if isinstance(e, str) and e in index)


def _largest_share(ids: Iterable[object], graph: DesignGraph, flow: RequestFlow) -> float:
    index = graph.index
    shares = [flow.node_share(index[i]) for i in ids if isinstance(i, str) and i in index]
    return max(shares, default=0.0)


__all__ = ["finding_impact", "set_impacts"]
