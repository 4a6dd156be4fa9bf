"""File > Import docker-compose, File > Export and Auto-layout, driven through the real
dialogs (without a modal loop)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF

from archdesigner.io import loads_design
from archdesigner.model.edits import MoveNodes
from archdesigner.ui.dialogs.import_export import ExportDialog, ImportDialog
from archdesigner.ui.dialogs.plugins import PluginsDialog
from archdesigner.ui.features import Features

from .live_helpers import app_window, draw_three_tier, wait_for_lint

__all__ = ["app_window"]  # the fixture

DATA = Path(__file__).resolve().parent.parent / "data"


def test_compose_import_through_the_dialog(qtbot: Any, app_window: Any) -> None:
    window = app_window()
    features: Features = window.features
    features.import_action.trigger()
    dialog = features.import_dialog
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    dialog.set_files([DATA / "compose" / "flask-redis.yaml"])
    dialog.import_button.click()
    assert dialog.result_ is not None, dialog.summary.text()
    assert "Imported" in dialog.summary.text()
    assert dialog.report_view.toPlainText().strip()  # the import report is shown
    assert dialog.open_button.isEnabled()
    imported = dialog.result_.design
    dialog.accept()
    assert not dialog.isVisible()
    editor = window.editor
    assert editor.design.model_dump() == imported.model_dump()
    assert editor.path is None and editor.dirty  # unsaved until the user saves
    wait_for_lint(qtbot, features)
    assert features.lint.report is not None


def test_import_error_is_one_line_naming_the_file(app_window: Any, tmp_path: Path) -> None:
    window = app_window()
    bad = tmp_path / "compose.yaml"
    bad.write_text("services:\n  web: [unclosed\n", encoding="utf-8")
    dialog = ImportDialog(window)
    dialog.set_files([bad])
    assert not dialog.run_import()
    text = dialog.report_view.toPlainText()
    assert str(bad) in text and "\n" not in text.strip() and "Traceback" not in text
    assert not dialog.open_button.isEnabled()


def test_kubernetes_manifests_import_through_the_dialog_by_their_content(
    app_window: Any, tmp_path: Path
) -> None:
    # a manifest named like nothing in particular: the dialog reads it and picks the
    # Kubernetes importer, as `archdesigner import` does
    source = DATA / "kubernetes" / "online-boutique" / "kubernetes-manifests.yaml"
    plain = tmp_path / "boutique.yaml"
    plain.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    window = app_window()
    dialog = ImportDialog(window)
    dialog.set_files([plain])
    assert dialog.run_import(), dialog.report_view.toPlainText()
    assert dialog.result_ is not None
    ids = {n.id for n in dialog.result_.design.nodes}
    assert {"frontend", "cartservice", "redis-cart"} <= ids


def test_svg_export_through_the_dialog(qtbot: Any, app_window: Any, tmp_path: Path) -> None:
    window = app_window()
    features: Features = window.features
    draw_three_tier(window)
    features.export_action.trigger()
    dialog = features.export_dialog
    assert isinstance(dialog, ExportDialog)
    formats = {dialog.format_box.itemData(i) for i in range(dialog.format_box.count())}
    assert {"svg", "png", "pdf", "dot", "compose", "mermaid"} <= formats
    dialog.set_format("svg")
    assert set(dialog.option_widgets) >= {"layout", "findings"}
    dialog.set_option("findings", True)
    out = tmp_path / "design.svg"
    dialog.path_edit.setText(str(out))
    assert dialog.preview()
    pm = dialog.preview_image.pixmap()
    assert pm is not None and not pm.isNull() and pm.width() > 50
    dialog.accept()
    assert dialog.written == out
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text and "database" in text


def test_compose_export_shows_the_mapping_report(app_window: Any, tmp_path: Path) -> None:
    window = app_window()
    draw_three_tier(window)
    dialog = ExportDialog(window)
    out = tmp_path / "compose.yaml"
    dialog.path_edit.setText(str(out))
    dialog._path_changed()  # the format follows the file name
    assert dialog.format_box.currentData() == "compose"
    assert dialog.preview()
    assert "services:" in dialog.preview_text.toPlainText()
    assert dialog.run_export()
    assert out.read_text(encoding="utf-8").startswith(dialog.preview_text.toPlainText()[:20])
    report = dialog.report_view.toPlainText()
    assert report  # the client has no container: the report says what was not mapped
    assert dialog.last_result is not None
    assert dialog.last_result.report == [line for line in report.splitlines() if line]


def test_auto_layout_is_one_undoable_move(app_window: Any) -> None:
    window = app_window()
    ids = draw_three_tier(window)
    editor = window.editor
    editor.apply(MoveNodes({ids["client"]: (900, 500), ids["database"]: (-400, 700)}))
    before = editor.design.model_dump()
    steps = editor.undo_stack.count()
    window.scene.clear_all()
    assert window.features.auto_layout()
    assert window.features.layout_job.wait()
    assert editor.undo_stack.count() == steps + 1
    xs = {n.id: n.position.x for n in editor.design.nodes}
    assert xs[ids["client"]] < xs[ids["service"]] < xs[ids["database"]]
    editor.undo()
    assert editor.design.model_dump() == before


def test_auto_layout_of_the_selection_keeps_it_in_place(app_window: Any) -> None:
    window = app_window()
    ids = draw_three_tier(window)
    other = window.view.add_node("cache", QPointF(2000, 2000))
    window.scene.select([ids["client"], ids["service"]])
    assert window.features.auto_layout()
    assert window.features.layout_job.wait()
    assert window.editor.node(other).position.x == 2000
    assert window.editor.undo_stack.undoText() == "Auto-layout selection"


def test_plugins_dialog_lists_contributions_and_broken_plugins(
    app_window: Any, tmp_path: Path
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "broken.py").write_text("raise RuntimeError('boom at import')\n", encoding="utf-8")
    window = app_window(plugin_dirs=[plugins], rules=None)
    dialog = PluginsDialog([plugins], window)
    rows = dialog.rows
    assert ("built-in", "rules") in {(r[0], r[1]) for r in rows}
    assert any(r[2].startswith("svg") for r in rows if r[1] == "exporters")
    assert any("boom at import" in r[3] for r in dialog.errors)
    # the app still works: lint loads the built-in rules and reports the broken plugin
    rules = window.features.lint.rules()
    assert "SPF001" in rules.by_id()
    assert any("boom at import" in str(e) for e in rules.errors)


def test_saved_design_round_trips_after_import(app_window: Any, tmp_path: Path) -> None:
    window = app_window()
    dialog = ImportDialog(window)
    dialog.set_files([DATA / "compose" / "flask-redis.yaml"])
    dialog.accept()  # Open runs the import when it has not run yet
    target = tmp_path / "imported.arch.json"
    window.dialogs.save_answer = str(target)
    assert window.files.save()
    assert loads_design(target.read_text()).model_dump() == window.editor.design.model_dump()
