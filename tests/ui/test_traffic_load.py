"""The traffic controls without a load: they say that the slider does nothing and offer a
load for the clients (editable, one undoable step); the "Show load" legend."""

from __future__ import annotations

from typing import Any

from archdesigner.model import Design, Link, Node, Position
from archdesigner.ui.features import Features
from archdesigner.ui.overlays import UTIL_GREEN

from .live_helpers import SETTLE_MS, app_window, wait_for_lint

__all__ = ["app_window"]  # the fixture


def unloaded() -> Design:
    """Two clients without a load -> a service with a capacity -> a database without."""
    return Design(
        format="archdesigner.design",
        version=1,
        nodes=[
            Node(id="web", kind="client", position=Position(x=0, y=0)),
            Node(id="app", kind="client", position=Position(x=0, y=150)),
            Node(id="api", kind="service", capacity_rps=400, position=Position(x=300, y=0)),
            Node(id="db", kind="database", position=Position(x=600, y=0)),
        ],
        links=[
            Link(id="web-api", source="web", target="api"),
            Link(id="app-api", source="app", target="api"),
            Link(id="api-db", source="api", target="db"),
        ],
    )


def test_without_a_load_the_traffic_controls_say_so_and_offer_one(
    qtbot: Any, app_window: Any
) -> None:
    window = app_window(unloaded())
    features: Features = window.features
    growth = features.growth
    assert not growth.has_load
    qtbot.waitUntil(growth.no_load.isVisible, timeout=SETTLE_MS)  # the toolbar is laid out
    assert "no entry has a load" in growth.no_load_label.text()
    assert "each of 2 clients" in growth.no_load_label.text()
    assert not growth.slider.isVisible() and not growth.spin.isVisible()  # they would do nothing
    # the offered load is editable in place; setting it is one step
    growth.load_spin.setValue(250)
    before = window.editor.design.model_dump()
    growth.set_load_button.click()
    nodes = window.editor.design.node_map()
    assert nodes["web"].load_rps == 250 and nodes["app"].load_rps == 250
    assert nodes["api"].load_rps is None
    assert growth.has_load and not growth.no_load.isVisible()
    assert growth.slider.isVisible()
    assert "2 clients" in window.editor.undo_stack.undoText()
    # now the controls do something: 500 req/s offered to 400 of capacity
    growth.show_box.setChecked(True)
    wait_for_lint(qtbot, features)
    qtbot.waitUntil(lambda: "api" in window.editor.decorations, timeout=SETTLE_MS)
    assert "500 of 400 req/s" in window.editor.decorations["api"].tooltip
    window.editor.undo()
    assert window.editor.design.model_dump() == before
    assert not growth.has_load and growth.no_load.isVisible()


def test_without_clients_it_points_at_the_inspector(qtbot: Any, app_window: Any) -> None:
    design = unloaded()
    design.nodes = [n for n in design.nodes if n.kind != "client"]
    design.links = [lk for lk in design.links if lk.id == "api-db"]
    growth = app_window(design).features.growth
    assert not growth.has_load
    assert "Inspector" in growth.no_load_label.text()
    assert not growth.set_load_button.isVisible()


def test_a_loaded_design_shows_no_offer(qtbot: Any, app_window: Any) -> None:
    design = unloaded()
    design.nodes[0].load_rps = 10
    growth = app_window(design).features.growth
    qtbot.waitUntil(growth.slider.isVisible, timeout=SETTLE_MS)
    assert growth.has_load and not growth.no_load.isVisible()
    # an empty canvas has nothing to say either
    empty = app_window().features.growth
    assert empty.has_load


def test_show_load_has_a_legend_for_its_colours(qtbot: Any, app_window: Any) -> None:
    design = unloaded()
    design.nodes[0].load_rps = 100
    window = app_window(design)
    growth = window.features.growth
    assert not growth.legend.isVisible()
    growth.show_box.setChecked(True)
    qtbot.waitUntil(growth.legend.isVisible, timeout=SETTLE_MS)
    text = growth.legend.text()
    assert "80%" in text and "over" in text
    green = UTIL_GREEN.name()
    assert green in text  # the legend's colours are the tints'
    # three of the four components have no capacity: the legend says they are not tinted
    assert "3 untinted" in text
    assert "no capacity" in growth.legend.toolTip()
    # the design's own target moves the amber threshold
    from archdesigner.model.edits import UpdateDesign

    lint = window.editor.design.lint.model_dump()
    lint["options"] = {"CAP002": {"max_utilization": 0.6}}
    window.editor.apply(UpdateDesign({"lint": lint}))
    assert "60%" in growth.legend.text()
    growth.show_box.setChecked(False)
    assert not growth.legend.isVisible()
