"""The canvas driven as a user would: palette drops, link drags, group moves, clipboard,
delete; each undone and redone exactly."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from .canvas_helpers import check_undo_redo, dump, vp_point


def test_drop_kind_from_palette_adds_node_where_dropped(make_window: Any) -> None:
    w = make_window()
    before = dump(w)
    mime = w.palette_panel.mime_for("cache")
    target = vp_point(w, 400, 300)
    vp = w.view.viewport()
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(target, actions, mime, buttons, mods)
    QApplication.sendEvent(vp, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(vp, QDragMoveEvent(target, actions, mime, buttons, mods))
    drop = QDropEvent(QPointF(target), actions, mime, buttons, mods)
    QApplication.sendEvent(vp, drop)
    nodes = w.editor.design.nodes
    assert len(nodes) == 4
    new = nodes[-1]
    assert new.kind == "cache" and new.id == "cache"
    assert abs(new.position.x - 400) <= 20 and abs(new.position.y - 300) <= 20
    assert w.scene.selected_nodes() == ["cache"]
    assert w.actions_["undo"].text() == "&Undo Add cache"
    check_undo_redo(w, before, dump(w))


def test_double_click_in_palette_adds_at_centre(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    item = w.palette_panel.items()["queue"]
    w.palette_panel.tree.itemActivated.emit(item, 0)
    assert [n.kind for n in w.editor.design.nodes][-1] == "queue"


def test_drag_link_from_handle_onto_node(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    api = w.scene.nodes["api"]
    start = w.view.mapFromScene(api.mapToScene(api.handle_pos()))
    end = vp_point(w, 600, 0)
    vp = w.view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(vp, vp_point(w, 450, 10))
    qtbot.mouseMove(vp, end)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)
    links = w.editor.design.links
    assert [(lk.source, lk.target) for lk in links] == [("web", "api"), ("api", "db")]
    assert w.scene.selected_links() == ["api-db"]
    check_undo_redo(w, before, dump(w))


def test_escape_cancels_a_link_drag(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    api = w.scene.nodes["api"]
    start = w.view.mapFromScene(api.mapToScene(api.handle_pos()))
    vp = w.view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(vp, vp_point(w, 600, 0))
    qtbot.keyClick(w.view, Qt.Key.Key_Escape)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=vp_point(w, 600, 0))
    assert len(w.editor.design.links) == 1
    assert w.editor.undo_stack.count() == 0


def test_moving_a_group_moves_its_nodes_in_one_step(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    frame = w.scene.groups["dc"].frame
    grab = vp_point(w, frame.left() + 40, frame.top() + 8)  # the header strip
    vp = w.view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=grab)
    qtbot.mouseMove(vp, grab + QPoint(30, 30))
    qtbot.mouseMove(vp, grab + QPoint(60, 100))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=grab + QPoint(60, 100))
    nodes = w.editor.design.node_map()
    dx = nodes["api"].position.x - 300
    dy = nodes["api"].position.y - 0
    assert (dx, dy) != (0, 0) and dx % 20 == 0 and dy % 20 == 0  # snapped to the grid
    assert (nodes["db"].position.x, nodes["db"].position.y) == (600 + dx, dy)
    assert (nodes["web"].position.x, nodes["web"].position.y) == (0, 0)
    assert w.editor.undo_stack.count() == 1
    assert w.scene.groups["dc"].frame.translated(-dx, -dy) == frame
    check_undo_redo(w, before, dump(w))


def test_drag_one_node_then_undo_restores_position(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    start = vp_point(w, 0, 0)
    vp = w.view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(vp, start + QPoint(20, 50))
    qtbot.mouseMove(vp, start + QPoint(40, 120))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=start + QPoint(40, 120))
    web = w.editor.design.node_map()["web"]
    assert (web.position.x, web.position.y) == (40, 120)
    assert w.actions_["undo"].text() == "&Undo Move web"
    # the link followed the node
    _x1, y1, _x2, _y2 = w.scene.links.geom["web-api"][0]
    assert y1 > 0
    check_undo_redo(w, before, dump(w))


def test_arrow_nudges_merge_into_one_undo_step(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    w.scene.select(["web"])
    w.view.setFocus()
    for _ in range(3):
        qtbot.keyClick(w.view, Qt.Key.Key_Right)
    assert w.editor.design.node_map()["web"].position.x == 60
    assert w.editor.undo_stack.count() == 1
    check_undo_redo(w, before, dump(w))


def test_copy_paste_makes_ids_unique_and_keeps_links(make_window: Any) -> None:
    w = make_window()
    before = dump(w)
    w.scene.select(["web", "api"])
    w.copy()
    w.paste()
    ids = [n.id for n in w.editor.design.nodes]
    assert ids == ["web", "api", "db", "web-2", "api-2"]
    pasted = [(lk.source, lk.target) for lk in w.editor.design.links]
    assert ("web-2", "api-2") in pasted
    api2 = w.editor.design.node_map()["api-2"]
    assert (api2.position.x, api2.position.y) == (340, 40) and api2.group == "dc"
    assert sorted(w.scene.selected_nodes()) == ["api-2", "web-2"]
    assert w.editor.undo_stack.count() == 1
    check_undo_redo(w, before, dump(w))


def test_paste_of_foreign_text_is_refused(make_window: Any) -> None:
    w = make_window()
    before = dump(w)
    w.paste("hello")
    assert dump(w) == before
    assert "no archdesigner nodes" in w.statusBar().currentMessage()


def test_delete_node_with_its_links_is_one_step(make_window: Any) -> None:
    w = make_window()
    before = dump(w)
    w.scene.select(["api"])
    w.actions_["delete"].trigger()
    d = w.editor.design
    assert [n.id for n in d.nodes] == ["web", "db"] and d.links == []
    assert "api" not in w.scene.nodes and "web-api" not in w.scene.links.links
    assert w.editor.undo_stack.count() == 1
    check_undo_redo(w, before, dump(w))


def test_click_selects_a_link_and_delete_removes_it(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=vp_point(w, 150, 0))
    assert w.scene.selected_links() == ["web-api"]
    w.actions_["delete"].trigger()
    assert w.editor.design.links == []
    check_undo_redo(w, before, dump(w))


def test_rubber_band_and_align(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    w.editor.apply(w_move(w, "db", 600, 90))
    vp = w.view.viewport()
    a, b = vp_point(w, -120, -60), vp_point(w, 720, 160)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(vp, (a + b) / 2)
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=b)
    assert sorted(w.scene.selected_nodes()) == ["api", "db", "web"]
    before = dump(w)
    w.align("top")
    assert {n.position.y for n in w.editor.design.nodes} == {0}
    check_undo_redo(w, before, dump(w))


def w_move(w: Any, nid: str, x: float, y: float) -> Any:
    from archdesigner.model.edits import MoveNodes

    return MoveNodes({nid: (x, y)})


def test_group_selection_and_draw_group(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    w.scene.select(["web"])
    w.group_selection()
    d = w.editor.design
    assert d.node_map()["web"].group == "boundary" and "boundary" in w.scene.groups
    check_undo_redo(w, before, dump(w))


def test_zoom_limits_and_fit(make_window: Any) -> None:
    w = make_window()
    w.view.set_zoom(100)
    assert w.view.zoom() == 4.0
    w.view.set_zoom(0.001)
    assert abs(w.view.zoom() - 0.1) < 1e-9
    assert w.scene.overview  # far out: the cached picture replaces the items
    w.view.fit_all()
    assert not w.scene.overview
    assert w.zoom_label.text().endswith("%")


def drag(qtbot: Any, w: Any, a: QPoint, b: QPoint) -> None:
    vp = w.view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(vp, (a + b) / 2)
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=b)


def test_draw_group_frame_around_nodes(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    w.actions_["mode_group"].trigger()
    assert w.view.mode == "group"
    drag(qtbot, w, vp_point(w, -110, -50), vp_point(w, 110, 50))  # around "web" only
    d = w.editor.design
    assert [g.id for g in d.groups] == ["dc", "boundary"]
    assert d.node_map()["web"].group == "boundary" and d.node_map()["api"].group == "dc"
    assert w.scene.selected_groups() == ["boundary"] and w.view.mode == "select"
    check_undo_redo(w, before, dump(w))


def test_drawing_a_frame_around_nothing_is_refused(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    w.view.set_mode("group")
    # a larger frame around nothing adds an empty group (test_canvas_frames_and_theme.py)
    drag(qtbot, w, vp_point(w, -100, 200), vp_point(w, -80, 215))
    assert dump(w) == before
    assert "larger frame" in w.statusBar().currentMessage()


def test_resizing_a_group_frame_changes_its_members(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    w.scene.select(groups=["dc"])
    grip = w.scene.groups["dc"].grip_rect().center()
    # shrink the frame so that only "api" stays inside: "db" moves out of the group
    drag(qtbot, w, w.view.mapFromScene(grip), vp_point(w, 420, 60))
    d = w.editor.design
    assert d.node_map()["api"].group == "dc" and d.node_map()["db"].group is None
    assert w.editor.undo_stack.count() == 1
    check_undo_redo(w, before, dump(w))


def test_decorations_and_focus_hooks(make_window: Any) -> None:
    from PySide6.QtGui import QColor

    from archdesigner.ui.editor import Decoration

    w = make_window()
    w.editor.set_decoration("api", Decoration(badge="2", badge_color=QColor("red"), dimmed=True))
    item = w.scene.nodes["api"]
    assert item.decoration is not None and item.decoration.badge == "2"
    assert item.opacity() < 1
    w.editor.set_decoration("api", None)
    assert item.decoration is None and item.opacity() == 1
    w.editor.focus("link", "web-api")
    assert w.scene.selected_links() == ["web-api"]
    w.editor.focus("node", "db")
    assert w.scene.selected_nodes() == ["db"]
    assert w.view.mapToScene(w.view.viewport().rect()).boundingRect().contains(QPointF(600, 0))
