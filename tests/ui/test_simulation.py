"""Failure simulation (what fails with a node or a zone) and growth simulation (load factor,
utilization tints, CAP001)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt

from archdesigner.model import Design, Group, Link, Node, Position
from archdesigner.ui.features import Features
from archdesigner.ui.overlays import UTIL_GREEN, UTIL_RED
from archdesigner.ui.simulation import failing_set

from .live_helpers import SETTLE_MS, active_ids, app_window, wait_for_lint

__all__ = ["app_window"]  # the fixture


def _node(nid: str, kind: str, x: float, y: float = 0, **kw: Any) -> Node:
    return Node(id=nid, kind=kind, position=Position(x=x, y=y), **kw)


def failure_design() -> Design:
    """web -> api -> db; api -> audit is optional; batch -> db; api -> search."""
    return Design(
        format="archdesigner.design",
        version=1,
        nodes=[
            _node("web", "client", 0),
            _node("api", "service", 300),
            _node("db", "database", 600, group="za"),
            _node("audit", "service", 600, 150),
            _node("batch", "worker", 300, 300),
            _node("search", "search", 600, 300, group="zb"),
            _node("idx", "worker", 900, 300, group="zb-inner"),
        ],
        links=[
            Link(id="web-api", source="web", target="api"),
            Link(id="api-db", source="api", target="db"),
            Link(id="api-audit", source="api", target="audit", required=False),
            Link(id="batch-db", source="batch", target="db"),
            Link(id="api-search", source="api", target="search"),
        ],
        groups=[
            Group(id="za", kind="zone"),
            Group(id="zb", kind="zone"),
            Group(id="zb-inner", kind="boundary", parent="zb"),
        ],
    )


def reference_fails_with(design: Design, seeds: set[str]) -> set[str]:
    """Brute force over the definition: nodes with a required path to a failed node."""
    required = {(x.source, x.target) for x in design.links if x.required}
    out = set(seeds)
    changed = True
    while changed:
        changed = False
        for s, t in required:
            if t in out and s not in out:
                out.add(s)
                changed = True
    return out


def test_failure_highlights_exactly_the_fails_with_set(qtbot: Any, app_window: Any) -> None:
    design = failure_design()
    window = app_window(design)
    features: Features = window.features
    editor = window.editor
    wait_for_lint(qtbot, features)
    menu = features.context_menu(QPointF(600, 0))
    action = next(a for a in menu.actions() if a.text() == "Simulate failure of db")
    action.trigger()
    expected = reference_fails_with(editor.design, {"db"})
    assert expected == {"db", "api", "web", "batch"}
    assert features.failure.failing == expected
    for nid in (n.id for n in editor.design.nodes):
        deco = editor.decorations.get(nid)
        if nid in expected:
            assert deco is not None and deco.outline is not None and not deco.dimmed, nid
        else:
            assert deco is not None and deco.dimmed, nid
        assert window.scene.nodes[nid].opacity() == (1.0 if nid in expected else 0.35)
    banner = features.banner
    assert banner.isVisible()
    assert "db" in banner.label.text() and "web" in banner.label.text()
    # Escape leaves the mode; lint badges stay
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not features.failure.active and not banner.isVisible()
    assert not any(d.dimmed for d in editor.decorations.values())
    assert "SPF001" in active_ids(features, "db")


def test_zone_failure_takes_its_child_groups_down(qtbot: Any, app_window: Any) -> None:
    design = failure_design()
    window = app_window(design)
    features: Features = window.features
    got = features.failure.start(groups=["zb"])
    expected = reference_fails_with(design, {"search", "idx"})
    assert got == expected == {"search", "idx", "api", "web"}
    assert failing_set(design, groups=["za"]) == reference_fails_with(design, {"db"})
    assert "group zb" in features.banner.label.text()
    # Escape leaves it even when the findings panel has the focus
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    features.panel.table.setFocus()
    qtbot.keyClick(features.panel.table, Qt.Key.Key_Escape)
    assert not features.failure.active
    assert not any(d.dimmed for d in window.editor.decorations.values())


def test_failure_follows_edits_while_simulating(qtbot: Any, app_window: Any) -> None:
    from archdesigner.model.edits import UpdateLink

    window = app_window(failure_design())
    features: Features = window.features
    features.failure.start(["db"])
    window.editor.apply(UpdateLink("batch-db", {"required": False}))
    assert features.failure.failing == {"db", "api", "web"}
    assert window.editor.decorations["batch"].dimmed


def growth_design() -> Design:
    return Design(
        format="archdesigner.design",
        version=1,
        nodes=[
            _node("web", "client", 0, load_rps=100),
            _node("api", "service", 300, capacity_rps=500, replicas=2),
            _node("db", "database", 600, capacity_rps=1500, replicas=2),
        ],
        links=[
            Link(id="web-api", source="web", target="api"),
            Link(id="api-db", source="api", target="db"),
        ],
    )


def test_raising_the_load_factor_turns_a_node_red_and_adds_cap001(
    qtbot: Any, app_window: Any
) -> None:
    window = app_window(growth_design())
    features: Features = window.features
    editor = window.editor
    wait_for_lint(qtbot, features)
    assert "CAP001" not in active_ids(features, "api")
    growth = features.growth
    growth.show_box.setChecked(True)
    qtbot.waitUntil(lambda: "api" in editor.decorations, timeout=SETTLE_MS)
    assert editor.decorations["api"].tint == UTIL_GREEN
    assert "100 of 1,000 req/s" in editor.decorations["api"].tooltip
    growth.set_factor(20)  # 2,000 req/s offered to 1,000 req/s of capacity
    assert features.lint.load_factor == 20
    qtbot.waitUntil(lambda: "CAP001" in active_ids(features, "api"), timeout=SETTLE_MS)
    deco = editor.decorations["api"]
    assert deco.tint == UTIL_RED
    assert "2,000 of 1,000 req/s (200% of capacity)" in deco.tooltip
    assert "20x" in deco.tooltip
    # db has 3,000 req/s of capacity: not red yet; it breaks later
    assert editor.decorations["db"].tint != UTIL_RED
    # the slider maps 1x..100x on a log scale
    growth.slider.setValue(200)
    assert growth.factor == 100.0 and growth.spin.value() == 100.0
    qtbot.waitUntil(lambda: "CAP001" in active_ids(features, "db"), timeout=SETTLE_MS)
    growth.set_factor(1)
    qtbot.waitUntil(lambda: "CAP001" not in active_ids(features, "api"), timeout=SETTLE_MS)


def test_failing_set_matches_the_graph_definition_on_the_examples() -> None:
    from pathlib import Path

    from archdesigner.graph import DesignGraph
    from archdesigner.io import load_design

    examples = Path(__file__).resolve().parents[2] / "resources" / "examples"
    designs = sorted(examples.glob("*.arch.json"))
    assert designs
    for path in designs:
        design = load_design(path)
        graph = DesignGraph(design)
        for node in design.nodes:
            assert failing_set(design, [node.id]) == graph.fails_with(node.id), (path, node.id)
            assert failing_set(design, [node.id]) == reference_fails_with(design, {node.id})
