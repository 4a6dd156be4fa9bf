"""All links of a design, drawn by one item.

One QGraphicsItem per link cannot stay interactive at 20,000 links (docs/PERFORMANCE.md):
item count, not drawing, dominates. This layer is not an item: the view draws it as part of
its cached background (under the node cards), so a repaint that changes no link is a blit.
It keeps every link's geometry in a grid of cells (a link is filed under every cell its
segment crosses); drawing an area draws only the links of its cells, clipped to it, with one
``drawLines`` call per pen and one path for all arrowheads. While nodes are dragged, their
links "float": they leave the cached background and are drawn in the foreground, so each
mouse move repaints two lines, not every link behind them.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QLineF, QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

from archdesigner.model.design import Link
from archdesigner.ui.theme import NODE_H, NODE_W, Theme

CELL = 600.0
#: Links longer than LONG cells are filed in a grid COARSE times coarser (a link across a
#: huge design would otherwise sit in thousands of cells).
COARSE = 16
LONG = 24
#: The grid levels: a segment is filed at the first level where it spans at most LONG cells
#: (or the last), so the cells per link are bounded by a constant, not by its length.
LEVELS = (0, 1, 2)
#: Scene coordinates beyond this (twice the design format's bound) are never filed.
FILE_LIMIT = 2e7
#: while zooming, only links shorter than FAR cells are drawn (the rest after a pause)
FAR = 3
GAP = 3.0  # space between a card's border and the arrow
PARALLEL = 14.0  # distance between links that join the same two nodes
LOD_LABELS = 0.45
LOD_ARROWS = 0.25
ARROW_LEN = 10.0
#: longest stretch of background work between two looks at user input
WARM_SLICE = 0.008
#: Designs with more links than this are filed in the background after opening: the links
#: crossing an area are filed when it is first painted or asked about, the rest a few
#: milliseconds at a time (filing 100,000 links took 2.4 s of the app's start).
FILE_LATER = 5000

#: the grid the labels are found by (labels_near)
LABEL_CELL = 200.0

#: a link label's font size at text scale 1.0 (View > Card Text Size scales it too)
LABEL_PX = 10


def label_font(scale: float = 1.0) -> QFont:
    font = QFont()
    font.setPixelSize(round(LABEL_PX * scale))
    return font


_LABEL_FM = QFontMetricsF(label_font())

Segment = tuple[float, float, float, float]
Point = tuple[float, float]


Cell = tuple[int, int, int]  # (level, column, row)
_Info = tuple[bool, bool, Cell | None, Cell | None, tuple[str, float, float] | None]


def _level(seg: Segment) -> int:
    length = abs(seg[2] - seg[0]) + abs(seg[3] - seg[1])
    level = 0
    while level < LEVELS[-1] and length > LONG * CELL * COARSE**level:
        level += 1
    return level


def _cells(seg: Segment, level: int = 0) -> set[Cell]:
    """The grid cells of ``level`` a segment crosses, each visited once (a grid traversal)."""
    x1, y1, x2, y2 = seg
    if not (
        -FILE_LIMIT <= x1 <= FILE_LIMIT
        and -FILE_LIMIT <= y1 <= FILE_LIMIT
        and -FILE_LIMIT <= x2 <= FILE_LIMIT
        and -FILE_LIMIT <= y2 <= FILE_LIMIT
    ):
        inside = clip(seg, -FILE_LIMIT, -FILE_LIMIT, FILE_LIMIT, FILE_LIMIT)
        if inside is None:
            return set()
        x1, y1, x2, y2 = inside
    size = CELL * COARSE**level
    x1, y1, x2, y2 = x1 / size, y1 / size, x2 / size, y2 / size
    cx, cy = math.floor(x1), math.floor(y1)
    ex, ey = math.floor(x2), math.floor(y2)
    out = {(level, cx, cy)}
    if cx == ex and cy == ey:  # most links of a large design: within one cell
        return out
    dx, dy = x2 - x1, y2 - y1
    sx = 1 if dx > 0 else -1
    sy = 1 if dy > 0 else -1
    tdx = abs(1.0 / dx) if dx else math.inf
    tdy = abs(1.0 / dy) if dy else math.inf
    tx = ((cx + 1 - x1) if dx > 0 else (x1 - cx)) * tdx if dx else math.inf
    ty = ((cy + 1 - y1) if dy > 0 else (y1 - cy)) * tdy if dy else math.inf
    for _ in range(abs(ex - cx) + abs(ey - cy)):
        if tx < ty:
            cx += sx
            tx += tdx
        else:
            cy += sy
            ty += tdy
        out.add((level, cx, cy))
    return out


def clip(seg: Segment, left: float, top: float, right: float, bottom: float) -> Segment | None:
    """The part of a segment inside a rectangle (Liang-Barsky), or None. Drawing only that
    part keeps long (and dashed) links cheap: Qt would stroke the whole line."""
    x1, y1, x2, y2 = seg
    dx, dy = x2 - x1, y2 - y1
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)):
        if p == 0:
            if q < 0:
                return None
            continue
        u = q / p
        if p < 0:
            if u > t1:
                return None
            t0 = max(t0, u)
        else:
            if u < t0:
                return None
            t1 = min(t1, u)
    if t0 == 0.0 and t1 == 1.0:
        return seg
    return (x1 + t0 * dx, y1 + t0 * dy, x1 + t1 * dx, y1 + t1 * dy)


def _arrowhead(segs: list[Segment]) -> QPolygonF:
    """The arrowhead at the end of a link's last segment."""
    x1, y1, x2, y2 = segs[-1]
    dx, dy = x2 - x1, y2 - y1
    ln = math.hypot(dx, dy) or 1.0
    ux, uy = dx / ln, dy / ln
    return QPolygonF(
        [
            QPointF(x2, y2),
            QPointF(x2 - ux * ARROW_LEN - uy * 4.5, y2 - uy * ARROW_LEN + ux * 4.5),
            QPointF(x2 - ux * ARROW_LEN + uy * 4.5, y2 - uy * ARROW_LEN - ux * 4.5),
        ]
    )


def _label_segment(segs: list[Segment]) -> Segment:
    """The segment a link's label sits on: the last or first when long enough (a route's
    middle legs are often shared with other links of the same card), else the longest."""

    def size(s: Segment) -> float:
        return abs(s[2] - s[0]) + abs(s[3] - s[1])

    ends = [s for s in (segs[-1], segs[0]) if size(s) >= 60.0]
    return max(ends or segs, key=size)


def _label(
    text: str, segs: list[Segment], fm: QFontMetricsF = _LABEL_FM, width: float | None = None
) -> tuple[str, float, float] | None:
    """A link's label and its centre, or None when its segment has no room for it.
    ``width``: the text's width in ``fm``, when known."""
    x1, y1, x2, y2 = _label_segment(segs)
    room = math.hypot(x2 - x1, y2 - y1) - 2 * ARROW_LEN
    if width is None:
        width = fm.horizontalAdvance(text)
    if x1 == x2:  # a vertical leg: the label sits across it
        room += width
    if room <= width + 8:
        return None
    return (text, (x1 + x2) / 2, (y1 + y2) / 2)


class LinkLayer:
    def __init__(
        self,
        theme: Theme,
        invalidate: Callable[[QRectF, bool], None],
        owner: QObject | None = None,
    ) -> None:
        #: the scene: the layer's idle steps are dropped when it goes (they would reach it)
        self.owner = owner
        """``invalidate(rect, foreground)`` asks the views to redraw an area of the
        background (or, for floating links, the foreground)."""
        self.theme = theme
        #: told the ids of links that now follow a route that arrived (link badges)
        self.route_listeners: list[Callable[[list[str]], None]] = []
        self.label_font = label_font()
        self.label_fm = _LABEL_FM
        self._invalidate = invalidate
        self.floating: set[str] = set()
        #: while the user zooms: no antialiasing and no links longer than FAR cells (the
        #: view redraws everything once the gesture pauses)
        self.quick = False
        self.hidden = False  # the view's overview draws links when zoomed far out
        self.pos_of: dict[str, tuple[float, float]] = {}
        self.links: dict[str, Link] = {}
        self.by_node: dict[str, set[str]] = {}
        self.by_pair: dict[tuple[str, str], list[str]] = {}
        self.geom: dict[str, list[Segment]] = {}
        #: routes around the cards (see canvas/routes.py): the two card centres each was
        #: computed for, and the drawn points; used while both cards are still there
        self.routed: dict[str, tuple[tuple[Point, Point], list[Point], Point | None]] = {}
        self._route_dirty = QRectF()
        #: links whose geometry is not filed in the grid (dragged ones); every other link
        #: is filed under the cells of its segments in ``geom`` (recomputed when needed:
        #: a set of cells per link would be most of this layer's memory)
        self._unfiled: set[str] = set()
        #: per link: (dashed, cell of the arrow tip, cell of the label, label)
        self.info: dict[str, _Info] = {}
        self.grid: dict[Cell, set[str]] = {}
        #: one tuple per cell, shared by the links whose arrow tip or label is there
        self._canon: dict[Cell, Cell] = {}
        #: label widths by text (links share a few protocols)
        self._label_w: dict[str, float] = {}
        #: filed links with a label, by the LABEL_CELL cell of the label's centre
        self._labels: dict[tuple[int, int], list[str]] = {}
        self.selected: set[str] = set()
        self._bounds = QRectF()
        #: what each cell draws, built when the cell is first painted and dropped when a
        #: link filed there changes (see _CellPaint)
        self._cache: dict[Cell, _CellPaint] = {}
        self._warm_gen = 0
        #: what to do once every cell's drawing is built (redraws waiting for it)
        self._after_warm: list[Callable[[], None]] = []
        #: every cell's drawing is built (see warm_up)
        self.warm = True
        #: what the view showed when last painted: where a large design's warm-up goes
        self._painted = QRectF()
        #: links not filed yet (a large design just opened; see FILE_LATER), in order
        self._pending: dict[str, None] = {}
        #: areas (scene coordinates) every link crossing which is filed
        self._settled: list[QRectF] = []
        #: the pending links' card centres: (x1, y1, x2, y2, link id)
        self._boxes: list[tuple[float, float, float, float, str]] = []
        self._file_gen = 0
        #: told once every link of a large design is filed (pictures of the whole design)
        self.filed_listeners: list[Callable[[], None]] = []

    def _later(self, msec: int, step: Callable[[], object]) -> None:
        if self.owner is None:
            QTimer.singleShot(msec, step)
        else:
            QTimer.singleShot(msec, self.owner, step)

    def set_text_scale(self, scale: float) -> None:
        """Labels in a larger (or smaller) font; the caller rebuilds the links."""
        self.label_font = label_font(scale)
        self.label_fm = QFontMetricsF(self.label_font)
        self._label_w = {}

    def label_width(self, text: str) -> float:
        """A label's text width in the label font."""
        w = self._label_w.get(text)
        if w is None:
            w = self._label_w[text] = self.label_fm.horizontalAdvance(text)
        return w

    # --- data ----------------------------------------------------------------------------
    def rebuild(self, links: Iterable[Link], positions: dict[str, tuple[float, float]]) -> None:
        self.pos_of = positions
        self.links = {}
        self.by_node = {}
        self.by_pair = {}
        self.geom = {}
        self.routed = {}
        self._unfiled = set()
        self.info = {}
        self.grid = {}
        self._canon = {}
        self._labels = {}
        self._cache = {}
        self._settled = []
        self.selected &= set()
        for link in links:
            self._add(link)
        self._file_gen += 1
        if len(self.links) > FILE_LATER:
            self._pending = dict.fromkeys(self.links)
            # where each pending link's cards are (the positions do not change while it
            # is pending: a link whose card moves is filed then)
            get = positions.get
            far = (math.inf, math.inf)
            self._boxes = [
                (*get(link.source, far), *get(link.target, far), lid)
                for lid, link in self.links.items()
            ]
            self.warm = False
            self._later(0, functools.partial(self._file_step, self._file_gen))
        else:
            self._pending = {}
            self._boxes = []
            for lid in self.links:
                self._file(lid)
        self._bounds = self._compute_bounds()
        self._invalidate(QRectF(), False)
        if not self._pending:
            self.warm_up()

    @property
    def filing(self) -> bool:
        """Links of a large design are still being filed in the background."""
        return bool(self._pending)

    def file_all(self) -> None:
        """Files every link now (what needs the whole design's geometry at once)."""
        if self._pending:
            for lid in list(self._pending):
                self._file(lid)
            self._filed()

    def _file_step(self, gen: int) -> None:
        if gen != self._file_gen or not self._pending:
            return
        pending = self._pending
        start = time.perf_counter()
        while pending and time.perf_counter() - start < WARM_SLICE:
            for lid in list(itertools.islice(pending, 64)):
                self._file(lid)  # takes it out of pending
        if pending:
            self._later(1, functools.partial(self._file_step, gen))
        else:
            self._filed()

    def _filed(self) -> None:
        self._settled = []
        self._boxes = []
        self.warm_up()
        for listener in self.filed_listeners:
            listener()

    def settle(self, rect: QRectF) -> None:
        """Files (now) every pending link that may cross ``rect``: a link lies within the
        box of its two cards' centres, widened by a card (a loop goes over its card)."""
        if not self._pending or rect.isNull():
            return
        for done in self._settled:
            if done.contains(rect):
                return
        w, h = rect.width(), rect.height()
        area = rect.adjusted(-w / 2, -h / 2, w / 2, h / 2)  # nearby too: panning goes on
        self._settled.append(area)
        mx, my = NODE_W / 2 + 40, NODE_H / 2 + 40
        left, top = area.left() - mx, area.top() - my
        right, bottom = area.right() + mx, area.bottom() + my
        pending = self._pending
        hits = [
            lid
            for ax, ay, bx, by, lid in self._boxes
            if not (
                (ax < left and bx < left)
                or (ax > right and bx > right)
                or (ay < top and by < top)
                or (ay > bottom and by > bottom)
            )
            and lid in pending
        ]
        for lid in hits:
            self._file(lid)
        if not self._pending:
            self._filed()

    def _ensure(self, lid: str) -> None:
        if lid in self._pending:
            self._file(lid)
            if not self._pending:
                self._filed()

    def note_view(self, rect: QRectF) -> None:
        """What the view shows (scene coordinates): a large design's warm-up builds the
        cells around it."""
        self._painted = QRectF(rect)

    def warm_up(self) -> None:
        """Builds every cell's drawing in the background, a few milliseconds at a time
        while the app is idle, so that panning to a new area only draws. In a large design
        (over FILE_LATER links) only the cells around the view (note_view): all of them
        took ~12 s of CPU at 100,000 links (slowing the first lint run, which shares the
        interpreter, by as much) and their paths stayed in memory."""
        self._warm_gen += 1
        gen = self._warm_gen
        if self._pending:  # once every link is filed (see _filed)
            self.warm = False
            return
        if len(self.links) > FILE_LATER:
            near = self._painted
            w, h = near.width(), near.height()
            near = near.adjusted(-w, -h, w, h)
            todo = [c for c in self.grid if c not in self._cache and _cell_rect(c).intersects(near)]
        else:
            todo = [cell for cell in self.grid if cell not in self._cache]
        todo.reverse()

        def step() -> None:
            if gen != self._warm_gen:  # rebuilt meanwhile: a newer warm-up runs
                return
            if self.floating or self.quick or QGuiApplication.mouseButtons().value:
                self._later(100, step)  # the user is dragging or zooming: later
                return
            start = time.perf_counter()
            while todo and time.perf_counter() - start < WARM_SLICE:
                cell = todo.pop()
                if cell in self.grid:
                    self._cell_paint(cell)
            if todo:
                self._later(1, step)
            else:
                self.warm = True
                self._run_after_warm()

        self.warm = not todo
        if todo:
            self._later(50, step)
        else:
            self._run_after_warm()

    def redraw_pending(self) -> bool:
        return bool(self._after_warm) or not self._route_dirty.isNull()

    def _run_after_warm(self) -> None:
        after, self._after_warm = self._after_warm, []
        for fn in after:
            fn()

    def _add(self, link: Link) -> None:
        lid, source, target = link.id, link.source, link.target
        self.links[lid] = link
        by_node = self.by_node
        for end in (source, target):
            ids = by_node.get(end)
            if ids is None:
                by_node[end] = {lid}
            else:
                ids.add(lid)
        pair = (source, target) if source <= target else (target, source)
        same = self.by_pair.get(pair)
        if same is None:
            self.by_pair[pair] = [lid]
        else:
            same.append(lid)

    @staticmethod
    def _pair(link: Link) -> tuple[str, str]:
        return (
            (link.source, link.target) if link.source <= link.target else (link.target, link.source)
        )

    def _remove(self, lid: str) -> None:
        link = self.links.pop(lid)
        for end in (link.source, link.target):
            s = self.by_node.get(end)
            if s is not None:
                s.discard(lid)
        pair = self.by_pair.get(self._pair(link))
        if pair is not None and lid in pair:
            pair.remove(lid)
            if not pair:
                del self.by_pair[self._pair(link)]
        self._unfile(lid)
        self._unfiled.discard(lid)
        self._pending.pop(lid, None)
        self.geom.pop(lid, None)
        self.routed.pop(lid, None)
        self.info.pop(lid, None)
        self.selected.discard(lid)
        self.floating.discard(lid)

    def cells(self, lid: str) -> set[Cell]:
        """The grid cells a link is filed under (none while it floats)."""
        if lid in self._unfiled:
            return set()
        out: set[Cell] = set()
        for seg in self.geom.get(lid, ()):
            out |= _cells(seg, _level(seg))
        return out

    def _unfile(self, lid: str) -> None:
        cache = self._cache
        grid = self.grid
        for cell in self.cells(lid):
            cache.pop(cell, None)
            bucket = grid.get(cell)
            if bucket is not None:
                bucket.discard(lid)
        info = self.info.get(lid)
        if info is not None and info[4] is not None and lid not in self._unfiled:
            key = (math.floor(info[4][1] / LABEL_CELL), math.floor(info[4][2] / LABEL_CELL))
            near = self._labels.get(key)
            if near is not None and lid in near:
                near.remove(lid)
        self._unfiled.add(lid)

    def pieces(self, lid: str) -> list[QRectF]:
        """Small rectangles along a link (about one per cell length): what to redraw when it
        changes. A long diagonal link's bounding box would be most of the view; a route's
        many short pieces share rectangles."""
        out: list[QRectF] = []
        box: list[float] = []  # the running rectangle: left, top, right, bottom
        last = (0.0, 0.0)
        for x1, y1, x2, y2 in self.geom.get(lid, ()):
            n = max(1, math.ceil(math.hypot(x2 - x1, y2 - y1) / CELL))
            for i in range(n + 1):
                x, y = x1 + (x2 - x1) * i / n, y1 + (y2 - y1) * i / n
                if not box:
                    box = [x, y, x, y]
                elif (
                    max(box[2], x) - min(box[0], x) > CELL or max(box[3], y) - min(box[1], y) > CELL
                ):
                    out.append(QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1]))
                    box = [min(last[0], x), min(last[1], y), max(last[0], x), max(last[1], y)]
                else:
                    box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
                last = (x, y)
        if box:
            out.append(QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1]))
        if out:  # the label sits in the middle
            mid = out[len(out) // 2].center()
            out.append(QRectF(mid.x() - 60, mid.y() - 10, 120, 20))
        return [r.adjusted(-14, -14, 14, 14) for r in out]

    def _flush(self, rects: list[QRectF], foreground: bool = False) -> None:
        # the background is costly to redraw: many small areas. The foreground (floating
        # links over cached background) is cheap to redraw, but a complex region makes Qt
        # look items up by path: one rectangle.
        if len(rects) > 300 or (foreground and len(rects) > 1):
            union = QRectF()
            for r in rects:
                union = union.united(r)
            rects = [union]
        for r in rects:
            self._invalidate(r, foreground)

    def update_links(self, changed: set[str], current: dict[str, Link]) -> None:
        """Links added, changed or removed in the document."""
        dirty = QRectF()
        rects: list[QRectF] = []
        touched: set[str] = set()
        keep = self.selected & {lid for lid in changed if lid in current}
        for lid in changed:
            if lid in self.links:
                rects += self.pieces(lid)
                old = self.links[lid]
                touched.update(self.by_pair.get(self._pair(old), []))
                self._remove(lid)
            link = current.get(lid)
            if link is not None:
                self._add(link)
                touched.update(self.by_pair.get(self._pair(link), []))
        for lid in touched:
            if lid in self.links:
                rects += self.pieces(lid)
                self._place(lid)
                rects += self.pieces(lid)
                dirty = dirty.united(self.link_rect(lid))
        self.selected |= keep
        self._grow(dirty)
        self._flush(rects)

    def nodes_moved(self, node_ids: Iterable[str]) -> None:
        """Re-files the links of nodes whose positions (in ``pos_of``) changed."""
        dirty = QRectF()
        rects: list[QRectF] = []
        front: list[QRectF] = []
        floating = self.floating
        for nid in node_ids:
            for lid in self.by_node.get(nid, ()):
                if lid in floating:  # redraw in the foreground only; filed on landing
                    front.append(self.link_rect(lid))  # one rectangle anyway: see _flush
                    self.geom[lid] = self._segments(self.links[lid])
                    front.append(self.link_rect(lid))
                    continue
                rects += self.pieces(lid)
                self._place(lid)
                rects += self.pieces(lid)
                dirty = dirty.united(self.link_rect(lid))
        self._grow(dirty)
        self._flush(rects)
        self._flush(front, True)

    def set_selected(self, ids: set[str]) -> None:
        rects: list[QRectF] = []
        for lid in self.selected ^ ids:
            if lid in self.links:
                rects += self.pieces(lid)
                for cell in self.cells(lid):
                    self._cache.pop(cell, None)
        self.selected = {i for i in ids if i in self.links}
        self._flush(rects)

    def apply_routes(
        self, results: Iterable[tuple[str, tuple[Point, Point], list[Point], Point | None]]
    ) -> None:
        """Routes that arrived from the router (UI thread): links whose cards are still
        where the route was computed for are drawn along it. What they cover is redrawn
        at most every few frames (see flush_routes): routes arrive by the hundred."""
        pos = self.pos_of
        dirty = self._route_dirty
        placed: list[str] = []
        for lid, key, pts, label in results:
            link = self.links.get(lid)
            if link is None:
                continue
            self.routed[lid] = (key, pts, label)
            if lid in self.floating or key != (pos.get(link.source), pos.get(link.target)):
                continue
            dirty = dirty.united(self.link_rect(lid))
            self._place(lid)
            dirty = dirty.united(self.link_rect(lid))
            placed.append(lid)
        self._route_dirty = dirty
        self._grow(dirty)
        if placed:
            for listener in self.route_listeners:
                listener(placed)

    def flush_routes(self) -> None:
        """Redraws what the routes taken in since the last call cover, once the cells
        they changed are built again in the background (see warm_up): the repaint then
        only draws."""
        if self._route_dirty.isNull():
            return
        rect = self._route_dirty.adjusted(-14, -14, 14, 14)
        self._route_dirty = QRectF()
        self._after_warm.append(lambda: self._flush([rect]))
        self.warm_up()

    # --- geometry ------------------------------------------------------------------------
    def _place(self, lid: str) -> None:
        self._unfile(lid)
        self._unfiled.discard(lid)
        self._file(lid)

    def _file(self, lid: str) -> None:
        """Computes a link's geometry and files it under its cells (it is not filed)."""
        self._pending.pop(lid, None)
        segs = self._segments(self.links[lid])
        self.geom[lid] = segs
        info = self.info[lid] = self._info(lid, segs)
        label = info[4]
        if label is not None:
            key = (math.floor(label[1] / LABEL_CELL), math.floor(label[2] / LABEL_CELL))
            near = self._labels.get(key)
            if near is None:
                self._labels[key] = [lid]
            else:
                near.append(lid)
        cache, grid = self._cache, self.grid
        for seg in segs:
            for cell in _cells(seg, _level(seg)):
                if cache:
                    cache.pop(cell, None)
                try:
                    grid[cell].add(lid)
                except KeyError:
                    grid[cell] = {lid}
                    self._canon[cell] = cell

    def _info(self, lid: str, segs: list[Segment]) -> _Info:
        """What a cell needs to draw a link besides its lines (see _cell_paint)."""
        link = self.links[lid]
        if not segs:
            return (link.mode == "async", False, None, None, None)

        canon = self._canon

        def cell_of(x: float, y: float, level: int) -> Cell:
            size = CELL * COARSE**level
            cell = (level, math.floor(x / size), math.floor(y / size))
            return canon.get(cell, cell)

        last = segs[-1]
        level = _level(last)
        tip = cell_of(last[2], last[3], level)
        label = None
        label_cell = None
        text = link.label or link.protocol
        if text:
            label = self._label_of(lid, text, segs)
            if label is not None:
                seg = last if len(segs) == 1 else _label_segment(segs)
                label_cell = cell_of(label[1], label[2], level if seg is last else _level(seg))
        if len(segs) == 1:
            far = abs(last[2] - last[0]) + abs(last[3] - last[1]) > FAR * CELL
        else:
            far = sum(abs(g[2] - g[0]) + abs(g[3] - g[1]) for g in segs) > FAR * CELL
        return (link.mode == "async", far, tip, label_cell, label)

    def route_of(self, lid: str) -> list[Point]:
        """The drawn points of a link's route while its cards are where it was computed
        for; empty when the link is drawn straight."""
        routed = self.routed.get(lid)
        link = self.links.get(lid)
        if routed is None or link is None or not routed[1]:
            return []
        if routed[0] != (self.pos_of.get(link.source), self.pos_of.get(link.target)):
            return []
        return routed[1]

    def _label_of(
        self, lid: str, text: str, segs: list[Segment]
    ) -> tuple[str, float, float] | None:
        """A link's label and its centre. While the link is drawn along its route, where the
        router put it, clear of cards and of the other labels, and none when the router found
        no room (links that share a trunk into a card would otherwise stack their labels on
        one spot); else the middle of its label segment (:func:`_label`)."""
        routed = self.routed.get(lid) if self.routed else None
        link = self.links.get(lid)
        ends = (self.pos_of.get(link.source), self.pos_of.get(link.target)) if link else None
        if routed is not None and routed[1] and routed[0] == ends:
            return None if routed[2] is None else (text, routed[2][0], routed[2][1])
        return _label(text, segs, self.label_fm, self.label_width(text))

    def _segments(self, link: Link) -> list[Segment]:
        a = self.pos_of.get(link.source)
        b = self.pos_of.get(link.target)
        if a is None or b is None:
            return []
        routed = self.routed.get(link.id)
        if routed is not None and routed[1] and routed[0] == (a, b):
            pts = routed[1]
            return [(p[0], p[1], q[0], q[1]) for p, q in itertools.pairwise(pts)]
        if link.source == link.target:  # a loop over the card's top-right corner
            x, y = a
            r, t = x + NODE_W / 2 - 30, y - NODE_H / 2
            return [
                (r, t - GAP, r, t - 30),
                (r, t - 30, r + 30, t - 30),
                (r + 30, t - 30, r + 30, t - GAP),
            ]
        pair = self.by_pair.get(self._pair(link), [link.id])
        (ax, ay), (bx, by) = (a, b) if link.source <= link.target else (b, a)
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        if length < 1e-6:
            return []
        k = len(pair)
        off = (pair.index(link.id) - (k - 1) / 2) * PARALLEL if k > 1 else 0.0
        nx, ny = -dy / length * off, dx / length * off
        hw, hh = NODE_W / 2 + GAP, NODE_H / 2 + GAP
        s = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
        if s >= 0.5:
            return []  # the cards overlap
        x1, y1 = ax + dx * s + nx, ay + dy * s + ny
        x2, y2 = bx - dx * s + nx, by - dy * s + ny
        if link.source > link.target:
            x1, y1, x2, y2 = x2, y2, x1, y1
        return [(x1, y1, x2, y2)]

    def link_rect(self, lid: str) -> QRectF:
        self._ensure(lid)
        segs = self.geom.get(lid)
        if not segs:
            return QRectF()
        xs = [v for s in segs for v in (s[0], s[2])]
        ys = [v for s in segs for v in (s[1], s[3])]
        return QRectF(min(xs) - 60, min(ys) - 20, max(xs) - min(xs) + 120, max(ys) - min(ys) + 40)

    def _compute_bounds(self) -> QRectF:
        if not self.pos_of:
            return QRectF()
        xs = [p[0] for p in self.pos_of.values()]
        ys = [p[1] for p in self.pos_of.values()]
        return QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(
            -NODE_W, -NODE_H * 2, NODE_W, NODE_H * 2
        )

    def _grow(self, rect: QRectF) -> None:
        if rect.isNull() or self._bounds.contains(rect):
            return
        self._bounds = self._bounds.united(rect)

    def bounds(self) -> QRectF:
        return self._bounds

    def update(self, rect: QRectF) -> None:
        if not rect.isNull():
            self._invalidate(rect, False)

    # --- dragging ------------------------------------------------------------------------
    def float_links_of(self, node_ids: Iterable[str]) -> None:
        """Takes the links of nodes about to be dragged out of the cached background."""
        ids = {lid for nid in node_ids for lid in self.by_node.get(nid, ())}
        for lid in ids:
            self._ensure(lid)
        self.floating = ids
        rects: list[QRectF] = []
        for lid in ids:
            self._unfile(lid)
            rects += self.pieces(lid)
        self._flush(rects)

    def land(self) -> None:
        """Files the floating links again at their final place."""
        ids, self.floating = self.floating, set()
        rects: list[QRectF] = []
        for lid in ids:
            if lid in self.links:
                self._place(lid)
                rects += self.pieces(lid)
                self._grow(self.link_rect(lid))
        self._flush(rects)
        self._flush(rects, True)

    def links_in(self, rect: QRectF) -> set[str]:
        """The links filed in the cells ``rect`` touches (every link that crosses it)."""
        self.settle(rect)
        grid = self.grid
        out: set[str] = set()
        for cell in self._cells_in(rect):
            out |= grid[cell]
        return out

    def labels_near(self, rect: QRectF) -> list[tuple[str, str, float, float]]:
        """``(link id, text, x, y)`` of the drawn labels whose centre is in ``rect``."""
        self.settle(rect)
        out = []
        x0, x1 = math.floor(rect.left() / LABEL_CELL), math.floor(rect.right() / LABEL_CELL)
        y0, y1 = math.floor(rect.top() / LABEL_CELL), math.floor(rect.bottom() / LABEL_CELL)
        info = self.info
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                for lid in self._labels.get((cx, cy), ()):
                    label = info[lid][4]
                    if label is not None and rect.contains(label[1], label[2]):
                        out.append((lid, *label))
        return out

    def link_at(self, p: QPointF, tolerance: float) -> str | None:
        """The link nearest to ``p`` within ``tolerance`` scene units."""
        best, best_d = None, tolerance
        px, py = p.x(), p.y()
        area = QRectF(px - tolerance, py - tolerance, 2 * tolerance, 2 * tolerance)
        for lid in self.links_in(area):
            for x1, y1, x2, y2 in self.geom.get(lid, ()):
                dx, dy = x2 - x1, y2 - y1
                ll = dx * dx + dy * dy
                t = 0.0 if ll == 0 else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / ll))
                d = math.hypot(px - (x1 + t * dx), py - (y1 + t * dy))
                if d <= best_d:
                    best, best_d = lid, d
        return best

    # --- painting ------------------------------------------------------------------------
    def _cell_paint(self, cell: Cell) -> _CellPaint:
        """What ``cell`` draws, built once from its links (scene coordinates): one path per
        pen, the arrowheads whose tip lies in the cell and the labels whose middle does. A
        link crossing several cells is in each of their paths: solid ones as the piece inside
        the cell, dashed ones whole (painting clips them to the cell, so dashes keep their
        phase). No line is drawn twice, and no Python runs per link while painting."""
        done = self._cache.get(cell)
        if done is not None:
            return done
        paths: dict[tuple[bool, bool, bool], QPainterPath] = {}
        arrows = QPainterPath()
        arrows.setFillRule(Qt.FillRule.WindingFill)
        labels: list[tuple[str, float, float]] = []
        geom, info, selected = self.geom, self.info, self.selected
        level, cx, cy = cell
        size = CELL * COARSE**level
        left, top = cx * size, cy * size
        right, bottom = left + size, top + size
        box = (left, top, right, bottom)
        ids = self.grid.get(cell, ())
        for lid in ids:
            segs = geom.get(lid)
            if not segs:
                continue
            dashed, far, tip_cell, label_cell, label = info[lid]
            key = (lid in selected, dashed, far)
            path = paths.get(key)
            if path is None:
                path = paths[key] = QPainterPath()
            if dashed:  # whole lines, clipped to the cell when painted: dashes keep phase
                for x1, y1, x2, y2 in segs:
                    path.moveTo(x1, y1)
                    path.lineTo(x2, y2)
            else:  # the piece inside the cell: painted without a clip of its own
                for seg in segs:
                    x1, y1, x2, y2 = seg
                    if (x1 < left and x2 < left) or (x1 > right and x2 > right):
                        continue  # a route's other pieces: outside this cell
                    if (y1 < top and y2 < top) or (y1 > bottom and y2 > bottom):
                        continue
                    if left <= x1 <= right and left <= x2 <= right and top <= y1 <= bottom:
                        c: Segment | None = seg if top <= y2 <= bottom else clip(seg, *box)
                    else:
                        c = clip(seg, *box)
                    if c is not None:
                        path.moveTo(c[0], c[1])
                        path.lineTo(c[2], c[3])
            if tip_cell == cell:
                arrows.addPolygon(_arrowhead(segs))
            if label is not None and label_cell == cell:
                labels.append(label)
        done = _CellPaint(paths, arrows, labels, len(ids))
        self._cache[cell] = done
        return done

    def _cells_in(self, rect: QRectF) -> list[Cell]:
        """The filed cells (both levels) that ``rect`` touches."""
        out: list[Cell] = []
        grid = self.grid
        for level in LEVELS:
            size = CELL * COARSE**level
            x0, x1 = math.floor(rect.left() / size), math.floor(rect.right() / size)
            y0, y1 = math.floor(rect.top() / size), math.floor(rect.bottom() / size)
            if (x1 - x0 + 1) * (y1 - y0 + 1) > len(grid):
                out += [c for c in grid if c[0] == level and x0 <= c[1] <= x1 and y0 <= c[2] <= y1]
                continue
            for cx in range(x0, x1 + 1):
                for cy in range(y0, y1 + 1):
                    if grid.get((level, cx, cy)):
                        out.append((level, cx, cy))
        return out

    def _pens(self, lod: float, fast: bool = False) -> dict[tuple[bool, bool], QPen]:
        """Pens per (selected, dashed). ``fast``: one-pixel cosmetic lines, which Qt draws
        several times faster than wider ones (a hairball is drawn with them)."""
        t = self.theme
        pens = {}
        for sel in (False, True):
            for dashed in (False, True):
                pen = QPen(t.link_selected if sel else t.link, 2.2 if sel else 1.4)
                if lod < 0.7 or fast:
                    pen.setCosmetic(True)
                    pen.setWidthF(2.0 if sel else 1.0)
                if dashed:
                    pen.setStyle(Qt.PenStyle.DashLine)
                pens[(sel, dashed)] = pen
        return pens

    def paint(
        self,
        painter: QPainter,
        exposed: QRectF,
        lod: float,
        floating: bool = False,
        areas: list[QRectF] | None = None,
    ) -> None:
        """Draws the links crossing ``exposed`` (scene coordinates), or only the ``areas``
        inside it that need it: the filed links, or with ``floating`` the dragged ones."""
        if self.hidden:
            return
        if floating:
            if self.floating:
                self._paint_each(painter, exposed, lod, set(self.floating))
            return
        m = max(12.0 / max(lod, 0.01), 64.0)  # room for arrowheads and labels
        if areas:  # the parts of a clip region in view (its other parts do not show)
            areas = [a.intersected(exposed) for a in areas if a.intersects(exposed)]
            if not areas:
                return
        cells: list[Cell] = []
        if self._pending:  # the links crossing what is painted: one look at all pending
            box = QRectF()
            for area in areas or [exposed]:
                box = box.united(area)
            self.settle(box.adjusted(-m, -m, m, m))
        for area in areas or [exposed]:
            cells += self._cells_in(area.adjusted(-m, -m, m, m))
        quick = self.quick
        if quick:  # zooming: links longer than FAR cells follow after a pause
            cells = [c for c in cells if c[0] == 0]
        if not cells:
            return
        if areas:
            cells = list(dict.fromkeys(cells))
        todo = [(cell, self._cell_paint(cell)) for cell in cells]
        count = sum(c.count for _, c in todo)
        t = self.theme
        painter.save()
        # while the user zooms, and in a hairball, lines are drawn without antialiasing
        # (2-3x cheaper); the view repaints with it once a gesture pauses
        smooth = not self.quick and count < 1500
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
        pens = self._pens(lod, fast=not smooth)
        # all pieces of one pen, then the next pen (selected links last, on top); Qt draws
        # lines about twice as fast under a rectangular clip than with none
        painter.setClipRect(exposed.adjusted(-m, -m, m, m), Qt.ClipOperation.IntersectClip)
        keys = sorted({key for _, cp in todo for key in cp.paths})
        for key in keys:
            if quick and key[2]:
                continue
            painter.setPen(pens[key[:2]])
            for (level, cx, cy), cp in todo:
                path = cp.paths.get(key)
                if path is None:
                    continue
                if key[1]:  # dashed: whole lines, clipped to their cell
                    size = CELL * COARSE**level
                    painter.save()
                    painter.setClipRect(
                        QRectF(cx * size, cy * size, size, size), Qt.ClipOperation.IntersectClip
                    )
                    painter.drawPath(path)
                    painter.restore()
                else:
                    painter.drawPath(path)
        if lod >= LOD_ARROWS:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(t.link)
            for _, cp in todo:
                if not cp.arrows.isEmpty():
                    painter.drawPath(cp.arrows)
        if lod >= LOD_LABELS and count < 1500 and not self.quick:  # many labels are noise
            self._paint_labels(painter, [lab for _, cp in todo for lab in cp.labels])
        painter.restore()

    def _paint_labels(self, painter: QPainter, labels: list[tuple[str, float, float]]) -> None:
        if not labels:
            return
        t = self.theme
        painter.setFont(self.label_font)
        h = self.label_fm.height() + 4
        for text, mx, my in labels:
            w = self.label_width(text) + 8
            r = QRectF(mx - w / 2, my - h / 2, w, h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(t.label_bg)
            painter.drawRoundedRect(r, 4, 4)
            painter.setPen(t.subtext)
            painter.drawText(r, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_each(self, painter: QPainter, exposed: QRectF, lod: float, ids: set[str]) -> None:
        """Draws a few links one by one (the dragged ones, above the cached background)."""
        painter.save()
        groups: dict[tuple[bool, bool], list[QLineF]] = {}
        arrows = QPainterPath()
        arrows.setFillRule(Qt.FillRule.WindingFill)
        labels: list[tuple[str, float, float]] = []
        m = 12.0 / max(lod, 0.01)
        left, top = exposed.left() - m, exposed.top() - m
        right, bottom = exposed.right() + m, exposed.bottom() + m
        # dashes keep their phase when a line is clipped: start on a whole dash period
        period = 6.0 * (1.0 / max(lod, 0.01) if lod < 0.7 else 1.4)
        for lid in ids:
            segs = self.geom.get(lid)
            if not segs:
                continue
            link = self.links[lid]
            dashed = link.mode == "async"
            bucket = groups.setdefault((lid in self.selected, dashed), [])
            for s in segs:
                c = clip(s, left, top, right, bottom)
                if c is None:
                    continue
                if dashed and c is not s:
                    length = math.hypot(s[2] - s[0], s[3] - s[1]) or 1.0
                    d0 = math.hypot(c[0] - s[0], c[1] - s[1])
                    back = (d0 - math.floor(d0 / period) * period) / length
                    c = (c[0] - back * (s[2] - s[0]), c[1] - back * (s[3] - s[1]), c[2], c[3])
                bucket.append(QLineF(c[0], c[1], c[2], c[3]))
            x2, y2 = segs[-1][2], segs[-1][3]
            if lod >= LOD_ARROWS and left <= x2 <= right and top <= y2 <= bottom:
                arrows.addPolygon(_arrowhead(segs))
            text = link.label or link.protocol
            label = self._label_of(lid, text, segs) if lod >= LOD_LABELS and text else None
            if label is not None:
                labels.append(label)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(ids) < 1500)
        pens = self._pens(lod)
        for key, lines in sorted(groups.items()):
            painter.setPen(pens[key])
            painter.drawLines(lines)
        if not arrows.isEmpty():
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.theme.link)
            painter.drawPath(arrows)
        self._paint_labels(painter, labels)
        painter.restore()


def _cell_rect(cell: Cell) -> QRectF:
    level, cx, cy = cell
    size = CELL * COARSE**level
    return QRectF(cx * size, cy * size, size, size)


class _CellPaint:
    """The drawing of one grid cell: paths per (selected, dashed, far) key, arrowheads,
    labels and the number of links filed there."""

    __slots__ = ("arrows", "count", "labels", "paths")

    def __init__(
        self,
        paths: dict[tuple[bool, bool, bool], QPainterPath],
        arrows: QPainterPath,
        labels: list[tuple[str, float, float]],
        count: int,
    ) -> None:
        self.paths = paths
        self.arrows = arrows
        self.labels = labels
        self.count = count
