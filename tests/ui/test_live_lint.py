"""Live lint in the app: findings follow edits within a second, on the canvas and in the
panel; clicking and selecting connect panel and canvas; stale results are dropped."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QPointF

from archdesigner.model.edits import MoveNodes, UpdateNode
from archdesigner.ui.features import Features
from archdesigner.ui.lint_controller import snapshot
from archdesigner.ui.overlays import BADGE_AT, SEVERITY_COLORS

from .live_helpers import active_ids, app_window, draw_three_tier, wait_for_lint

__all__ = ["app_window"]  # the fixture


def test_spf001_appears_on_the_database_within_a_second(qtbot: Any, app_window: Any) -> None:
    window = app_window()
    features: Features = window.features
    ids = draw_three_tier(window)
    db = ids["database"]
    last_edit = time.perf_counter()
    qtbot.waitUntil(lambda: "SPF001" in active_ids(features, db), timeout=1000)
    assert time.perf_counter() - last_edit < 1.0
    # on the canvas: a badge in the worst severity, the card outlined
    deco = window.editor.decorations[db]
    assert deco.badge and deco.badge_color == SEVERITY_COLORS["error"]
    assert deco.outline == SEVERITY_COLORS["error"]
    assert window.scene.nodes[db].decoration == deco
    # in the panel and the status bar
    rows = {(f.rule_id, f.subject) for f in features.panel.model.shown}
    assert ("SPF001", db) in rows
    assert "errors" in features.lint_label.text()
    # the client is no single point of failure: no badge
    assert ids["client"] not in window.editor.decorations


def test_panel_filters_sorts_and_links_to_the_canvas(qtbot: Any, app_window: Any) -> None:
    window = app_window()
    features: Features = window.features
    ids = draw_three_tier(window)
    qtbot.waitUntil(lambda: "SPF001" in active_ids(features, ids["database"]), timeout=2000)
    panel = features.panel
    window.scene.clear_all()  # the node drawn last was selected: the panel showed only it
    total = len(panel.model.shown)
    assert total >= 2
    # search box
    panel.search_box.setText(ids["database"])
    assert {f.subject for f in panel.model.shown} >= {ids["database"]}
    assert all(ids["database"] in (f.message + f.subject) for f in panel.model.shown)
    panel.search_box.setText("")
    # severity filter
    panel.severity_buttons["error"].setChecked(False)
    assert all(f.severity != "error" for f in panel.model.shown)
    panel.severity_buttons["error"].setChecked(True)
    # rule filter
    panel.rule_box.setCurrentIndex(panel.rule_box.findData("SPF001"))
    assert {f.rule_id for f in panel.model.shown} == {"SPF001"}
    panel.rule_box.setCurrentIndex(0)
    # sort by subject, descending
    panel.model.sort(3, panel.model._sort[1].__class__.DescendingOrder)
    subjects = [f.subject for f in panel.model.shown]
    assert subjects == sorted(subjects, reverse=True)
    # clicking a finding selects and centres its subject
    row = next(i for i, f in enumerate(panel.model.shown) if f.subject == ids["service"])
    panel.table.selectRow(row)
    panel._clicked(panel.model.index(row, 1))
    assert window.scene.selected_nodes() == [ids["service"]]
    # ...without filtering the list: every finding stays listed, the clicked one current
    assert len(panel.model.shown) == total
    assert panel.current() is not None and panel.current().subject == ids["service"]
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    assert abs(centre.x() - 300) < 5 and abs(centre.y()) < 5
    # selecting a node filters the panel only with the explicit toggle on
    window.scene.select([ids["database"]])
    assert len(panel.model.shown) == total
    panel.only_selected.setChecked(True)
    assert panel.model.shown and {f.subject for f in panel.model.shown} == {ids["database"]}
    window.scene.clear_all()
    assert len(panel.model.shown) == total
    panel.only_selected.setChecked(False)
    # the counts per severity stay in view
    counts = {s: sum(f.severity == s for f in panel.model.shown) for s in ("error", "warning")}
    assert f"({counts['error']})" in panel.severity_buttons["error"].text()
    assert f"({counts['warning']})" in panel.severity_buttons["warning"].text()


def test_f8_walks_every_finding_and_a_fix_moves_on(qtbot: Any, app_window: Any) -> None:
    window = app_window()
    features: Features = window.features
    draw_three_tier(window)
    wait_for_lint(qtbot, features)
    panel = features.panel
    total = len(panel.model.shown)
    assert total >= 2
    seen = []
    for _ in range(total):
        features.next_finding_action.trigger()
        f = panel.current()
        assert f is not None
        seen.append(f.fingerprint)
        if f.subject_type == "node":  # shown on the canvas
            assert window.scene.selected_nodes() == [f.subject]
        assert len(panel.model.shown) == total  # never filtered
    assert len(set(seen)) == total  # each finding once
    features.next_finding_action.trigger()  # wraps around
    assert panel.current().fingerprint == seen[0]
    features.prev_finding_action.trigger()
    assert panel.current().fingerprint == seen[-1]
    # applying a fix keeps the list's place: the next finding becomes current
    row = next(i for i, f in enumerate(panel.model.shown) if f.fix is not None)
    panel.table.selectRow(row)
    fixed = panel.current()
    assert features.apply_fix(fixed)
    qtbot.waitUntil(lambda: all(f.fingerprint != fixed.fingerprint for f in panel.model.shown))
    wait_for_lint(qtbot, features)
    assert panel.current() is not None
    assert panel.current().fingerprint != fixed.fingerprint
    assert panel.table.currentIndex().row() == min(row, len(panel.model.shown) - 1)
    assert "Showing" not in panel.empty_label.text()


def test_stale_results_are_dropped(qtbot: Any, app_window: Any) -> None:
    window = app_window(lint_delay_ms=0)
    features: Features = window.features
    ids = draw_three_tier(window)
    wait_for_lint(qtbot, features)
    seen: list[int] = []
    features.lint.report_ready.connect(lambda o: seen.append(o.generation))
    editor = window.editor
    # two edits in a row while the first run is in flight: only the newest result is shown
    editor.apply(UpdateNode(ids["database"], {"replicas": 2}))
    features.lint.lint_now()
    editor.apply(UpdateNode(ids["service"], {"replicas": 3}))
    wait_for_lint(qtbot, features)
    assert seen and seen[-1] == features.lint.generation
    assert "SPF001" not in active_ids(features, ids["database"])
    assert "SPF001" not in active_ids(features, ids["service"])


def test_snapshot_is_not_changed_by_later_edits(app_window: Any) -> None:
    window = app_window()
    ids = draw_three_tier(window)
    before = snapshot(window.editor.design)
    dump = before.model_dump()
    window.editor.apply(UpdateNode(ids["service"], {"replicas": 4}))
    window.view.add_node("cache", QPointF(300, 200))
    assert before.model_dump() == dump


def test_link_findings_get_a_badge_on_the_link(qtbot: Any, app_window: Any) -> None:
    window = app_window()
    features: Features = window.features
    ids = draw_three_tier(window)
    editor = window.editor
    # SCL001: the client calls a scaled-out service without a balancer
    editor.apply(UpdateNode(ids["service"], {"replicas": 3}))
    link = next(x.id for x in editor.design.links if x.target == ids["service"])
    qtbot.waitUntil(lambda: link in features.overlays.link_badge_ids(), timeout=2000)
    badge = features.overlays._badges[link]
    assert "SCL001" in badge.toolTip()
    a, b = editor.node(ids["client"]).position, editor.node(ids["service"]).position
    t = BADGE_AT
    assert abs(badge.pos().x() - (a.x + (b.x - a.x) * t)) < 1
    assert abs(badge.pos().y() - (a.y + (b.y - a.y) * t)) < 1
    # the badge follows when an end moves
    editor.apply(MoveNodes({ids["client"]: (a.x - 200, a.y + 100)}))
    assert abs(badge.pos().x() - (a.x - 200 + (b.x - a.x + 200) * t)) < 1


def test_findings_panel_sorts_by_impact_and_shows_it(qtbot: Any) -> None:
    from archdesigner.lint.api import Finding
    from archdesigner.ui.findings import COLUMNS, IMPACT_COLUMN, FindingsPanel

    panel = FindingsPanel()
    qtbot.addWidget(panel)

    def finding(rule: str, severity: str, subject: str, impact: float) -> Finding:
        return Finding(rule, "r", severity, "m", subject, "node", impact=impact)  # type: ignore[arg-type]

    panel.set_findings(
        [
            finding("SPF001", "error", "db", 0.25),
            finding("RES002", "info", "api", 1.0),
            finding("SCL001", "warning", "web", 1.0),
            finding("MOD001", "info", "spare", 0.0),
        ]
    )
    assert COLUMNS[IMPACT_COLUMN] == "Impact"
    assert [f.subject for f in panel.model.shown] == ["web", "api", "db", "spare"]
    model = panel.model
    texts = [model.data(model.index(r, IMPACT_COLUMN)) for r in range(4)]
    assert texts == ["100%", "100%", "25%", "0%"]
    assert panel.table.horizontalHeader().sortIndicatorSection() == IMPACT_COLUMN


def test_lint_and_autosave_tasks_never_hold_a_qobject(
    qtbot: Any, app_window: Any, tmp_path: Any
) -> None:
    """The live lint's and the autosave's worker tasks get plain values and plain objects:
    a QObject whose last reference went with a task would be released on the worker thread
    (see test_routes: that deadlocked once). Their answers still reach the window."""
    from concurrent.futures import ThreadPoolExecutor

    from PySide6.QtCore import QObject

    window = app_window(lint_delay_ms=0, autosave_dir=tmp_path / "autosave", autosave_idle_ms=50)
    features: Features = window.features
    tasks: list[tuple[Any, ...]] = []
    for pool in (features.lint._pool, features.autosave._pool):
        submit = pool.submit

        def record(fn: Any, *args: Any, _submit: Any = submit, **kw: Any) -> Any:
            tasks.append((fn, *args, *kw.values()))
            return _submit(fn, *args, **kw)

        pool.submit = record  # type: ignore[method-assign]
    assert isinstance(features.lint._pool, ThreadPoolExecutor)
    draw_three_tier(window)
    wait_for_lint(qtbot, features)
    qtbot.waitUntil(lambda: features.autosave.writes >= 1, timeout=3000)
    assert {getattr(t[0], "__name__", "") for t in tasks} >= {"run_lint", "write"}
    for task in tasks:
        fn, *args = task
        held = [getattr(fn, "__self__", None), *args]
        assert not any(isinstance(x, QObject) for x in held), task
    assert "SPF001" in {f.rule_id for f in features.lint.report.active}  # type: ignore[union-attr]
