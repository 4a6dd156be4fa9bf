"""Tools > Plugins: what each plugin contributes (rules, exporters, importers, kinds), where
it comes from, and why a plugin failed to load. Broken plugins are listed, never fatal."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archdesigner.plugins import discover, user_plugin_dir

KINDS = ("rules", "exporters", "importers", "kinds")


def describe(kind: str, obj: Any) -> str:
    ident = getattr(obj, "id", None) or getattr(obj, "name", None) or type(obj).__name__
    name = getattr(obj, "name", "") or getattr(obj, "display_name", "")
    summary = getattr(obj, "summary", "")
    text = str(ident)
    if name and name != ident:
        text += f" — {name}"
    if summary:
        text += f": {summary}"
    return text


def plugin_table(plugin_dirs: Sequence[str | Path] = ()) -> list[tuple[str, str, str, str]]:
    """Rows (plugin, kind, contribution or "", error or "") for every plugin found."""
    rows: list[tuple[str, str, str, str]] = []
    for kind in KINDS:
        found = discover(kind, plugin_dirs)
        for c in found.contributions:
            rows.append((c.plugin, kind, describe(kind, c.obj), ""))
        for e in found.errors:
            rows.append((e.plugin, kind, "", e.message))
    return rows


class PluginsDialog(QDialog):
    def __init__(self, plugin_dirs: Sequence[str | Path] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Plugins")
        self.resize(760, 520)
        v = QVBoxLayout(self)
        folders = [str(user_plugin_dir()), *map(str, plugin_dirs)]
        info = QLabel(
            "Plugins come from Python packages (entry points) and from plugin folders: "
            + ", ".join(folders)
        )
        info.setWordWrap(True)
        v.addWidget(info)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Plugin / contribution", "Type", "Status"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        v.addWidget(self.tree, 1)
        self.rows = plugin_table(plugin_dirs)
        by_plugin: dict[str, QTreeWidgetItem] = {}
        for plugin, kind, what, error in self.rows:
            top = by_plugin.get(plugin)
            if top is None:
                top = QTreeWidgetItem([plugin, "", "loaded"])
                by_plugin[plugin] = top
                self.tree.addTopLevelItem(top)
            child = QTreeWidgetItem([what or "(failed to load)", kind, error or "ok"])
            if error:
                child.setForeground(2, QColor("#b91c1c"))
                child.setToolTip(2, error)
                top.setText(2, "load error")
                top.setForeground(2, QColor("#b91c1c"))
            top.addChild(child)
        self.tree.expandAll()
        self.errors = [r for r in self.rows if r[3]]
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)
