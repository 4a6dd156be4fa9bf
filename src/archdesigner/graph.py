"""The graph view of a design and the topology queries that rules share.

Build one :class:`DesignGraph` per design version and let every consumer read its cached
properties: each is computed at most once, in time linear in the design (no search per node).

Two layers live here:

* integer indexes in plain Python (:class:`Condensation`, adjacency lists, bitmask
  propagation over a condensation in topological order). The linter reads only these; they
  need no third-party import and stay linear at 20,000 nodes.
* the NetworkX views (``graph``, ``required_graph``, ...), for code that wants networkx's
  algorithms. networkx costs about 0.6 s to import, so it is imported on first use only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from archdesigner.model.design import Design, Group, Link, Node


def _nx() -> Any:
    import networkx

    return networkx


@dataclass(frozen=True)
class Condensation:
    """Strongly connected components of a graph over node indexes ``0..n-1``.

    Components are numbered in *reverse topological order*: for every edge between two
    components ``a -> b``, ``b < a``. Iterate ``range(count)`` to see every component after
    all components it reaches (sinks first), ``reversed(range(count))`` for the opposite.
    """

    comp_of: list[int]  # node index -> component
    members: list[list[int]]  # component -> node indexes (ascending)
    succ: list[list[int]]  # component -> distinct successor components
    cyclic: list[bool]  # component has a cycle: two or more members, or a self-loop

    @property
    def count(self) -> int:
        return len(self.members)

    def pred(self) -> list[list[int]]:
        """Component -> distinct predecessor components."""
        out: list[list[int]] = [[] for _ in self.members]
        for c, succs in enumerate(self.succ):
            for s in succs:
                out[s].append(c)
        return out


def condense(n: int, adj: Sequence[Sequence[int]]) -> Condensation:
    """Tarjan's algorithm, iterative (no recursion limit), O(nodes + edges)."""
    index = [-1] * n
    low = [0] * n
    ptr = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    comp_of = [-1] * n
    members: list[list[int]] = []
    counter = 0
    for root in range(n):
        if index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        call = [root]
        while call:
            v = call[-1]
            nbrs = adj[v]
            i = ptr[v]
            end = len(nbrs)
            descended = False
            while i < end:
                w = nbrs[i]
                i += 1
                if index[w] == -1:
                    ptr[v] = i
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    call.append(w)
                    descended = True
                    break
                if on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
            if descended:
                continue
            ptr[v] = i
            call.pop()
            lv = low[v]
            if call:
                parent = call[-1]
                if lv < low[parent]:
                    low[parent] = lv
            if lv == index[v]:
                comp = len(members)
                group: list[int] = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp_of[w] = comp
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1:
                    group.sort()
                members.append(group)
    succ: list[list[int]] = [[] for _ in members]
    cyclic = [len(m) > 1 for m in members]
    for v in range(n):
        cv = comp_of[v]
        for w in adj[v]:
            cw = comp_of[w]
            if cw != cv:
                succ[cv].append(cw)
            elif w == v:
                cyclic[cv] = True
    for c, lst in enumerate(succ):
        if len(lst) > 1:
            succ[c] = sorted(set(lst))
    return Condensation(comp_of, members, succ, cyclic)


def propagate_forward(cond: Condensation, seed: Sequence[int]) -> list[int]:
    """Bitmask per component: its ``seed`` OR-ed with the masks of every component that
    reaches it. One pass in topological order (what reaches me)."""
    masks = list(seed)
    succ = cond.succ
    for c in reversed(range(cond.count)):
        m = masks[c]
        if m:
            for s in succ[c]:
                masks[s] |= m
    return masks


def propagate_backward(cond: Condensation, seed: Sequence[int]) -> list[int]:
    """Bitmask per component: its ``seed`` OR-ed with the masks of every component it
    reaches. One pass in reverse topological order (what I reach)."""
    masks = list(seed)
    succ = cond.succ
    for c in range(cond.count):
        m = masks[c]
        for s in succ[c]:
            m |= masks[s]
        masks[c] = m
    return masks


def bits_of(mask: int) -> list[int]:
    """Positions of the set bits of ``mask``, ascending."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def build_graph(design: Design) -> Any:
    """A ``MultiDiGraph``: one node per design node (attribute ``node``), one edge per link
    keyed by the link id (attribute ``link``). Two links between one pair stay two edges."""
    nx = _nx()
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
    def groups(self) -> dict[str, Group]:
        return self.design.group_map()

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
        g = _nx().DiGraph()
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
        return _nx().condensation(self.required_graph)

    @cached_property
    def required_reach(self) -> dict[str, int]:
        """For each node, a bitmask of the condensation components it reaches through
        required links (itself included). Computed once in reverse topological order."""
        cond = self.required_condensation
        masks: list[int] = [0] * cond.number_of_nodes()
        for comp in reversed(list(_nx().topological_sort(cond))):
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

    # --- integer indexes (no networkx) ---------------------------------------------------
    @cached_property
    def ids(self) -> list[str]:
        """Node ids in design order; a node's position here is its index."""
        return [n.id for n in self.design.nodes]

    @cached_property
    def index(self) -> dict[str, int]:
        return {nid: i for i, nid in enumerate(self.ids)}

    @cached_property
    def node_list(self) -> list[Node]:
        return list(self.design.nodes)

    def adjacency(self, keep: Callable[[Link], bool] | None = None) -> list[list[int]]:
        """Successor indexes per node index over the links that ``keep`` accepts (all links
        when None); parallel links appear once."""
        idx = self.index
        adj: list[list[int]] = [[] for _ in self.ids]
        seen: set[tuple[int, int]] = set()
        for link in self.design.links:
            if keep is not None and not keep(link):
                continue
            pair = (idx[link.source], idx[link.target])
            if pair not in seen:
                seen.add(pair)
                adj[pair[0]].append(pair[1])
        return adj

    @cached_property
    def kinds(self) -> list[str]:
        """Kind of each node by index: rules filter on it before touching node objects."""
        return [n.kind for n in self.design.nodes]

    @cached_property
    def link_rows(self) -> list[tuple[Link, int, int]]:
        """(link, source index, target index) for each link, in design order."""
        return [
            (link, s, t) for link, (s, t) in zip(self.design.links, self.link_ends, strict=True)
        ]

    @cached_property
    def link_ends(self) -> list[tuple[int, int]]:
        """(source index, target index) of each link, in design order."""
        idx = self.index
        return [(idx[link.source], idx[link.target]) for link in self.design.links]

    @cached_property
    def _adjacencies(self) -> tuple[list[list[int]], list[list[int]], list[list[int]]]:
        """(all links, required links, sync links) in one pass. Parallel links appear as
        often as they exist (harmless for every algorithm here)."""
        n = len(self.ids)
        every: list[list[int]] = [[] for _ in range(n)]
        required: list[list[int]] = [[] for _ in range(n)]
        sync: list[list[int]] = [[] for _ in range(n)]
        all_required = all_sync = True
        for link, (s, t) in zip(self.design.links, self.link_ends, strict=True):
            every[s].append(t)
            if link.required:
                required[s].append(t)
            else:
                all_required = False
            if link.mode == "sync":
                sync[s].append(t)
            else:
                all_sync = False
        # the same list object when a subgraph has every link: its condensation is shared
        return every, every if all_required else required, every if all_sync else sync

    @cached_property
    def required_adj(self) -> list[list[int]]:
        return self._adjacencies[1]

    @cached_property
    def sync_adj(self) -> list[list[int]]:
        return self._adjacencies[2]

    @cached_property
    def all_adj(self) -> list[list[int]]:
        return self._adjacencies[0]

    @cached_property
    def required_cond(self) -> Condensation:
        """Condensation of the required graph (failures travel against its arrows)."""
        if self.required_adj is self.all_adj:
            return self.all_cond
        return condense(len(self.ids), self.required_adj)

    @cached_property
    def sync_cond(self) -> Condensation:
        """Condensation of the sync graph (its cyclic components are dependency cycles)."""
        if self.sync_adj is self.all_adj:
            return self.all_cond
        return condense(len(self.ids), self.sync_adj)

    @cached_property
    def all_cond(self) -> Condensation:
        """Condensation of the graph of every link (load flows along it)."""
        return condense(len(self.ids), self.all_adj)

    @cached_property
    def entry_indexes(self) -> list[int]:
        idx = self.index
        return [idx[nid] for nid in self.entries]

    @cached_property
    def entries_failing(self) -> list[int]:
        """Per required-graph component: bitmask over :attr:`entries` (bit ``k`` is
        ``entries[k]``) of the entries that fail with it, i.e. that reach it through
        required links (an entry inside the component included)."""
        cond = self.required_cond
        seed = [0] * cond.count
        for k, i in enumerate(self.entry_indexes):
            seed[cond.comp_of[i]] |= 1 << k
        return propagate_forward(cond, seed)

    @cached_property
    def failing_counts(self) -> list[int]:
        """Per required-graph component: how many nodes fail with it (have a required path
        to it), its own members included. A node bitmask propagated in one pass."""
        cond = self.required_cond
        seed = [0] * cond.count
        for c, members in enumerate(cond.members):
            m = 0
            for i in members:
                m |= 1 << i
            seed[c] = m
        return [m.bit_count() for m in propagate_forward(cond, seed)]

    def entries_of_mask(self, mask: int) -> list[str]:
        """Entry ids named by a bitmask over :attr:`entries`."""
        return [self.entries[k] for k in bits_of(mask)]
