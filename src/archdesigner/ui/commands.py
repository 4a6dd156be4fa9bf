"""QUndoCommands that wrap the pure model edits: redo applies the edit, undo its inverse."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from archdesigner.model.design import Design
from archdesigner.model.edits import Edit, MoveNodes

#: Command id of keyboard nudges: consecutive nudges of the same nodes merge into one step.
NUDGE_ID = 1001


class EditCommand(QUndoCommand):
    """One undo step. The edit was already applied (and validated) when the command is
    pushed, so the first ``redo()`` that QUndoStack calls on push does nothing."""

    def __init__(
        self,
        design_getter: Callable[[], Design],
        edit: Edit,
        inverse: Edit,
        notify: Callable[[], None],
        *,
        text: str | None = None,
        merge_id: int = -1,
    ) -> None:
        super().__init__(text or edit.text)
        self._design = design_getter
        self.edit = edit
        self.inverse = inverse
        self._notify = notify
        self._applied = True
        self._merge_id = merge_id

    def id(self) -> int:
        return self._merge_id

    def redo(self) -> None:
        if self._applied:
            return
        self.inverse = self.edit.apply(self._design())
        self._applied = True
        self._notify()

    def undo(self) -> None:
        self.edit = self.inverse.apply(self._design())
        self._applied = False
        self._notify()

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Repeated nudges of the same nodes: keep the first inverse, take the last edit."""
        if not isinstance(other, EditCommand) or other.id() != self.id():
            return False
        if not (isinstance(self.edit, MoveNodes) and isinstance(other.edit, MoveNodes)):
            return False
        if set(self.edit.positions) != set(other.edit.positions):
            return False
        self.edit = other.edit
        return True
