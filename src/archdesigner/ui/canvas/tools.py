"""Canvas interactions, each an object with move/finish/cancel (not a mode switch inside
the view's mouse handlers): moving nodes and groups, rubber-band selection, drawing a link,
drawing and resizing a group frame, panning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsRectItem

from archdesigner.model.edits import AddLink, EditError, MoveNodes
from archdesigner.ui import operations as ops
from archdesigner.ui.canvas.items import GroupItem, NodeItem
from archdesigner.ui.theme import GRID

if TYPE_CHECKING:
    from archdesigner.ui.canvas.view import CanvasView

DRAG_START_PX = 3.0


class Interaction:
    """One gesture from mouse press to release. ``finish`` commits, ``cancel`` undoes any
    preview; the document changes only in ``finish``."""

    cursor = Qt.CursorShape.ArrowCursor

    def __init__(self, view: CanvasView, start: QPointF) -> None:
        self.view = view
        self.scene = view.design_scene
        self.editor = view.editor
        self.start = start

    def move(self, pos: QPointF) -> None:
        pass

    def finish(self, pos: QPointF) -> None:
        pass

    def cancel(self) -> None:
        pass


def snap(value: float) -> float:
    return round(value / GRID) * GRID


class MoveNodes_(Interaction):
    """Drags node items (and the nodes of dragged groups); one undo step on release."""

    cursor = Qt.CursorShape.ClosedHandCursor

    def __init__(
        self, view: CanvasView, start: QPointF, items: list[NodeItem], anchor: QPointF
    ) -> None:
        super().__init__(view, start)
        self.items = items
        self.starts = {i.node_id: QPointF(i.pos()) for i in items}
        self.anchor = anchor  # the scene position that snaps to the grid
        self.started = False
        self.delta = QPointF()

    def move(self, pos: QPointF) -> None:
        d = pos - self.start
        if not self.started:
            px = self.view.transform().m11() * max(abs(d.x()), abs(d.y()))
            if px < DRAG_START_PX:
                return
            self.started = True
            self.scene.begin_drag(list(self.starts))
        if self.view.snap_to_grid:
            target = self.anchor + d
            d = QPointF(snap(target.x()), snap(target.y())) - self.anchor
        if d == self.delta:
            return
        self.delta = d
        for item in self.items:
            item.setPos(self.starts[item.node_id] + d)
            self.scene.node_item_moved(item)

    def finish(self, pos: QPointF) -> None:
        if not self.started:
            return
        self.scene.end_drag()
        if self.delta.isNull():
            return
        positions = {
            nid: (p.x() + self.delta.x(), p.y() + self.delta.y()) for nid, p in self.starts.items()
        }
        n = len(positions)
        text = f"Move {next(iter(positions))}" if n == 1 else f"Move {n} nodes"
        try:
            self.editor.apply(MoveNodes(positions, text))
        except EditError:
            self.cancel()

    def cancel(self) -> None:
        for item in self.items:
            item.setPos(self.starts[item.node_id])
            self.scene.node_item_moved(item)
        if self.started:
            self.scene.end_drag()


class _RectGesture(Interaction):
    """A gesture that shows a rectangle while the mouse moves."""

    dashed = True

    def __init__(self, view: CanvasView, start: QPointF) -> None:
        super().__init__(view, start)
        t = self.scene.theme
        fill = QColor(t.selection)
        fill.setAlpha(30)
        pen = QPen(t.selection, 1.0, Qt.PenStyle.DashLine if self.dashed else Qt.PenStyle.SolidLine)
        pen.setCosmetic(True)
        self.overlay = QGraphicsRectItem()
        self.overlay.setPen(pen)
        self.overlay.setBrush(fill)
        self.overlay.setZValue(1000)
        self.scene.addItem(self.overlay)
        self.rect = QRectF(start, start)

    def move(self, pos: QPointF) -> None:
        self.rect = QRectF(self.start, pos).normalized()
        self.overlay.setRect(self.rect)

    def cancel(self) -> None:
        if self.overlay.scene() is not None:
            self.scene.removeItem(self.overlay)

    def finish(self, pos: QPointF) -> None:
        self.move(pos)
        self.cancel()
        self.commit(self.rect)

    def commit(self, rect: QRectF) -> None:
        pass


class RubberBand(_RectGesture):
    def __init__(self, view: CanvasView, start: QPointF, add: bool) -> None:
        super().__init__(view, start)
        self.add = add

    def commit(self, rect: QRectF) -> None:
        s = self.scene
        nodes = [nid for nid, (x, y) in s.pos_of.items() if rect.contains(QPointF(x, y))]
        node_set = set(nodes)
        links = [
            lid
            for lid, link in s.links.links.items()
            if link.source in node_set and link.target in node_set
        ]
        groups = [gid for gid, g in s.groups.items() if g.isVisible() and rect.contains(g.frame)]
        s.select(nodes, links, groups, add=self.add)


class DrawGroup(_RectGesture):
    dashed = False

    def commit(self, rect: QRectF) -> None:
        s = self.scene
        parent = s.group_at(rect)
        design = self.editor.design
        nodes = [
            n.id
            for n in design.nodes
            if n.group == parent and rect.contains(QPointF(*s.pos_of[n.id]))
        ]
        groups = [
            gid
            for gid, item in s.groups.items()
            if item.model.parent == parent and item.isVisible() and rect.contains(item.frame)
        ]
        try:
            edit, gid = ops.group_edit(design, nodes, groups, parent=parent)
            self.editor.apply(edit)
        except EditError as exc:
            self.editor.message.emit(str(exc))
            return
        s.select(groups=[gid])
        self.view.set_mode("select")


class ResizeGroup(_RectGesture):
    """Dragging a group's grip: what lies inside the new frame belongs to the group."""

    dashed = False

    def __init__(self, view: CanvasView, start: QPointF, item: GroupItem) -> None:
        super().__init__(view, item.frame.topLeft())
        self.item = item
        self.move(start)

    def commit(self, rect: QRectF) -> None:
        s = self.scene
        group = self.item.model
        design = self.editor.design
        scope = (group.id, group.parent)
        nodes = {
            n.id
            for n in design.nodes
            if n.group in scope and rect.contains(QPointF(*s.pos_of[n.id]))
        }
        groups = {
            gid
            for gid, item in s.groups.items()
            if gid != group.id
            and item.model.parent in scope
            and item.isVisible()
            and rect.contains(item.frame.center())
        }
        edit = ops.membership_edit(design, group.id, nodes, groups)
        if edit is not None:
            self.editor.try_apply(edit)


class Connect(Interaction):
    """Drags a new link from a node's handle onto another node."""

    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, view: CanvasView, start: QPointF, source: NodeItem) -> None:
        super().__init__(view, start)
        self.source = source
        pen = QPen(self.scene.theme.selection, 2.0, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.line = QGraphicsLineItem(QLineF(source.pos(), start))
        self.line.setPen(pen)
        self.line.setZValue(1000)
        self.scene.addItem(self.line)
        self.target: NodeItem | None = None

    def move(self, pos: QPointF) -> None:
        self.line.setLine(QLineF(self.source.pos(), pos))
        found = self.scene.item_at_node(pos)
        target = None if found is self.source else found
        if target is not self.target:
            if self.target is not None:
                self.target.hovered = False
                self.target.update()
            self.target = target
            if target is not None:
                target.hovered = True
                target.update()

    def cancel(self) -> None:
        if self.target is not None:
            self.target.hovered = False
            self.target.update()
        if self.line.scene() is not None:
            self.scene.removeItem(self.line)

    def finish(self, pos: QPointF) -> None:
        self.move(pos)
        target = self.target
        self.cancel()
        if target is None:
            return
        link = ops.new_link(self.editor.design, self.source.node_id, target.node_id)
        if not self.editor.try_apply(AddLink(link)):
            self.scene.select(links=[link.id])


class Pan(Interaction):
    cursor = Qt.CursorShape.ClosedHandCursor

    def __init__(self, view: CanvasView, start_view: QPointF) -> None:
        super().__init__(view, start_view)
        self.last = start_view

    def move_view(self, pos: QPointF) -> None:
        d = pos - self.last
        self.last = pos
        h, v = self.view.horizontalScrollBar(), self.view.verticalScrollBar()
        h.setValue(h.value() - round(d.x()))
        v.setValue(v.value() - round(d.y()))


def press(view: CanvasView, pos: QPointF, shift: bool) -> Interaction | None:
    """The select tool: what a left press at ``pos`` starts."""
    scene = view.design_scene
    if view.mode == "group":
        return DrawGroup(view, pos)
    if view.mode == "link":
        source = scene.item_at_node(pos)
        return Connect(view, pos, source) if source is not None else None
    hit: NodeItem | GroupItem | None = None
    for item in scene.items(pos):
        if isinstance(item, NodeItem | GroupItem) and item.isVisible():
            hit = item
            break
    if isinstance(hit, NodeItem):
        if hit.on_handle(pos) and not shift:
            return Connect(view, pos, hit)
        if shift:
            hit.setSelected(not hit.isSelected())
            return None
        if not hit.isSelected():
            scene.select([hit.node_id])
        return _move_selection(view, pos, hit.pos())
    if isinstance(hit, GroupItem):
        if hit.on_grip(pos):
            return ResizeGroup(view, pos, hit)
        if shift:
            hit.setSelected(not hit.isSelected())
            return None
        if not hit.isSelected():
            scene.select(groups=[hit.group_id])
        return _move_selection(view, pos, None)
    tol = 6.0 / max(view.transform().m11(), 0.01)
    lid = scene.links.link_at(pos, tol) if not scene.overview else None
    if lid is not None:
        if shift:
            sel = set(scene.links.selected) ^ {lid}
            scene.links.set_selected(sel)
            scene.selection_changed.emit()
        else:
            scene.select(links=[lid])
        return None
    if not shift:
        scene.clear_all()
    return RubberBand(view, pos, add=shift)


def _move_selection(view: CanvasView, pos: QPointF, anchor: QPointF | None) -> MoveNodes_:
    scene = view.design_scene
    ids = set(scene.selected_nodes()) | ops.nodes_in_groups(
        view.editor.design, scene.selected_groups()
    )
    items = [scene.nodes[i] for i in sorted(ids) if i in scene.nodes]
    if anchor is None:  # a group: one of its nodes snaps to the grid, the rest keep formation
        anchor = items[0].pos() if items else pos
    return MoveNodes_(view, pos, items, anchor)
