"""What keeps edits on large designs from freezing the UI, seen from the user's side: the
overview (minimap) follows edits once the user pauses, never shows a half-drawn design
meanwhile, and starts afresh for a new document; plugin rules still get a copy of the design
that they cannot use to change the user's document."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from archdesigner.model import Design, Node, Position
from archdesigner.model.edits import MoveNodes

SPACING = 400.0


def grid(n: int, hole: tuple[int, int] | None = None) -> Design:
    """``n`` x ``n`` services on a grid, optionally with one empty cell."""
    nodes = [
        Node(id=f"n{i}-{j}", kind="service", position=Position(x=i * SPACING, y=j * SPACING))
        for i in range(n)
        for j in range(n)
        if (i, j) != hole
    ]
    return Design(format="archdesigner.design", version=1, name="grid", nodes=nodes)


def alpha_at(minimap: Any, x: float, y: float) -> int:
    """Opacity of the minimap's picture at scene point (x, y) (0: nothing drawn there)."""
    img, where = minimap.picture()
    assert img is not None
    px = int((x - where.left()) * img.width() / where.width())
    py = int((y - where.top()) * img.height() / where.height())
    return int(img.pixelColor(px, py).alpha())


def shown(qtbot: Any, minimap: Any) -> None:
    """Waits until the minimap's picture is drawn and no drawing is pending."""
    qtbot.waitUntil(lambda: minimap.picture()[0] is not None and not minimap.drawing, timeout=5000)


def test_minimap_follows_a_move_after_the_user_pauses(
    qtbot: Any, make_window: Callable[..., Any]
) -> None:
    w = make_window(grid(12, hole=(6, 6)))
    mini = w.view.minimap
    assert mini.isVisible()  # zoomed in: the design does not fit the view
    shown(qtbot, mini)
    hole = (6 * SPACING, 6 * SPACING)
    old = (3 * SPACING, 4 * SPACING)
    assert alpha_at(mini, *hole) == 0
    assert alpha_at(mini, *old) > 0

    w.editor.apply(MoveNodes({"n3-4": hole}, "Move"))
    # right after the edit the overview still shows the complete previous picture
    assert alpha_at(mini, *hole) == 0
    shown(qtbot, mini)
    assert alpha_at(mini, *hole) > 0
    assert alpha_at(mini, *old) == 0


def test_minimap_never_shows_a_half_drawn_picture(
    qtbot: Any, make_window: Callable[..., Any]
) -> None:
    w = make_window(grid(30))
    mini = w.view.minimap
    shown(qtbot, mini)
    mini.slice_ms = 0.0  # hand back to the event loop at every chance
    before, _ = mini.picture()
    mini.slices = 0
    corner = (29 * SPACING, 29 * SPACING)
    w.editor.apply(MoveNodes({"n0-0": (29 * SPACING, 28.5 * SPACING)}, "Move"))
    pictures = []
    assert mini.drawing  # after a pause
    end = time.monotonic() + 5
    while mini.drawing and time.monotonic() < end:
        pictures.append(mini.picture()[0])
        QApplication.processEvents()
        time.sleep(0.001)
    assert mini.slices > 3  # drawn in several slices, with events in between
    assert all(p is before for p in pictures)  # the old picture until the new one is done
    after, where = mini.picture()
    assert after is not before
    assert where.contains(QRectF(0, 0, 29 * SPACING, 29 * SPACING))
    assert alpha_at(mini, *corner) > 0
    assert alpha_at(mini, 0, 0) == 0


def test_a_new_document_replaces_the_old_overview(
    qtbot: Any, make_window: Callable[..., Any]
) -> None:
    w = make_window(grid(12))
    mini = w.view.minimap
    shown(qtbot, mini)
    w.editor.set_design(grid(12, hole=(0, 0)))
    assert mini.picture()[0] is None  # the old design's picture is gone at once
    qtbot.wait(50)  # the new design is shown at a readable zoom, then all of it is asked for
    w.view.fit_all()
    assert not mini.isVisible()  # all of it in view: no overview needed
    w.view.set_zoom(1.0)  # zooming in brings it back
    w.view.centerOn(300, 0)
    assert mini.isVisible()
    shown(qtbot, mini)
    assert alpha_at(mini, 0, 0) == 0
    assert alpha_at(mini, SPACING, SPACING) > 0


def test_plugin_copy_is_equal_but_shares_nothing_mutable() -> None:
    from archdesigner.lint.engine import private_copy

    d = grid(3)
    d.nodes[0].properties["tier"] = ["a"]
    d.lint.ignore.append("SCL")
    d.properties["owner"] = {"team": "x"}
    before = d.model_dump()
    copy = private_copy(d)
    assert copy == d
    copy.nodes[0].position.x = 9999
    copy.nodes[0].properties["tier"].append("b")
    copy.nodes.pop()
    copy.lint.ignore.append("SPF")
    copy.properties["owner"]["team"] = "y"
    assert d.model_dump() == before


def test_zoomed_out_view_follows_a_move_after_the_user_pauses(
    qtbot: Any, make_window: Callable[..., Any]
) -> None:
    from PySide6.QtCore import QPointF

    w = make_window(grid(12, hole=(6, 6)))
    view = w.view
    view.set_zoom(0.05, fitting=True)
    view.centerOn(5.5 * SPACING, 5.5 * SPACING)
    assert view.design_scene.overview  # far out: one picture instead of cards

    def seen(x: float, y: float) -> Any:
        image = view.viewport().grab().toImage()
        p = view.mapFromScene(QPointF(x, y))
        dpr = image.devicePixelRatio()
        return image.pixelColor(round(p.x() * dpr), round(p.y() * dpr))

    hole = (6 * SPACING, 6 * SPACING)
    old = (3 * SPACING, 4 * SPACING)
    empty = seen(*hole)
    assert seen(*old) != empty
    before, _ = view.overview.picture()

    w.editor.apply(MoveNodes({"n3-4": hole}, "Move"))
    assert view.overview.drawing
    assert view.overview.picture()[0] is before  # the previous picture until the new one
    qtbot.waitUntil(lambda: not view.overview.drawing, timeout=5000)
    assert view.overview.picture()[0] is not before
    assert seen(*hole) != empty
    assert seen(*old) == empty
