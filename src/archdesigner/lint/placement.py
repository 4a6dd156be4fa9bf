"""Where a fix puts the component it adds: a free spot near where it belongs.

A fix that adds a node (a load balancer on a link, a cache for a service, ...) asks a
:class:`Placer` for a spot near an *ideal* point (the middle of the link, the node it
serves). A spot is free when no card centre lies within ``CLEAR_X`` x ``CLEAR_Y`` of it,
and it must not lie inside the frame of a group the new node does not belong to. Frames are
computed as the canvas draws them (``ui/canvas/scene.py``): the bounding box of the members'
cards and child frames, padded by ``GROUP_PAD`` and a ``GROUP_HEADER`` on top.

In order of preference the new node goes:

1. into its group, at a spot inside the group's frame (the frame does not grow);
2. into its group, just outside the frame, when the frame can grow there without taking
   in a card or touching a frame of another group;
3. outside every frame, without a group;
4. at the nearest spot free of cards (the design has no better one).

The search is by rows: for each candidate row (``STEP_Y`` apart, nearest rows first) the
cards and frames that block it are turned into x intervals, and the free x nearest to the
ideal point is found among them. Cards come from rows of ``CLEAR_Y`` px, each sorted by x
(read by bisection), frames from bands of ``BAND`` px, so one placement costs the same in
a 20-node design and a 20,000-node one. Once a spot is found, a row whose frames alone
keep every spot at least as far away is skipped without reading its cards (in a layout of
tall group frames most rows are). A placer remembers what it placed: the fixes of one
lint run never put two new nodes on one spot.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from archdesigner import geometry
from archdesigner.io.load import gc_paused
from archdesigner.model.design import Design, group_chain

#: Card size on the canvas (shared with the app); positions are card centres.
CARD_W, CARD_H = geometry.NODE_W, geometry.NODE_H
#: Frame padding around a group's members and the header above them.
GROUP_PAD, GROUP_HEADER = geometry.GROUP_PAD, geometry.GROUP_HEADER
#: A spot is free when every other card centre is at least this far in x or in y.
CLEAR_X, CLEAR_Y = 200.0, 90.0
#: Gap kept between a new card and the frame of a group it does not belong to.
MARGIN = 12.0
#: Distance between candidate rows.
STEP_Y = 30.0
#: Height of the bands that index group frames.
BAND = 500.0
#: A frame spanning more bands than this is kept out of the band index (always checked).
MAX_BANDS = 64
#: Half-widths of the search windows tried in turn (px from the ideal point).
WINDOWS = (360.0, 1080.0, 3240.0)

#: Largest area (in grid cells) a frame may grow by to take a new node in.
MAX_CELLS = 4000

Rect = tuple[float, float, float, float]  # left, top, right, bottom


def _may_grow(frame: Rect | None, y0: float, half: float) -> bool:
    """False when no spot within ``half`` of row ``y0`` can grow ``frame``: it is too tall to
    grow sideways (see MAX_CELLS) and the window stays clear of its top and bottom."""
    if frame is None:
        return True
    tall = (CARD_W / CLEAR_X + 2) * ((frame[3] - frame[1] + CARD_H) / CLEAR_Y + 2) > MAX_CELLS
    within = y0 - half > frame[1] + 200 and y0 + half < frame[3] - 200
    return not (tall and within)


def _pad(r: Rect) -> Rect:
    return (r[0] - GROUP_PAD, r[1] - GROUP_PAD - GROUP_HEADER, r[2] + GROUP_PAD, r[3] + GROUP_PAD)


def _union(a: Rect | None, b: Rect) -> Rect:
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _card(x: float, y: float) -> Rect:
    return (x - CARD_W / 2, y - CARD_H / 2, x + CARD_W / 2, y + CARD_H / 2)


def _meets(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def stored_frame(properties: dict[str, object]) -> Rect | None:
    """The frame an empty group keeps in ``properties["canvas"]``, as a rectangle."""
    frame = geometry.stored_frame(properties)
    if frame is None:
        return None
    x, y, w, h = frame
    return (x, y, x + w, y + h)


def group_frames(design: Design) -> dict[str, Rect]:
    """The frame of every group that has one, as the canvas draws it."""
    boxes: dict[str, Rect] = {}
    for node in design.nodes:
        if node.group is not None:
            x, y = float(node.position.x), float(node.position.y)
            boxes[node.group] = _union(boxes.get(node.group), _card(x, y))
    children: dict[str, list[str]] = {}
    for g in design.groups:
        if g.parent is not None:
            children.setdefault(g.parent, []).append(g.id)
    props = {g.id: g.properties for g in design.groups}
    frames: dict[str, Rect] = {}
    busy: set[str] = set()

    def frame(gid: str) -> Rect | None:
        if gid in frames:
            return frames[gid]
        if gid in busy:  # a parent cycle
            return None
        busy.add(gid)
        box = boxes.get(gid)
        for child in children.get(gid, ()):
            r = frame(child)
            if r is not None:
                box = _union(box, r)
        out = _pad(box) if box is not None else stored_frame(props.get(gid, {}))
        if out is not None:
            frames[gid] = out
        return out

    for g in design.groups:
        frame(g.id)
    return frames


@dataclass(frozen=True)
class Spot:
    x: float
    y: float
    group: str | None


class Placer:
    """Free spots for the nodes fixes add to one design (see the module docs)."""

    def __init__(self, design: Design) -> None:
        self.groups = design.group_map()
        nodes = design.nodes
        ids = [node.id for node in nodes]
        positions = [node.position for node in nodes]
        cards = [(float(p.x), float(p.y)) for p in positions]
        groups = [node.group for node in nodes]
        self.group_of: dict[str, str | None] = dict(zip(ids, groups, strict=True))
        self.pos: dict[str, tuple[float, float]] = dict(zip(ids, cards, strict=True))
        #: the cards placed by this placer (x, y, group), beside the design's
        self._placed: list[tuple[float, float, str | None]] = []
        #: cards per cell of ``CLEAR_X`` x ``CLEAR_Y`` (built when a frame may grow)
        self._cells: dict[tuple[int, int], list[tuple[float, float, str | None]]] | None = None
        #: per row of cells (``CLEAR_Y`` high): the card centres in it, sorted by x, as two
        #: lists (x, y), so that a search reads the cards of a stretch of a row by bisection
        self.rows: dict[int, tuple[list[float], list[float]]] = {}
        with gc_paused():
            by_row: dict[int, list[tuple[float, float]]] = {}
            floor = math.floor
            for card in cards:
                cy = floor(card[1] / CLEAR_Y)
                row = by_row.get(cy)
                if row is None:
                    by_row[cy] = [card]
                else:
                    row.append(card)
            for cy, cards in by_row.items():
                cards.sort()
                self.rows[cy] = ([x for x, _ in cards], [y for _, y in cards])
        self.frames = group_frames(design)
        self.bands: dict[int, set[str]] = {}
        self.tall: set[str] = set()
        for gid, r in self.frames.items():
            self._band(gid, r)
        self._chains: dict[str | None, tuple[str, ...]] = {}

    # --- indexes -----------------------------------------------------------------------
    @property
    def cells(self) -> dict[tuple[int, int], list[tuple[float, float, str | None]]]:
        """The cards (x, y, group) per cell of ``CLEAR_X`` x ``CLEAR_Y``: only a search
        that may grow a frame reads them, so they are filed when first asked for."""
        if self._cells is None:
            cells: dict[tuple[int, int], list[tuple[float, float, str | None]]] = {}
            group_of = self.group_of
            cards = [(x, y, group_of[nid]) for nid, (x, y) in self.pos.items()]
            for card in cards + self._placed:
                key = (math.floor(card[0] / CLEAR_X), math.floor(card[1] / CLEAR_Y))
                found = cells.get(key)
                if found is None:
                    cells[key] = [card]
                else:
                    found.append(card)
            self._cells = cells
        return self._cells

    def _occupy(self, x: float, y: float, group: str | None) -> None:
        cy = math.floor(y / CLEAR_Y)
        self._placed.append((x, y, group))
        if self._cells is not None:
            self._cells.setdefault((math.floor(x / CLEAR_X), cy), []).append((x, y, group))
        xs, ys = self.rows.setdefault(cy, ([], []))
        i = bisect.bisect_right(xs, x)
        xs.insert(i, x)
        ys.insert(i, y)

    def _band(self, gid: str, r: Rect) -> None:
        first, last = math.floor(r[1] / BAND), math.floor(r[3] / BAND)
        if last - first >= MAX_BANDS:  # a frame taller than the index: always a candidate
            self.tall.add(gid)
            return
        for b in range(first, last + 1):
            self.bands.setdefault(b, set()).add(gid)

    def chain(self, gid: str | None) -> tuple[str, ...]:
        """``gid`` and its ancestors, innermost first."""
        if gid in self._chains:
            return self._chains[gid]
        self._chains[gid] = tuple(group_chain(self.groups, gid))
        return self._chains[gid]

    def common_group(self, node_ids: Iterable[str]) -> str | None:
        """The innermost group that holds every one of ``node_ids`` (None if there is none)."""
        shared: list[str] | None = None
        for nid in node_ids:
            chain = self.chain(self.group_of.get(nid))
            if shared is None:
                shared = list(chain)
            else:
                inside = set(chain)
                shared = [g for g in shared if g in inside]
            if not shared:
                return None
        return shared[0] if shared else None

    def position(self, node_id: str) -> tuple[float, float]:
        return self.pos.get(node_id, (0.0, 0.0))

    def _frames_near(self, top: float, bottom: float) -> set[str]:
        out: set[str] = set(self.tall)
        first, last = math.floor(top / BAND), math.floor(bottom / BAND)
        if last - first >= len(self.bands):  # bounded by the index, not by the distance
            for b, gids in self.bands.items():
                if first <= b <= last:
                    out |= gids
            return out
        for b in range(first, last + 1):
            out |= self.bands.get(b, set())
        return out

    # --- search --------------------------------------------------------------------------
    def place(self, near: tuple[float, float], group: str | None) -> Spot:
        """A free spot near ``near`` for a new node of ``group`` (which may come back None,
        see the module docs), remembered so that the next placement avoids it."""
        x0, y0 = round(near[0]), round(near[1])
        spot = self._search(x0, y0, group)
        self._occupy(spot.x, spot.y, spot.group)
        need = _card(spot.x, spot.y)
        for gid in self.chain(spot.group):
            need = _pad(need)
            grown = _union(self.frames.get(gid), need)
            self.frames[gid] = grown
            self._band(gid, grown)
        return spot

    def _search(self, x0: float, y0: float, group: str | None) -> Spot:
        chain = self.chain(group)
        for half in WINDOWS:
            if chain:
                frame = self.frames.get(chain[0])
                if frame is not None:
                    inner = (
                        frame[0] + GROUP_PAD + CARD_W / 2,
                        frame[1] + GROUP_PAD + GROUP_HEADER + CARD_H / 2,
                        frame[2] - GROUP_PAD - CARD_W / 2,
                        frame[3] - GROUP_PAD - CARD_H / 2,
                    )
                    found = self._best(x0, y0, half, chain, inner, None)
                    if found is not None:
                        return Spot(found[0], found[1], group)
                if _may_grow(frame, y0, half):
                    found = self._best(x0, y0, half, chain, None, chain)
                    if found is not None:
                        return Spot(found[0], found[1], group)
            found = self._best(x0, y0, half, (), None, None)
            if found is not None:
                return Spot(found[0], found[1], None)
        half = WINDOWS[-1]
        while True:  # only cards left to avoid: there is always room further out
            half *= 3
            found = self._best(x0, y0, half, chain, None, None, frames=False)
            if found is not None:
                return Spot(found[0], found[1], group)

    def _best(
        self,
        x0: float,
        y0: float,
        half: float,
        chain: Sequence[str],
        inside: Rect | None,
        grow: Sequence[str] | None,
        *,
        frames: bool = True,
    ) -> tuple[float, float] | None:
        """The free spot nearest (x0, y0) within ``half`` px: outside the frames of groups
        not in ``chain``; inside ``inside`` if given; if ``grow`` is given, only where the
        frames of that chain can grow to take the card in."""
        best: tuple[float, float] | None = None
        best_d = math.inf
        rows = int(half / STEP_Y)
        own = set(chain)
        row_cards = self._row_cards(x0 - half - CLEAR_X, x0 + half + CLEAR_X)
        margin = CARD_H / 2 + MARGIN
        walls = (
            [
                _wall(self.frames[gid])
                for gid in self._frames_near(y0 - half - margin, y0 + half + margin)
                if gid not in own
            ]
            if frames
            else []
        )
        # walls that hold (or miss) every row of the window block the same x on each row:
        # then a row they block wholly, or keep too far away, says the same of the rest
        ends = (y0 - rows * STEP_Y, y0 + rows * STEP_Y)
        uniform = all(
            (top < ends[0] - margin and ends[1] + margin < bottom)
            or top >= ends[1] + margin
            or bottom <= ends[0] - margin
            for top, bottom, _, _ in walls
        )
        gaps: dict[tuple[object, ...], float] = {}
        for k in range(rows + 1):
            dy = k * STEP_Y
            if dy >= best_d:
                break
            for y in (y0 + dy, y0 - dy) if k else (y0,):
                if inside is not None and not inside[1] <= y <= inside[3]:
                    continue
                lo, hi = x0 - half, x0 + half
                if inside is not None:
                    lo, hi = max(lo, inside[0]), min(hi, inside[2])
                if lo > hi:
                    continue
                blocked = _walls_on(y, lo, hi, walls)
                if blocked is None:
                    if uniform:
                        return best
                    continue
                if blocked and best is not None:
                    # the frames alone keep the row's spots this far from x0: a row that
                    # cannot beat the best spot so far is not read card by card
                    key = (lo, hi, *blocked)
                    gap = gaps.get(key)
                    if gap is None:
                        reach = [abs(x - x0) for x in _nearest_free(x0, lo, hi, blocked)]
                        gap = gaps[key] = min(reach) if reach else math.inf
                    if math.hypot(gap, dy) >= best_d:
                        if uniform:  # the later rows are farther still
                            return best
                        continue
                self._add_cards(y, row_cards, blocked)
                for x in _nearest_free(x0, lo, hi, blocked):
                    d = math.hypot(x - x0, dy)
                    if d >= best_d:
                        continue
                    if grow is not None and not self._can_grow(x, y, grow):
                        continue
                    best, best_d = (x, y), d
        return best

    def _row_cards(self, x0: float, x1: float) -> Callable[[int], list[float]]:
        """For a row of cells: the x of its card centres in [x0, x1] and their y, in one
        flat list ``[x, y, x, y, ...]`` (each row of cells read once per search)."""
        memo: dict[int, list[float]] = {}
        rows = self.rows
        empty: tuple[list[float], list[float]] = ([], [])

        def row(cy: int) -> list[float]:
            found = memo.get(cy)
            if found is None:
                xs, ys = rows.get(cy, empty)
                i, j = bisect.bisect_left(xs, x0), bisect.bisect_right(xs, x1)
                found = [v for k in range(i, j) for v in (xs[k], ys[k])]
                memo[cy] = found
            return found

        return row

    def _add_cards(
        self,
        y: float,
        row_cards: Callable[[int], list[float]],
        out: list[tuple[float, float]],
    ) -> None:
        """Adds to ``out`` the open x intervals where a card centred on row ``y`` would come
        within ``CLEAR_X`` x ``CLEAR_Y`` of a card."""
        first = math.floor((y - CLEAR_Y) / CLEAR_Y)
        for cy in range(first, first + 3):
            flat = row_cards(cy)
            for k in range(0, len(flat), 2):
                if abs(flat[k + 1] - y) < CLEAR_Y:
                    cx = flat[k]
                    out.append((cx - CLEAR_X, cx + CLEAR_X))

    def _can_grow(self, x: float, y: float, chain: Sequence[str]) -> bool:
        """Whether every frame of ``chain`` can grow to hold a card at (x, y) without
        taking in a card or touching a frame of a group outside it."""
        need = _card(x, y)
        for gid in chain:
            need = _pad(need)
            old = self.frames.get(gid)
            grown = _union(old, need)
            for part in _new_parts(old, grown):
                if not self._part_is_clear(part, gid):
                    return False
        return True

    def _part_is_clear(self, part: Rect, gid: str) -> bool:
        cells_x = (part[2] - part[0] + CARD_W) / CLEAR_X + 2
        cells_y = (part[3] - part[1] + CARD_H) / CLEAR_Y + 2
        if cells_x * cells_y > MAX_CELLS:  # a strip along a huge frame: do not grow there
            return False
        x0, y0 = part[0] - CARD_W / 2, part[1] - CARD_H / 2
        x1, y1 = part[2] + CARD_W / 2, part[3] + CARD_H / 2
        for cy in range(math.floor(y0 / CLEAR_Y), math.floor(y1 / CLEAR_Y) + 1):
            for cx in range(math.floor(x0 / CLEAR_X), math.floor(x1 / CLEAR_X) + 1):
                for x, y, g in self.cells.get((cx, cy), ()):
                    if _meets(_card(x, y), part) and gid not in self.chain(g):
                        return False
        for other in self._frames_near(part[1], part[3]):
            if other == gid or gid in self.chain(other) or other in self.chain(gid):
                continue  # itself, a group inside it, or one it is inside
            if _meets(self.frames[other], part):
                return False
        return True


def _walls_on(
    y: float, lo: float, hi: float, walls: list[tuple[float, float, float, float]]
) -> list[tuple[float, float]] | None:
    """The open x intervals where the frames a card must stay out of (``_wall``) keep a
    card centred on row ``y`` out; None when one of them blocks all of [lo, hi]."""
    out = []
    top, bottom = y - CARD_H / 2 - MARGIN, y + CARD_H / 2 + MARGIN
    for f_top, f_bottom, a, b in walls:
        if f_top < bottom and top < f_bottom:
            if a < lo and hi < b:
                return None
            out.append((a, b))
    return out


def _wall(frame: Rect) -> tuple[float, float, float, float]:
    """A frame as a search sees it: (top, bottom, and the x interval where a card centre
    would come within MARGIN of it)."""
    return (frame[1], frame[3], frame[0] - CARD_W / 2 - MARGIN, frame[2] + CARD_W / 2 + MARGIN)


def _new_parts(old: Rect | None, grown: Rect) -> list[Rect]:
    """``grown`` minus ``old`` (``old`` inside ``grown``) as up to four rectangles."""
    if old is None:
        return [grown]
    parts = []
    if grown[0] < old[0]:
        parts.append((grown[0], grown[1], old[0], grown[3]))
    if grown[2] > old[2]:
        parts.append((old[2], grown[1], grown[2], grown[3]))
    if grown[1] < old[1]:
        parts.append((grown[0], grown[1], grown[2], old[1]))
    if grown[3] > old[3]:
        parts.append((grown[0], old[3], grown[2], grown[3]))
    return parts


def _nearest_free(
    x0: float, lo: float, hi: float, blocked: list[tuple[float, float]]
) -> list[float]:
    """The free x nearest ``x0`` on each side within [lo, hi], given open blocked
    intervals (whole pixels, rounded away from the blocking card)."""
    merged: list[list[float]] = []
    for a, b in sorted(blocked):
        if b <= lo or a >= hi:
            continue
        if merged and a < merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1][1] = b
        else:
            merged.append([a, b])
    start = min(max(x0, lo), hi)
    for a, b in merged:
        if a < start < b:
            out = []
            left, right = math.floor(a), math.ceil(b)
            if left >= lo and not _inside(left, merged):
                out.append(float(left))
            if right <= hi and not _inside(right, merged):
                out.append(float(right))
            return out
    return [float(start)]


def _inside(x: float, merged: list[list[float]]) -> bool:
    return any(a < x < b for a, b in merged)
