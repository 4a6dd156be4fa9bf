"""The editor: one design document, its undo stack and the signals views follow.

Every change of the document goes through :meth:`Editor.apply` with a pure model edit
(:mod:`archdesigner.model.edits`); views never change the document themselves. After each
edit (and each undo or redo) the editor compares the document with its last snapshot by
object identity (edits replace the objects they change) and reports exactly which nodes,
links and groups changed, then emits :attr:`Editor.document_changed`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QUndoStack

from archdesigner.model.design import Design, Group, Link, Node
from archdesigner.model.edits import Edit, EditError
from archdesigner.ui.commands import EditCommand


@dataclass(frozen=True)
class Decoration:
    """How a node item is marked by tools layered on the editor (lint, simulations).

    ``badge`` is short text in a coloured pill at the card's top-right corner, ``outline``
    a coloured border, ``tint`` a wash over the card, ``dimmed`` draws the node faded."""

    badge: str = ""
    badge_color: QColor | None = None
    outline: QColor | None = None
    #: a dashed outline (info findings), never mistaken for the selection's solid one
    outline_dashed: bool = False
    tint: QColor | None = None
    dimmed: bool = False
    tooltip: str = ""


def _diff(old: dict[str, Any], items: list[Any]) -> tuple[dict[str, Any], set[str]]:
    new = {item.id: item for item in items}
    changed = {k for k, v in new.items() if old.get(k) is not v}
    changed.update(k for k in old if k not in new)
    return new, changed


class Editor(QObject):
    # sets of ids that were added, changed or removed
    nodes_changed = Signal(object)
    links_changed = Signal(object)
    groups_changed = Signal(object)
    #: the design's own fields (name, description, lint, properties) changed
    design_changed = Signal()
    #: a different document was loaded (New, Open, Revert): views rebuild
    document_reset = Signal()
    #: after every edit, undo, redo and reset; the hook for live lint
    document_changed = Signal()
    #: node ids whose decoration changed
    decorations_changed = Signal(object)
    #: the file path or the unsaved state changed
    file_state_changed = Signal()
    #: ask views to select and centre an item: ("node" | "link" | "group", id)
    focus_requested = Signal(str, str)
    #: a message for the status bar
    message = Signal(str)

    def __init__(self, design: Design | None = None, path: str | Path | None = None) -> None:
        super().__init__()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._design = design if design is not None else Design.empty()
        self.path: Path | None = Path(path) if path else None
        self.decorations: dict[str, Decoration] = {}
        self._snap_nodes: dict[str, Any] = {}
        self._snap_links: dict[str, Any] = {}
        self._snap_groups: dict[str, Any] = {}
        self._snap_top: tuple[Any, ...] = ()
        self._snapshot()

    # --- document ------------------------------------------------------------------------
    @property
    def design(self) -> Design:
        return self._design

    def set_design(self, design: Design, path: str | Path | None = None) -> None:
        """Replaces the document (New, Open, Revert); clears the undo history."""
        self._design = design
        self.path = Path(path) if path else None
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.decorations.clear()
        self._snapshot()
        self.document_reset.emit()
        self.document_changed.emit()
        self.file_state_changed.emit()

    def node(self, node_id: str) -> Node | None:
        """The current node with this id (O(1))."""
        return self._snap_nodes.get(node_id)

    def link(self, link_id: str) -> Link | None:
        return self._snap_links.get(link_id)

    def group(self, group_id: str) -> Group | None:
        return self._snap_groups.get(group_id)

    @property
    def groups(self) -> Mapping[str, Group]:
        """The current groups by id (read-only)."""
        return self._snap_groups

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def mark_saved(self, path: str | Path) -> None:
        self.path = Path(path)
        self.undo_stack.setClean()
        self.file_state_changed.emit()

    def _clean_changed(self, _clean: bool) -> None:
        self.file_state_changed.emit()

    # --- edits ---------------------------------------------------------------------------
    def apply(self, edit: Edit, *, text: str | None = None, merge_id: int = -1) -> None:
        """Applies ``edit`` as one undo step. Raises :class:`EditError` (document untouched)
        when the edit is invalid."""
        inverse = edit.apply(self._design)
        cmd = EditCommand(
            lambda: self._design, edit, inverse, self._changed, text=text, merge_id=merge_id
        )
        self.undo_stack.push(cmd)
        self._changed()

    def try_apply(self, edit: Edit, *, text: str | None = None, merge_id: int = -1) -> str:
        """Like :meth:`apply`, but returns the reason as text ("" when it worked)."""
        try:
            self.apply(edit, text=text, merge_id=merge_id)
        except EditError as exc:
            self.message.emit(str(exc))
            return str(exc)
        return ""

    def undo(self) -> None:
        self.undo_stack.undo()

    def redo(self) -> None:
        self.undo_stack.redo()

    # --- hooks for other tools -----------------------------------------------------------
    def set_decoration(self, node_id: str, decoration: Decoration | None) -> None:
        if decoration is None:
            if self.decorations.pop(node_id, None) is None:
                return
        else:
            self.decorations[node_id] = decoration
        self.decorations_changed.emit({node_id})

    def set_decorations(self, decorations: dict[str, Decoration]) -> None:
        """Replaces every decoration at once (e.g. after a lint run)."""
        touched = set(self.decorations) | set(decorations)
        self.decorations = dict(decorations)
        self.decorations_changed.emit(touched)

    def focus(self, kind: str, item_id: str) -> None:
        """Selects the node, link or group ``item_id`` and centres it in the canvas."""
        self.focus_requested.emit(kind, item_id)

    # --- change tracking -----------------------------------------------------------------
    def _top(self) -> tuple[Any, ...]:
        d = self._design
        return (d.name, d.description, d.lint, d.properties)

    def _snapshot(self) -> None:
        d = self._design
        self._snap_nodes = {n.id: n for n in d.nodes}
        self._snap_links = {link.id: link for link in d.links}
        self._snap_groups = {g.id: g for g in d.groups}
        self._snap_top = self._top()

    def _changed(self) -> None:
        d = self._design
        self._snap_groups, groups = _diff(self._snap_groups, d.groups)
        self._snap_nodes, nodes = _diff(self._snap_nodes, d.nodes)
        self._snap_links, links = _diff(self._snap_links, d.links)
        top = self._top()
        top_changed = any(a is not b for a, b in zip(top, self._snap_top, strict=True))
        self._snap_top = top
        for gone in [k for k in self.decorations if k not in self._snap_nodes]:
            del self.decorations[gone]
        if groups:
            self.groups_changed.emit(groups)
        if nodes:
            self.nodes_changed.emit(nodes)
        if links:
            self.links_changed.emit(links)
        if top_changed:
            self.design_changed.emit()
        self.document_changed.emit()


__all__ = ["Decoration", "EditError", "Editor"]
