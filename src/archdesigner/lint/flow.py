"""The ONE load and request flow of the linter (lint-rules.md v2, "Capacity" and "impact").

Everything that asks "how much traffic reaches this component?" asks this module:

* :func:`load_flow`: requests per second offered to each node (CAP001/CAP002, the app's
  utilization tint, the report's growth chart). Each entry sends its ``load_rps`` x the load
  factor; a node receiving R sends R x ``calls_per_request`` along each outgoing link, and a
  *routing node* (load balancer, API gateway) divides R among its outgoing links in
  proportion to their ``calls_per_request``.
* :func:`request_flow`: the share of the entries' requests that touch each node and each
  link (the findings' ``impact``, the report's failure table). A link carries
  min(1, ``calls_per_request``) of its source's share; a routing node divides its share as
  above.
* :func:`utilization_target`: the utilization a design wants to stay under (CAP002's
  ``max_utilization`` in the design's ``lint.options``, 0.8 by default), read in one place by
  the capacity rules, the engine's utilization map and the canvas tint.

Both flows walk the condensation of the graph of every link once, sources first: within a
cycle each link is walked once, breadth-first from the members that receive traffic from
outside, and a link back to a member already visited adds nothing to it (traffic around a
cycle is counted once). Both are linear in nodes + links.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archdesigner.graph import DesignGraph
from archdesigner.model import catalog

if TYPE_CHECKING:
    from archdesigner.model.design import Design

#: Kinds that pass each request on to ONE of their targets (lint-rules.md v2, Terms).
ROUTING = catalog.ROUTING  # KindInfo.routing
#: CAP002's default ``max_utilization``.
DEFAULT_UTILIZATION_TARGET = 0.8


def is_routing(kind: str) -> bool:
    """True for a routing node's kind: each request goes on to one target, not to all."""
    return kind in ROUTING


def utilization_target(design: Design) -> float:
    """The highest comfortable share of capacity in use for ``design``: CAP002's
    ``max_utilization`` from ``lint.options`` when it is a number in (0, 1], else 0.8."""
    opts = design.lint.options.get("CAP002", {})
    value = opts.get("max_utilization", DEFAULT_UTILIZATION_TARGET)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return DEFAULT_UTILIZATION_TARGET
    return float(value) if 0 < value <= 1 else DEFAULT_UTILIZATION_TARGET


@dataclass(frozen=True)
class LoadFlow:
    """``offered[i]``: requests per second node ``i`` receives (its own ``load_rps`` x load
    factor included); ``capacity[i]``: what it sustains (``capacity_rps`` x
    ``autoscale.max`` or ``replicas``), or None when unknown."""

    offered: list[float]
    capacity: list[float | None]


@dataclass(frozen=True)
class RequestFlow:
    """Where the entries' requests go, as weights (divide by :attr:`total` for shares).

    ``node[i]``: flow into node ``i`` (its own entry weight included); ``required[i]``: the
    same over required links only; ``link[k]``: flow along ``design.links[k]``;
    ``weight[i]``: entry ``i``'s own weight (0 for non-entries); ``total``: W, the sum of the
    entries' weights (0 when the design has no entry).
    """

    node: list[float]
    required: list[float]
    link: list[float]
    weight: list[float]
    total: float

    def share(self, flow: float) -> float:
        """``min(1, flow / W)``, 0 for a design without entries."""
        if self.total <= 0:
            return 0.0
        return min(1.0, max(0.0, flow / self.total))

    def node_share(self, i: int) -> float:
        """The share of all requests that reach node ``i``."""
        return self.share(self.node[i])

    def link_share(self, k: int) -> float:
        """The share of all requests that travel along link ``k``."""
        return self.share(self.link[k])


def link_factors(graph: DesignGraph, cap_at_one: bool) -> list[float]:
    """Per link (design order): the part of its source's flow it carries. A routing node's
    links share its flow in proportion to ``calls_per_request``; any other link carries
    ``calls_per_request`` of it (at most 1 when ``cap_at_one``)."""
    capped, plain = _factors(graph)
    return capped if cap_at_one else plain


def _factors(graph: DesignGraph) -> tuple[list[float], list[float]]:
    """(requests, load) factors of :func:`link_factors`, in one pass over the links."""
    kinds = graph.kinds
    routing = [k in ROUTING for k in kinds]
    cprs = [float(link.calls_per_request) for link in graph.design.links]
    sources = graph.link_sources
    if not any(routing[s] for s in sources):  # no routing node sends anything
        return [cpr if cpr < 1.0 else 1.0 for cpr in cprs], cprs
    routed_sum = [0.0] * len(kinds)
    for s, cpr in zip(sources, cprs, strict=True):
        if routing[s]:
            routed_sum[s] += cpr
    capped: list[float] = []
    plain: list[float] = []
    for s, cpr in zip(sources, cprs, strict=True):
        if routing[s]:
            total = routed_sum[s]
            share = cpr / total if total > 0 else 0.0
            capped.append(share)
            plain.append(share)
        else:
            capped.append(cpr if cpr < 1.0 else 1.0)
            plain.append(cpr)
    return capped, plain


def propagate(
    graph: DesignGraph,
    seed: Sequence[float],
    factor: Sequence[float],
    also: Sequence[float] | None = None,
) -> tuple[list[float], list[bool], list[float]]:
    """Flow into each node: ``seed[i]`` plus what its incoming links bring, where link ``k``
    brings ``factor[k]`` x its source's flow. One walk over the condensation of every link,
    sources first; cycles are walked once (see the module docstring).

    Returns the flows, per link whether it delivered its flow to its target (false for a
    link back to a cycle member visited earlier, and for a self-loop), and a second flow
    along the same walk with the factors ``also`` (the load beside the requests: it is
    positive exactly where the first is, so one walk serves both; empty when not asked)."""
    n = len(graph.ids)
    inflow = [float(x) for x in seed]
    second = [float(x) for x in seed] if also is not None else []
    targets = graph.link_targets
    out: list[list[int]] = [[] for _ in range(n)]  # node -> its links, design order
    for k, s in enumerate(graph.link_sources):
        out[s].append(k)
    delivers = [False] * len(factor)
    cond = graph.all_cond
    comp_of, cyclic, members_of = cond.comp_of, cond.cyclic, cond.members
    flow = [0.0] * n
    flow2 = [0.0] * n if also is not None else []
    for c in reversed(range(cond.count)):
        if not cyclic[c]:  # one member and no self-loop: every link leaves the component
            v = members_of[c][0]
            here = flow[v] = inflow[v]
            here2 = 0.0
            if also is not None:
                here2 = flow2[v] = second[v]
            for k in out[v]:
                delivers[k] = True
                if here > 0:
                    inflow[targets[k]] += here * factor[k]
                if here2 > 0:
                    second[targets[k]] += here2 * also[k]  # type: ignore[index]
            continue
        order = _cycle_order(members_of[c], c, comp_of, inflow, out, targets)
        for v, rank in order.items():
            here = flow[v] = inflow[v]
            here2 = 0.0
            if also is not None:
                here2 = flow2[v] = second[v]
            for k in out[v]:
                t = targets[k]
                if t == v or (comp_of[t] == c and order.get(t, -1) <= rank):
                    continue
                delivers[k] = True
                if here > 0:
                    inflow[t] += here * factor[k]
                if here2 > 0:
                    second[t] += here2 * also[k]  # type: ignore[index]
    return flow, delivers, flow2


def _cycle_order(
    members: list[int],
    c: int,
    comp_of: list[int],
    inflow: list[float],
    out: list[list[int]],
    targets: list[int],
) -> dict[int, int]:
    """The members of cyclic component ``c`` that traffic reaches, in breadth-first order
    from those that receive traffic from outside (dicts keep insertion order)."""
    order: dict[int, int] = {}
    queue = deque(m for m in members if inflow[m] > 0)
    for m in queue:
        order[m] = len(order)
    while queue:
        v = queue.popleft()
        for k in out[v]:
            t = targets[k]
            if comp_of[t] == c and t not in order:
                order[t] = len(order)
                queue.append(t)
    return order


def load_flow(graph: DesignGraph, load_factor: float = 1.0) -> LoadFlow:
    """Offered load (requests/s) and capacity per node (lint-rules.md, "Capacity")."""
    return flows(graph, load_factor)[0]


def _capacity(graph: DesignGraph) -> list[float | None]:
    return [
        node.capacity_rps * node.max_instances if node.capacity_rps is not None else None
        for node in graph.node_list
    ]


def entry_weights(graph: DesignGraph, load_factor: float = 1.0) -> list[float]:
    """Each node's weight as an entry (lint-rules.md v2, impact): ``load_rps`` x load
    factor, or 1 per entry when no entry has a load; 0 for non-entries."""
    weights = [0.0] * len(graph.ids)
    entries = graph.entry_indexes
    nodes = graph.node_list
    loaded = any(nodes[i].load_rps for i in entries)
    for i in entries:
        load = nodes[i].load_rps or 0.0
        weights[i] = float(load) * load_factor if loaded else 1.0
    if loaded and not any(weights[i] for i in entries):  # load factor 0: weigh by load alone
        for i in entries:
            weights[i] = float(nodes[i].load_rps or 0.0)
    return weights


def request_flow(graph: DesignGraph, load_factor: float = 1.0) -> RequestFlow:
    """Where the entries' requests go (lint-rules.md v2, "impact"): per node, per node over
    required links only, and per link, with the entries' weights and their total W.

    Use ``flow.node_share(i)`` / ``flow.link_share(k)`` for "what share of all requests
    touches this node / link" (the review report's failure table does)."""
    return flows(graph, load_factor)[1]


def flows(graph: DesignGraph, load_factor: float = 1.0) -> tuple[LoadFlow, RequestFlow]:
    """The load flow and the request flow of ``graph`` in one walk (the linter computes
    both on every run; see :func:`load_flow` and :func:`request_flow`)."""
    nodes = graph.node_list
    weight = entry_weights(graph, load_factor)
    factor, plain = _factors(graph)
    loads = [float(node.load_rps) * load_factor if node.load_rps else 0.0 for node in nodes]
    same_seed = loads == weight  # entries with a load: the requests are the load
    node, delivers, offered = propagate(graph, weight, factor, plain if same_seed else None)
    if not same_seed:  # no entry has a load: weights 1, loads 0 everywhere
        offered = [0.0] * len(nodes) if not any(loads) else propagate(graph, loads, plain)[0]
    link = [node[s] * f for s, f in zip(graph.link_sources, factor, strict=True)]
    required = list(weight)
    for k, (lk, t) in enumerate(zip(graph.design.links, graph.link_targets, strict=True)):
        if delivers[k] and lk.required:
            required[t] += link[k]
    requests = RequestFlow(node, required, link, weight, sum(weight))
    return LoadFlow(offered, _capacity(graph)), requests


__all__ = [
    "DEFAULT_UTILIZATION_TARGET",
    "ROUTING",
    "LoadFlow",
    "RequestFlow",
    "entry_weights",
    "flows",
    "is_routing",
    "link_factors",
    "load_flow",
    "propagate",
    "request_flow",
    "utilization_target",
]
