"""Canvas polish a user notices: the palette follows the system while the app runs, empty
groups keep a frame, dropping a node into (or out of) a frame changes its group in the same
undo step as the move; and the cached link drawing matches what the document says."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

from .canvas_helpers import check_undo_redo as check_exactly
from .canvas_helpers import dump, vp_point


def sample() -> Any:
    """The conftest's sample: web, then api and db in group "dc", one link web -> api."""
    from archdesigner.model import Design, Group, Link, Node, Position

    return Design(
        format="archdesigner.design",
        version=1,
        nodes=[
            Node(id="web", kind="client", position=Position(x=0, y=0)),
            Node(id="api", kind="service", replicas=2, group="dc", position=Position(x=300, y=0)),
            Node(id="db", kind="database", group="dc", position=Position(x=600, y=0)),
        ],
        links=[Link(id="web-api", source="web", target="api")],
        groups=[Group(id="dc", kind="region", name="Data centre")],
    )


def check_undo_redo(window: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
    """As in test_canvas, then undone once more: the test goes on from ``before``."""
    check_exactly(window, before, after)
    window.editor.undo()
    assert dump(window) == before


def pixel(window: Any, x: float, y: float) -> QColor:
    """The colour the canvas shows at a scene point."""
    image: QImage = window.view.viewport().grab().toImage()
    p = vp_point(window, x, y)
    dpr = image.devicePixelRatio()
    return image.pixelColor(round(p.x() * dpr), round(p.y() * dpr))


def drag(qtbot: Any, w: Any, a: QPoint, b: QPoint) -> None:
    vp = w.view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(vp, a + (b - a) / 3)
    qtbot.mouseMove(vp, a + (b - a) * 2 / 3)
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=b)


# --- light and dark ---------------------------------------------------------------------


def dark_palette() -> QPalette:
    pal = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#17181a"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Button, "#2a2b2e"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"),
    ):
        pal.setColor(role, QColor(color))
    return pal


def test_canvas_follows_the_system_palette_while_running(make_window: Any, qtbot: Any) -> None:
    from archdesigner.ui.theme import DARK, LIGHT

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    w = make_window()
    empty = (137.0, 157.0)  # no card, frame, link or grid line here
    assert w.scene.theme is LIGHT
    assert pixel(w, *empty) == LIGHT.canvas
    try:
        app.setPalette(dark_palette())
        qtbot.waitUntil(lambda: w.scene.theme is DARK, timeout=2000)
        assert w.scene.links.theme is DARK
        assert all(item.theme is DARK for item in w.scene.nodes.values())
        assert all(item.theme is DARK for item in w.scene.groups.values())
        assert pixel(w, *empty) == DARK.canvas
        # a card repaints with the dark card colour (its cached pixels are dropped)
        assert pixel(w, 30, 20) == DARK.card
    finally:
        app.setPalette(original)
    qtbot.waitUntil(lambda: w.scene.theme is LIGHT, timeout=2000)
    assert pixel(w, *empty) == LIGHT.canvas
    assert pixel(w, 30, 20) == LIGHT.card


def test_an_explicit_theme_does_not_follow_the_system(qtbot: Any) -> None:
    """``archdesigner render --theme dark`` keeps its theme on a light system."""
    from archdesigner.model import Design, Node
    from archdesigner.ui.canvas.scene import DesignScene
    from archdesigner.ui.canvas.view import CanvasView
    from archdesigner.ui.editor import Editor
    from archdesigner.ui.theme import DARK, current_theme

    assert not current_theme().dark
    design = Design(format="archdesigner.design", version=1, nodes=[Node(id="a", kind="service")])
    scene = DesignScene(Editor(design), DARK)
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.follow_system_theme()
    QApplication.sendEvent(view, QEvent(QEvent.Type.PaletteChange))
    assert scene.theme is DARK and scene.nodes["a"].theme is DARK


# --- empty groups -----------------------------------------------------------------------


def test_drawing_a_frame_around_nothing_adds_an_empty_group(make_window: Any, qtbot: Any) -> None:
    from archdesigner.ui.theme import LIGHT

    w = make_window()
    w.view.centerOn(0, 200)
    before = dump(w)
    w.view.set_mode("group")
    drag(qtbot, w, vp_point(w, -100, 200), vp_point(w, 100, 320))
    group = w.editor.design.group_map()["boundary"]
    geo = group.properties["canvas"]
    assert abs(geo["x"] + 100) <= 1 and abs(geo["y"] - 200) <= 1
    assert abs(geo["w"] - 200) <= 1 and abs(geo["h"] - 120) <= 1
    assert not any(n.group == "boundary" for n in w.editor.design.nodes)
    item = w.scene.groups["boundary"]
    assert item.isVisible()
    assert (item.frame.x(), item.frame.y(), item.frame.width(), item.frame.height()) == (
        geo["x"],
        geo["y"],
        geo["w"],
        geo["h"],
    )
    assert w.scene.selected_groups() == ["boundary"]
    assert pixel(w, -33, 271) != LIGHT.canvas  # the frame's tint is on screen
    after = dump(w)
    check_undo_redo(w, before, after)
    assert "boundary" not in w.scene.groups
    assert pixel(w, -33, 271) == LIGHT.canvas


def test_empty_groups_from_a_file_have_frames(make_window: Any) -> None:
    from PySide6.QtCore import QRectF

    from archdesigner.model import Group

    design = sample()
    design.groups.append(Group(id="later", kind="zone"))
    design.groups.append(
        Group(id="placed", properties={"canvas": {"x": -400, "y": 300, "w": 240, "h": 120}})
    )
    design.groups.append(Group(id="broken", properties={"canvas": {"x": "left"}}))
    w = make_window(design)
    scene = w.scene
    assert scene.groups["placed"].frame == QRectF(-400, 300, 240, 120)
    cards = [QRectF(x - 90, y - 32, 180, 64) for x, y in scene.pos_of.values()]
    for gid in ("later", "broken"):  # default frames beside the design, not on cards
        frame = scene.groups[gid].frame
        assert scene.groups[gid].isVisible() and frame.width() > 100
        assert not any(frame.intersects(c) for c in cards)
    assert not scene.groups["later"].frame.intersects(scene.groups["broken"].frame)
    rect = scene.design_rect()
    assert all(rect.contains(g.frame) for g in scene.groups.values())


def test_dragging_the_last_node_out_keeps_the_group_frame(make_window: Any, qtbot: Any) -> None:
    from archdesigner.model import Design, Group, Node, Position

    design = Design(
        format="archdesigner.design",
        version=1,
        nodes=[Node(id="solo", kind="service", group="g", position=Position(x=0, y=0))],
        groups=[Group(id="g", kind="zone")],
    )
    w = make_window(design)
    w.view.centerOn(0, 150)
    before = dump(w)
    frame = w.scene.groups["g"].frame
    drag(qtbot, w, vp_point(w, 0, 0), vp_point(w, 0, 300))
    d = w.editor.design
    solo = d.node_map()["solo"]
    assert solo.group is None and (solo.position.x, solo.position.y) == (0, 300)
    assert d.group_map()["g"].properties["canvas"] == {
        "x": frame.x(),
        "y": frame.y(),
        "w": frame.width(),
        "h": frame.height(),
    }
    assert w.scene.groups["g"].isVisible() and w.scene.groups["g"].frame == frame
    assert w.editor.undo_stack.count() == 1
    check_undo_redo(w, before, dump(w))
    assert w.scene.groups["g"].frame == frame


def test_moving_an_empty_group_moves_its_frame(make_window: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QRectF

    from archdesigner.model import Group

    design = sample()
    design.groups.append(
        Group(id="box", properties={"canvas": {"x": -100, "y": 200, "w": 240, "h": 120}})
    )
    w = make_window(design)
    w.view.centerOn(0, 200)
    before = dump(w)
    w.scene.select(groups=["box"])
    drag(qtbot, w, vp_point(w, -40, 210), vp_point(w, 0, 250))  # by the title strip
    assert w.editor.design.group_map()["box"].properties["canvas"] == {
        "x": -60.0,
        "y": 240.0,
        "w": 240.0,
        "h": 120.0,
    }
    assert w.scene.groups["box"].frame == QRectF(-60, 240, 240, 120)
    assert w.editor.undo_stack.count() == 1
    check_undo_redo(w, before, dump(w))
    assert w.scene.groups["box"].frame == QRectF(-100, 200, 240, 120)


# --- dropping nodes into and out of frames ----------------------------------------------


def test_dropping_a_node_into_a_frame_makes_it_a_member(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    assert w.scene.groups["dc"].frame.contains(QPointF(450, 0))
    drag(qtbot, w, vp_point(w, 0, 0), vp_point(w, 450, 0))
    web = w.editor.design.node_map()["web"]
    assert web.group == "dc" and web.position.y == 0 and abs(web.position.x - 450) <= 10
    assert w.editor.undo_stack.count() == 1
    assert w.actions_["undo"].text() == "&Undo Move web"
    assert w.scene.groups["dc"].frame.contains(QPointF(web.position.x, web.position.y))
    check_undo_redo(w, before, dump(w))
    assert w.editor.design.node_map()["web"].group is None


def test_dragging_a_node_out_of_all_frames_leaves_its_group(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    drag(qtbot, w, vp_point(w, 300, 0), vp_point(w, 300, 240))
    nodes = w.editor.design.node_map()
    assert nodes["api"].group is None and nodes["db"].group == "dc"
    assert (nodes["api"].position.x, nodes["api"].position.y) == (300, 240)
    assert not w.scene.groups["dc"].frame.contains(QPointF(300, 240))
    assert w.editor.undo_stack.count() == 1
    check_undo_redo(w, before, dump(w))


def test_a_dropped_node_joins_the_innermost_frame(make_window: Any, qtbot: Any) -> None:
    from archdesigner.model import Design, Group, Node, Position

    def node(nid: str, x: float, y: float, group: str | None) -> Node:
        return Node(id=nid, kind="service", group=group, position=Position(x=x, y=y))

    design = Design(
        format="archdesigner.design",
        version=1,
        nodes=[
            node("a", 0, 0, "inner"),
            node("a2", 400, 0, "inner"),
            node("b", 0, 300, "outer"),
            node("c", 700, 500, None),
        ],
        groups=[Group(id="outer", kind="region"), Group(id="inner", kind="zone", parent="outer")],
    )
    w = make_window(design)
    w.view.set_zoom(0.6)
    w.view.centerOn(300, 250)
    before = dump(w)
    drag(qtbot, w, vp_point(w, 700, 500), vp_point(w, 200, 0))  # into both: the inner one
    assert w.editor.design.node_map()["c"].group == "inner"
    check_undo_redo(w, before, dump(w))
    drag(qtbot, w, vp_point(w, 700, 500), vp_point(w, 300, 200))  # the outer one only
    assert w.editor.design.node_map()["c"].group == "outer"
    check_undo_redo(w, before, dump(w))


def test_moving_a_group_by_its_frame_keeps_memberships(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    frame = w.scene.groups["dc"].frame
    grab = vp_point(w, frame.left() + 40, frame.top() + 8)
    drag(qtbot, w, grab, grab + QPoint(-300, 0))  # over "web": nobody changes group
    nodes = w.editor.design.node_map()
    assert nodes["api"].group == "dc" and nodes["db"].group == "dc" and nodes["web"].group is None


# --- the cached link drawing follows the document ---------------------------------------


def test_link_drawing_follows_moves_and_selection(make_window: Any, qtbot: Any) -> None:
    from archdesigner.model.edits import MoveNodes
    from archdesigner.ui.theme import LIGHT

    w = make_window()

    def near(c: QColor, target: QColor) -> bool:
        return max(abs(c.red() - target.red()), abs(c.green() - target.green()),
                   abs(c.blue() - target.blue())) < 40  # fmt: skip

    assert w.scene.wait_for_routes()
    qtbot.wait(10)
    assert not near(pixel(w, 110, 0), LIGHT.canvas)  # the link web -> api
    w.editor.apply(MoveNodes({"web": (0.0, 200.0)}))
    assert w.scene.wait_for_routes()  # routed around: up from web, across to api at y 0
    qtbot.wait(10)
    assert near(pixel(w, 110, 0), LIGHT.canvas)  # gone from its old place
    x1, y1, x2, y2 = max(
        w.scene.links.geom["web-api"], key=lambda s: abs(s[2] - s[0]) + abs(s[3] - s[1])
    )
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    assert not near(pixel(w, mx, my), LIGHT.canvas)
    assert not near(pixel(w, mx, my), LIGHT.link_selected)
    w.scene.select(links=["web-api"])
    qtbot.wait(10)
    assert near(pixel(w, mx, my), LIGHT.link_selected)
    w.editor.undo()
    assert w.scene.wait_for_routes()
    qtbot.wait(10)
    assert not near(pixel(w, 110, 0), LIGHT.canvas)


# --- zoom gestures and the idle build ---------------------------------------------------


def grid_design(n: int) -> Any:
    from archdesigner.model import Design, Link, Node, Position

    nodes = [
        Node(id=f"n{i}", kind="service", position=Position(x=(i % 12) * 240.0, y=(i // 12) * 110.0))
        for i in range(n)
    ]
    links = [
        Link(
            id=f"l{i}",
            source=f"n{i}",
            target=f"n{(i * 7 + 5) % n}",
            mode="async" if i % 3 else "sync",
        )
        for i in range(n)
        if (i * 7 + 5) % n != i
    ]
    return Design(format="archdesigner.design", version=1, nodes=nodes, links=links)


def test_after_a_zoom_gesture_pauses_the_canvas_is_drawn_crisply(
    make_window: Any, qtbot: Any
) -> None:
    """While the wheel turns, cards are scaled pictures and long links wait; after the pause
    the view shows exactly what a fresh window at that zoom shows."""
    design = grid_design(120)
    w = make_window(design)
    w.view.centerOn(1300, 600)
    for factor in (1.1, 1.1, 1 / 1.1, 1.1):
        w.view.zoom_by(factor)
        w.view.viewport().repaint()
    assert w.scene.links.quick
    qtbot.waitUntil(lambda: not w.scene.links.quick, timeout=2000)
    assert w.scene.wait_for_routes()
    qtbot.wait(20)
    fresh = make_window(design)
    assert fresh.scene.wait_for_routes()
    fresh.resize(w.size())
    fresh.view.setTransform(w.view.transform())
    qtbot.wait(20)
    for a, b in (
        (w.view.horizontalScrollBar(), fresh.view.horizontalScrollBar()),
        (w.view.verticalScrollBar(), fresh.view.verticalScrollBar()),
    ):
        b.setValue(a.value())
    assert fresh.view.viewport().size() == w.view.viewport().size()
    w.view.minimap.hide()
    fresh.view.minimap.hide()
    assert w.view.viewport().grab().toImage() == fresh.view.viewport().grab().toImage()


def test_every_link_cell_is_built_while_idle(make_window: Any, qtbot: Any) -> None:
    w = make_window(grid_design(300))
    layer = w.scene.links
    assert w.scene.wait_for_routes(60.0)
    qtbot.waitUntil(lambda: layer.warm, timeout=5000)
    assert {cell for cell, ids in layer.grid.items() if ids} <= set(layer._cache)


def test_resizing_an_empty_group_stores_its_new_frame(make_window: Any, qtbot: Any) -> None:
    from archdesigner.model import Group

    design = sample()
    design.groups.append(
        Group(id="box", properties={"canvas": {"x": -100, "y": 200, "w": 240, "h": 120}})
    )
    w = make_window(design)
    w.view.centerOn(0, 250)
    before = dump(w)
    w.scene.select(groups=["box"])
    grip = w.scene.groups["box"].grip_rect().center()
    drag(qtbot, w, w.view.mapFromScene(grip), vp_point(w, 200, 380))
    geo = w.editor.design.group_map()["box"].properties["canvas"]
    assert (geo["x"], geo["y"]) == (-100, 200)
    assert abs(geo["w"] - 300) <= 1 and abs(geo["h"] - 180) <= 1
    assert w.scene.groups["box"].frame.width() == geo["w"]
    check_undo_redo(w, before, dump(w))
    # a frame dragged down to nothing keeps a size one can still grab
    w.scene.select(groups=["box"])
    grip = w.scene.groups["box"].grip_rect().center()
    drag(qtbot, w, w.view.mapFromScene(grip), vp_point(w, -98, 203))
    geo = w.editor.design.group_map()["box"].properties["canvas"]
    assert geo["w"] >= 120 and geo["h"] >= 80
