"""The palette: catalog kinds grouped by category, with a filter; drag one onto the canvas
(or double-click it to add it at the centre of the view)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archdesigner.model import catalog
from archdesigner.ui.canvas.view import MIME_KIND
from archdesigner.ui.icons import kind_icon

KIND_ROLE = Qt.ItemDataRole.UserRole + 1


class KindTree(QTreeWidget):
    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:
        data = QMimeData()
        kinds = [i.data(0, KIND_ROLE) for i in items if i.data(0, KIND_ROLE)]
        if kinds:
            data.setData(MIME_KIND, kinds[0].encode("utf-8"))
            data.setText(kinds[0])
        return data

    def mimeTypes(self) -> list[str]:
        return [MIME_KIND]


class Palette(QWidget):
    #: a kind was double-clicked (or Enter pressed on it)
    kind_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter components…")
        self.filter.setClearButtonEnabled(True)
        self.tree = KindTree()
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QTreeWidget.DragDropMode.DragOnly)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(8)
        self.tree.setIconSize(QSize(22, 22))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self.filter.textChanged.connect(self.apply_filter)
        self.tree.itemActivated.connect(self._activated)
        self.populate()

    def populate(self) -> None:
        self.tree.clear()
        sections: dict[str, QTreeWidgetItem] = {}
        for key, title in catalog.CATEGORIES:
            head = QTreeWidgetItem([title])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            f = head.font(0)
            f.setBold(True)
            head.setFont(0, f)
            self.tree.addTopLevelItem(head)
            sections[key] = head
        for info in catalog.kinds():
            if info.category not in sections:
                sections[info.category] = QTreeWidgetItem([info.category.title()])
                self.tree.addTopLevelItem(sections[info.category])
            head = sections[info.category]
            item = QTreeWidgetItem([info.display_name])
            item.setIcon(0, kind_icon(info.kind))
            item.setData(0, KIND_ROLE, info.kind)
            item.setToolTip(0, f"<b>{info.display_name}</b> ({info.kind})<br>{info.description}")
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled
            )
            head.addChild(item)
        self.tree.expandAll()

    def sections(self) -> list[QTreeWidgetItem]:
        heads = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [h for h in heads if h is not None]

    def entries(self, head: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        children = (head.child(j) for j in range(head.childCount()))
        return [c for c in children if c is not None]

    def items(self) -> dict[str, QTreeWidgetItem]:
        return {c.data(0, KIND_ROLE): c for h in self.sections() for c in self.entries(h)}

    def apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for head in self.sections():
            shown = 0
            for child in self.entries(head):
                kind = child.data(0, KIND_ROLE)
                info = catalog.kind_info(kind)
                hay = f"{kind} {child.text(0)} {' '.join(info.technologies) if info else ''}"
                hide = bool(needle) and needle not in hay.lower()
                child.setHidden(hide)
                shown += not hide
            head.setHidden(shown == 0)

    def mime_for(self, kind: str) -> QMimeData:
        """The drag payload of ``kind`` (what dragging its entry carries)."""
        return self.tree.mimeData([self.items()[kind]])

    def _activated(self, item: QTreeWidgetItem, column: int) -> None:
        kind = item.data(0, KIND_ROLE)
        if kind:
            self.kind_activated.emit(kind)
