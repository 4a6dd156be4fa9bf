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
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from archdesigner.model import catalog
from archdesigner.ui.theme import NODE_H, NODE_W

if TYPE_CHECKING:
    from archdesigner.ui.canvas.view import CanvasView

#: Milliseconds one slice of drawing may take before the event loop gets its turn.
SLICE_MS = 6.0
#: Milliseconds of quiet after an edit before the picture is redrawn.
QUIET_MS = 300
#: Margin around the design in the picture, in scene units.
MARGIN = 20.0


class Minimap(QWidget):
    """An overview of the whole design in the view's corner; click or drag to move there."""

    W, H = 200, 130

    def __init__(self, view: CanvasView) -> None:
        super().__init__(view)
        self.view = view
        self.setFixedSize(self.W, self.H)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.enabled_by_user = True
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
        """Moves to the view's corner; shown when the view does not show all the design."""
        self._design = self.view.design_scene.design_rect()
        self._place()

    def follow_view(self) -> None:
        """The view zoomed or scrolled: show or hide, and repaint the view's frame (the
        design's extent is the one of the last :meth:`place`: no walk over all nodes)."""
        self._place()
        self.update()

    def _place(self) -> None:
        vp = self.view.viewport().geometry()
        self.move(vp.right() - self.W - 12, vp.bottom() - self.H - 12)
        design = self._design
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        show = self.enabled_by_user and not design.isNull() and not visible.contains(design)
        self.setVisible(show)
        if show and self._stale and self._job is None and not self._timer.isActive():
            self._start()

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
        scene = self.view.design_scene
        theme = scene.theme
        where, scale, w, h = self._frame()
        img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(1.0)
        img.fill(Qt.GlobalColor.transparent)
        # what to draw, as it is now: later edits restart the drawing anyway
        segments = list(scene.links.geom.values())
        nodes = list(scene.pos_of.items())
        budget = self.slice_ms / 1000

        def painter() -> QPainter:
            p = QPainter(img)
            p.scale(scale, scale)
            p.translate(-where.topLeft())
            return p

        # Small batches, each drawn at once: the time of a slice counts the drawing (a
        # few thousand long lines take tens of ms to rasterize), not just their making.
        # Links without antialiasing (2-3x cheaper), nodes with it (they are specks).
        p = painter()
        try:
            link = QColor(theme.link)
            link.setAlpha(140)
            pen = QPen(link, 0)
            p.setPen(pen)
            start = time.perf_counter()
            lines: list[QLineF] = []
            for k, segs in enumerate(segments):
                lines.extend(QLineF(*s) for s in segs)
                if k % 64 == 63:
                    p.drawLines(lines)
                    lines = []
                    if time.perf_counter() - start > budget:
                        p.end()
                        yield True
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
                    self._draw_nodes(p, by_cat)
                    by_cat = {}
                    if time.perf_counter() - start > budget:
                        p.end()
                        yield True
                        p = painter()
                        p.setPen(Qt.PenStyle.NoPen)
                        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                        start = time.perf_counter()
            self._draw_nodes(p, by_cat)
        finally:
            if p.isActive():
                p.end()
        self._image = img
        self._pixmap = QPixmap.fromImage(img)
        self._where = where
        self.update()
        yield False

    def _draw_nodes(self, p: QPainter, by_cat: dict[str, list[QRectF]]) -> None:
        theme = self.view.design_scene.theme
        for cat, rects in by_cat.items():
            color = QColor(theme.category(cat))
            color.setAlpha(220)
            p.setBrush(color)
            p.drawRects(rects)

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
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._go(event.position().toPoint())
