"""Editing while the whole design is in view (zoomed far out, the overview picture instead of
cards): link badges give way to the picture and come back, in the right place, when zooming
in; nodes added meanwhile are not drawn as cards over the picture; the picture shows edits
after the pause, with live lint running."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF

from archdesigner.model.edits import MoveNodes, UpdateNode
from archdesigner.ui.features import Features
from archdesigner.ui.overlays import BADGE_AT

from .live_helpers import SETTLE_MS, app_window, draw_three_tier, wait_for_lint

__all__ = ["app_window"]  # the fixture


def zoom_out(window: Any) -> None:
    window.view.set_zoom(0.05, fitting=True)
    assert window.view.design_scene.overview  # the picture instead of cards


def zoom_in(window: Any) -> None:
    window.view.set_zoom(1.0)
    assert not window.view.design_scene.overview


def badge_with_scl001(qtbot: Any, window: Any, ids: dict[str, str]) -> tuple[str, Any]:
    """SCL001 on the client's link: the client calls a scaled-out service, no balancer."""
    features: Features = window.features
    editor = window.editor
    editor.apply(UpdateNode(ids["service"], {"replicas": 3}))
    link = next(x.id for x in editor.design.links if x.target == ids["service"])
    qtbot.waitUntil(lambda: link in features.overlays.link_badge_ids(), timeout=SETTLE_MS)
    return link, features.overlays._badges[link]


def expected_badge_pos(window: Any, a: str, b: str) -> tuple[float, float]:
    pa, pb = window.editor.node(a).position, window.editor.node(b).position
    return pa.x + (pb.x - pa.x) * BADGE_AT, pa.y + (pb.y - pa.y) * BADGE_AT


def test_link_badges_hide_when_zoomed_out_and_return_when_zooming_in(
    qtbot: Any, app_window: Any
) -> None:
    window = app_window()
    ids = draw_three_tier(window)
    _link, badge = badge_with_scl001(qtbot, window, ids)
    assert badge.isVisible()

    zoom_out(window)
    assert not badge.isVisible()

    zoom_in(window)
    assert badge.isVisible()
    assert "SCL001" in badge.toolTip()


def test_a_badge_follows_a_move_made_while_zoomed_out(qtbot: Any, app_window: Any) -> None:
    window = app_window()
    ids = draw_three_tier(window)
    _link, badge = badge_with_scl001(qtbot, window, ids)
    zoom_out(window)
    client = window.editor.node(ids["client"]).position
    window.editor.apply(MoveNodes({ids["client"]: (client.x - 300, client.y + 250)}, "Move"))
    assert not badge.isVisible()

    zoom_in(window)
    x, y = expected_badge_pos(window, ids["client"], ids["service"])
    assert badge.isVisible()
    assert abs(badge.pos().x() - x) < 1 and abs(badge.pos().y() - y) < 1


def test_findings_that_arrive_while_zoomed_out_show_once_zoomed_in(
    qtbot: Any, app_window: Any
) -> None:
    window = app_window()
    features: Features = window.features
    ids = draw_three_tier(window)
    wait_for_lint(qtbot, features)
    zoom_out(window)
    link, badge = badge_with_scl001(qtbot, window, ids)  # lint ran while zoomed out
    assert not badge.isVisible()

    zoom_in(window)
    assert badge.isVisible()
    x, y = expected_badge_pos(window, ids["client"], ids["service"])
    assert abs(badge.pos().x() - x) < 1 and abs(badge.pos().y() - y) < 1
    # and SCL001 goes again once fixed while zoomed out (EDG001, no gateway, stays)
    zoom_out(window)
    window.editor.apply(UpdateNode(ids["service"], {"replicas": 1}))

    def badge_now() -> Any:
        return features.overlays._badges.get(link)

    qtbot.waitUntil(lambda: "SCL001" not in badge_now().toolTip(), timeout=SETTLE_MS)
    assert not badge_now().isVisible()
    zoom_in(window)
    assert badge_now().isVisible()
    assert "EDG001" in badge_now().toolTip()


def test_a_node_added_while_zoomed_out_is_a_card_once_zoomed_in(
    qtbot: Any, app_window: Any
) -> None:
    window = app_window()
    ids = draw_three_tier(window)
    zoom_out(window)
    nid = window.view.add_node("cache", QPointF(300, 300))
    scene = window.view.design_scene
    # not a card drawn over the picture (unless the user just selected it)
    assert scene.nodes[nid].isVisible() == scene.nodes[nid].isSelected()
    assert not scene.nodes[ids["client"]].isVisible()

    zoom_in(window)
    assert scene.nodes[nid].isVisible()
    assert scene.nodes[ids["client"]].isVisible()


def test_the_zoomed_out_view_shows_a_move_after_the_pause_with_live_lint(
    qtbot: Any, app_window: Any
) -> None:
    window = app_window()
    features: Features = window.features
    ids = draw_three_tier(window)
    badge_with_scl001(qtbot, window, ids)
    view = window.view
    zoom_out(window)
    view.centerOn(300, 0)

    def seen(x: float, y: float) -> Any:
        image = view.viewport().grab().toImage()
        p = view.mapFromScene(QPointF(x, y))
        dpr = image.devicePixelRatio()
        return image.pixelColor(round(p.x() * dpr), round(p.y() * dpr))

    db = window.editor.node(ids["database"]).position
    old = (db.x, db.y)
    new = (db.x, db.y + 1200)
    empty = seen(*new)
    assert seen(*old) != empty

    window.editor.apply(MoveNodes({ids["database"]: new}, "Move"))
    qtbot.waitUntil(lambda: not view.overview.drawing, timeout=5000)
    wait_for_lint(qtbot, features)
    qtbot.waitUntil(lambda: seen(*new) != empty, timeout=SETTLE_MS)
    assert seen(*old) == empty
