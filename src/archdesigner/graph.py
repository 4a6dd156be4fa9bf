"""The graph view of a design and the topology queries that rules share.

Build one :class:`DesignGraph` per design version and let every consumer read its cached
properties: each is computed at most once, in time linear in the design (no search per node).

Two layers live here:

* integer indexes in plain Python (:class:`Condensation`, adjacency lists) and the one
  failure-propagation API (:meth:`DesignGraph.failure_of`, :meth:`DesignGraph.group_failures`,
  :meth:`DesignGraph.blast_radius`, :meth:`DesignGraph.stopping_entries`). The linter reads
  only these; they need no third-party import and stay linear (no bitset over all nodes).
* the NetworkX views (``graph``, ``required_graph``, ...), for code that wants networkx's
  algorithms. networkx costs about 0.6 s to import, so it is imported on first use only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any, TypeVar

from archdesigner.model.design import Design, Group, Link, Node, group_ancestors, nodes_in_groups

_SOURCE, _TARGET = attrgetter("source"), attrgetter("target")


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
    """The strongly connected components of ``adj``, O(nodes + edges): a graph without a
    cycle (most designs) is sorted sinks first by peeling nodes with no edge left (a
    third of the time of a search); one with a cycle goes through :func:`_tarjan`."""
    order = _sinks_first(n, adj)
    if order is None:
        return _tarjan(n, adj)
    comp_of = [0] * n
    for c, v in enumerate(order):
        comp_of[v] = c
    return _with_edges(n, adj, comp_of, [[v] for v in order])


def _sinks_first(n: int, adj: Sequence[Sequence[int]]) -> list[int] | None:
    """Every node, each after all the nodes its edges lead to (Kahn's algorithm on the
    reversed edges), or None when a cycle (a self-loop included) leaves some out."""
    left = [len(targets) for targets in adj]  # edges not yet led to a placed node
    callers: list[list[int]] = [[] for _ in range(n)]
    for v, targets in enumerate(adj):
        for w in targets:
            callers[w].append(v)
    order = [v for v in range(n) if not left[v]]
    for v in order:  # the list grows while it is read
        for u in callers[v]:
            left[u] -= 1
            if not left[u]:
                order.append(u)
    return order if len(order) == n else None


def _tarjan(n: int, adj: Sequence[Sequence[int]]) -> Condensation:
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
    return _with_edges(n, adj, comp_of, members)


def _with_edges(
    n: int, adj: Sequence[Sequence[int]], comp_of: list[int], members: list[list[int]]
) -> Condensation:
    """The condensation of ``adj`` given its components: their successors and which are
    cyclic, from one pass over the edges."""
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


def condense_subgraph(base: Condensation, adj: Sequence[Sequence[int]]) -> Condensation:
    """:func:`condense` of ``adj``, a graph whose edges are all edges of the graph
    ``base`` condenses (the sync links among all links). When ``base`` has no cycle neither
    has ``adj``: each node is its own component, numbered as in ``base`` (an order that
    puts every edge of the whole graph backwards does so for its part too), and only the
    edges are read, not searched again."""
    if any(base.cyclic):
        return condense(len(base.comp_of), adj)
    return _with_edges(len(base.comp_of), adj, base.comp_of, base.members)


K = TypeVar("K", bound=Hashable)


def back_edges(roots: Iterable[K], successors: Callable[[K], Iterable[K]]) -> list[tuple[K, K]]:
    """The back edges of one iterative depth-first search, in the order it meets them.

    The search starts from each of ``roots`` in turn (skipping those already reached) and
    takes each vertex's successors in their order. Without the back edges the graph has no
    cycle, and every other edge is kept: the auto-layout layers what is left, the Compose
    exporter drops them from ``depends_on``. Linear in vertices + edges."""
    state: dict[K, int] = {}  # 1 = on the current path, 2 = finished
    found: list[tuple[K, K]] = []
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(successors(root)))]
        while stack:
            v, todo = stack[-1]
            for w in todo:  # resumes where this vertex left off
                seen = state.get(w, 0)
                if seen == 1:
                    found.append((v, w))
                elif seen == 0:
                    state[w] = 1
                    stack.append((w, iter(successors(w))))
                    break
            else:
                state[v] = 2
                stack.pop()
    return found


@dataclass(frozen=True)
class Failure:
    """What fails when some nodes (and groups) fail, as SPF001/SPF002 define it
    (docs/lint-rules.md): every node with a path through *required* links to a failed node,
    the failed nodes included. A group failing fails every node in it and in its child
    groups."""

    roots: frozenset[str]  # the nodes that failed first (group members included)
    failing: frozenset[str]  # every node that fails, roots included
    entries: tuple[str, ...]  # the entries that stop (those in ``failing``), design order


@dataclass(frozen=True)
class BlastTable:
    """Blast radius of every required-graph component at once (see
    :meth:`DesignGraph.blast_radius`). Both lists are indexed by component of
    :attr:`DesignGraph.required_cond`; entry tuples are shared along chains of components
    with one caller, so memory stays close to linear."""

    counts: list[int]  # nodes that fail with the component, its members included
    entries: list[tuple[int, ...]]  # positions in DesignGraph.entries of the entries that stop


def blast_table(cond: Condensation, own_entries: Sequence[tuple[int, ...]]) -> BlastTable:
    """For each component ``c``: how many nodes reach it (its failure set's size) and which
    entries do. One pass in topological order, without a bitset over all nodes:

    * a component with one predecessor adds its size to that predecessor's count and
      shares its entry tuple (no set is built);
    * a set of failing components is built only where paths meet (two or more
      predecessors) or upstream of such a place, and is handed on (stolen, not copied)
      by its last reader, then dropped.

    Time and memory are O(nodes + links) plus the size of the sets at the meeting points
    (bounded by the exact answer there); nothing is quadratic on chains or trees.
    """
    n = cond.count
    pred = cond.pred()
    size = [len(m) for m in cond.members]
    unit = all(s == 1 for s in size)
    need = [False] * n  # builds its set: paths meet here, or a builder downstream reads it
    readers = [0] * n
    for c in range(n):  # successors first (reverse topological numbering)
        for s in cond.succ[c]:
            if need[s]:
                readers[c] += 1
        need[c] = len(pred[c]) > 1 or readers[c] > 0
    counts = [0] * n
    entries: list[tuple[int, ...]] = [()] * n
    sets: dict[int, set[int]] = {}

    def take(p: int) -> set[int]:
        readers[p] -= 1
        return sets.pop(p) if readers[p] == 0 else set(sets[p])

    for c in reversed(range(n)):  # predecessors first
        ps = pred[c]
        own = own_entries[c]
        if len(ps) <= 1:
            base = ps[0] if ps else -1
            counts[c] = size[c] + (counts[base] if ps else 0)
            up = entries[base] if ps else ()
            entries[c] = tuple(sorted(up + own)) if own and up else (own or up)
            if need[c]:
                got = take(base) if ps else set()
                got.add(c)
                if readers[c]:
                    sets[c] = got
            continue
        biggest = ps[0]
        for p in ps:  # start from the biggest set: it is the one worth stealing
            if len(sets[p]) > len(sets[biggest]):
                biggest = p
        got = take(biggest)
        for p in ps:
            if p != biggest:
                got |= sets[p]
                readers[p] -= 1
                if readers[p] == 0:
                    del sets[p]
        got.add(c)
        counts[c] = len(got) if unit else sum(size[a] for a in got)
        ents = set(own).union(*(entries[p] for p in ps))
        entries[c] = tuple(sorted(ents))
        if readers[c]:
            sets[c] = got
    return BlastTable(counts, entries)


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

    @cached_property
    def kinds(self) -> list[str]:
        """Kind of each node by index: rules filter on it before touching node objects."""
        return [n.kind for n in self.design.nodes]

    @property
    def link_rows(self) -> Iterator[tuple[Link, int, int]]:
        """(link, source index, target index) for each link, in design order: walked from
        :attr:`link_sources` and :attr:`link_targets` (a list of a tuple per link would
        take 7 MB at 100,000 links)."""
        return zip(self.design.links, self.link_sources, self.link_targets, strict=True)

    @cached_property
    def link_ends(self) -> list[tuple[int, int]]:
        """(source index, target index) of each link, in design order (the linter reads
        :attr:`link_sources` and :attr:`link_targets`, which take a seventh of the memory)."""
        return list(zip(self.link_sources, self.link_targets, strict=True))

    @cached_property
    def link_sources(self) -> list[int]:
        """The source index of each link, in design order."""
        return list(map(self.index.__getitem__, map(_SOURCE, self.design.links)))

    @cached_property
    def link_targets(self) -> list[int]:
        """The target index of each link, in design order."""
        return list(map(self.index.__getitem__, map(_TARGET, self.design.links)))

    @cached_property
    def _adjacencies(self) -> tuple[list[list[int]], list[list[int]], list[list[int]]]:
        """(all links, required links, sync links) in one pass. Parallel links appear as
        often as they exist (harmless for every algorithm here)."""
        n = len(self.ids)
        every: list[list[int]] = [[] for _ in range(n)]
        required: list[list[int]] = [[] for _ in range(n)]
        sync: list[list[int]] = [[] for _ in range(n)]
        all_required = all_sync = True
        for link, s, t in self.link_rows:
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
        return condense_subgraph(self.all_cond, self.required_adj)

    @cached_property
    def sync_cond(self) -> Condensation:
        """Condensation of the sync graph (its cyclic components are dependency cycles)."""
        if self.sync_adj is self.all_adj:
            return self.all_cond
        return condense_subgraph(self.all_cond, self.sync_adj)

    @cached_property
    def all_cond(self) -> Condensation:
        """Condensation of the graph of every link (load flows along it)."""
        return condense(len(self.ids), self.all_adj)

    @cached_property
    def entry_indexes(self) -> list[int]:
        idx = self.index
        return [idx[nid] for nid in self.entries]

    # --- the failure-propagation API (SPF001, SPF002, the failure simulation, the report) ---
    @cached_property
    def required_callers(self) -> list[list[int]]:
        """Predecessor indexes per node index over required links: the way failures go."""
        callers: list[list[int]] = [[] for _ in self.ids]
        for s, targets in enumerate(self.required_adj):
            for t in targets:
                callers[t].append(s)
        return callers

    def failure_of(self, nodes: Iterable[str] = (), groups: Iterable[str] = ()) -> Failure:
        """What fails when ``nodes`` and the groups ``groups`` (with their child groups) fail:
        one backward search over required links, O(nodes + links). Unknown ids are ignored.
        Use it for one scenario (the app's simulation, a report's "what if"); for every
        node at once use :meth:`blast_radius` / :meth:`stopping_entries`."""
        idx = self.index
        seeds = {idx[nid] for nid in nodes if nid in idx}
        seeds.update(idx[nid] for nid in nodes_in_groups(self.design, groups))
        callers = self.required_callers
        seen = [False] * len(self.ids)
        for i in seeds:
            seen[i] = True
        stack = list(seeds)
        while stack:
            for j in callers[stack.pop()]:
                if not seen[j]:
                    seen[j] = True
                    stack.append(j)
        ids = self.ids
        failing = frozenset(ids[i] for i in range(len(ids)) if seen[i])
        entries = tuple(ids[i] for i in self.entry_indexes if seen[i])
        return Failure(frozenset(ids[i] for i in seeds), failing, entries)

    def fails_with(self, node_id: str) -> set[str]:
        """Nodes that fail with ``node_id``: those with a required path to it (itself too)."""
        return set(self.failure_of([node_id]).failing)

    def group_failures(self, group_ids: Sequence[str]) -> list[Failure]:
        """:meth:`failure_of` for each group on its own (zones and regions for SPF002), in one
        pass over the required condensation with a bitmask over the groups: linear for up
        to a machine word's worth of groups, O((nodes + links) * groups / 64) beyond."""
        cond = self.required_cond
        seed = [0] * cond.count
        inside = [0] * len(self.ids)
        bit = {gid: 1 << k for k, gid in enumerate(group_ids)}
        ancestors = group_ancestors(self.design)
        for i, node in enumerate(self.node_list):
            if node.group is not None:
                for gid in (node.group, *ancestors.get(node.group, ())):
                    inside[i] |= bit.get(gid, 0)
                seed[cond.comp_of[i]] |= inside[i]
        fails = list(seed)
        for c in range(cond.count):  # what each component reaches: successors first
            m = fails[c]
            for s in cond.succ[c]:
                m |= fails[s]
            fails[c] = m
        failing: list[list[int]] = [[] for _ in group_ids]
        for i, c in enumerate(cond.comp_of):
            mask = fails[c]
            while mask:
                low = mask & -mask
                failing[low.bit_length() - 1].append(i)
                mask ^= low
        ids = self.ids
        entry_set = set(self.entry_indexes)
        return [
            Failure(
                frozenset(ids[i] for i in failing[k] if inside[i] >> k & 1),
                frozenset(ids[i] for i in failing[k]),
                tuple(ids[i] for i in failing[k] if i in entry_set),
            )
            for k in range(len(group_ids))
        ]

    @cached_property
    def blast(self) -> BlastTable:
        """Per required component: failure-set size and entries that stop (:func:`blast_table`)."""
        cond = self.required_cond
        own: list[tuple[int, ...]] = [()] * cond.count
        for k, i in enumerate(self.entry_indexes):
            c = cond.comp_of[i]
            own[c] = (*own[c], k)
        return blast_table(cond, own)

    def blast_radius(self, node_id: str) -> int:
        """How many nodes fail with ``node_id`` (itself included): ``len(fails_with(id))``,
        from a table computed once for every node."""
        return self.blast.counts[self.required_cond.comp_of[self.index[node_id]]]

    def stopping_entries(self, node_id: str) -> list[str]:
        """The entries that stop when ``node_id`` fails (itself if it is one), design order."""
        comp = self.required_cond.comp_of[self.index[node_id]]
        return [self.entries[k] for k in self.blast.entries[comp]]
