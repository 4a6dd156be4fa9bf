"""Whole-design analyses that several rules share, each linear in the design.

* :func:`load_flow` (from :mod:`archdesigner.lint.flow`, re-exported here): offered load
  per node (capacity rules, the app's load tint).
* :func:`sync_paths`: the worst sync path from every node, by length and by retry
  amplification, by dynamic programming over the condensation of the sync graph.

Both work on the integer indexes of :class:`archdesigner.graph.DesignGraph` and never search
once per node.
"""

from __future__ import annotations

from dataclasses import dataclass

from archdesigner.graph import Condensation, DesignGraph
from archdesigner.lint.flow import LoadFlow, load_flow
from archdesigner.model.design import Link

__all__ = ["LoadFlow", "PathStep", "SyncPaths", "load_flow", "path_nodes", "sync_paths"]


@dataclass(frozen=True)
class PathStep:
    """One step of a worst path: the component passed and the link leaving it."""

    comp: int
    link: Link | None


@dataclass(frozen=True)
class SyncPaths:
    """Worst sync paths per component of the sync graph (:attr:`cond`).

    ``depth[c]``: links on the longest sync path starting in ``c``, where a cycle of ``k``
    nodes counts ``k`` links (walked once). ``amp[c]``: the largest product of
    ``1 + retries`` over a sync path starting in ``c`` (a cycle's own links once each).
    ``depth_next[c]`` / ``amp_next[c]``: the link that leaves ``c`` on that path.
    """

    cond: Condensation
    depth: list[int]
    depth_next: list[Link | None]
    amp: list[int]
    amp_next: list[Link | None]
    cycle_weight: list[int]
    cycle_amp: list[int]
    cycle_links: list[list[Link]]
    index: dict[str, int]  # node id -> node index (of the graph)

    def target_comp(self, link: Link) -> int:
        """The component of ``link``'s target."""
        return self.cond.comp_of[self.index[link.target]]

    def walk(self, comp: int, by: str) -> list[PathStep]:
        """The worst path from ``comp``: ``by`` is ``"depth"`` or ``"amp"``."""
        nxt = self.depth_next if by == "depth" else self.amp_next
        steps = []
        seen = set()
        c: int | None = comp
        while c is not None and c not in seen:
            seen.add(c)
            link = nxt[c]
            steps.append(PathStep(c, link))
            c = self.target_comp(link) if link is not None else None
        return steps


def sync_paths(graph: DesignGraph) -> SyncPaths:
    cond = graph.sync_cond
    comp_of = cond.comp_of
    count = cond.count
    out_links: list[list[tuple[Link, int]]] = [[] for _ in range(count)]
    cycle_links: list[list[Link]] = [[] for _ in range(count)]
    cycle_amp = [1] * count
    for link, s, t in graph.link_rows:
        if link.mode != "sync":
            continue
        cs, ct = comp_of[s], comp_of[t]
        if cs == ct:
            cycle_links[cs].append(link)
            cycle_amp[cs] *= 1 + link.retries
        else:
            out_links[cs].append((link, ct))
    cycle_weight = [len(m) if cyc else 0 for m, cyc in zip(cond.members, cond.cyclic, strict=True)]
    depth = [0] * count
    amp = [1] * count
    depth_next: list[Link | None] = [None] * count
    amp_next: list[Link | None] = [None] * count
    for c in range(count):  # sinks first
        best_d, best_dl = 0, None
        best_a, best_al = 1, None
        for link, t in out_links[c]:
            d = 1 + depth[t]
            if d > best_d:
                best_d, best_dl = d, link
            a = (1 + link.retries) * amp[t]
            if a > best_a:
                best_a, best_al = a, link
        depth[c] = cycle_weight[c] + best_d
        depth_next[c] = best_dl
        amp[c] = cycle_amp[c] * best_a
        amp_next[c] = best_al
    return SyncPaths(
        cond,
        depth,
        depth_next,
        amp,
        amp_next,
        cycle_weight,
        cycle_amp,
        cycle_links,
        graph.index,
    )


def path_nodes(start: str, steps: list[PathStep]) -> list[str]:
    """The node ids along a worst path from ``start``: each link's ends in order (where a
    cycle is passed, its members are listed where it is entered)."""
    out = [start]
    for step in steps:
        link = step.link
        if link is None:
            break
        if link.source != out[-1]:
            out.append(link.source)
        out.append(link.target)
    return out
