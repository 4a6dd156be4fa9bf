"""Words the app shows: Arrange menu entries, a new group's name and frame title, and the
Export dialog in sentence case (values passed on unchanged)."""

from __future__ import annotations

from typing import Any

from archdesigner.model import Group
from archdesigner.ui.canvas.items import group_title
from archdesigner.ui.dialogs.import_export import ExportDialog

from .live_helpers import app_window

__all__ = ["app_window"]  # the fixture


def test_arrange_menu_names_each_alignment_in_words(make_window: Any) -> None:
    w = make_window()
    texts = [w.actions_[f"align_{h}"].text() for h in ("hcenter", "vcenter", "left")]
    assert texts == ["Align Horizontal Centres", "Align Vertical Centres", "Align Left Edges"]
    w.scene.select(["api", "db"])
    w.align("hcenter")
    assert w.editor.undo_stack.undoText() == "Align horizontal centres"


def test_a_new_group_is_named_and_its_title_says_the_kind_once(make_window: Any) -> None:
    w = make_window()
    w.scene.select(["web"])
    w.group_selection()
    group = w.editor.design.group_map()["boundary"]
    assert group.name == "Group 1"
    assert group_title(group) == "Group 1  ·  boundary"
    w.scene.select(["api"])
    w.group_selection()
    names = sorted(g.name for g in w.editor.design.groups if g.kind == "boundary")
    assert names == ["Group 1", "Group 2"]
    # a name that already says the kind is not followed by it again
    assert group_title(Group(id="boundary-2", kind="boundary")) == "boundary-2"
    assert group_title(Group(id="z", kind="zone", name="Data zone")) == "Data zone"
    assert group_title(Group(id="p", kind="zone", name="Payments")) == "Payments  ·  zone"


def test_export_dialog_words_are_in_sentence_case(app_window: Any) -> None:
    window = app_window()
    dialog = ExportDialog(window)
    items = [dialog.format_box.itemText(i) for i in range(dialog.format_box.count())]
    assert all(t[:1].isupper() for t in items), items
    assert not any(") (" in t for t in items), items  # was "SVG diagram (Graphviz) (svg)"
    assert "SVG diagram (Graphviz)" in items and "Docker Compose draft" in items
    dialog.set_format("svg")
    layout = dialog.option_widgets["layout"]
    shown = [layout.itemText(i) for i in range(layout.count())]
    assert shown == ["Keep", "Auto"]
    assert dialog.options()["layout"] == "keep"  # the exporter gets its own value
    dialog.set_option("layout", "auto")
    assert dialog.options()["layout"] == "auto"
    assert dialog.option_widgets["findings"].toolTip()[:1].isupper()
    assert dialog.option_widgets["timeout"].suffix() == " s"
    dialog.set_format("mermaid")
    direction = dialog.option_widgets["direction"]
    assert [direction.itemText(i) for i in range(direction.count())][:2] == ["LR", "TB"]
    # a status of another format's preview does not stay
    dialog._status("Preview up to date.")
    dialog.set_format("compose")
    assert dialog.status.text() == ""
