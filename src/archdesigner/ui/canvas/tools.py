"""Canvas interactions, each an object with move/finish/cancel (not a mode switch inside
the view's mouse handlers): moving nodes and groups, rubber-band selection, drawing a link,
drawing and resizing a group frame, panning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsRectItem

from archdesigner.model.design import Group, nodes_in_groups
from archdesigner.model.edits import (
    AddGroup,
    AddLink,
    Compound,
    Edit,
    EditError,
    MoveNodes,
    UpdateGroup,
    UpdateNode,
    unique_id,
)
from archdesigner.ui import operations as ops
from archdesigner.ui.canvas.items import GroupItem, NodeItem
from archdesigner.ui.theme import GRID, GROUP_HEADER

if TYPE_CHECKING:
    from archdesigner.ui.canvas.view import CanvasView

DRAG_START_PX = 3.0
#: smallest frame an empty group is given when its frame is resized (scene units)
MIN_FRAME = (120.0, 80.0)


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


def frame_geometry(rect: QRectF) -> dict[str, float]:
    """A frame as stored in an empty group's ``properties["canvas"]`` (whole units)."""
    return {
        "x": float(round(rect.x())),
        "y": float(round(rect.y())),
        "w": float(round(rect.width())),
        "h": float(round(rect.height())),
    }


def store_frame(group: Group, rect: QRectF) -> UpdateGroup:
    """Keeps the frame of a group that is (or becomes) empty in the file."""
    props = dict(group.properties)
    props["canvas"] = frame_geometry(rect)
    return UpdateGroup(group.id, {"properties": props})


class MoveInteraction(Interaction):
    """Drags node items (and the nodes of dragged groups); one undo step on release.

    Nodes dragged by themselves (``regroup``) join the innermost group frame they are
    dropped in, or leave their group when dropped outside every frame: the move and the
    group changes are one undo step. Dragged empty groups move their stored frame."""

    cursor = Qt.CursorShape.ClosedHandCursor

    def __init__(
        self,
        view: CanvasView,
        start: QPointF,
        items: list[NodeItem],
        anchor: QPointF,
        *,
        regroup: bool = False,
        grabbed: NodeItem | None = None,
        empty_groups: list[GroupItem] = (),  # type: ignore[assignment]
    ) -> None:
        super().__init__(view, start)
        self.items = items
        self.starts = {i.node_id: QPointF(i.pos()) for i in items}
        self.anchor = anchor  # the scene position that snaps to the grid
        self.started = False
        self.delta = QPointF()
        self.regroup = regroup
        self.grabbed = grabbed
        self.empty_groups = list(empty_groups)
        self.group_starts = {g.group_id: QRectF(g.frame) for g in self.empty_groups}
        # the frames as they were before the drag (they grow while nodes move inside)
        self.frames = {
            gid: (QRectF(g.frame), len(self.scene._chain(gid)))
            for gid, g in self.scene.groups.items()
            if g.isVisible() and not g.frame.isNull()
        }

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
        for g in self.empty_groups:
            g.set_frame(self.group_starts[g.group_id].translated(d), int(g.zValue()) + 100)

    def frame_at(self, p: QPointF) -> str | None:
        """The innermost group whose frame (before the drag) holds ``p``."""
        best, depth = None, -1
        for gid, (frame, d) in self.frames.items():
            if d > depth and frame.contains(p):
                best, depth = gid, d
        return best

    def group_steps(self, pos: QPointF) -> list[Edit]:
        """The group changes of a drop at ``pos``: the grabbed node joins the frame under
        the pointer, the others the frame under their centre."""
        if not self.regroup:
            return []
        design = self.editor.design
        nodes = design.node_map()
        steps: list[Edit] = []
        leaving: dict[str, set[str]] = {}
        joining: set[str] = set()
        for nid, start in self.starts.items():
            node = nodes.get(nid)
            if node is None:
                continue
            item = self.scene.nodes.get(nid)
            at = pos if item is not None and item is self.grabbed else start + self.delta
            group = self.frame_at(at)
            if group != node.group:
                steps.append(UpdateNode(nid, {"group": group}))
                if node.group is not None:
                    leaving.setdefault(node.group, set()).add(nid)
                if group is not None:
                    joining.add(group)
        # a group left without members keeps its frame in the file (properties.canvas)
        groups = design.group_map()
        has_children = {g.parent for g in design.groups}
        for gid, gone in leaving.items():
            left = groups.get(gid)
            if left is None or gid in joining or gid in has_children:
                continue
            if self.scene.members.get(gid, set()) <= gone and gid in self.frames:
                steps.append(store_frame(left, self.frames[gid][0]))
        return steps

    def finish(self, pos: QPointF) -> None:
        if not self.started:
            return
        self.scene.end_drag()
        if self.delta.isNull():
            return
        dx, dy = self.delta.x(), self.delta.y()
        positions = {nid: (p.x() + dx, p.y() + dy) for nid, p in self.starts.items()}
        steps: list[Edit] = []
        n = len(positions)
        if positions:
            text = f"Move {next(iter(positions))}" if n == 1 else f"Move {n} nodes"
            steps.append(MoveNodes(positions, text))
        else:
            text = "Move group frame"
        steps += self.group_steps(pos)
        groups = self.editor.design.group_map()
        for g in self.empty_groups:
            if g.group_id in groups:
                frame = self.group_starts[g.group_id].translated(self.delta)
                steps.append(store_frame(groups[g.group_id], frame))
        if not steps:
            return
        try:
            self.editor.apply(steps[0] if len(steps) == 1 else Compound(tuple(steps), text))
        except EditError as exc:
            self.cancel()
            self.editor.message.emit(str(exc))

    def cancel(self) -> None:
        for item in self.items:
            item.setPos(self.starts[item.node_id])
            self.scene.node_item_moved(item)
        if self.started:
            self.scene.end_drag()
        self.scene.refresh_groups()


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
        edit: Edit
        try:
            if nodes or groups:
                edit, gid = ops.group_edit(design, nodes, groups, parent=parent)
            else:  # an empty group keeps the frame as drawn
                edit, gid = self.empty_group(rect, parent)
            self.editor.apply(edit)
        except EditError as exc:
            self.editor.message.emit(str(exc))
            return
        s.select(groups=[gid])
        self.view.set_mode("select")

    def empty_group(self, rect: QRectF, parent: str | None) -> tuple[Edit, str]:
        px = self.view.transform().m11()
        if min(rect.width(), rect.height()) < GROUP_HEADER * 2 or rect.width() * px < 24:
            raise EditError("draw a larger frame (or one around nodes) to add a group")
        design = self.editor.design
        gid = unique_id("boundary", {g.id for g in design.groups})
        group = Group(
            id=gid,
            kind="boundary",
            name=ops.new_group_name(design),
            parent=parent,
            properties={"canvas": frame_geometry(rect)},
        )
        return AddGroup(group), gid


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
        if not nodes and not groups:  # empty: the frame as resized is kept in the file
            w, h = max(rect.width(), MIN_FRAME[0]), max(rect.height(), MIN_FRAME[1])
            keep = store_frame(group, QRectF(rect.x(), rect.y(), w, h))
            edit = Compound(
                (*edit.edits, keep) if edit is not None else (keep,),
                edit.text if edit is not None else f"Resize group {group.id}",
            )
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
        return _move_selection(view, pos, hit)
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


def _move_selection(view: CanvasView, pos: QPointF, grabbed: NodeItem | None) -> MoveInteraction:
    """Drags the selection: nodes dragged by themselves (``grabbed``) may change group when
    dropped; dragged groups take their nodes along."""
    scene = view.design_scene
    design = view.editor.design
    selected_groups = scene.selected_groups()
    ids = set(scene.selected_nodes()) | nodes_in_groups(design, selected_groups)
    items = [scene.nodes[i] for i in sorted(ids) if i in scene.nodes]
    empty = [
        scene.groups[gid]
        for gid in selected_groups
        if gid in scene.groups and not nodes_in_groups(design, [gid])
    ]
    if grabbed is not None:
        anchor = grabbed.pos()
    else:  # a group: one of its nodes snaps to the grid, the rest keep formation
        anchor = items[0].pos() if items else (empty[0].frame.topLeft() if empty else pos)
    return MoveInteraction(
        view,
        pos,
        items,
        anchor,
        regroup=grabbed is not None and not selected_groups,
        grabbed=grabbed,
        empty_groups=empty,
    )
