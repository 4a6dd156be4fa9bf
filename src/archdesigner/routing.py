"""Link routing around cards: orthogonal routes that avoid every card, headless (no Qt), so
that the canvas and the Graphviz export draw the same routes.

Fast by design (Graphviz's own router with fixed positions grows as about N^2.9):

* the cards sit in a uniform grid of buckets (a spatial index), so "is this segment free?"
  looks at the few cards near it only;
* each link first tries the simple shapes (straight, L, Z and U with at most two bends,
  their middle leg in a few lanes), which is enough for most links of a drawn design;
* only when none is free, A* runs over a sparse grid made of the card edges (inflated by
  the clearance) and the channel midpoints between them, in a window around the two ends
  that grows only when no route is found (cost: length plus a penalty per bend);
* links between one pair of cards are routed once and fanned: the others are parallel
  copies of that route, ``spacing`` apart, so they never overlap;
* :class:`Router` keeps its index between calls: moving a card reroutes only the links of
  that card and the links whose routes it now covers (see :meth:`Router.move`).

Coordinates: y grows downwards (the canvas's); boxes are ``(centre x, centre y, w, h)``.
"""

from __future__ import annotations

import heapq
import itertools
import math
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # centre x, centre y, width, height
Rect = tuple[float, float, float, float]  # left, top, right, bottom
Cubic = tuple[Point, Point, Point, Point]
_Stub = tuple[int, Point, float, Point]  # side, stub point, extra cost, port

#: the four directions: +x, +y, -x, -y (a card side's outward normal, or a move)
DIRS: tuple[Point, ...] = ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0))
BUCKET = 256.0
BEND = 40.0  # what a bend costs, in units of length
HUG = 0.04  # extra cost per unit of length along a line that hugs a card
MAX_EXPANSIONS = 30000
EPS = 0.5


def _rect(box: Box, pad: float = 0.0) -> Rect:
    x, y, w, h = box
    return (x - w / 2 - pad, y - h / 2 - pad, x + w / 2 + pad, y + h / 2 + pad)


def segment_hits_rect(a: Point, b: Point, r: Rect) -> bool:
    """Whether the segment a-b enters the open rectangle ``r`` (Liang-Barsky)."""
    x1, y1 = a
    dx, dy = b[0] - x1, b[1] - y1
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x1 - r[0]), (dx, r[2] - x1), (-dy, y1 - r[1]), (dy, r[3] - y1)):
        if p == 0:
            if q <= 0:
                return False
            continue
        u = q / p
        if p < 0:
            t0 = max(t0, u)
        else:
            t1 = min(t1, u)
        if t0 >= t1:
            return False
    return t1 - t0 > 1e-9


class BoxIndex:
    """Cards in a uniform grid of buckets: which cards are near a point or a segment."""

    def __init__(self, boxes: Mapping[str, Box], size: float = BUCKET) -> None:
        self.size = size
        self.boxes: dict[str, Box] = {}
        self.rects: dict[str, Rect] = {}
        self.cells: dict[tuple[int, int], set[str]] = {}
        for nid, box in boxes.items():
            self.put(nid, box)

    def _span(self, r: Rect) -> Iterable[tuple[int, int]]:
        s = self.size
        for cx in range(math.floor(r[0] / s), math.floor(r[2] / s) + 1):
            for cy in range(math.floor(r[1] / s), math.floor(r[3] / s) + 1):
                yield (cx, cy)

    def put(self, nid: str, box: Box | None) -> None:
        old = self.rects.pop(nid, None)
        if old is not None:
            del self.boxes[nid]
            for cell in self._span(old):
                bucket = self.cells.get(cell)
                if bucket is not None:
                    bucket.discard(nid)
                    if not bucket:
                        del self.cells[cell]
        if box is None:
            return
        r = _rect(box)
        self.boxes[nid] = box
        self.rects[nid] = r
        for cell in self._span(r):
            self.cells.setdefault(cell, set()).add(nid)

    def near(self, r: Rect) -> set[str]:
        out: set[str] = set()
        cells = self.cells
        for cell in self._span(r):
            bucket = cells.get(cell)
            if bucket:
                out |= bucket
        return out

    def blocked(self, a: Point, b: Point, pad: float, ignore: Iterable[str] = ()) -> bool:
        """Whether the segment a-b comes closer than ``pad`` to a card (not in ``ignore``).
        Called for every candidate route: the tests are inlined, buckets visited directly."""
        x_lo, x_hi = (a[0], b[0]) if a[0] <= b[0] else (b[0], a[0])
        y_lo, y_hi = (a[1], b[1]) if a[1] <= b[1] else (b[1], a[1])
        straight = x_lo == x_hi or y_lo == y_hi
        s, rects, cells = self.size, self.rects, self.cells
        rows = range(math.floor((y_lo - pad) / s), math.floor((y_hi + pad) / s) + 1)
        for cx in range(math.floor((x_lo - pad) / s), math.floor((x_hi + pad) / s) + 1):
            for cy in rows:
                bucket = cells.get((cx, cy))
                if not bucket:
                    continue
                for nid in bucket:
                    x0, y0, x1, y1 = rects[nid]
                    if x_hi <= x0 - pad or x_lo >= x1 + pad or y_hi <= y0 - pad:
                        continue
                    if y_lo >= y1 + pad or nid in ignore:
                        continue
                    if straight or segment_hits_rect(
                        a, b, (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
                    ):
                        return True
        return False

    def inside(self, x: float, y: float, pad: float) -> bool:
        s = self.size
        for nid in self.cells.get((math.floor(x / s), math.floor(y / s)), ()):
            x0, y0, x1, y1 = self.rects[nid]
            if x0 - pad < x < x1 + pad and y0 - pad < y < y1 + pad:
                return True
        # a card may reach into this point's bucket from a neighbour only when pad > 0
        if pad > 0:
            for nid in self.near((x - pad, y - pad, x + pad, y + pad)):
                x0, y0, x1, y1 = self.rects[nid]
                if x0 - pad < x < x1 + pad and y0 - pad < y < y1 + pad:
                    return True
        return False


def _seg_rect(a: Point, b: Point) -> Rect:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def _coarse_span(r: Rect, size: float = 4 * BUCKET) -> list[tuple[int, int]]:
    """The cells of a coarse grid (where routes are filed) that a rectangle covers."""
    return [
        (cx, cy)
        for cx in range(math.floor(r[0] / size), math.floor(r[2] / size) + 1)
        for cy in range(math.floor(r[1] / size), math.floor(r[3] / size) + 1)
    ]


def simplify(points: Sequence[Point]) -> list[Point]:
    """Drops repeated points and the middle one of three collinear points."""
    out: list[Point] = []
    for p in points:
        if out and abs(p[0] - out[-1][0]) < 1e-6 and abs(p[1] - out[-1][1]) < 1e-6:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a[0] - b[0]) < 1e-6 and abs(b[0] - p[0]) < 1e-6) or (
                abs(a[1] - b[1]) < 1e-6 and abs(b[1] - p[1]) < 1e-6
            ):
                out[-1] = p
                continue
        out.append(p)
    return out


def _turns_back(points: Sequence[Point]) -> bool:
    for a, b, c in zip(points, points[1:], points[2:], strict=False):
        if (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0:
            return True
    return False


def path_cost(points: Sequence[Point]) -> float:
    length = sum(abs(b[0] - a[0]) + abs(b[1] - a[1]) for a, b in itertools.pairwise(points))
    return length + BEND * max(0, len(points) - 2)


def offset(points: Sequence[Point], d: float) -> list[Point]:
    """An orthogonal polyline moved ``d`` to its left (a parallel copy): each segment shifts
    along its normal and the corners move to where the shifted segments meet."""
    if d == 0 or len(points) < 2:
        return list(points)
    shifted: list[tuple[Point, Point]] = []
    for a, b in itertools.pairwise(points):
        length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
        nx, ny = (b[1] - a[1]) / length * d, -(b[0] - a[0]) / length * d
        shifted.append(((a[0] + nx, a[1] + ny), (b[0] + nx, b[1] + ny)))
    out = [shifted[0][0]]
    for (a1, b1), (a2, _b2) in itertools.pairwise(shifted):
        if abs(a1[0] - b1[0]) < 1e-6:  # vertical then horizontal: x of one, y of the other
            out.append((a1[0], a2[1]))
        else:
            out.append((a2[0], a1[1]))
    out.append(shifted[-1][1])
    return out


def _side(a: Box, b: Box) -> tuple[int, int]:
    """The sides (direction indexes) that face each other best: links leave the side
    towards the other card along the axis with the larger gap."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    gap_x = abs(dx) - (a[2] + b[2]) / 2
    gap_y = abs(dy) - (a[3] + b[3]) / 2
    if gap_x >= min(gap_y, 40.0) or (gap_x < 0 and gap_y < 0 and abs(dx) >= abs(dy)):
        return (0, 2) if dx >= 0 else (2, 0)
    return (1, 3) if dy >= 0 else (3, 1)


#: sides tried when the facing ones give no simple route: around one side (U shapes),
#: then out of one side and into another
_FALLBACK_SIDES: tuple[tuple[int, int], ...] = (
    (0, 0),
    (2, 2),
    (1, 1),
    (3, 3),
    (0, 1),
    (0, 3),
    (2, 1),
    (2, 3),
)
_FALLBACK_SIDES += ((1, 0), (3, 0), (1, 2), (3, 2))


def port(box: Box, side: int, gap: float = 0.0) -> Point:
    """The middle of one side of a card, ``gap`` outside it."""
    x, y, w, h = box
    ux, uy = DIRS[side]
    return (x + ux * (w / 2 + gap), y + uy * (h / 2 + gap))


class _Grid:
    """The sparse grid A* walks: the inflated card edges near the route and the midpoints
    of the channels between them."""

    def __init__(self, index: BoxIndex, window: Rect, pad: float, extra: Sequence[Point]):
        xs = {window[0], window[2]}
        ys = {window[1], window[3]}
        hug_x: set[float] = set()
        hug_y: set[float] = set()
        for nid in index.near(window):
            x0, y0, x1, y1 = index.rects[nid]
            hug_x.update((x0 - pad, x1 + pad))
            hug_y.update((y0 - pad, y1 + pad))
        xs |= {x for x in hug_x if window[0] < x < window[2]}
        ys |= {y for y in hug_y if window[1] < y < window[3]}
        for x, y in extra:
            xs.add(x)
            ys.add(y)
        self.xs = _with_midpoints(sorted(xs))
        self.ys = _with_midpoints(sorted(ys))
        self.hug_x = hug_x
        self.hug_y = hug_y
        self.xi = {x: i for i, x in enumerate(self.xs)}
        self.yi = {y: i for i, y in enumerate(self.ys)}


def _with_midpoints(values: list[float]) -> list[float]:
    out: list[float] = []
    for a, b in itertools.pairwise(values):
        out.append(a)
        if b - a > 8.0:
            out.append((a + b) / 2)
    if values:
        out.append(values[-1])
    return out


class Router:
    """Routes links around cards; keeps its index and routes between calls.

    ``clearance``: the least distance between a route and a card it passes; ``spacing``:
    between the fanned links of one pair of cards."""

    def __init__(
        self,
        boxes: Mapping[str, Box],
        links: Iterable[tuple[str, str, str]] = (),
        *,
        clearance: float = 14.0,
        spacing: float = 10.0,
    ) -> None:
        self.index = BoxIndex(boxes)
        self.clearance = clearance
        self.spacing = spacing
        self.links: dict[str, tuple[str, str]] = {}
        self.by_pair: dict[tuple[str, str], list[str]] = {}
        self.by_node: dict[str, set[str]] = {}
        self.routes: dict[str, list[Point]] = {}
        self._route_cells: dict[tuple[int, int], set[str]] = {}
        self._cells_of: dict[str, set[tuple[int, int]]] = {}
        for lid, source, target in links:
            self.set_link(lid, source, target)

    # --- the document --------------------------------------------------------------------
    @staticmethod
    def _pair(source: str, target: str) -> tuple[str, str]:
        return (source, target) if source <= target else (target, source)

    def set_link(self, lid: str, source: str, target: str) -> set[str]:
        """Adds or changes a link; returns the links to route again (its pair's)."""
        dirty = self.remove_link(lid)
        self.links[lid] = (source, target)
        pair = self._pair(source, target)
        self.by_pair.setdefault(pair, []).append(lid)
        self.by_node.setdefault(source, set()).add(lid)
        self.by_node.setdefault(target, set()).add(lid)
        return dirty | set(self.by_pair[pair])

    def remove_link(self, lid: str) -> set[str]:
        ends = self.links.pop(lid, None)
        self._unfile(lid)
        self.routes.pop(lid, None)
        if ends is None:
            return set()
        for end in ends:
            self.by_node.get(end, set()).discard(lid)
        pair = self._pair(*ends)
        rest = self.by_pair.get(pair, [])
        if lid in rest:
            rest.remove(lid)
        if not rest:
            self.by_pair.pop(pair, None)
        return set(rest)

    def move(self, nid: str, box: Box | None) -> set[str]:
        """A card moved, appeared (``box``) or went (None): returns the links to route
        again: the card's own and those whose routes its new place covers."""
        old = self.index.boxes.get(nid)
        self.index.put(nid, box)
        dirty = set(self.by_node.get(nid, ()))
        # routes its new place covers, and routes that went around its old place (they may
        # run straighter now)
        areas = [] if box is None else [_rect(box, self.clearance / 2)]
        if old is not None:
            areas.append(_rect(old, 2 * self.clearance + 3 * self.spacing))
        for r in areas:
            for lid in self._routes_near(r):
                pts = self.routes.get(lid, [])
                if any(segment_hits_rect(a, b, r) for a, b in itertools.pairwise(pts)):
                    dirty.add(lid)
        return {d for lid in dirty for d in self.by_pair.get(self._pair(*self.links[lid]), [])}

    def _routes_near(self, r: Rect) -> set[str]:
        out: set[str] = set()
        for cell in _coarse_span(r):
            out |= self._route_cells.get(cell, set())
        return out

    def _file(self, lid: str, points: Sequence[Point]) -> None:
        self._unfile(lid)
        cells: set[tuple[int, int]] = set()
        for a, b in itertools.pairwise(points):
            cells.update(_coarse_span(_seg_rect(a, b)))
        self._cells_of[lid] = cells
        for cell in cells:
            self._route_cells.setdefault(cell, set()).add(lid)

    def _unfile(self, lid: str) -> None:
        for cell in self._cells_of.pop(lid, ()):
            bucket = self._route_cells.get(cell)
            if bucket is not None:
                bucket.discard(lid)

    def drawn(self, lid: str, style: str = "orthogonal") -> list[Cubic]:
        """A link's route as curves that keep off the cards it does not connect."""
        pts = self.routes.get(lid, [])
        ends = self.links.get(lid, ("", ""))

        def fits(a: Point, b: Point) -> bool:
            return not self.index.blocked(a, b, 0.0, ends)

        return curves(pts, style, fits)

    # --- routing -------------------------------------------------------------------------
    def route(self, lids: Iterable[str] | None = None) -> dict[str, list[Point]]:
        """Routes ``lids`` (default: every link) with their pairs; returns the new routes
        (a link whose ends are missing or overlap gets none)."""
        wanted = self.links.keys() if lids is None else lids
        pairs = {self._pair(*self.links[lid]) for lid in wanted if lid in self.links}
        out: dict[str, list[Point]] = {}
        for pair in sorted(pairs):
            out.update(self._route_pair(pair))
        return out

    def _route_pair(self, pair: tuple[str, str]) -> dict[str, list[Point]]:
        lids = self.by_pair.get(pair, [])
        a, b = (self.index.boxes.get(end) for end in pair)
        out: dict[str, list[Point]] = {}
        if a is None or b is None or not lids:
            for lid in lids:
                self.routes.pop(lid, None)
                self._unfile(lid)
            return out
        k = len(lids)
        fan = (k - 1) / 2 * self.spacing
        if pair[0] == pair[1]:
            centre = self._loop(a, fan)
        else:
            centre = self.path(pair[0], pair[1], self.clearance + fan, pair[0] + pair[1])
        for i, lid in enumerate(lids):
            pts = offset(centre, (i - (k - 1) / 2) * self.spacing) if centre else []
            if pts and self.links[lid][0] != pair[0]:
                pts.reverse()
            out[lid] = pts
            self.routes[lid] = pts
            self._file(lid, pts)
        return out

    def _loop(self, box: Box, fan: float) -> list[Point]:
        """A link from a card to itself: a square over its top-right corner."""
        x, y, w, h = box
        r, t = x + w / 2 - 30, y - h / 2
        s = 30 + fan
        return [(r, t), (r, t - s), (x + w / 2 + s, t - s), (x + w / 2 + s, y), (x + w / 2, y)]

    def path(self, source: str, target: str, pad: float, key: str = "") -> list[Point]:
        """The route from card ``source`` to card ``target`` (ports on their borders), at
        least ``pad`` from every card; [] when the cards overlap."""
        index = self.index
        a, b = index.boxes[source], index.boxes[target]
        ra, rb = index.rects[source], index.rects[target]
        if ra[0] < rb[2] and rb[0] < ra[2] and ra[1] < rb[3] and rb[1] < ra[3]:
            return []
        side_a, side_b = _side(a, b)
        lane = ((zlib.crc32(key.encode()) % 5) - 2) * self.spacing * 0.6
        ends = (source, target)
        best = self._shape(ends, (side_a, side_b), pad, lane)
        if best is None:
            best = self._search(ends, (side_a, side_b), pad)
        if best is None and pad > 4:
            best = self._search(ends, (side_a, side_b), 4.0)
        if best is None:  # boxed in: straight, between the facing ports
            return [port(a, side_a), port(b, side_b)]
        return best

    def _shape(
        self, ends: tuple[str, str], sides: tuple[int, int], pad: float, lane: float
    ) -> list[Point] | None:
        """The cheapest free route with at most two bends between the stubs: from the
        facing sides if one is free, else from any pair of sides; or None."""
        found = self._shape_from(ends, sides, pad, lane)
        if found is not None:
            return found[1]
        for other in _FALLBACK_SIDES:
            if other != sides:
                found = self._shape_from(ends, other, pad, lane)
                if found is not None:
                    return found[1]
        return None

    def _shape_from(
        self, ends: tuple[str, str], sides: tuple[int, int], pad: float, lane: float
    ) -> tuple[float, list[Point]] | None:
        a, b = self.index.boxes[ends[0]], self.index.boxes[ends[1]]
        pa, pb = port(a, sides[0]), port(b, sides[1])
        sa, sb = port(a, sides[0], pad + 2), port(b, sides[1], pad + 2)
        cands: list[list[Point]] = []
        if abs(sa[0] - sb[0]) < 1e-6 or abs(sa[1] - sb[1]) < 1e-6:
            cands.append([pa, pb])
        cands.append([pa, sa, (sb[0], sa[1]), sb, pb])
        cands.append([pa, sa, (sa[0], sb[1]), sb, pb])
        axis = 0 if sides[0] % 2 == 0 else 1
        lo, hi = min(sa[axis], sb[axis]), max(sa[axis], sb[axis])
        for m in ((lo + hi) / 2 + lane, hi + abs(lane), lo - abs(lane)):
            if axis == 0:
                cands.append([pa, sa, (m, sa[1]), (m, sb[1]), sb, pb])
            else:
                cands.append([pa, sa, (sa[0], m), (sb[0], m), sb, pb])
        scored = []
        for cand in cands:
            pts = simplify(cand)
            if not _turns_back(pts):
                scored.append((path_cost(pts), pts))
        scored.sort(key=lambda c: c[0])
        for cost, pts in scored:
            if self._free(pts, pad, ends):
                return cost, pts
        return None

    def _free(self, pts: Sequence[Point], pad: float, ends: tuple[str, str]) -> bool:
        """Whether a route keeps ``pad`` from every card; its first and last segments leave
        and enter their own cards, so those are only checked against the others."""
        index = self.index
        last = len(pts) - 2
        for i, (p, q) in enumerate(itertools.pairwise(pts)):
            ignore: tuple[str, ...] = ()
            if i == 0:
                ignore = ends if last == 0 else (ends[0],)
            elif i == last:
                ignore = (ends[1],)
            if index.blocked(p, q, pad - EPS, ignore):
                return False
        return True

    def _search(
        self, ends: tuple[str, str], sides: tuple[int, int], pad: float
    ) -> list[Point] | None:
        """A* over the sparse grid around the two cards, in windows that grow when no
        route is found; any side of either card may be used (others than the facing
        ones cost one bend more)."""
        index = self.index
        a, b = index.boxes[ends[0]], index.boxes[ends[1]]
        starts = self._stubs(ends[0], a, sides[0], pad)
        goals = self._stubs(ends[1], b, sides[1], pad)
        if not starts or not goals:
            return None
        pts = [s[1] for s in starts] + [g[1] for g in goals]
        margin = max(a[2], a[3], b[2], b[3]) + 2 * pad
        for grow in (1.0, 4.0, 16.0):
            m = margin * grow
            window = (
                min(p[0] for p in pts) - m,
                min(p[1] for p in pts) - m,
                max(p[0] for p in pts) + m,
                max(p[1] for p in pts) + m,
            )
            found = self._astar(_Grid(index, window, pad, pts), starts, goals, pad)
            if found is not None and self._free(found, pad - 1.0, ends):
                return found
        return None

    def _stubs(self, nid: str, box: Box, preferred: int, pad: float) -> list[_Stub]:
        """(side, stub point, extra cost, port) for each side a route can leave a card by."""
        out = []
        for side in range(4):
            p, s = port(box, side), port(box, side, pad + 2)
            if self.index.inside(s[0], s[1], pad - EPS) or self.index.blocked(p, s, 0.0, (nid,)):
                continue
            out.append((side, s, 0.0 if side == preferred else BEND, p))
        return out

    def _astar(
        self,
        grid: _Grid,
        starts: list[_Stub],
        goals: list[_Stub],
        pad: float,
    ) -> list[Point] | None:
        index, xs, ys = self.index, grid.xs, grid.ys
        ny = len(ys)
        free: dict[int, bool] = {}
        goal_of = {(grid.xi[g[1][0]], grid.yi[g[1][1]]): g for g in goals}
        gpts = [g[1] for g in goals]

        def h(i: int, j: int) -> float:
            x, y = xs[i], ys[j]
            return min(abs(x - gx) + abs(y - gy) for gx, gy in gpts)

        heap: list[tuple[float, float, int]] = []
        best: dict[int, float] = {}
        parent: dict[int, int] = {}
        for side, s, extra, _port in starts:
            i, j = grid.xi[s[0]], grid.yi[s[1]]
            state = (i * ny + j) * 4 + side
            best[state] = extra
            heapq.heappush(heap, (extra + h(i, j), extra, state))
        steps = ((1, 0), (0, 1), (-1, 0), (0, -1))
        expansions = 0
        while heap:
            _f, g, state = heapq.heappop(heap)
            if state < 0:  # a finished route (see below)
                return _trace(grid, parent, -state - 1, goal_of, starts)
            if g > best.get(state, math.inf):
                continue
            expansions += 1
            if expansions > MAX_EXPANSIONS:
                return None
            node, d = divmod(state, 4)
            i, j = divmod(node, ny)
            goal = goal_of.get((i, j))
            if goal is not None and d != goal[0]:  # arriving: must not turn back
                into = (goal[0] + 2) % 4
                done = g + goal[2] + (0.0 if d == into else BEND)
                heapq.heappush(heap, (done, done, -state - 1))
            for nd in (d, (d + 1) % 4, (d + 3) % 4):
                di, dj = steps[nd]
                ni, nj = i + di, j + dj
                if not (0 <= ni < len(xs) and 0 <= nj < ny):
                    continue
                k = ni * ny + nj
                ok = free.get(k)
                if ok is None:
                    ok = free[k] = not index.inside(xs[ni], ys[nj], pad - EPS)
                if not ok:
                    continue
                length = abs(xs[ni] - xs[i]) + abs(ys[nj] - ys[j])
                hugs = ys[j] in grid.hug_y if di else xs[i] in grid.hug_x
                ng = g + length * (1.0 + HUG if hugs else 1.0) + (BEND if nd != d else 0.0)
                nstate = k * 4 + nd
                if ng < best.get(nstate, math.inf):
                    best[nstate] = ng
                    parent[nstate] = state
                    heapq.heappush(heap, (ng + h(ni, nj), ng, nstate))
        return None


def _trace(
    grid: _Grid,
    parent: dict[int, int],
    state: int,
    goal_of: dict[tuple[int, int], _Stub],
    starts: list[_Stub],
) -> list[Point]:
    """The route A* found: from the start's port through the grid points to the goal's."""
    ny = len(grid.ys)
    cells: list[Point] = []
    s: int | None = state
    first = state
    while s is not None:
        first = s
        i, j = divmod(s // 4, ny)
        cells.append((grid.xs[i], grid.ys[j]))
        s = parent.get(s)
    cells.reverse()
    a_port = next(st[3] for st in starts if st[0] == first % 4)
    i, j = divmod(state // 4, ny)
    return simplify([a_port, *cells, goal_of[(i, j)][3]])


def route_links(
    boxes: Mapping[str, Box],
    links: Iterable[tuple[str, str, str]],
    *,
    clearance: float = 14.0,
    spacing: float = 10.0,
) -> dict[str, list[Point]]:
    """Routes of ``links`` (id, source, target) around ``boxes`` (id -> centre and size)."""
    return Router(boxes, links, clearance=clearance, spacing=spacing).route()


# --- drawing a route -------------------------------------------------------------------------

#: corner radius of the two styles: "orthogonal" (rounded corners) and "spline" (curves)
RADIUS = {"orthogonal": 10.0, "spline": 70.0}
KAPPA = 0.5523  # a cubic's control distance that makes a quarter circle


def curves(
    points: Sequence[Point],
    style: str = "orthogonal",
    fits: Callable[[Point, Point], bool] | None = None,
) -> list[Cubic]:
    """A route as cubic Bezier pieces: straight runs (control points on their ends) joined
    by rounded corners, small for "orthogonal", as large as the runs allow for "spline".
    ``fits(a, b)``: whether a short line is clear of the cards; a wide corner that is not
    falls back to the small radius (which stays inside the route's clearance)."""
    if len(points) < 2:
        return []
    limit = RADIUS.get(style, RADIUS["orthogonal"])
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(points)]
    out: list[Cubic] = []
    cur = points[0]
    for k in range(1, len(points) - 1):
        c = points[k]
        u = _unit(points[k - 1], c)
        v = _unit(c, points[k + 1])
        room = min(lengths[k - 1] / 2, lengths[k] / 2)
        for radius in dict.fromkeys((limit, RADIUS["orthogonal"])):
            corner = _corner(c, u, v, min(radius, room))
            drawn = flatten([corner])
            if fits is None or all(fits(a, b) for a, b in itertools.pairwise(drawn)):
                break
        out.append((cur, cur, corner[0], corner[0]))
        out.append(corner)
        cur = corner[3]
    out.append((cur, cur, points[-1], points[-1]))
    return [piece for piece in out if piece[0] != piece[3]]


def _corner(c: Point, u: Point, v: Point, r: float) -> Cubic:
    """A quarter circle of radius ``r`` turning from direction ``u`` to ``v`` at ``c``."""
    a = (c[0] - u[0] * r, c[1] - u[1] * r)
    b = (c[0] + v[0] * r, c[1] + v[1] * r)
    ca = (a[0] + u[0] * r * KAPPA, a[1] + u[1] * r * KAPPA)
    cb = (b[0] - v[0] * r * KAPPA, b[1] - v[1] * r * KAPPA)
    return (a, ca, cb, b)


def _unit(a: Point, b: Point) -> Point:
    length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
    return ((b[0] - a[0]) / length, (b[1] - a[1]) / length)


def flatten(pieces: Sequence[Cubic], steps: int = 4) -> list[Point]:
    """The points of a chain of Bezier pieces: straight ones as their ends, curved ones as
    ``steps`` short lines."""
    if not pieces:
        return []
    out = [pieces[0][0]]
    for p0, p1, p2, p3 in pieces:
        if p1 == p0 and p2 == p3:
            out.append(p3)
            continue
        for s in range(1, steps + 1):
            t = s / steps
            m = 1 - t
            a, b, c, d = m * m * m, 3 * m * m * t, 3 * m * t * t, t * t * t
            out.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
    return out


def label_point(points: Sequence[Point], room: float = 60.0) -> Point:
    """Where a route's label goes: the middle of its first or last segment when one is
    long enough (the middle legs are often shared by the links of one card: a bus), else
    of its longest segment."""

    def size(a: Point, b: Point) -> float:
        return abs(b[0] - a[0]) + abs(b[1] - a[1])

    pairs = list(itertools.pairwise(points))
    ends = [p for p in (pairs[-1], pairs[0]) if size(*p) >= room]
    a, b = max(ends or pairs, key=lambda p: size(*p))
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def place_labels(
    routes: Mapping[str, Sequence[Point]],
    sizes: Mapping[str, tuple[float, float]],
    cards: BoxIndex,
) -> dict[str, Point]:
    """A centre for each link's label (``sizes``: width and height) on its route, clear of
    the cards and of the labels placed before it where the route leaves room: the first
    and last legs first, then the others, each at its middle, then a quarter from its ends.
    A label with no clear place goes on its route's :func:`label_point`."""
    placed = BoxIndex({})
    out: dict[str, Point] = {}
    for lid in sorted(sizes, key=lambda k: (len(routes.get(k, ())), k)):
        pts = routes.get(lid)
        if not pts or len(pts) < 2:
            continue
        w, h = sizes[lid]
        spot = None
        for x, y in label_spots(pts, w, h):
            box = (x, y, w + 4, h + 2)
            r = _rect(box)
            if any(overlaps(r, cards.rects[n]) for n in cards.near(r)):
                continue
            if any(overlaps(r, placed.rects[n]) for n in placed.near(r)):
                continue
            spot = (x, y)
            placed.put(lid, box)
            break
        out[lid] = spot if spot is not None else label_point(pts)
    return out


def overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_spots(pts: Sequence[Point], w: float, h: float) -> Iterable[Point]:
    legs = list(itertools.pairwise(pts))
    order = [len(legs) - 1, 0, *sorted(range(1, len(legs) - 1), key=lambda i: -_length(*legs[i]))]
    for t in (0.5, 0.3, 0.7):
        for i in dict.fromkeys(order):
            a, b = legs[i]
            along = w if a[1] == b[1] else h
            if _length(a, b) < along + 24:
                continue
            yield (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _length(a: Point, b: Point) -> float:
    return abs(b[0] - a[0]) + abs(b[1] - a[1])
