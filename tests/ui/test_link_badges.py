"""A link's findings badge sits on the link as drawn: along its route when the route goes
around a card, not on the straight line through that card."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from archdesigner.importers.compose import ComposeImporter
from archdesigner.lint import Finding
from archdesigner.model import Design, Link, Node, Position
from archdesigner.model.edits import MoveNodes
from archdesigner.ui.overlays import BADGE_AT, Overlays, point_along
from archdesigner.ui.theme import NODE_H, NODE_W

from .live_helpers import app_window, wait_for_lint

__all__ = ["app_window"]  # the fixture


def blocked() -> Design:
    """a -> c with b right between them on the same line."""
    return Design(
        format="archdesigner.design",
        version=1,
        nodes=[
            Node(id="a", kind="service", position=Position(x=0, y=0)),
            Node(id="b", kind="service", position=Position(x=300, y=0)),
            Node(id="c", kind="database", position=Position(x=600, y=0)),
        ],
        links=[Link(id="a-c", source="a", target="c")],
    )


def on_segment(p: tuple[float, float], segs: list[tuple[float, float, float, float]]) -> bool:
    for x1, y1, x2, y2 in segs:
        length = math.dist((x1, y1), (x2, y2))
        if abs(math.dist(p, (x1, y1)) + math.dist(p, (x2, y2)) - length) < 0.5:
            return True
    return False


def test_the_badge_follows_the_route_around_a_card(make_window: Any, qtbot: Any) -> None:
    w = make_window(blocked())
    overlays = Overlays(w.editor, w.scene)
    finding = Finding("RES004", "x", "warning", "a finding", "a-c", "link")
    overlays.set_findings([finding])
    badge = overlays._badges["a-c"]
    assert w.scene.wait_for_routes()
    route = w.scene.links.route_of("a-c")
    assert len(route) > 2  # it bends around b
    p = (badge.pos().x(), badge.pos().y())
    assert on_segment(p, w.scene.links.geom["a-c"]), (p, route)
    bx, by = w.scene.pos_of["b"]
    assert not (abs(p[0] - bx) < NODE_W / 2 and abs(p[1] - by) < NODE_H / 2)  # not on b
    assert clear_of_label_and_cards(w, "a-c", p)
    # b moves out of the way: straight again, and the badge with it
    w.editor.apply(MoveNodes({"b": (300, 400)}))
    assert w.scene.wait_for_routes()
    expected = point_along([(0.0, 0.0), *w.scene.links.route_of("a-c"), (600.0, 0.0)], BADGE_AT)
    assert abs(badge.pos().x() - expected[0]) < 1 and abs(badge.pos().y()) < 1


def test_point_along_a_polyline() -> None:
    pts = [(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)]
    assert point_along(pts, 0.25) == (50.0, 0.0)
    assert point_along(pts, 0.75) == (100.0, 50.0)
    assert point_along(pts, 1.0) == (100.0, 100.0)
    assert point_along([(1.0, 1.0), (1.0, 1.0)], 0.5) == (1.0, 1.0)


def clear_of_label_and_cards(w: Any, lid: str, pos: tuple[float, float]) -> bool:
    """No card and no link label (of any link) under the badge at ``pos``."""
    links = w.scene.links
    r = 9.0
    for info in links.info.values():
        label = info[4]
        if label is None:
            continue
        half_w = links.label_fm.horizontalAdvance(label[0]) / 2 + 4 + r
        half_h = links.label_fm.height() / 2 + 2 + r
        if abs(pos[0] - label[1]) < half_w and abs(pos[1] - label[2]) < half_h:
            return False
    return not w.scene.cards_in(QRectF(pos[0] - r, pos[1] - r, 2 * r, 2 * r))


def test_badges_on_the_corpus_systems_sit_on_their_links_clear_of_labels_and_cards(
    app_window: Any, qtbot: Any
) -> None:
    root = Path(__file__).resolve().parents[2]
    design = (
        ComposeImporter()
        .import_files([root / "tests" / "data" / "corpus" / "pitstop.compose.yml"], env={})
        .design
    )
    w = app_window(design)
    features = w.features
    wait_for_lint(qtbot, features)
    qtbot.waitUntil(lambda: bool(features.overlays.link_badge_ids()), timeout=5000)
    assert w.scene.wait_for_routes()
    QApplication.processEvents()
    badges = features.overlays._badges
    assert len(badges) >= 3
    for lid, badge in badges.items():
        p = (badge.pos().x(), badge.pos().y())
        assert on_segment(p, w.scene.links.geom[lid]), lid
        assert clear_of_label_and_cards(w, lid, p), lid
        for other, more in badges.items():  # badges of links sharing a leg do not stack
            if other != lid:
                assert math.dist(p, (more.pos().x(), more.pos().y())) >= 18, (lid, other)


@pytest.mark.slow
def test_drawn_link_labels_never_stack_on_a_real_system(app_window: Any, qtbot: Any) -> None:
    """online-boutique: the loadgenerator's and the front door's calls share one trunk into
    frontend, both labelled http; the router found room for one label there, and the other
    is not drawn on top of it (it was, half hidden: "| http")."""
    from archdesigner.importers import KubernetesImporter

    root = Path(__file__).resolve().parents[2]
    manifests = root / "tests" / "data" / "kubernetes" / "online-boutique" / "kubernetes-manifests"
    w = app_window(KubernetesImporter().import_files([manifests]).design)
    assert w.scene.wait_for_routes()
    QApplication.processEvents()
    links = w.scene.links
    labels = links.labels_near(QRectF(-1e6, -1e6, 2e6, 2e6))
    assert len(labels) >= 10
    h = links.label_fm.height() + 4
    boxes = [(x, y, links.label_width(text) + 8) for _lid, text, x, y in labels]
    for i, (x, y, wd) in enumerate(boxes):
        for x2, y2, wd2 in boxes[i + 1 :]:
            assert abs(x - x2) >= (wd + wd2) / 2 or abs(y - y2) >= h, (x, y, x2, y2)
