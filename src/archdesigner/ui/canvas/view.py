"""The canvas view: zoom, pan, grid, overview picture when zoomed out, drops from the
palette, keyboard nudges, and the tool interactions."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QLineF,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsItem, QGraphicsView, QWidget

from archdesigner.model.design import nodes_in_groups
from archdesigner.model.edits import AddNode, EditError, MoveNodes
from archdesigner.ui import operations as ops
from archdesigner.ui.canvas import tools
from archdesigner.ui.canvas.items import GroupItem, NodeItem
from archdesigner.ui.canvas.minimap import Minimap, OverviewPicture
from archdesigner.ui.canvas.scene import DesignScene
from archdesigner.ui.commands import NUDGE_ID
from archdesigner.ui.editor import Editor
from archdesigner.ui.theme import GRID, GROUP_HEADER, current_theme

MIME_KIND = "application/x-archdesigner-kind"
ZOOM_MIN, ZOOM_MAX = 0.1, 4.0
#: Below this zoom the view shows the cached overview picture instead of node items.
OVERVIEW_SCALE = 0.22
#: The first view of a design keeps the smallest text on cards and links at least this
#: many pixels tall (fitting the design matters less than reading it).
READABLE_PX = 9.0
#: The smallest text on cards and links, in scene units at text scale 1.0 (badges and
#: link labels are 10 px).
SMALLEST_TEXT = 10.0


class CanvasView(QGraphicsView):
    zoom_changed = Signal(float)
    mode_changed = Signal(str)

    def __init__(self, scene: DesignScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.design_scene = scene
        self.editor: Editor = scene.editor
        self.snap_to_grid = True
        self.show_grid = True
        self.mode = "select"  # select | link | group
        self.interaction: tools.Interaction | None = None
        self._pan: tools.Pan | None = None
        self._space = False
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # the grid and every link are drawn in the background, cached in one pixmap: a
        # repaint that changes no link is a blit (see canvas/links.py)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setMouseTracking(True)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.minimap = Minimap(self)
        #: what the view shows when zoomed far out (redrawn in slices after edits)
        self.overview = OverviewPicture(self)
        self._gesture_cards: list[NodeItem] = []
        self._quick_timer = QTimer(self)
        self._quick_timer.setSingleShot(True)
        self._quick_timer.setInterval(200)
        self._quick_timer.timeout.connect(self._quick_done)
        self.editor.focus_requested.connect(self.focus_item)
        #: the view shows a design as it was opened (see :meth:`show_design`) and follows
        #: the viewport's size (docks settling) until the user zooms or scrolls
        self.initial_view = False
        self._fitting = False
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._show_design_again)
        self.editor.document_reset.connect(lambda: QTimer.singleShot(0, self, self.show_design))
        self.editor.document_changed.connect(self.minimap.schedule)
        scene.links.filed_listeners.append(self._links_filed)
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):  # Qt 6.5+
            hints.colorSchemeChanged.connect(self.follow_system_theme)

    def _links_filed(self) -> None:
        """Every link of a large design is filed now (see LinkLayer.settle): the pictures
        of the whole design, begun with some of them, are drawn again."""
        self.overview.drop()
        self.minimap.redraw()
        if self.design_scene.overview:
            self.resetCachedContent()
            self.viewport().update()

    # --- light and dark ------------------------------------------------------------------
    def follow_system_theme(self, *_: object) -> None:
        """The system switched between light and dark (or the palette changed): the canvas
        follows, unless it was given a theme of its own."""
        s = self.design_scene
        if not s.follows_system:
            return
        theme = current_theme()
        if theme is not s.theme:
            s.set_theme(theme)
            self.overview.drop()
            self.resetCachedContent()
            self.viewport().update()
            self.minimap.redraw()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.follow_system_theme()

    # --- zoom ----------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, z: float, *, fitting: bool = False) -> None:
        """Zooms to ``z`` (10% to 400%; fitting a huge design may go further out)."""
        low = min(ZOOM_MIN, z) if fitting else min(ZOOM_MIN, self.zoom())
        z = max(low, min(ZOOM_MAX, z))
        f = z / self.zoom()
        if abs(f - 1) > 1e-9:
            self.scale(f, f)
        self._zoomed()

    def zoom_by(self, factor: float) -> None:
        """A zoom step of the user (wheel, keys). While the steps go on, links are drawn
        without antialiasing and without the longest ones, and the cards in view keep one
        picture each, scaled at every step; all is drawn crisply once the steps pause."""
        self.initial_view = False
        links = self.design_scene.links
        if not links.quick:
            links.quick = True
            self._cards_for_gesture()
            # the card pictures are scaled without filtering (3x cheaper) until the pause
            self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        self._quick_timer.start()
        self.set_zoom(self.zoom() * factor)

    def _cards_for_gesture(self) -> None:
        s = self.design_scene
        if s.overview:
            return
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        w, h = visible.width(), visible.height()
        area = visible.adjusted(-w / 2, -h / 2, w / 2, h / 2)  # room to zoom out
        # the pictures' resolution: the next power of two above the zoom (text stays sharp
        # while zooming in by up to 2x; zooming out only shrinks them)
        z = self.zoom() * self.devicePixelRatioF()
        scale = min(8.0, 2.0 ** math.ceil(math.log2(max(z, 0.125))))
        items = [i for i in s.items(area) if isinstance(i, NodeItem)]
        if not items or len(items) > 2000:  # far out: the device cache is as cheap
            return
        bounds = items[0].boundingRect()
        size = QSize(math.ceil(bounds.width() * scale), math.ceil(bounds.height() * scale))
        for item in items:
            item.setCacheMode(QGraphicsItem.CacheMode.ItemCoordinateCache, size)
        self._gesture_cards = items

    def _quick_done(self) -> None:
        self.design_scene.links.quick = False
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.minimap.follow_view()
        cards, self._gesture_cards = self._gesture_cards, []
        for item in cards:
            if item.scene() is self.design_scene:  # not removed meanwhile
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.resetCachedContent()
        self.viewport().update()

    def fit_rect(self, rect: QRectF) -> None:
        if rect.isNull():
            return
        rect = rect.adjusted(-40, -40, 40, 40)
        vp = self.viewport().rect()
        z = min(vp.width() / rect.width(), vp.height() / rect.height())
        self._fitting = True
        try:
            self.set_zoom(z, fitting=True)
            self.centerOn(rect.center())
        finally:
            self._fitting = False

    def fit_all(self) -> None:
        """View > Fit Design: all of the design, however small that makes it."""
        self.initial_view = False
        rect = self.design_scene.design_rect()
        if rect.isNull():
            self.set_zoom(1.0)
            self.centerOn(0, 0)
        else:
            self.fit_rect(rect)
            if self.zoom() > 1.0:
                self._fitting = True
                self.set_zoom(1.0)
                self.centerOn(rect.center())
                self._fitting = False

    def readable_zoom(self) -> float:
        """The lowest zoom at which the smallest text is READABLE_PX pixels tall."""
        return READABLE_PX / (SMALLEST_TEXT * self.design_scene.text_scale)

    def text_px(self) -> float:
        """How tall the smallest text on cards and links is on screen, in pixels."""
        return SMALLEST_TEXT * self.design_scene.text_scale * self.zoom()

    def show_design(self) -> bool:
        """The first view of a design: all of it when it fits with readable text (at most
        100%), else readable text from the design's top-left corner (where the entry points
        of a left-to-right design are), said in the status bar. Returns whether all of the
        design is in view. The view follows size changes until the user zooms or scrolls."""
        rect = self.design_scene.design_rect()
        if rect.isNull():
            self.fit_all()
            return True
        margin = rect.adjusted(-40, -40, 40, 40)
        vp = self.viewport().rect()
        fit = min(vp.width() / margin.width(), vp.height() / margin.height(), 1.0)
        readable = self.readable_zoom()
        z = max(fit, readable)
        self._fitting = True
        try:
            self.set_zoom(z)
            shown = self.mapToScene(vp).boundingRect()
            w, h = shown.width(), shown.height()
            # centred along an axis where it fits, else from its left or top edge
            cx = margin.center().x() if w >= margin.width() else margin.left() + w / 2
            cy = margin.center().y() if h >= margin.height() else margin.top() + h / 2
            self.centerOn(cx, cy)
        finally:
            self._fitting = False
        self.initial_view = True
        fits = fit >= readable
        if not fits and not self._refit_pending:
            n = len(self.design_scene.nodes)
            self.editor.message.emit(
                f"Shown at {z * 100:.0f}% so that text stays readable; "
                f"View > Fit Design (Ctrl+1) shows all {n} components"
            )
        self.minimap.place()
        return fits

    _refit_pending = False

    def _show_design_again(self) -> None:
        if self.initial_view:
            self._refit_pending = True
            try:
                self.show_design()
            finally:
                self._refit_pending = False

    def fit_selection(self) -> None:
        s = self.design_scene
        rect = QRectF()
        for item in s.selectedItems():
            r = item.sceneBoundingRect()
            rect = r if rect.isNull() else rect.united(r)
        for lid in s.links.selected:
            r = s.links.link_rect(lid)
            rect = r if rect.isNull() else rect.united(r)
        if rect.isNull():
            self.fit_all()
        else:
            self.fit_rect(rect)

    def _zoomed(self) -> None:
        self.design_scene.set_overview(self.zoom() < OVERVIEW_SCALE)
        self.zoom_changed.emit(self.zoom())
        if not self.design_scene.links.quick:  # while zooming, it follows after the pause
            self.minimap.follow_view()

    def focus_item(self, kind: str, item_id: str) -> None:
        self.initial_view = False
        s = self.design_scene
        if kind == "node" and item_id in s.nodes:
            s.select([item_id])
            if self.zoom() < 0.6:
                self.set_zoom(1.0)
            self.centerOn(s.nodes[item_id])
        elif kind == "link" and item_id in s.links.links:
            s.select(links=[item_id])
            if self.zoom() < 0.6:
                self.set_zoom(1.0)
            self.centerOn(s.links.link_rect(item_id).center())
        elif kind == "group" and item_id in s.groups:
            s.select(groups=[item_id])
            self.fit_rect(s.groups[item_id].frame)

    def set_mode(self, mode: str) -> None:
        if self.interaction is not None:
            self.interaction.cancel()
            self.interaction = None
        self.mode = mode
        self.viewport().setCursor(
            Qt.CursorShape.CrossCursor if mode != "select" else Qt.CursorShape.ArrowCursor
        )
        self.mode_changed.emit(mode)

    # --- painting ------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        rect = QRectF(rect)
        s = self.design_scene
        if s.overview:
            painter.fillRect(rect, s.theme.canvas)
            img, where = self.overview.picture()
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(where, img)
            s.draw_groups(painter, rect, self.zoom())
            return
        # Qt may ask for far more than the device shows (after a new document it passed
        # 20,000,000 units square: ten seconds of grid lines); draw only what can show
        device = painter.device()
        back, ok = painter.worldTransform().inverted()
        if device is not None and ok:
            shows = back.mapRect(QRectF(0, 0, device.width(), device.height()))
            rect = rect.intersected(shows.adjusted(-2, -2, 2, 2))
            if rect.isEmpty():
                return
        region = painter.clipRegion() if painter.hasClipping() else None
        n = region.rectCount() if region is not None else 0
        if region is None or n <= 1 or not isinstance(painter.device(), QPixmap):
            # on screen, or one rectangle: draw under the clip as it is
            areas = [QRectF(r) for r in region] if region is not None and 0 < n <= 64 else None  # type: ignore[attr-defined]
            self._paint_background(painter, rect, areas)
            return
        # Into the cached background with a clip of many rectangles (the pieces along a
        # link that changed): Qt would clip every span of every line against the region.
        # Redraw a few rectangles, or their bounding rectangle, under plain rectangular
        # clips instead; outside the region the cache just gets the same pixels again.
        passes = [QRectF(r) for r in region] if n <= 8 else [QRectF(region.boundingRect())]  # type: ignore[attr-defined]
        for area in passes:
            area = area.adjusted(-1, -1, 1, 1)
            painter.save()
            painter.setClipRect(area, Qt.ClipOperation.ReplaceClip)
            self._paint_background(painter, area, None)
            painter.restore()

    def _paint_background(
        self, painter: QPainter, rect: QRectF, areas: list[QRectF] | None
    ) -> None:
        """Canvas colour, grid, group frames and links of ``rect`` (or of the ``areas``
        inside it, for links)."""
        s = self.design_scene
        tint, frames = self._covering_frames(rect)
        painter.fillRect(rect, tint(s.theme.canvas))
        if self.show_grid:
            self._draw_grid(painter, rect, tint)
        lod = self.zoom()
        for item in frames:
            item.draw_frame(painter, lod)
        s.links.note_view(self.mapToScene(self.viewport().rect()).boundingRect())
        s.links.paint(painter, rect, lod, areas=areas)

    def _covering_frames(self, rect: QRectF) -> tuple[Callable[[QColor], QColor], list[GroupItem]]:
        """Group frames to draw in ``rect``, outermost first, and a tint for the rest: a
        frame that covers all of ``rect`` (border and title outside it) only tints it, so
        its translucent fill is mixed into the colours once instead of blended over every
        pixel (a zone spanning a large design covers every zoomed-in view)."""
        s = self.design_scene
        t = s.theme
        fills: list[QColor] = []
        frames: list[GroupItem] = []
        for item in sorted(s.groups.values(), key=lambda g: g.zValue()):
            if not item.isVisible() or not item.frame.intersects(rect):
                continue
            inner = item.frame.adjusted(16, GROUP_HEADER + 4, -16, -16)
            if frames or not inner.contains(rect):
                frames.append(item)
            else:
                fills.append(t.frame_fill(item.model.kind))

        def tint(color: QColor) -> QColor:
            r, g, b = color.redF(), color.greenF(), color.blueF()
            for f in fills:
                a = f.alphaF()
                r = r * (1 - a) + f.redF() * a
                g = g * (1 - a) + f.greenF() * a
                b = b * (1 - a) + f.blueF() * a
            return QColor.fromRgbF(r, g, b, color.alphaF())

        return tint, frames

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        s = self.design_scene
        if s.links.floating:
            s.links.paint(painter, QRectF(rect), self.zoom(), floating=True)
        if not s.nodes and not s.groups:
            self._draw_empty_hint(painter)

    EMPTY_HINT = "Drag a component from the palette, or File > Import a compose file"

    def _draw_empty_hint(self, painter: QPainter) -> None:
        """What to do on an empty canvas, in the middle of the view (screen pixels)."""
        painter.save()
        painter.resetTransform()
        font = painter.font()
        font.setPixelSize(15)
        painter.setFont(font)
        painter.setPen(self.design_scene.theme.subtext)
        painter.drawText(
            QRectF(self.viewport().rect()), Qt.AlignmentFlag.AlignCenter, self.EMPTY_HINT
        )
        painter.restore()

    def _draw_grid(
        self, painter: QPainter, rect: QRectF, tint: Callable[[QColor], QColor] | None = None
    ) -> None:
        s = self.design_scene
        tint = tint or (lambda c: c)
        painter.save()
        step = GRID
        z = self.zoom()
        while step * z < 14:
            step *= 5
        left = math.floor(rect.left() / step) * step
        top = math.floor(rect.top() / step) * step
        minor: list[QLineF] = []
        major: list[QLineF] = []
        x = left
        while x <= rect.right():
            (major if round(x / step) % 5 == 0 else minor).append(
                QLineF(x, rect.top(), x, rect.bottom())
            )
            x += step
        y = top
        while y <= rect.bottom():
            (major if round(y / step) % 5 == 0 else minor).append(
                QLineF(rect.left(), y, rect.right(), y)
            )
            y += step
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        tr = painter.worldTransform()
        if tr.isRotating():
            pen = QPen(tint(s.theme.grid), 0)
            painter.setPen(pen)
            painter.drawLines(minor)
            pen.setColor(tint(s.theme.grid_major))
            painter.setPen(pen)
            painter.drawLines(major)
            painter.restore()
            return
        # one-pixel rectangles in device pixels: filled spans, several times cheaper than
        # lines through the stroker
        dev = tr.mapRect(rect).toAlignedRect()
        painter.resetTransform()
        painter.setPen(Qt.PenStyle.NoPen)
        for lines, color in ((minor, s.theme.grid), (major, s.theme.grid_major)):
            rects = []
            for ln in lines:
                if ln.x1() == ln.x2():
                    x = math.floor(tr.m11() * ln.x1() + tr.dx())
                    rects.append(QRect(x, dev.top(), 1, dev.height()))
                else:
                    y = math.floor(tr.m22() * ln.y1() + tr.dy())
                    rects.append(QRect(dev.left(), y, dev.width(), 1))
            painter.setBrush(tint(color))
            painter.drawRects(rects)
        painter.restore()

    # --- mouse ---------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = self.mapToScene(event.position().toPoint())
        if event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and self._space
        ):
            self._pan = tools.Pan(self, event.position())
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.interaction = tools.press(self, pos, shift)
        if self.interaction is not None:
            self.viewport().setCursor(self.interaction.cursor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.minimap.pointer_moved(self.viewport().mapToParent(event.position().toPoint()))
        if self._pan is not None:
            self._pan.move_view(event.position())
            return
        if self.interaction is not None:
            self.interaction.move(self.mapToScene(event.position().toPoint()))
            return
        super().mouseMoveEvent(event)  # hover and tooltips

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan is not None:
            self._pan = None
            self._restore_cursor()
            return
        if self.interaction is not None and event.button() == Qt.MouseButton.LeftButton:
            interaction, self.interaction = self.interaction, None
            interaction.finish(self.mapToScene(event.position().toPoint()))
            self._restore_cursor()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.mousePressEvent(event)

    def _restore_cursor(self) -> None:
        if self._space:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif self.mode != "select":
            self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.viewport().unsetCursor()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y()
        if delta == 0:
            super().wheelEvent(event)
            return
        self.zoom_by(math.pow(1.0015, delta))

    # --- keyboard ------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if key == Qt.Key.Key_Escape:
            if self.interaction is not None:
                self.interaction.cancel()
                self.interaction = None
                self._restore_cursor()
            elif self.mode != "select":
                self.set_mode("select")
            else:
                self.design_scene.clear_all()
            return
        arrows: dict[int, tuple[int, int]] = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        key = int(key.value) if hasattr(key, "value") else int(key)
        arrows = {int(k.value): v for k, v in arrows.items()}  # type: ignore[attr-defined]
        if key in arrows and self.interaction is None:
            self.nudge(
                *arrows[key], big=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            )
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self._restore_cursor()
            return
        super().keyReleaseEvent(event)

    def nudge(self, dx: int, dy: int, big: bool = False) -> None:
        """Moves the selection by one grid step (five with Shift); repeats merge into one
        undo step."""
        s = self.design_scene
        ids = set(s.selected_nodes()) | nodes_in_groups(self.editor.design, s.selected_groups())
        if not ids:
            return
        step = GRID * (5 if big else 1)
        positions = {
            nid: (s.pos_of[nid][0] + dx * step, s.pos_of[nid][1] + dy * step) for nid in ids
        }
        self.editor.try_apply(MoveNodes(positions, "Nudge"), merge_id=NUDGE_ID)

    # --- drops from the palette ----------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(MIME_KIND):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(MIME_KIND):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData()
        if not data.hasFormat(MIME_KIND):
            event.ignore()
            return
        kind = bytes(data.data(MIME_KIND).data()).decode("utf-8")
        pos = self.mapToScene(event.position().toPoint())
        if self.add_node(kind, pos):
            event.acceptProposedAction()

    def add_node(self, kind: str, pos: QPointF | None = None) -> str | None:
        """Adds a node of ``kind`` at ``pos`` (default: the centre of the view), selects it."""
        if pos is None:
            pos = self.mapToScene(self.viewport().rect().center())
        x, y = pos.x(), pos.y()
        if self.snap_to_grid:
            x, y = tools.snap(x), tools.snap(y)
        s = self.design_scene
        group = s.group_at(QRectF(x - 1, y - 1, 2, 2))
        node = ops.new_node(self.editor.design, kind, x, y, group=group)
        try:
            self.editor.apply(AddNode(node))
        except EditError as exc:
            self.editor.message.emit(str(exc))
            return None
        s.select([node.id])
        self.setFocus()
        return node.id

    def resizeEvent(self, event: QResizeEvent) -> None:
        fitting, self._fitting = self._fitting, True  # Qt's own scrolling: not the user's
        try:
            super().resizeEvent(event)
        finally:
            self._fitting = fitting
        self.minimap.place()
        if self.initial_view:
            self._refit.start()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self.scene() is None:  # the scene is being destroyed (at exit): nothing to follow
            return
        if not self._fitting and not self._refit.isActive():
            self.initial_view = False  # the user scrolled: the view stays where it is
        self.minimap.follow_view()
