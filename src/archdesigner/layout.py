"""Automatic layout: layered, left to right, from entries to datastores, groups kept together.

:func:`layered_layout` is a pure function of the design (no Qt, no networkx) used by the
importers and by the app's Auto-layout command. It runs in time about linear in the size of
the design (a 10,000-node design lays out in a fraction of a second):

1. cycles are broken by one depth-first search (back edges are ignored for layering);
2. each node's layer is its longest path from a source (one pass in topological order);
   nodes without links go to the layer where their kind usually sits;
3. nodes are ordered within layers by barycentric sweeps (down, then up, repeated while
   they lower the number of link crossings, at most :data:`SWEEPS` times);
4. each group (and nested group) gets a horizontal band of its own, so a group's members
   sit together and group frames do not overlap;
5. tall layers wrap into several sub-columns so that large designs keep a screen-like shape.

Positions are node centres. Node cards are about 180 x 64 px; the pitches leave room for
link arrows between layers and for group frames between bands.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Callable, Iterable

from archdesigner.graph import back_edges
from archdesigner.model import catalog
from archdesigner.model.design import Design, Node, group_ancestors
from archdesigner.processes import Cancelled, run_contained

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
    # more sweeps where they are cheap; a 10,000-node design keeps to two
    order = _order(dag, layer, rank, SWEEPS if n <= 2000 else 4 if n <= 5000 else 2)
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


#: Barycentric sweeps (one down, one up each) tried at most; the order with the fewest
#: crossings is kept, and the sweeps stop early when one brings no improvement.
SWEEPS = 8


def _order(
    dag: list[list[int]], layer: list[int], rank: list[int], sweeps: int = SWEEPS
) -> list[float]:
    """A position in [0, 1) for each node within its layer: barycentric ordering sweeps,
    alternately down (following predecessors) and up (following successors), keeping the
    order with the fewest link crossings (:func:`crossings`)."""
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

    def assign(members: list[int], key: list[float], stable: bool) -> None:
        # ties go by the kind's usual place; after the first sweep, by the current order
        if stable:
            members.sort(key=lambda v: (key[v], pos[v], rank[v], v))
        else:
            members.sort(key=lambda v: (key[v], rank[v], v))
        size = len(members)
        for i, v in enumerate(members):
            pos[v] = (i + 0.5) / size

    # a node without neighbours on the swept side keeps a place by kind
    fallback = [rank[v] / (_MAX_RANK + 1) for v in range(n)]
    assign(layers[0], fallback, False)
    best: list[float] | None = None
    best_count = idle = 0
    for sweep in range(max(1, sweeps)):
        first = fallback if sweep == 0 else pos
        stable = sweep > 0
        for members in layers[1:]:  # down: follow the predecessors
            key = list(first)
            for v in members:
                if preds[v]:
                    key[v] = sum(pos[u] for u in preds[v]) / len(preds[v])
            assign(members, key, stable)
        for members in reversed(layers[:-1]):  # up: follow the successors
            key = list(pos)
            for v in members:
                if dag[v]:
                    key[v] = sum(pos[w] for w in dag[v]) / len(dag[v])
            assign(members, key, stable)
        count = crossings(dag, layer, pos) if sweeps > 1 else 0
        if best is None or count < best_count:
            best, best_count, idle = list(pos), count, 0
        else:
            idle += 1
            if idle >= 2:  # two sweeps without a better order: more rarely help
                break
        if count == 0:
            break
    return best if best is not None else pos


def crossings(dag: list[list[int]], layer: list[int], pos: list[float]) -> int:
    """How many pairs of links cross between layers: links spanning the same layers cross
    when their ends are in opposite orders (counted as inversions, in E log E)."""
    spans: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for v, outs in enumerate(dag):
        for w in outs:
            spans.setdefault((layer[v], layer[w]), []).append((pos[v], pos[w]))
    total = 0
    for edges in spans.values():
        if len(edges) < 2:
            continue
        edges.sort()
        total += _inversions([b for _a, b in edges], edges)
    return total


def _inversions(ends: list[float], edges: list[tuple[float, float]]) -> int:
    """Pairs i < j with ends[i] > ends[j] whose sources differ (links from one node do not
    cross each other): a Fenwick tree over the ranks of the ends."""
    ranks = {value: i + 1 for i, value in enumerate(sorted(set(ends)))}
    size = len(ranks)
    tree = [0] * (size + 1)
    total = 0
    seen = 0
    i = 0
    while i < len(edges):
        j = i
        while j < len(edges) and edges[j][0] == edges[i][0]:
            j += 1
        for k in range(i, j):  # those before this source with a larger end
            r = ranks[ends[k]]
            below = 0
            while r > 0:
                below += tree[r]
                r -= r & -r
            total += seen - below
        for k in range(i, j):
            r = ranks[ends[k]]
            while r <= size:
                tree[r] += 1
                r += r & -r
        seen += j - i
        i = j
    return total


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


# --- Graphviz dot ----------------------------------------------------------------------------

#: Designs up to this many nodes are laid out by Graphviz's dot (when it is installed); the
#: layered layout above takes larger ones (dot's time grows fast: seconds at 300 nodes).
DOT_UP_TO = 300
#: Seconds dot may take before the layered layout is used instead.
DOT_TIMEOUT = 60.0


class LayoutCancelled(Exception):
    """The user cancelled a layout that was running."""


def auto_layout(
    design: Design,
    node_ids: Iterable[str] | None = None,
    *,
    use_dot: bool = True,
    timeout: float = DOT_TIMEOUT,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[dict[str, tuple[float, float]], str]:
    """Positions for ``node_ids`` (default: all) and how they were found: ``"dot"``
    (Graphviz, left to right, groups as clusters) for up to :data:`DOT_UP_TO` nodes when
    the ``dot`` program is there and finishes in ``timeout`` seconds, else ``"layered"``.
    ``cancelled()`` is asked while dot runs; when it says True, :class:`LayoutCancelled`
    is raised. As :func:`layered_layout`, a subset keeps its bounding box's top-left."""
    wanted = None if node_ids is None else list(node_ids)
    count = len(design.nodes) if wanted is None else len(wanted)
    if use_dot and 1 < count <= DOT_UP_TO and shutil.which("dot") is not None:
        try:
            return dot_layout(design, wanted, timeout=timeout, cancelled=cancelled), "dot"
        except DotFailed:
            pass
    return layered_layout(design, wanted), "layered"


class DotFailed(Exception):
    """dot is missing, failed, or did not finish in time."""


def dot_text(design: Design, node_ids: Iterable[str] | None = None) -> tuple[str, list[str]]:
    """The DOT text dot lays ``node_ids`` (default: all) out from, and the node ids in the
    order of their DOT names (``n0``, ``n1``, ...). Cards are boxes of their canvas size;
    each group (with members here) is a cluster with room for its title, nested as the
    groups are."""
    wanted = None if node_ids is None else set(node_ids)
    nodes = [n for n in design.nodes if wanted is None or n.id in wanted]
    index = {node.id: i for i, node in enumerate(nodes)}
    w, h = NODE_WIDTH / 72, NODE_HEIGHT / 72
    gap = (ROW_PITCH - NODE_HEIGHT) / 72
    rank_gap = (LAYER_PITCH - NODE_WIDTH + 40) / 72  # room for link labels between ranks
    # dot's crossing minimisation and network simplex grow fast with size: fewer rounds
    # over 100 nodes (300 random nodes: 13 s with the defaults, under 2 s like this)
    effort = ""
    if len(nodes) > 200:
        effort = ", mclimit=0.1, nslimit=1, nslimit1=1"
    elif len(nodes) > 100:
        effort = ", mclimit=0.3, nslimit=2, nslimit1=2, searchsize=20"
    out = [
        "digraph layout {",
        f"  graph [rankdir=LR, newrank=true, splines=false, nodesep={gap:.3f}, "
        f"ranksep={rank_gap:.3f}{effort}];",
        f'  node [shape=box, fixedsize=true, width={w:.3f}, height={h:.3f}, label=""];',
    ]
    parent = {g.id: g.parent for g in design.groups}
    members: dict[str | None, list[int]] = {}
    for i, node in enumerate(nodes):
        members.setdefault(node.group if node.group in parent else None, []).append(i)
    children: dict[str | None, list[str]] = {}
    used: set[str] = set()
    for gid in list(members):  # the groups with members here, and their ancestors
        while gid is not None and gid not in used:
            used.add(gid)
            up = parent.get(gid)
            children.setdefault(up if up in parent else None, []).append(gid)
            gid = up if up in parent else None
    ids = {gid: k for k, gid in enumerate(sorted(used))}

    def emit(gid: str | None, indent: str) -> None:
        for child in sorted(children.get(gid, [])):
            # the label leaves room above the members for the frame's title
            out.append(f"{indent}subgraph cluster_{ids[child]} {{")
            out.append(f'{indent}  graph [label=" ", labelloc=t, fontsize=26, margin=20];')
            emit(child, indent + "  ")
            out.append(f"{indent}}}")
        out.extend(f"{indent}n{i};" for i in members.get(gid, []))

    emit(None, "  ")
    seen: set[tuple[int, int]] = set()
    for link in design.links:
        s, t = index.get(link.source), index.get(link.target)
        if s is None or t is None or s == t or (s, t) in seen:
            continue
        seen.add((s, t))
        out.append(f"  n{s} -> n{t};")
    out.append("}")
    return "\n".join(out) + "\n", [node.id for node in nodes]


def dot_layout(
    design: Design,
    node_ids: Iterable[str] | None = None,
    *,
    timeout: float = DOT_TIMEOUT,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, tuple[float, float]]:
    """Positions (card centres) from Graphviz's dot: left to right, groups as clusters.
    Raises :class:`DotFailed` or :class:`LayoutCancelled`."""
    wanted = None if node_ids is None else list(node_ids)
    text, order = dot_text(design, wanted)
    if not order:
        return {}
    plain = _run_dot(text, timeout, cancelled)
    positions: dict[str, tuple[float, float]] = {}
    for line in plain.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0] == "node" and parts[1][1:].isdigit():
            k = int(parts[1][1:])
            if k < len(order):
                # inches, y up: canvas units, y down
                positions[order[k]] = (float(parts[2]) * 72, -float(parts[3]) * 72)
    if len(positions) != len(order):
        raise DotFailed("dot's output misses nodes")
    left = min(x for x, _ in positions.values())
    top = min(y for _, y in positions.values())
    if wanted is not None:
        current = design.node_map()
        to_x = min(current[i].position.x for i in order)
        to_y = min(current[i].position.y for i in order)
    else:
        to_x = to_y = 0.0
    return {
        k: (round(x - left + to_x, 1), round(y - top + to_y, 1)) for k, (x, y) in positions.items()
    }


def _run_dot(text: str, timeout: float, cancelled: Callable[[], bool] | None) -> str:
    """``dot -Tplain`` of ``text``; the process is killed on timeout or cancel."""
    program = shutil.which("dot")
    if program is None:
        raise DotFailed("Graphviz's dot is not installed")
    try:
        returncode, out, _err = run_contained(
            [program, "-Tplain"], text.encode("utf-8"), timeout, cancelled=cancelled
        )
    except OSError as exc:
        raise DotFailed(str(exc)) from None
    except Cancelled:
        raise LayoutCancelled() from None
    except subprocess.TimeoutExpired:
        raise DotFailed(f"dot did not finish within {timeout:g} s") from None
    if returncode != 0 or not out:
        raise DotFailed(f"dot failed (exit {returncode})")
    return out.decode("utf-8", "replace")
