"""Inspector edits (one undo step each, invalid input refused in place) and file handling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from archdesigner.io import load_design, save_design


def dump(window: Any) -> dict[str, Any]:
    return window.editor.design.model_dump()  # type: ignore[no-any-return]


def test_replicas_spinbox_edits_the_node(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    w.scene.select(["api"])
    spin = w.inspector.field("replicas").spin
    assert spin.value() == 2
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "5")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert w.editor.design.node_map()["api"].replicas == 5
    assert w.editor.undo_stack.count() == 1
    assert w.actions_["undo"].text() == "&Undo Set replicas of api"
    after = dump(w)
    w.editor.undo()
    assert dump(w) == before and spin.value() == 2  # the inspector follows the document
    w.editor.redo()
    assert dump(w) == after


def test_invalid_ports_are_refused_with_the_reason(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    before = dump(w)
    w.scene.select(["api"])
    field = w.inspector.field("ports")
    field.edit.setText("80, http")
    field.edit.editingFinished.emit()
    assert dump(w) == before
    assert field.error.isVisibleTo(w) and "'http' is not a port number" in field.error.text()
    field.edit.setText("80, 70000")
    field.edit.editingFinished.emit()
    assert dump(w) == before and "65535" in field.error.text()
    field.edit.setText("80, 443")
    field.edit.editingFinished.emit()
    assert w.editor.design.node_map()["api"].ports == [80, 443]
    assert not field.error.isVisibleTo(w)


def test_duplicate_id_is_refused_and_rename_keeps_selection(make_window: Any) -> None:
    w = make_window()
    w.scene.select(["api"])
    field = w.inspector.field("id")
    field.edit.setText("web")
    field.edit.editingFinished.emit()
    assert "exists already" in field.error.text()
    field.edit.setText("orders")
    field.edit.editingFinished.emit()
    d = w.editor.design
    assert "orders" in d.node_map() and d.links[0].target == "orders"
    assert w.scene.selected_nodes() == ["orders"]


def test_several_nodes_edited_together_in_one_step(make_window: Any) -> None:
    w = make_window()
    before = dump(w)
    w.scene.select(["web", "db"])
    field = w.inspector.field("team")
    field.edit.setText("payments")
    field.edit.editingFinished.emit()
    teams = {n.id: n.team for n in w.editor.design.nodes}
    assert teams == {"web": "payments", "api": "", "db": "payments"}
    assert w.editor.undo_stack.count() == 1
    w.editor.undo()
    assert dump(w) == before


def test_link_and_group_fields(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    w.scene.select(links=["web-api"])
    timeout = w.inspector.field("timeout_ms")
    timeout.edit.setText("-5")
    timeout.edit.editingFinished.emit()
    assert "greater than 0" in timeout.error.text()
    timeout.edit.setText("250")
    timeout.edit.editingFinished.emit()
    assert w.editor.design.links[0].timeout_ms == 250
    mode = w.inspector.field("mode")
    mode.combo.activated.emit(1)
    assert w.editor.design.links[0].mode == "async"
    w.scene.select(groups=["dc"])
    kind = w.inspector.field("kind")
    kind.combo.activated.emit(kind.combo.findData("zone"))
    assert w.editor.design.groups[0].kind == "zone"


def test_save_open_revert_and_title(make_window: Any, tmp_path: Path) -> None:
    w = make_window()
    target = tmp_path / "shop.arch.json"
    w.dialogs.save_answer = str(target)
    w.scene.select(["web"])
    w.delete()
    assert w.isWindowModified()
    assert w.files.save()
    assert not w.isWindowModified() and "shop.arch.json" in w.windowTitle()
    assert [n.id for n in load_design(target).nodes] == ["api", "db"]
    assert w.files.recent()[0] == str(target.resolve())
    w.delete()  # nothing selected: no change
    w.scene.select(["api"])
    w.delete()
    assert w.files.revert()
    assert [n.id for n in w.editor.design.nodes] == ["api", "db"]
    assert w.editor.undo_stack.count() == 0


def test_broken_file_shows_error_and_keeps_design(make_window: Any, tmp_path: Path) -> None:
    w = make_window()
    before = dump(w)
    bad = tmp_path / "bad.arch.json"
    bad.write_text('{"format": "archdesigner.design", "version": 1, "nodes": [{"id": "x"}]}')
    assert not w.files.open(bad)
    assert dump(w) == before
    ((_title, text),) = w.dialogs.errors
    assert "bad.arch.json" in text and "nodes[0].kind" in text


def test_unsaved_changes_are_asked_about(make_window: Any, tmp_path: Path) -> None:
    w = make_window()
    w.scene.select(["web"])
    w.delete()
    w.dialogs.answer = "cancel"
    assert not w.files.new()
    assert len(w.editor.design.nodes) == 2
    w.dialogs.answer = "discard"
    assert w.files.new()
    assert w.editor.design.nodes == []


def test_change_on_disk_is_noticed(make_window: Any, tmp_path: Path, qtbot: Any) -> None:
    w = make_window()
    path = tmp_path / "d.arch.json"
    save_design(w.editor.design, path)
    assert w.files.open(path)
    design = load_design(path)
    design.name = "changed elsewhere"
    save_design(design, path)
    qtbot.waitUntil(lambda: w.message_bar.isVisible(), timeout=5000)
    assert "changed by another program" in w.message_bar.label.text()
    w.message_bar.action.click()
    assert w.editor.design.name == "changed elsewhere"


def test_layout_and_recent_files_are_remembered(make_window: Any, tmp_path: Path) -> None:
    w = make_window()
    path = tmp_path / "r.arch.json"
    save_design(w.editor.design, path)
    w.files.open(path)
    w.findings_dock.hide()
    w.close()
    w2 = make_window()
    assert w2.files.recent() == [str(path.resolve())]
    assert not w2.findings_dock.isVisible()


def test_a_change_on_disk_noticed_as_the_window_goes_reaches_nothing(
    qtbot: Any, tmp_path: Path
) -> None:
    """The re-check of a changed file runs 200 ms after the notice; a window closed and
    deleted meanwhile must not be asked about it (it used to reach the deleted message bar)."""
    import shiboken6
    from PySide6.QtCore import QSettings

    from archdesigner.ui.editor import Editor
    from archdesigner.ui.main_window import MainWindow

    from .conftest import ScriptedDialogs, sample_design

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Editor(sample_design()), settings, ScriptedDialogs())  # type: ignore[arg-type]
    path = tmp_path / "d.arch.json"
    save_design(window.editor.design, path)
    assert window.files.open(path)
    asked: list[Path] = []
    files = window.files
    files.on_external_change = asked.append
    design = load_design(path)
    design.name = "changed elsewhere"
    save_design(design, path)
    files._on_disk_change(str(path))  # the watcher's notice, before the window goes
    shiboken6.delete(window)
    qtbot.wait(500)
    assert asked == []
