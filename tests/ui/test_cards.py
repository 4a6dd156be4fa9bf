"""Cards show names up to 32 characters whole, and an info finding's outline is not the
selection's."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF

from archdesigner.model import Design, Node, Position

NAMES = [
    "shoppingaggregator-for-web-01",
    "shoppingaggregator-for-mobile-01",
    "webshoppingapigateway-mobile-abc",
    "Order processing service (EU-1)x",
    "ordering.signalrhub.backend.main",
    "identity-api",
    "notificationservice",
]


def test_names_of_32_characters_are_shown_whole(make_window: Any) -> None:
    nodes = [
        Node(id=f"n{i}", kind="service", name=name, replicas=3, position=Position(x=0, y=i * 100))
        for i, name in enumerate(NAMES)
    ]
    w = make_window(Design(format="archdesigner.design", version=1, name="", nodes=nodes))
    for i, name in enumerate(NAMES):
        item = w.scene.nodes[f"n{i}"]
        item._layout()
        lines = item._title
        assert all("…" not in line for line in lines), lines
        assert "".join(lines).replace(" ", "") == name.replace(" ", ""), lines
        assert len(lines) <= 2
    # two cards whose names differ only at the end can be told apart
    a, b = (w.scene.nodes[n]._title for n in ("n0", "n1"))
    assert a != b


def test_an_info_outline_is_dashed_and_not_the_selection_colour(make_window: Any) -> None:
    from archdesigner.ui.overlays import SEVERITY_COLORS
    from archdesigner.ui.theme import DARK, LIGHT

    assert SEVERITY_COLORS["info"] not in (LIGHT.selection, DARK.selection)
    from archdesigner.ui.editor import Decoration

    w = make_window()
    item = w.scene.nodes["api"]
    item.set_decoration(Decoration(badge="1", outline=SEVERITY_COLORS["info"], outline_dashed=True))
    w.view.viewport().repaint()  # paints with a dashed pen, no error
    assert item.decoration is not None and item.decoration.outline_dashed


def _dark_pixels_in_the_middle(w: Any) -> int:
    """Pixels as dark as text in a band across the middle of the canvas."""
    img = w.view.viewport().grab().toImage()
    y0 = img.height() // 2 - 10
    return sum(
        img.pixelColor(x, y).lightness() < 160
        for y in range(y0, y0 + 20)
        for x in range(0, img.width(), 2)
    )


def test_an_empty_canvas_says_what_to_do(make_window: Any, qtbot: Any) -> None:
    from archdesigner.ui.canvas.view import CanvasView

    w = make_window(Design(format="archdesigner.design", version=1, name=""))
    assert "palette" in CanvasView.EMPTY_HINT and "Import" in CanvasView.EMPTY_HINT
    assert _dark_pixels_in_the_middle(w) > 50  # the hint's text
    w.view.add_node("service", QPointF(-5000, -5000))  # far from the view
    qtbot.wait(10)
    assert _dark_pixels_in_the_middle(w) == 0
    assert w.count_label.text() == "1 node · 0 links"
