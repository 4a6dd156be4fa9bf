"""The overview (minimap) in the canvas view's corner: the whole design, small.

Its picture is drawn by the minimap itself at the size it is shown, not shrunk from the
scene's large overview image: at 10,000 nodes that image took 100-190 ms to redraw, on the
UI thread, after every edit. The minimap's own picture is drawn in slices of a few
milliseconds each, between other events (a 0 ms timer), into a new image; the old picture
stays on screen until the new one is complete, so the overview never shows half a design.
Edits restart the drawing after a short quiet time, so a burst of edits draws it once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QLineF, QObject, QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsScene, QWidget

from archdesigner.model import catalog
from archdesigner.ui.theme import NODE_H, NODE_W, Theme

if TYPE_CHECKING:
    from archdesigner.ui.canvas.scene import DesignScene
    from archdesigner.ui.canvas.view import CanvasView

#: Milliseconds one slice of drawing may take before the event loop gets its turn.
SLICE_MS = 6.0
#: Milliseconds of quiet after an edit before the picture is redrawn.
QUIET_MS = 300
#: Margin around the design in the picture, in scene units.
MARGIN = 20.0
#: Milliseconds the view must rest before the minimap looks for a corner free of cards.
CORNER_PAUSE_MS = 120


class Minimap(QWidget):
    """An overview of the whole design in the view's corner; click or drag to move there."""

    W, H = 200, 130

    def __init__(self, view: CanvasView) -> None:
        super().__init__(view)
        self.view = view
        self.setFixedSize(self.W, self.H)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMouseTracking(True)
        self.enabled_by_user = True
        #: no corner of the view was free of cards: the minimap covers some (and steps
        #: aside while the pointer is over one of them, see :meth:`mouseMoveEvent`)
        self.covering = False
        #: stepped aside for the pointer (shown again once the pointer leaves its corner)
        self.ducked = False
        self.slice_ms = SLICE_MS
        #: the picture on screen: pixmap, and the scene rectangle it shows
        self._pixmap: QPixmap | None = None
        self._image: QImage | None = None
        self._where = QRectF()
        self._stale = True
        self._job: Iterator[bool] | None = None
        self._design = QRectF()
        #: slices the last finished drawing took (tests and benchmarks read it)
        self.slices = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(QUIET_MS)
        self._timer.timeout.connect(self.refresh)
        self._slicer = QTimer(self)
        self._slicer.setInterval(0)
        self._slicer.timeout.connect(self._step)
        #: while the view scrolls or zooms, the corner is chosen again once it pauses
        self._corner_timer = QTimer(self)
        self._corner_timer.setSingleShot(True)
        self._corner_timer.setInterval(CORNER_PAUSE_MS)
        self._corner_timer.timeout.connect(lambda: self._place(True))
        view.editor.document_reset.connect(self._reset)
        self.place()

    # --- when to draw --------------------------------------------------------------------
    def schedule(self) -> None:
        """The document changed: redraw after a quiet time."""
        self._stale = True
        self._timer.start()

    def redraw(self) -> None:
        """Something other than the document changed (the theme): redraw soon."""
        self._stale = True
        self.refresh()

    def refresh(self) -> None:
        self.place()
        if self._stale and self.isVisible():
            self._start()
        self.update()

    def _reset(self) -> None:
        # a new document: the old picture shows a different design, drop it now
        self._pixmap = None
        self._image = None
        self._job = None
        self._slicer.stop()
        self._stale = True

    @property
    def drawing(self) -> bool:
        """True while a new picture is being drawn (or waits for the quiet time)."""
        return self._job is not None or (self._stale and self._timer.isActive())

    def picture(self) -> tuple[QImage | None, QRectF]:
        """The picture on screen and the scene rectangle it covers."""
        return self._image, QRectF(self._where)

    def place(self) -> None:
        """Moves to a corner of the view; shown when the view does not show all the design."""
        self._design = self.view.design_scene.design_rect()
        self._place(True)

    def follow_view(self) -> None:
        """The view zoomed or scrolled: show or hide, and repaint the view's frame (the
        design's extent is the one of the last :meth:`place`: no walk over all nodes)."""
        self._place(False)
        self.update()

    def _place(self, corner_now: bool = True) -> None:
        design = self._design
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        show = self.enabled_by_user and not design.isNull() and not visible.contains(design)
        if show:
            if corner_now or not self.isVisible():
                self._corner_timer.stop()
                corner, self.covering = self._corner()
                self.move(corner)
            else:  # scrolling: a few ms of looking for cards per step is too much
                self._corner_timer.start()
            show = not self.ducked
        self.setVisible(show)
        if show and self._stale and self._job is None and not self._timer.isActive():
            self._start()

    def corners(self) -> list[QPoint]:
        """Where the minimap may go, in the order tried: bottom right, top right, bottom
        left, top left of the view (its top-left corner, in view coordinates)."""
        vp = self.view.viewport().geometry()
        m = 12
        right, bottom = vp.right() - self.W - m, vp.bottom() - self.H - m
        left, top = vp.left() + m, vp.top() + m
        return [QPoint(right, bottom), QPoint(right, top), QPoint(left, bottom), QPoint(left, top)]

    def cards_under(self, corner: QPoint) -> list[str]:
        """The cards the minimap would cover at ``corner`` (view coordinates)."""
        view = self.view
        at = view.viewport().mapFrom(view, corner)
        rect = view.mapToScene(at.x() - 4, at.y() - 4, self.W + 8, self.H + 8).boundingRect()
        return view.design_scene.cards_in(rect)

    def _corner(self) -> tuple[QPoint, bool]:
        """The first corner that covers no card, else the one covering fewest (and True)."""
        best: tuple[int, QPoint] | None = None
        for corner in self.corners():
            n = len(self.cards_under(corner))
            if n == 0:
                return corner, False
            if best is None or n < best[0]:
                best = (n, corner)
        assert best is not None
        return best[1], True

    def _card_under_pointer(self, pos: QPoint) -> bool:
        view = self.view
        at = view.viewport().mapFrom(view, self.mapTo(view, pos))
        point = view.mapToScene(at)
        return bool(view.design_scene.cards_in(QRectF(point.x() - 1, point.y() - 1, 2, 2)))

    def pointer_moved(self, view_pos: QPoint) -> None:
        """The pointer moved over the view: a ducked minimap comes back once the pointer
        is clear of its corner."""
        if self.ducked and not self.geometry().adjusted(-16, -16, 16, 16).contains(view_pos):
            self.ducked = False
            self._place(True)

    # --- drawing in slices ---------------------------------------------------------------
    def _start(self) -> None:
        self._stale = False
        self._job = self._draw()
        self._slicer.start()

    def _step(self) -> None:
        job = self._job
        if job is None:
            self._slicer.stop()
            return
        self.slices += 1
        if not next(job, False):
            self._slicer.stop()
            self._job = None

    def _frame(self) -> tuple[QRectF, float, int, int]:
        """The scene rectangle to show, the scale, and the picture's size in pixels."""
        where = self.view.design_scene.design_rect()
        if where.isNull():
            where = QRectF(0, 0, 1, 1)
        where = where.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        s = min((self.W - 8) / where.width(), (self.H - 8) / where.height())
        dpr = self.devicePixelRatioF()
        w = max(1, math.ceil(where.width() * s * dpr))
        h = max(1, math.ceil(where.height() * s * dpr))
        return where, s * dpr, w, h

    def _draw(self) -> Iterator[bool]:
        """Draws the picture; yields True after each slice, then installs it."""
        where, scale, w, h = self._frame()
        for img in draw_design(self.view.design_scene, where, scale, w, h, self):
            if img is None:
                yield True
                continue
            self._image = img
            self._pixmap = QPixmap.fromImage(img)
            self._where = where
            self.update()
        yield False

    # --- showing -------------------------------------------------------------------------
    def _mapping(self) -> tuple[float, QPointF]:
        """Scale and offset from scene to minimap coordinates."""
        where = self._where if self._pixmap is not None else self._frame()[0]
        s = min((self.W - 8) / where.width(), (self.H - 8) / where.height())
        off = QPointF(
            (self.W - where.width() * s) / 2 - where.left() * s,
            (self.H - where.height() * s) / 2 - where.top() * s,
        )
        return s, off

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = self.view.design_scene.theme
        p = QPainter(self)
        p.fillRect(self.rect(), theme.card)
        s, off = self._mapping()
        if self._pixmap is not None:
            where = self._where
            target = QRectF(
                where.left() * s + off.x(),
                where.top() * s + off.y(),
                where.width() * s,
                where.height() * s,
            )
            p.drawPixmap(target, self._pixmap, QRectF(self._pixmap.rect()))
        elif self._job is None and not self._timer.isActive():
            self._stale = True  # nothing to show yet: draw it
            QTimer.singleShot(0, self.refresh)
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        vr = QRectF(
            visible.left() * s + off.x(),
            visible.top() * s + off.y(),
            visible.width() * s,
            visible.height() * s,
        )
        p.setPen(QPen(theme.selection, 1.5))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(vr.intersected(QRectF(self.rect()).adjusted(1, 1, -1, -1)))
        p.setPen(QPen(theme.card_border, 1))
        p.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        p.end()

    def _go(self, pos: QPoint) -> None:
        s, off = self._mapping()
        self.view.centerOn(QPointF((pos.x() - off.x()) / s, (pos.y() - off.y()) / s))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._go(event.position().toPoint())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._go(pos)
        elif self.covering and self._card_under_pointer(pos):
            # it hides a card the pointer is over: step aside until the pointer leaves
            self.ducked = True
            self.hide()


class _Budget(Protocol):
    slice_ms: float


def draw_design(
    scene: DesignScene, where: QRectF, scale: float, w: int, h: int, budget: _Budget
) -> Iterator[QImage | None]:
    """Draws all links and nodes of ``scene`` inside ``where`` into a ``w`` x ``h`` image at
    ``scale`` pixels per scene unit. Yields None each time ``budget.slice_ms`` is used up
    (the caller lets the event loop run), then the finished image."""
    theme = scene.theme
    img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    img.setDevicePixelRatio(1.0)
    img.fill(Qt.GlobalColor.transparent)
    # what to draw, as it is now: later edits restart the drawing anyway
    segments = list(scene.links.geom.values())
    nodes = list(scene.pos_of.items())

    def painter() -> QPainter:
        p = QPainter(img)
        p.scale(scale, scale)
        p.translate(-where.topLeft())
        return p

    def spent() -> bool:
        return time.perf_counter() - start > budget.slice_ms / 1000

    # Small batches, each drawn at once: the time of a slice counts the drawing, not just
    # the making of the lines. Links without antialiasing (2-3x cheaper), nodes with it
    # (when small they are specks).
    p = painter()
    try:
        # an opaque pen: Qt's solid line path (a translucent one blends every pixel of every
        # line, 10x slower when thousands of lines run the length of the picture)
        link = QColor(theme.link)
        link.setAlpha(255)
        pen = QPen(link, 0)
        p.setPen(pen)
        start = time.perf_counter()
        lines: list[QLineF] = []
        for k, segs in enumerate(segments):
            lines.extend(QLineF(*s) for s in segs)
            if k % 64 == 63:
                p.drawLines(lines)
                lines = []
                if spent():
                    p.end()
                    yield None
                    p = painter()
                    p.setPen(pen)
                    start = time.perf_counter()
        p.drawLines(lines)
        p.setPen(Qt.PenStyle.NoPen)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        by_cat: dict[str, list[QRectF]] = {}
        kinds = scene.nodes
        category: dict[str, str] = {}
        for k, (nid, (x, y)) in enumerate(nodes):
            item = kinds.get(nid)
            if item is not None:
                kind = item.node.kind
                cat = category.get(kind)
                if cat is None:
                    info = catalog.kind_info(kind)
                    cat = category[kind] = info.category if info else ""
                by_cat.setdefault(cat, []).append(
                    QRectF(x - NODE_W / 2, y - NODE_H / 2, NODE_W, NODE_H)
                )
            if k % 256 == 255:
                _draw_nodes(p, by_cat, theme)
                by_cat = {}
                if spent():
                    p.end()
                    yield None
                    p = painter()
                    p.setPen(Qt.PenStyle.NoPen)
                    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                    start = time.perf_counter()
        _draw_nodes(p, by_cat, theme)
    finally:
        if p.isActive():
            p.end()
    yield img


def _draw_nodes(p: QPainter, by_cat: dict[str, list[QRectF]], theme: Theme) -> None:
    for cat, rects in by_cat.items():
        color = QColor(theme.category(cat))
        color.setAlpha(220)
        p.setBrush(color)
        p.drawRects(rects)


class _Unlimited:
    slice_ms = math.inf


class OverviewPicture(QObject):
    """The picture the view shows instead of cards and links when zoomed far out.

    Drawn at once when the view first needs it (a zoom step); after an edit the previous
    picture stays on screen while the new one is drawn in slices (as for the minimap), then
    the view's background is refreshed. At 10,000 nodes the scene's own overview image took
    100-190 ms to redraw after every edit, on the UI thread.
    """

    #: Longest side of the picture, in pixels.
    MAX_PX = 2048

    def __init__(self, view: CanvasView) -> None:
        super().__init__(view)
        self.view = view
        self.slice_ms = SLICE_MS
        self._image: QImage | None = None
        self._where = QRectF()
        self._stale = False
        self._job: Iterator[QImage | None] | None = None
        self._job_where = QRectF()
        # Where the picture changes, so that only that part of the view is repainted when
        # a new picture replaces the old one (at 10,000 nodes in view, a full repaint of the
        # cards' badges costs a few hundred ms): positions and link lines as last seen,
        # and the area touched by edits since (None: all of it).
        self._pos: dict[str, tuple[float, float]] = {}
        self._geom: dict[str, Any] = {}
        self._dirty: QRectF | None = QRectF()
        self._job_dirty: QRectF | None = QRectF()
        self._mirror()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(QUIET_MS // 2)
        self._timer.timeout.connect(self._start)
        self._slicer = QTimer(self)
        self._slicer.setInterval(0)
        self._slicer.timeout.connect(self._step)
        editor = view.editor
        editor.nodes_changed.connect(self._nodes_changed)
        editor.links_changed.connect(self._links_changed)
        editor.document_changed.connect(self.schedule)
        editor.document_reset.connect(self.drop)

    @property
    def drawing(self) -> bool:
        return self._job is not None or self._timer.isActive()

    def schedule(self) -> None:
        """The document changed: while the view shows the overview, redraw after a pause;
        otherwise when it is next shown."""
        self._stale = True
        if self.view.design_scene.overview:
            self._timer.start()

    def drop(self) -> None:
        """A new document or theme: the picture is drawn afresh when next needed."""
        self._mirror()
        self._image = None
        self._job = None
        self._slicer.stop()
        self._timer.stop()

    def picture(self) -> tuple[QImage, QRectF]:
        """The picture to show and the scene rectangle it covers."""
        if self._image is None or (self._stale and not self.drawing):
            self.view.design_scene.links.file_all()  # all of the design is in view
            where, scale, w, h = self._frame()
            for img in draw_design(self.view.design_scene, where, scale, w, h, _Unlimited()):
                if img is not None:
                    self._image, self._where = img, where
            self._stale = False
            if self._dirty is None:
                self._mirror()
            self._dirty = QRectF()  # the picture shows every edit so far
        assert self._image is not None
        return self._image, QRectF(self._where)

    def _frame(self) -> tuple[QRectF, float, int, int]:
        where = self.view.design_scene.design_rect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        if where.isNull():
            where = QRectF(0, 0, 1, 1)
        scale = min(0.25, self.MAX_PX / where.width(), self.MAX_PX / where.height())
        w = max(1, int(where.width() * scale))
        h = max(1, int(where.height() * scale))
        return where, scale, w, h

    # --- what changed ---------------------------------------------------------------------
    def _mirror(self) -> None:
        scene = self.view.design_scene
        self._pos = dict(scene.pos_of)
        self._geom = dict(scene.links.geom)
        self._dirty = None

    def _touch(self, rect: QRectF) -> None:
        if self._dirty is not None:
            self._dirty = rect if self._dirty.isNull() else self._dirty.united(rect)

    def _touch_link(self, lid: str) -> None:
        current = self.view.design_scene.links.geom.get(lid)
        for segs in (self._geom.get(lid), current):
            for x1, y1, x2, y2 in segs or ():
                self._touch(QRectF(QPointF(x1, y1), QPointF(x2, y2)).normalized())
        if current is None:
            self._geom.pop(lid, None)
        else:
            self._geom[lid] = current

    def _nodes_changed(self, ids: set[str]) -> None:
        if len(ids) > 500 or self._dirty is None:
            self._mirror()
            return
        scene = self.view.design_scene
        for nid in ids:
            new = scene.pos_of.get(nid)
            for pos in (self._pos.get(nid), new):
                if pos is not None:
                    x, y = pos
                    self._touch(QRectF(x - NODE_W / 2, y - NODE_H / 2, NODE_W, NODE_H))
            if new is None:
                self._pos.pop(nid, None)
            else:
                self._pos[nid] = new
            for lid in scene.links.by_node.get(nid, ()):
                self._touch_link(lid)

    def _links_changed(self, ids: set[str]) -> None:
        if len(ids) > 500 or self._dirty is None:
            self._mirror()
            return
        for lid in ids:
            self._touch_link(lid)

    # --- drawing in slices ---------------------------------------------------------------
    def _start(self) -> None:
        self._stale = False
        # the picture begun now shows the edits so far; later ones are for the next one
        if self._dirty is None or self._job_dirty is None:
            self._job_dirty = None
        elif not self._dirty.isNull():
            d = self._dirty
            self._job_dirty = d if self._job_dirty.isNull() else self._job_dirty.united(d)
        self._dirty = QRectF()
        where, scale, w, h = self._frame()
        self._job = draw_design(self.view.design_scene, where, scale, w, h, self)
        self._job_where = where
        self._slicer.start()

    def _step(self) -> None:
        job = self._job
        if job is None:
            self._slicer.stop()
            return
        img = next(job, None)
        if img is None:
            return
        self._slicer.stop()
        self._job = None
        same_frame = self._job_where == self._where
        self._image, self._where = img, self._job_where
        dirty, self._job_dirty = self._job_dirty, QRectF()
        scene = self.view.design_scene
        if not scene.overview:
            return
        if dirty is None or not same_frame:
            scene.invalidate(scene.sceneRect(), QGraphicsScene.SceneLayer.BackgroundLayer)
        elif not dirty.isNull():
            pad = 4 / self._scale_of(self._where)  # a few pixels of the picture
            area = dirty.adjusted(-pad, -pad, pad, pad)
            scene.invalidate(area, QGraphicsScene.SceneLayer.BackgroundLayer)

    def _scale_of(self, where: QRectF) -> float:
        return min(0.25, self.MAX_PX / where.width(), self.MAX_PX / where.height())
