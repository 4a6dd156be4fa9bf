"""Automatic layout: layered, left to right, from entries to datastores, groups kept together.

:func:`layered_layout` is a pure function of the design (no Qt, no networkx) used by the
importers and by the app's Auto-layout command. It runs in time about linear in the size of
the design (a 10,000-node design lays out in a fraction of a second):

1. cycles are broken by one depth-first search (back edges are ignored for layering);
2. each node's layer is its longest path from a source (one pass in topological order);
   nodes without links go to the layer where their kind usually sits;
3. nodes are ordered within layers by two barycenter sweeps (one forward, one backward),
   not by crossing minimisation over everything;
4. each group (and nested group) gets a horizontal band of its own, so a group's members
   sit together and group frames do not overlap;
5. tall layers wrap into several sub-columns so that large designs keep a screen-like shape.

Positions are node centres. Node cards are about 180 x 64 px; the pitches leave room for
link arrows between layers and for group frames between bands.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from archdesigner.graph import back_edges
from archdesigner.model import catalog
from archdesigner.model.design import Design, Node, group_ancestors

NODE_WIDTH = 180.0
NODE_HEIGHT = 64.0
LAYER_PITCH = 300.0  # centre to centre between layers (120 px for arrows)
SUBCOLUMN_PITCH = 220.0  # centre to centre between sub-columns of one wrapped layer
ROW_PITCH = 104.0  # centre to centre between rows (40 px between cards)
BAND_GAP = 72.0  # extra space between group bands (frame and title)
ASPECT = 1.6  # width / height the wrapping aims at

#: Where a kind usually sits from left (entries) to right (datastores): KindInfo.layout_rank.
_MAX_RANK = catalog.MAX_LAYOUT_RANK


def layered_layout(
    design: Design, node_ids: Iterable[str] | None = None
) -> dict[str, tuple[float, float]]:
    """Positions (centres) for ``node_ids`` (default: every node), from their links only.

    With ``node_ids`` the arrangement keeps the top-left of the nodes' current bounding box,
    so that laying out a selection leaves it where it was; without, it starts at (0, 0).
    """
    wanted = None if node_ids is None else set(node_ids)
    nodes = [n for n in design.nodes if wanted is None or n.id in wanted]
    if not nodes:
        return {}
    n = len(nodes)
    index = {node.id: i for i, node in enumerate(nodes)}
    rank = [catalog.layout_rank(node.kind) for node in nodes]

    succ: list[list[int]] = [[] for _ in range(n)]
    seen_edges: set[tuple[int, int]] = set()
    for link in design.links:
        s, t = index.get(link.source), index.get(link.target)
        if s is None or t is None or s == t or (s, t) in seen_edges:
            continue
        seen_edges.add((s, t))
        succ[s].append(t)

    dag = _break_cycles(succ, sorted(range(n), key=lambda i: (rank[i], i)))
    layer = _layers(dag, rank)
    order = _order(dag, layer, rank)
    bands = _bands(design, nodes)
    positions = _coordinates(nodes, layer, order, bands)

    if wanted is not None:
        old_x = min(node.position.x for node in nodes)
        old_y = min(node.position.y for node in nodes)
        new_x = min(p[0] for p in positions.values())
        new_y = min(p[1] for p in positions.values())
        dx, dy = old_x - new_x, old_y - new_y
        positions = {k: (x + dx, y + dy) for k, (x, y) in positions.items()}
    return positions


def _break_cycles(succ: list[list[int]], start_order: list[int]) -> list[list[int]]:
    """The edges without the back edges of one depth-first search (ignored for layering)."""
    back = set(back_edges(start_order, succ.__getitem__))
    if not back:
        return succ
    return [[w for w in ws if (v, w) not in back] for v, ws in enumerate(succ)]


def _layers(dag: list[list[int]], rank: list[int]) -> list[int]:
    n = len(dag)
    indeg = [0] * n
    linked = [False] * n
    for v, outs in enumerate(dag):
        for w in outs:
            indeg[w] += 1
            linked[v] = linked[w] = True
    layer = [0] * n
    queue = [v for v in range(n) if indeg[v] == 0]
    head = 0
    while head < len(queue):
        v = queue[head]
        head += 1
        for w in dag[v]:
            if layer[v] + 1 > layer[w]:
                layer[w] = layer[v] + 1
            indeg[w] -= 1
            if indeg[w] == 0:
                queue.append(w)
    # unlinked nodes: the layer where their kind usually sits
    linked_layers = [layer[v] for v in range(n) if linked[v]]
    deepest = max(linked_layers, default=0)
    by_rank: dict[int, list[int]] = {}
    for v in range(n):
        if linked[v]:
            by_rank.setdefault(rank[v], []).append(layer[v])
    if deepest == 0:
        present = sorted({rank[v] for v in range(n) if not linked[v]} | set(by_rank))
        categories = sorted({_category(r) for r in present})
        for v in range(n):
            if not linked[v]:
                layer[v] = categories.index(_category(rank[v]))
        return layer
    for v in range(n):
        if linked[v]:
            continue
        typical = by_rank.get(rank[v])
        if typical:
            layer[v] = sorted(typical)[len(typical) // 2]
        elif _category(rank[v]) == 0:
            layer[v] = 0  # an entry: first column
        elif _category(rank[v]) == 2:
            layer[v] = deepest  # a datastore or external system: last column
        else:
            compute = [x for r, xs in by_rank.items() if _category(r) == 1 for x in xs]
            layer[v] = sorted(compute)[len(compute) // 2] if compute else min(1, deepest)
    return layer


def _category(rank: int) -> int:
    """Edge, compute, data: three columns for designs without links."""
    return 0 if rank <= 3 else 1 if rank <= 5 else 2


def _order(dag: list[list[int]], layer: list[int], rank: list[int]) -> list[float]:
    """A position in [0, 1) for each node within its layer: two barycenter sweeps."""
    n = len(dag)
    preds: list[list[int]] = [[] for _ in range(n)]
    for v, outs in enumerate(dag):
        for w in outs:
            preds[w].append(v)
    depth = max(layer) + 1
    layers: list[list[int]] = [[] for _ in range(depth)]
    for v in range(n):
        layers[layer[v]].append(v)
    pos = [0.0] * n

    def assign(members: list[int], key: list[float]) -> None:
        members.sort(key=lambda v: (key[v], rank[v], v))
        size = len(members)
        for i, v in enumerate(members):
            pos[v] = (i + 0.5) / size

    # a node without neighbours on the swept side keeps a place by kind
    fallback = [rank[v] / (_MAX_RANK + 1) for v in range(n)]
    assign(layers[0], fallback)
    for members in layers[1:]:  # forward: follow the predecessors
        key = list(fallback)
        for v in members:
            if preds[v]:
                key[v] = sum(pos[u] for u in preds[v]) / len(preds[v])
        assign(members, key)
    for members in reversed(layers[:-1]):  # backward: follow the successors
        key = list(pos)
        for v in members:
            if dag[v]:
                key[v] = sum(pos[w] for w in dag[v]) / len(dag[v])
        assign(members, key)
    return pos


def _bands(design: Design, nodes: list[Node]) -> list[tuple[str, ...]]:
    """Each node's band key: its groups from the outermost to the innermost."""
    ancestors = group_ancestors(design) if design.groups else {}
    keys: list[tuple[str, ...]] = []
    for node in nodes:
        gid = node.group
        if gid is None:
            keys.append(())
        else:
            keys.append((*reversed(ancestors.get(gid, [])), gid))
    return keys


def _coordinates(
    nodes: list[Node],
    layer: list[int],
    pos: list[float],
    bands: list[tuple[str, ...]],
) -> dict[str, tuple[float, float]]:
    n = len(nodes)
    depth = max(layer) + 1
    per_layer = [0] * depth
    for v in range(n):
        per_layer[layer[v]] += 1
    # rows per column: aim at a drawing about ASPECT times wider than tall
    a = SUBCOLUMN_PITCH
    b = LAYER_PITCH * depth
    c = ASPECT * ROW_PITCH
    max_rows = max(6, math.ceil((b + math.sqrt(b * b + 4 * c * a * n)) / (2 * c)))
    subcols = [max(1, math.ceil(count / max_rows)) for count in per_layer]

    # band order: by the mean position of their members, nested bands kept inside parents
    sums: dict[tuple[str, ...], list[float]] = {}
    for v in range(n):
        key = bands[v]
        for cut in range(len(key) + 1):
            acc = sums.setdefault(key[:cut], [0.0, 0])
            acc[0] += pos[v]
            acc[1] += 1
    mean = {k: s / cnt for k, (s, cnt) in sums.items()}
    ungrouped_last = 1.0 + 1e-9

    def band_sort(key: tuple[str, ...]) -> tuple[float, ...]:
        if not key:
            return (ungrouped_last,)
        return tuple(mean[key[: cut + 1]] for cut in range(len(key)))

    cells: dict[tuple[tuple[str, ...], int], list[int]] = {}
    for v in range(n):
        cells.setdefault((bands[v], layer[v]), []).append(v)
    band_keys = sorted({bands[v] for v in range(n)}, key=band_sort)

    layer_x = [0.0] * depth
    x = 0.0
    for i in range(depth):
        layer_x[i] = x
        x += (subcols[i] - 1) * SUBCOLUMN_PITCH + LAYER_PITCH

    out: dict[str, tuple[float, float]] = {}
    y = 0.0
    for band in band_keys:
        rows_needed = 0
        for i in range(depth):
            members = cells.get((band, i))
            if members:
                rows_needed = max(rows_needed, math.ceil(len(members) / subcols[i]))
        for i in range(depth):
            members = cells.get((band, i))
            if not members:
                continue
            members.sort(key=lambda v: pos[v])
            k = subcols[i]
            rows = math.ceil(len(members) / k)
            top = y + (rows_needed - rows) * ROW_PITCH / 2
            for j, v in enumerate(members):
                col, row = j % k, j // k
                out[nodes[v].id] = (layer_x[i] + col * SUBCOLUMN_PITCH, top + row * ROW_PITCH)
        y += rows_needed * ROW_PITCH + (BAND_GAP if band else 0.0)
    return out
