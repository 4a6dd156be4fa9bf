"""Canvas polish a user notices: the palette follows the system while the app runs, empty
groups keep a frame, dropping a node into (or out of) a frame changes its group in the same
undo step as the move; and the cached link drawing matches what the document says."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication


def dump(window: Any) -> dict[str, Any]:
    return window.editor.design.model_dump()  # type: ignore[no-any-return]


def check_undo_redo(window: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
    assert dump(window) == after
    window.editor.undo()
    assert dump(window) == before
    window.editor.redo()
    assert dump(window) == after
    window.editor.undo()
    assert dump(window) == before


def vp_point(window: Any, x: float, y: float) -> QPoint:
    return window.view.mapFromScene(QPointF(x, y))  # type: ignore[no-any-return]


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
