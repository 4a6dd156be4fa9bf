"""Opening a large design: the links are filed in the background, those crossing what is
painted or asked about first (tried on small designs with the threshold lowered)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from archdesigner.model import Design, Link, Node, Position
from archdesigner.model.edits import MoveNodes, RemoveLink
from archdesigner.ui.canvas import links as links_mod
from archdesigner.ui.canvas.links import LinkLayer, clip


def grid_design(n: int = 400, links: int = 900, seed: int = 3) -> Design:
    rng = random.Random(seed)
    cols = 20
    nodes = [
        Node(id=f"n{i}", kind="service", position=Position(x=(i % cols) * 260, y=(i // cols) * 130))
        for i in range(n)
    ]
    out = []
    for k in range(links):
        a, b = rng.randrange(n), rng.randrange(n)
        if rng.random() < 0.7:  # mostly near neighbours, some across the design
            b = min(n - 1, a + rng.choice((1, cols, cols + 1)))
        out.append(Link(id=f"l{k}", source=f"n{a}", target=f"n{b}", protocol="grpc"))
    return Design(format="archdesigner.design", version=1, nodes=nodes, links=out)


def crossing(layer: LinkLayer, rect: QRectF) -> set[str]:
    """Brute force: the links whose drawn segments cross ``rect``."""
    box = (rect.left(), rect.top(), rect.right(), rect.bottom())
    out = set()
    for lid, link in layer.links.items():
        segs = layer._segments(link)
        if any(clip(s, *box) is not None for s in segs):
            out.add(lid)
    return out


def filed_grid(layer: LinkLayer) -> dict[Any, set[str]]:
    return {cell: set(ids) for cell, ids in layer.grid.items() if ids}


def derived_grid(layer: LinkLayer) -> dict[Any, set[str]]:
    """The grid as each link's geometry says it is filed."""
    out: dict[Any, set[str]] = {}
    for lid in layer.geom:
        for cell in layer.cells(lid):
            out.setdefault(cell, set()).add(lid)
    return out


@pytest.mark.parametrize("style", ["straight", "orthogonal"])
def test_links_are_filed_later_and_areas_asked_about_first(
    make_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    monkeypatch.setattr(links_mod, "FILE_LATER", 100)
    design = grid_design()
    w = make_window(design)
    w.scene.set_link_style(style)  # orthogonal: routes arrive while links are filed
    layer = w.scene.links
    filed: list[int] = []
    layer.filed_listeners.append(lambda: filed.append(len(layer.geom)))
    w.editor.set_design(grid_design())  # opened again: the listener sees this one
    assert layer.filing and len(layer.geom) < len(layer.links)
    area = QRectF(1000, 500, 700, 400)
    found = layer.links_in(area)
    assert crossing(layer, area) <= found  # every link crossing it, although not all filed
    assert layer.filing
    # an edit meanwhile: moved and removed links are filed where they are now
    w.editor.apply(MoveNodes({"n45": (3333.0, 777.0)}))
    w.editor.apply(RemoveLink("l7"))
    qtbot.waitUntil(lambda: not layer.filing, timeout=10000)
    assert filed == [len(layer.links)]
    qtbot.waitUntil(lambda: layer.warm, timeout=10000)
    # the same grid as filing everything at once
    assert w.scene.wait_for_routes()
    assert filed_grid(layer) == derived_grid(layer)
    assert set(layer.geom) == set(layer.links)
    if style == "straight":  # the same grid as filing everything at once
        whole = LinkLayer(w.scene.theme, lambda r, f: None)
        whole.rebuild(w.editor.design.links, dict(w.scene.pos_of))
        whole.file_all()
        assert filed_grid(layer) == filed_grid(whole)
        assert layer.geom == whole.geom


def test_painting_files_the_links_in_view(
    make_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(links_mod, "FILE_LATER", 100)
    # the background steps stand still: on a fast moment one 8 ms step filed all 900 links
    # before the view was painted (the test failed one run in three); here only painting
    # can have filed what it shows
    monkeypatch.setattr(LinkLayer, "_file_step", lambda self, gen: None)
    w = make_window(grid_design())
    w.editor.set_design(grid_design())
    layer = w.scene.links
    assert layer.filing
    QApplication.processEvents()  # the first view of the design
    w.view.set_zoom(1.0)
    w.view.centerOn(2600, 1300)
    w.view.viewport().repaint()
    shown = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    assert layer.filing  # not all filed yet, but those in view
    assert all(lid in layer.geom for lid in crossing(layer, shown))


def test_labels_near_finds_the_labels_whose_centre_is_there(make_window: Any) -> None:
    w = make_window(grid_design(links=300))
    layer = w.scene.links
    area = QRectF(500, 200, 900, 500)
    expected = {
        lid
        for lid, info in layer.info.items()
        if info[4] is not None and area.contains(info[4][1], info[4][2])
    }
    assert expected
    assert {lid for lid, *_ in layer.labels_near(area)} == expected
    w.editor.apply(MoveNodes({"n30": (9000.0, 9000.0)}))  # its links' labels move away
    moved = {lid for lid in layer.by_node["n30"]}
    assert not moved & {lid for lid, *_ in layer.labels_near(QRectF(-1000, -1000, 1, 1))}
    expected = {
        lid
        for lid, info in layer.info.items()
        if info[4] is not None and area.contains(info[4][1], info[4][2])
    }
    assert {lid for lid, *_ in layer.labels_near(area)} == expected


def test_a_large_design_builds_the_cell_drawings_around_the_view_only(
    make_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(links_mod, "FILE_LATER", 100)
    w = make_window(grid_design(n=1600, links=3000))
    w.scene.set_link_style("straight")  # no routes arriving meanwhile
    w.editor.set_design(grid_design(n=1600, links=3000))
    layer = w.scene.links
    QApplication.processEvents()  # the first view: the design's top-left corner
    w.view.set_zoom(1.0)
    w.view.viewport().repaint()
    qtbot.waitUntil(lambda: not layer.filing and layer.warm, timeout=20000)
    layer._cache.clear()  # what the warm-up builds, not what painting did
    layer.warm_up()
    qtbot.waitUntil(lambda: layer.warm, timeout=20000)
    shown = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    w_, h_ = shown.width(), shown.height()
    near = shown.adjusted(-1.5 * w_, -1.5 * h_, 1.5 * w_, 1.5 * h_)
    built = set(layer._cache)
    assert built and all(links_mod._cell_rect(c).intersects(near) for c in built)
    assert any(c not in built for c in layer.grid)  # the far cells: when first painted
    monkeypatch.setattr(links_mod, "FILE_LATER", 10**6)  # a small design: every cell
    layer.warm_up()
    qtbot.waitUntil(lambda: layer.warm, timeout=20000)
    assert set(layer._cache) == set(layer.grid)
