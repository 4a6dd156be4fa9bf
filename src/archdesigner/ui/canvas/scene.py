"""The scene: items built from the editor's document, kept in step through its signals."""

from __future__ import annotations

import gc

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from archdesigner import geometry
from archdesigner.io.load import gc_paused
from archdesigner.model import catalog
from archdesigner.model.design import Node, group_chain
from archdesigner.ui.canvas.items import CardFonts, GroupItem, NodeItem, card_fonts
from archdesigner.ui.canvas.links import LinkLayer
from archdesigner.ui.canvas.routes import LABEL_CHAR, ROUTE_LIMIT, STYLES, RouteService
from archdesigner.ui.editor import Editor
from archdesigner.ui.theme import GROUP_HEADER, GROUP_PAD, NODE_H, NODE_W, Theme, current_theme

#: Size of the frame of an empty group that has no stored geometry.
EMPTY_FRAME = (280.0, 160.0)


def stored_frame(properties: dict[str, object]) -> QRectF | None:
    """The frame stored for an empty group (``properties["canvas"]``, see
    :func:`archdesigner.geometry.stored_frame`), or None when absent or unusable."""
    frame = geometry.stored_frame(properties)
    return None if frame is None else QRectF(*frame)


#: Above this many nodes, what a rebuild makes is moved out of the collector's way.
LARGE = 2000
#: Longest side of the overview picture drawn when zoomed far out.
OVERVIEW_MAX_PX = 2048
SCENE_MARGIN = 2000.0


class DesignScene(QGraphicsScene):
    #: nodes, links or groups selected or unselected
    selection_changed = Signal()
    #: the view switched between cards (False) and the overview picture (True)
    overview_toggled = Signal(bool)

    def __init__(self, editor: Editor, theme: Theme | None = None) -> None:
        super().__init__()
        self.editor = editor
        self.theme = theme or current_theme()
        #: an explicit theme (render --theme) stays; otherwise the system's is followed
        self.follows_system = theme is None
        self.nodes: dict[str, NodeItem] = {}
        self.groups: dict[str, GroupItem] = {}
        self.pos_of: dict[str, tuple[float, float]] = {}
        #: the nodes' centres' extent (x0, y0, x1, y1), None when pos_of changed since
        self._extent: tuple[float, float, float, float] | None = None
        self.members: dict[str | None, set[str]] = {}
        #: card and label fonts (View > Card Text Size)
        self.fonts: CardFonts = card_fonts()
        self.links = LinkLayer(self.theme, self._links_dirty, self)
        #: View > Link Style (see canvas/routes.py); the router starts with the first
        #: design small enough to route
        self.link_style = "orthogonal"
        self.router: RouteService | None = None
        self.overview = False
        self.dragging = False
        self._overview_img: QImage | None = None
        self._overview_rect = QRectF()
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.selectionChanged.connect(self.selection_changed)
        editor.document_reset.connect(self.rebuild)
        editor.nodes_changed.connect(self._on_nodes)
        editor.links_changed.connect(self._on_links)
        editor.groups_changed.connect(self._on_groups)
        editor.decorations_changed.connect(self._on_decorations)
        self.rebuild()

    # --- building ------------------------------------------------------------------------
    def rebuild(self) -> None:
        gc.unfreeze()  # the old document may be garbage now (see LintController)
        with gc_paused():  # tens of thousands of new objects: 2-4x faster without the GC
            self._rebuild()
        if len(self.nodes) > LARGE:
            # The document and its items live long: out of the collector's way. Otherwise
            # the first full collections after opening walk every object (1.3 million at
            # 50,000 nodes, ~0.5 s each, on the UI thread during the first paint).
            gc.freeze()

    def _rebuild(self) -> None:
        self.clearSelection()
        for item in [*self.nodes.values(), *self.groups.values()]:
            self.removeItem(item)
        self.nodes.clear()
        self.groups.clear()
        self.pos_of.clear()
        self._extent = None
        self.members.clear()
        design = self.editor.design
        n = len(design.nodes)
        # Qt picks a deep BSP tree for many items and then needs minutes for the first query
        self.setBspTreeDepth(6 if n > 2000 else 0)
        for g in design.groups:
            self._add_group_item(g.id)
        for node in design.nodes:
            self._add_node_item(node)
        self.links.rebuild(design.links, self.pos_of)
        self._reset_routes()
        self.invalidate(QRectF(-1e7, -1e7, 2e7, 2e7), QGraphicsScene.SceneLayer.ForegroundLayer)
        self._on_decorations(set(self.editor.decorations))
        self.refresh_groups()
        self._update_scene_rect()
        self.invalidate_overview()
        self.selection_changed.emit()

    def _add_node_item(self, node: Node) -> NodeItem:
        item = NodeItem(node, self.theme, self.fonts)
        self.nodes[node.id] = item
        self.pos_of[node.id] = (node.position.x, node.position.y)
        self._extent = None
        self.members.setdefault(node.group, set()).add(node.id)
        if self.overview:  # zoomed far out, the overview picture shows it
            item.setVisible(False)
        self.addItem(item)
        return item

    def _add_group_item(self, gid: str) -> None:
        group = self.editor.group(gid)
        if group is None:
            return
        item = GroupItem(group, self.theme, self.fonts)
        item.on_changed = self._frame_dirty
        self.groups[gid] = item
        self.addItem(item)

    def _links_dirty(self, rect: QRectF, foreground: bool) -> None:
        layer = (
            QGraphicsScene.SceneLayer.ForegroundLayer
            if foreground
            else QGraphicsScene.SceneLayer.BackgroundLayer
        )
        if rect.isNull():
            self.invalidate(QRectF(-1e7, -1e7, 2e7, 2e7), layer)
        else:
            self.invalidate(rect, layer)

    # --- link routes ---------------------------------------------------------------------
    def _box(self, nid: str) -> tuple[float, float, float, float] | None:
        p = self.pos_of.get(nid)
        return None if p is None else (p[0], p[1], NODE_W, NODE_H)

    def _reset_routes(self) -> None:
        """Routes every link anew (off the UI thread) when the design is small enough."""
        design = self.editor.design
        wanted = self.link_style != "straight" and 0 < len(design.nodes) <= ROUTE_LIMIT
        if not wanted:
            if self.router is not None:
                self.router.reset({}, {}, "straight")
            return
        if self.router is None:
            self.router = RouteService(self.links.apply_routes, self.links.flush_routes)
        boxes = {nid: (x, y, NODE_W, NODE_H) for nid, (x, y) in self.pos_of.items()}
        links = {lk.id: (lk.source, lk.target, lk.label or lk.protocol) for lk in design.links}
        self.router.reset(boxes, links, self.link_style, LABEL_CHAR * self.fonts.scale)

    def set_link_style(self, style: str) -> None:
        """ "orthogonal" (rounded corners), "spline" (wide curves) or "straight"."""
        if style not in STYLES or style == self.link_style:
            return
        self.link_style = style
        if style == "straight":
            self.links.apply_routes(
                (lid, key, [], None) for lid, (key, _pts, _l) in list(self.links.routed.items())
            )
            self.links.flush_routes()
        self._reset_routes()

    def stop_routing(self) -> None:
        """Ends the router's thread (the scene is going away)."""
        if self.router is not None:
            self.router.stop()
            self.router = None

    def routes_pending(self) -> bool:
        """Routes being computed, or arrived and not drawn yet."""
        return self.router is not None and (self.router.busy() or self.links.redraw_pending())

    def wait_for_routes(self, timeout: float = 30.0) -> bool:
        """Lets the router finish (for pictures and tests); False if it did not in time."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop

        deadline = QDeadlineTimer(int(timeout * 1000))
        while self.routes_pending():
            if deadline.hasExpired():
                return False
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if self.router is not None:
                self.router._collect()
        return True

    def _frame_dirty(self, rect: QRectF) -> None:
        self.invalidate(rect, QGraphicsScene.SceneLayer.BackgroundLayer)

    def begin_drag(self, node_ids: list[str]) -> None:
        """Nodes are about to move with the mouse: their links float above the background."""
        self.dragging = True
        self.links.float_links_of(node_ids)

    def end_drag(self) -> None:
        self.dragging = False
        self.links.land()
        self.refresh_groups()

    def cards_in(self, rect: QRectF) -> list[str]:
        """Ids of the cards that overlap ``rect`` (scene coordinates)."""
        hw, hh = NODE_W / 2, NODE_H / 2
        left, right = rect.left() - hw, rect.right() + hw
        top, bottom = rect.top() - hh, rect.bottom() + hh
        if self.overview:  # the cards are hidden (the view draws a picture): by position
            return [
                nid for nid, (x, y) in self.pos_of.items() if left < x < right and top < y < bottom
            ]
        out = []
        for item in self.items(rect.adjusted(-12, -12, 12, 12)):
            if isinstance(item, NodeItem):
                x, y = self.pos_of.get(item.node_id, (item.x(), item.y()))
                if left < x < right and top < y < bottom:
                    out.append(item.node_id)
        return out

    @property
    def text_scale(self) -> float:
        return self.fonts.scale

    def set_text_scale(self, scale: float) -> None:
        """Card text, group titles and link labels in fonts ``scale`` times the usual size
        (cards keep their size: long names wrap or are shortened sooner)."""
        if scale == self.fonts.scale:
            return
        self.fonts = card_fonts(scale)
        for node in self.nodes.values():
            node.fonts = self.fonts
            node.set_node(node.node)  # measured again when next painted
        for group in self.groups.values():
            group.fonts = self.fonts
        self.links.set_text_scale(scale)
        self.links.rebuild(self.editor.design.links, self.pos_of)
        self._reset_routes()
        self._overview_img = None
        self.invalidate(QRectF(-1e7, -1e7, 2e7, 2e7), QGraphicsScene.SceneLayer.AllLayers)

    def set_theme(self, theme: Theme) -> None:
        """Switches light/dark while the app runs: every card, frame and link repaints."""
        if theme is self.theme:
            return
        self.theme = theme
        self.links.theme = theme
        for node in self.nodes.values():
            node.theme = theme
            node.update()
        for group in self.groups.values():
            group.theme = theme
        self._overview_img = None
        self.invalidate(QRectF(-1e7, -1e7, 2e7, 2e7), QGraphicsScene.SceneLayer.AllLayers)

    # --- following the document ----------------------------------------------------------
    def _hint_changed(self, was_empty: bool) -> None:
        """The empty-canvas hint (drawn by the view's foreground) comes or goes."""
        if was_empty != (not self.nodes and not self.groups):
            self.invalidate(QRectF(-1e7, -1e7, 2e7, 2e7), QGraphicsScene.SceneLayer.ForegroundLayer)

    def _on_nodes(self, ids: set[str]) -> None:
        was_empty = not self.nodes and not self.groups
        moved: list[str] = []
        for nid in ids:
            node = self.editor.node(nid)
            item = self.nodes.get(nid)
            if item is not None and (node is None or item.node.group != node.group):
                self.members.get(item.node.group, set()).discard(nid)
            if node is None:
                if item is not None:
                    self.removeItem(item)
                    del self.nodes[nid]
                    self.pos_of.pop(nid, None)
                continue
            if item is None:
                item = self._add_node_item(node)
                item.set_decoration(self.editor.decorations.get(nid))
            else:
                self.members.setdefault(node.group, set()).add(nid)
                item.set_node(node)
            self.pos_of[nid] = (node.position.x, node.position.y)
            moved.append(nid)
        self._extent = None
        self.links.nodes_moved(moved)
        self._hint_changed(was_empty)
        if self.router is not None:
            self.router.boxes({nid: self._box(nid) for nid in ids})
        self.refresh_groups()
        self._update_scene_rect()
        self._overview_img = None  # the view's overview picture repaints what edits touch

    def _on_links(self, ids: set[str]) -> None:
        self.links.update_links(ids, self.editor._snap_links)
        if self.router is not None:
            current = self.editor._snap_links
            self.router.links(
                {
                    lid: (
                        current[lid].source,
                        current[lid].target,
                        current[lid].label or current[lid].protocol,
                    )
                    if lid in current
                    else None
                    for lid in ids
                }
            )
        self.selection_changed.emit()
        self._overview_img = None

    def _on_groups(self, ids: set[str]) -> None:
        was_empty = not self.nodes and not self.groups
        for gid in ids:
            group = self.editor.group(gid)
            item = self.groups.get(gid)
            if group is None:
                if item is not None:
                    self.removeItem(item)
                    del self.groups[gid]
            elif item is None:
                self._add_group_item(gid)
            else:
                item.set_group(group)
        self.refresh_groups()
        self._hint_changed(was_empty)

    def _on_decorations(self, ids: set[str]) -> None:
        for nid in ids:
            item = self.nodes.get(nid)
            if item is not None:
                item.set_decoration(self.editor.decorations.get(nid))

    def node_item_moved(self, item: NodeItem) -> None:
        """A tool moved a node item (the document is not changed yet): links follow."""
        p = item.pos()
        self.pos_of[item.node_id] = (p.x(), p.y())
        self._extent = None
        self.links.nodes_moved([item.node_id])
        if item.node.group is not None:
            if self.dragging:  # grow the frames live; they are recomputed on release
                r = QRectF(p.x() - NODE_W / 2, p.y() - NODE_H / 2, NODE_W, NODE_H)
                for gid in self._chain(item.node.group):
                    g = self.groups.get(gid)
                    if g is not None and not g.frame.contains(r):
                        r = r.adjusted(-GROUP_PAD, -GROUP_PAD - GROUP_HEADER, GROUP_PAD, GROUP_PAD)
                        g.set_frame(g.frame.united(r), len(self._chain(gid)))
            else:
                self.refresh_groups(self._chain(item.node.group))

    # --- groups --------------------------------------------------------------------------
    def _chain(self, gid: str | None) -> list[str]:
        return group_chain(self.editor.groups, gid)

    def group_frame(self, gid: str, memo: dict[str, QRectF] | None = None) -> QRectF:
        """The frame of a group: its nodes and child groups, plus padding and a header."""
        memo = {} if memo is None else memo
        if gid in memo:
            return memo[gid]
        memo[gid] = QRectF()  # guards against a parent cycle
        rect = QRectF()
        pos_of = self.pos_of
        points = [pos_of[nid] for nid in self.members.get(gid, ()) if nid in pos_of]
        if points:
            xs = [p[0] for p in points]
            ys = [p[1] for p in points]
            rect = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(
                -NODE_W / 2, -NODE_H / 2, NODE_W / 2, NODE_H / 2
            )
        for child in self.groups.values():
            if child.model.parent == gid:
                r = self.group_frame(child.group_id, memo)
                if not r.isNull():
                    rect = r if rect.isNull() else rect.united(r)
        if not rect.isNull():
            rect = rect.adjusted(-GROUP_PAD, -GROUP_PAD - GROUP_HEADER, GROUP_PAD, GROUP_PAD)
        else:  # an empty group keeps a frame: stored, where it was, or a default one
            rect = self._empty_frame(gid)
        memo[gid] = rect
        return rect

    def _empty_frame(self, gid: str) -> QRectF:
        item = self.groups.get(gid)
        stored = stored_frame(item.model.properties if item is not None else {})
        if stored is not None:
            return stored
        if item is not None and not item.frame.isNull():
            return QRectF(item.frame)
        pos_of = self.pos_of
        xs = [p[0] for p in pos_of.values()] or [0.0]
        ys = [p[1] for p in pos_of.values()] or [0.0]
        # beside the design, one under the other
        empty = [
            g
            for g, it in self.groups.items()
            if not self.members.get(g) and stored_frame(it.model.properties) is None
        ]
        w, h = EMPTY_FRAME
        top = min(ys) - NODE_H / 2 - GROUP_HEADER
        top += (empty.index(gid) if gid in empty else 0) * (h + 40)
        return QRectF(max(xs) + NODE_W / 2 + 80, top, w, h)

    def refresh_groups(self, only: list[str] | None = None) -> None:
        memo: dict[str, QRectF] = {}
        for gid in only if only is not None else list(self.groups):
            item = self.groups.get(gid)
            if item is not None:
                item.set_frame(self.group_frame(gid, memo), len(self._chain(gid)))

    def group_at(self, rect: QRectF) -> str | None:
        """The innermost group whose frame holds all of ``rect``."""
        best, depth = None, -1
        for gid, item in self.groups.items():
            if item.isVisible() and item.frame.contains(rect):
                d = len(self._chain(gid))
                if d > depth:
                    best, depth = gid, d
        return best

    # --- selection -----------------------------------------------------------------------
    def selected_nodes(self) -> list[str]:
        return [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_groups(self) -> list[str]:
        return [i.group_id for i in self.selectedItems() if isinstance(i, GroupItem)]

    def selected_links(self) -> list[str]:
        return sorted(self.links.selected)

    def select(
        self,
        nodes: list[str] | set[str] = (),  # type: ignore[assignment]
        links: list[str] | set[str] = (),  # type: ignore[assignment]
        groups: list[str] | set[str] = (),  # type: ignore[assignment]
        *,
        add: bool = False,
    ) -> None:
        self.blockSignals(True)
        try:
            if not add:
                self.clearSelection()
            for nid in nodes:
                if nid in self.nodes:
                    self.nodes[nid].setSelected(True)
            for gid in groups:
                if gid in self.groups:
                    self.groups[gid].setSelected(True)
            self.links.set_selected((self.links.selected if add else set()) | set(links))
        finally:
            self.blockSignals(False)
        self.selection_changed.emit()

    def clear_all(self) -> None:
        self.select()

    def select_all(self) -> None:
        self.select(list(self.nodes), list(self.links.links), list(self.groups))

    # --- extent and overview -------------------------------------------------------------
    def design_rect(self) -> QRectF:
        rect = QRectF()
        if self.pos_of:
            if self._extent is None:  # asked a few times per change; 40 ms at 50,000 nodes
                xs = [p[0] for p in self.pos_of.values()]
                ys = [p[1] for p in self.pos_of.values()]
                self._extent = (min(xs), min(ys), max(xs), max(ys))
            x0, y0, x1, y1 = self._extent
            rect = QRectF(x0, y0, x1 - x0, y1 - y0).adjusted(
                -NODE_W / 2, -NODE_H / 2, NODE_W / 2, NODE_H / 2
            )
        for item in self.groups.values():
            if not item.frame.isNull():
                rect = item.frame if rect.isNull() else rect.united(item.frame)
        return rect

    def _update_scene_rect(self) -> None:
        rect = self.design_rect()
        if rect.isNull():
            rect = QRectF(-400, -300, 800, 600)
        want = rect.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN)
        if not self.sceneRect().contains(want):
            self.setSceneRect(self.sceneRect().united(want) if self.nodes else want)

    def invalidate_overview(self) -> None:
        """A new document or look: the cached picture goes and, while the overview shows,
        the whole background repaints. (Edits only drop the cache: the view's overview
        picture redraws in slices and repaints just the area they touched; a full repaint
        after every edit cost 250-1,000 ms at 10,000 nodes.)"""
        self._overview_img = None
        if self.overview:
            self.invalidate(self.sceneRect(), QGraphicsScene.SceneLayer.BackgroundLayer)

    def set_overview(self, on: bool) -> None:
        """Zoomed far out: node items and links give way to one cached picture."""
        if on == self.overview:
            return
        self.overview = on
        self.links.hidden = on
        self.invalidate(self.sceneRect(), QGraphicsScene.SceneLayer.BackgroundLayer)
        for item in self.nodes.values():
            if not item.isSelected():
                item.setVisible(not on)
        self.update()
        self.overview_toggled.emit(on)

    def overview_image(self) -> tuple[QImage, QRectF]:
        """All nodes as coloured blocks and all links as lines, in one picture (cached)."""
        if self._overview_img is not None:
            return self._overview_img, self._overview_rect
        self.links.file_all()
        with gc_paused():
            return self._build_overview()

    def _build_overview(self) -> tuple[QImage, QRectF]:
        rect = self.design_rect().adjusted(-20, -20, 20, 20)
        if rect.isNull():
            rect = QRectF(0, 0, 1, 1)
        scale = min(0.25, OVERVIEW_MAX_PX / rect.width(), OVERVIEW_MAX_PX / rect.height())
        w, h = max(1, int(rect.width() * scale)), max(1, int(rect.height() * scale))
        img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        p.scale(scale, scale)
        p.translate(-rect.topLeft())
        from PySide6.QtCore import QLineF

        lines = [QLineF(*s) for segs in self.links.geom.values() for s in segs]
        pen = QPen(self.theme.link, 0)
        p.setPen(pen)
        p.drawLines(lines)
        by_cat: dict[str, list[QRectF]] = {}
        for nid, (x, y) in self.pos_of.items():
            info = catalog.kind_info(self.nodes[nid].node.kind)
            by_cat.setdefault(info.category if info else "", []).append(
                QRectF(x - NODE_W / 2, y - NODE_H / 2, NODE_W, NODE_H)
            )
        p.setPen(Qt.PenStyle.NoPen)
        for cat, rects in by_cat.items():
            color = QColor(self.theme.category(cat))
            color.setAlpha(210)
            p.setBrush(color)
            p.drawRects(rects)
        p.end()
        self._overview_img, self._overview_rect = img, rect
        return img, rect

    def item_at_node(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def node_items(self) -> list[QGraphicsItem]:
        return list(self.nodes.values())

    def draw_groups(self, painter: QPainter, rect: QRectF, lod: float) -> None:
        """Group frames, outermost first (the view draws them in its cached background)."""
        for item in sorted(self.groups.values(), key=lambda g: g.zValue()):
            if item.isVisible() and item.frame.intersects(rect):
                item.draw_frame(painter, lod)
