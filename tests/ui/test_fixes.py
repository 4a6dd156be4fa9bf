"""One-click fixes, suppressions and lint settings: each is one undoable step, and the
findings follow."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF

from archdesigner.ui.dialogs.lint_settings import LintSettingsDialog
from archdesigner.ui.dialogs.rule_docs import RuleDocsDialog
from archdesigner.ui.features import Features

from .live_helpers import active_ids, app_window, draw_three_tier, wait_for_lint

__all__ = ["app_window"]  # the fixture


def _spf001(features: Features, subject: str) -> Any:
    return next(f for f in features.findings_of(subject) if f.rule_id == "SPF001")


def test_applying_the_fix_removes_spf001_and_undo_brings_it_back(
    qtbot: Any, app_window: Any
) -> None:
    window = app_window()
    features: Features = window.features
    editor = window.editor
    db = draw_three_tier(window)["database"]
    qtbot.waitUntil(lambda: "SPF001" in active_ids(features, db), timeout=1000)
    before = editor.design.model_dump()
    finding = _spf001(features, db)
    assert finding.fix is not None
    steps = editor.undo_stack.count()
    assert features.apply_fix(finding)
    assert editor.undo_stack.count() == steps + 1  # one undoable command
    assert editor.undo_stack.undoText() == finding.fix.description
    assert editor.node(db).replicas == 2
    qtbot.waitUntil(lambda: "SPF001" not in active_ids(features, db), timeout=1000)
    assert all(f.subject != db or f.rule_id != "SPF001" for f in features.panel.model.all)
    editor.undo()
    assert editor.design.model_dump() == before
    qtbot.waitUntil(lambda: "SPF001" in active_ids(features, db), timeout=1000)


def test_node_context_menu_offers_the_fix_and_suppression(qtbot: Any, app_window: Any) -> None:
    window = app_window()
    features: Features = window.features
    editor = window.editor
    ids = draw_three_tier(window)
    db = ids["database"]
    qtbot.waitUntil(lambda: "SPF001" in active_ids(features, db), timeout=1000)
    menu = features.context_menu(QPointF(600, 0))
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    fix_text = _spf001(features, db).fix.description
    assert fix_text in texts
    assert f"Suppress SPF001 on {db}" in texts
    assert f"Simulate failure of {db}" in texts
    # suppress: writes lint_ignore, undoable, and the finding is no longer active
    suppress = next(a for a in menu.actions() if a.text() == f"Suppress SPF001 on {db}")
    suppress.trigger()
    assert editor.node(db).lint_ignore == ["SPF001"]
    qtbot.waitUntil(lambda: "SPF001" not in active_ids(features, db), timeout=1000)
    assert any(f.suppressed and f.subject == db for f in features.lint.report.findings)
    assert db not in editor.decorations or "SPF001" not in editor.decorations[db].tooltip
    editor.undo()
    assert editor.node(db).lint_ignore == []
    qtbot.waitUntil(lambda: "SPF001" in active_ids(features, db), timeout=1000)
    # the fix from the menu
    menu = features.context_menu(QPointF(600, 0))
    next(a for a in menu.actions() if a.text() == fix_text).trigger()
    qtbot.waitUntil(lambda: "SPF001" not in active_ids(features, db), timeout=1000)


def test_lint_settings_are_stored_in_the_design_and_undoable(qtbot: Any, app_window: Any) -> None:
    window = app_window()
    features: Features = window.features
    editor = window.editor
    db = draw_three_tier(window)["database"]
    qtbot.waitUntil(lambda: "SPF001" in active_ids(features, db), timeout=1000)
    dialog = LintSettingsDialog(editor, features.lint.rules(), window)
    dialog.ignore_edit.setText("spf")
    dialog.set_severity("EDG001", "info")
    dialog.options_edit.setPlainText('{"SCL005": {"max_depth": 7}}')
    dialog.accept()
    lint = editor.design.lint
    assert lint.ignore == ["SPF"]
    assert lint.severity == {"EDG001": "info"}
    assert lint.options == {"SCL005": {"max_depth": 7}}
    qtbot.waitUntil(lambda: "SPF001" not in active_ids(features, db), timeout=1000)
    editor.undo()
    assert editor.design.lint.ignore == []
    qtbot.waitUntil(lambda: "SPF001" in active_ids(features, db), timeout=1000)


def test_lint_settings_reject_bad_options_with_a_message(app_window: Any) -> None:
    window = app_window()
    dialog = LintSettingsDialog(window.editor, window.features.lint.rules(), window)
    dialog.options_edit.setPlainText('{"SCL005": {"depth": 7}}')
    steps = window.editor.undo_stack.count()
    dialog.accept()
    assert "no option 'depth'" in dialog.error_label.text()
    assert window.editor.undo_stack.count() == steps


def test_rule_docs_open_inside_the_app(qtbot: Any, app_window: Any) -> None:
    window = app_window()
    features: Features = window.features
    db = draw_three_tier(window)["database"]
    wait_for_lint(qtbot, features)
    features.panel.only_selected.setChecked(True)
    features.panel.set_selected_subject(db)
    features.panel.table.selectRow(0)
    with qtbot.waitSignal(features.panel.docs_requested):
        features.panel.docs_button.click()
    dialog = features.docs_dialog
    assert isinstance(dialog, RuleDocsDialog)
    text = dialog.browser.toPlainText()
    assert "SPF001" in text and "single" in text.lower()


def test_right_click_on_a_node_opens_its_menu_through_the_canvas(
    qtbot: Any, app_window: Any
) -> None:
    """The real event path: a context-menu event on the canvas viewport, the menu chosen
    from while it is open."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication, QMenu

    window = app_window()
    features: Features = window.features
    editor = window.editor
    db = draw_three_tier(window)["database"]
    qtbot.waitUntil(lambda: "SPF001" in active_ids(features, db), timeout=1000)
    fix_text = _spf001(features, db).fix.description
    seen: list[str] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, choose)
            return
        seen.extend(a.text() for a in menu.actions())
        next(a for a in menu.actions() if a.text() == fix_text).trigger()
        menu.close()

    QTimer.singleShot(20, choose)
    view = window.view
    pos = view.mapFromScene(QPointF(600, 0))
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    assert fix_text in seen and f"Simulate failure of {db}" in seen
    assert {"&Copy", "D&uplicate", "&Delete"} <= set(seen)  # the usual edits too
    assert window.scene.selected_nodes() == [db]
    assert editor.node(db).replicas == 2
    qtbot.waitUntil(lambda: "SPF001" not in active_ids(features, db), timeout=1000)
    # an empty spot of the canvas has no menu of ours
    empty = view.mapFromScene(QPointF(300, 400))
    assert features.context_menu(view.mapToScene(empty)) is None


def test_unusable_lint_settings_are_explained_in_the_panel(qtbot: Any, app_window: Any) -> None:
    from archdesigner.model.edits import UpdateDesign

    window = app_window()
    features: Features = window.features
    draw_three_tier(window)
    wait_for_lint(qtbot, features)
    # a file edited by hand can carry an option the rule does not have
    bad = {"options": {"SCL005": {"depth": 3}}}
    window.editor.apply(UpdateDesign({"lint": bad}))
    qtbot.waitUntil(lambda: "SCL005" in features.panel.empty_label.text(), timeout=2000)
    assert "depth" in features.panel.empty_label.text()
    assert features.panel.model.shown == []
    window.editor.undo()
    qtbot.waitUntil(lambda: bool(features.panel.model.shown), timeout=2000)
