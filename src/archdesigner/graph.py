"""The NetworkX view of a design and the topology queries that rules share.

Build one :class:`DesignGraph` per design version and let every consumer read its cached
properties: each is computed at most once, in time linear in the design (no search per node).
networkx is imported here, lazily from the app's point of view: nothing at start-up needs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

import networkx as nx

from archdesigner.model.design import Design, Link, Node


def build_graph(design: Design) -> Any:
    """A ``MultiDiGraph``: one node per design node (attribute ``node``), one edge per link
    keyed by the link id (attribute ``link``). Two links between one pair stay two edges."""
    g = nx.MultiDiGraph(name=design.name)
    g.add_nodes_from((n.id, {"node": n}) for n in design.nodes)
    g.add_edges_from((link.source, link.target, link.id, {"link": link}) for link in design.links)
    return g


class DesignGraph:
    """A design's graph plus cached, linear-time shared queries."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.nodes: dict[str, Node] = design.node_map()
        self.links: dict[str, Link] = design.link_map()

    @cached_property
    def graph(self) -> Any:
        return build_graph(self.design)

    @cached_property
    def out_links(self) -> dict[str, list[Link]]:
        out: dict[str, list[Link]] = {nid: [] for nid in self.nodes}
        for link in self.design.links:
            out[link.source].append(link)
        return out

    @cached_property
    def in_links(self) -> dict[str, list[Link]]:
        inn: dict[str, list[Link]] = {nid: [] for nid in self.nodes}
        for link in self.design.links:
            inn[link.target].append(link)
        return inn

    @cached_property
    def entries(self) -> list[str]:
        """Entries (lint-rules.md): clients, and any node with ``load_rps`` > 0."""
        return [
            n.id
            for n in self.design.nodes
            if n.kind == "client" or (n.load_rps is not None and n.load_rps > 0)
        ]

    def subgraph_of_links(self, keep: Iterable[Link]) -> Any:
        """A plain ``DiGraph`` of every node and the given links (parallel links merged)."""
        g = nx.DiGraph()
        g.add_nodes_from(self.nodes)
        g.add_edges_from((link.source, link.target) for link in keep)
        return g

    @cached_property
    def required_graph(self) -> Any:
        """Every node, with only the links whose ``required`` is true."""
        return self.subgraph_of_links(link for link in self.design.links if link.required)

    @cached_property
    def sync_graph(self) -> Any:
        """Every node, with only the sync links."""
        return self.subgraph_of_links(link for link in self.design.links if link.mode == "sync")

    def reachable_from(self, sources: Iterable[str], graph: Any | None = None) -> set[str]:
        """Every node reachable from any of ``sources`` (sources included): one search."""
        g = self.required_graph if graph is None else graph
        seen: set[str] = set()
        stack = [s for s in sources if s in g]
        seen.update(stack)
        succ = g.succ
        while stack:
            cur = stack.pop()
            for nxt in succ[cur]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    @cached_property
    def required_condensation(self) -> Any:
        """Condensation of the required graph (``members`` and ``mapping`` attributes)."""
        return nx.condensation(self.required_graph)

    @cached_property
    def required_reach(self) -> dict[str, int]:
        """For each node, a bitmask of the condensation components it reaches through
        required links (itself included). Computed once in reverse topological order."""
        cond = self.required_condensation
        masks: list[int] = [0] * cond.number_of_nodes()
        for comp in reversed(list(nx.topological_sort(cond))):
            mask = 1 << comp
            for nxt in cond.succ[comp]:
                mask |= masks[nxt]
            masks[comp] = mask
        mapping = cond.graph["mapping"]
        return {nid: masks[mapping[nid]] for nid in self.nodes}

    def fails_with(self, node_id: str) -> set[str]:
        """Nodes that fail with ``node_id``: those with a required path to it (itself too)."""
        return self.reachable_from([node_id], self.required_graph.reverse(copy=False))

    def component_of(self, node_id: str) -> int:
        return int(self.required_condensation.graph["mapping"][node_id])
