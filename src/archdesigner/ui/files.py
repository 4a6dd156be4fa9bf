"""File handling of the main window: New, Open, Open Recent, Save, Save As, Revert, the
unsaved-changes question, and noticing a file changed on disk by another program."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QSettings, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from archdesigner.io import DesignError, atomic_write_bytes, dumps_design, load_design
from archdesigner.io.load import gc_paused
from archdesigner.model.design import Design
from archdesigner.resources import new_design

if TYPE_CHECKING:
    from archdesigner.ui.editor import Editor

FILTER = "Designs (*.arch.json);;JSON files (*.json);;All files (*)"
MAX_RECENT = 10


class Dialogs:
    """The questions the window asks. Tests replace this object with scripted answers."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def error(self, title: str, text: str) -> None:
        QMessageBox.critical(self.parent, title, text)

    def ask_save(self, name: str) -> str:
        """ "save", "discard" or "cancel"."""
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(f"Save the changes to {name}?")
        box.setInformativeText("Your changes are lost if you don't save them.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = box.exec()
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(QMessageBox.StandardButton(answer), "cancel")

    def ask_conflict(self, name: str) -> str:
        """The file changed on disk since it was loaded or saved here: "overwrite",
        "reload", "save_as" or "cancel"."""
        box = QMessageBox(self.parent)
        box.setObjectName("conflict_box")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(f"{name} was changed on disk since you opened or saved it.")
        box.setInformativeText(
            "Another program or window saved it. Overwrite its changes with yours, reload "
            "the file (your unsaved changes are lost), or save yours under another name?"
        )
        buttons: list[tuple[object, str]] = [
            (box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole), "overwrite"),
            (box.addButton("Reload", QMessageBox.ButtonRole.ResetRole), "reload"),
            (box.addButton("Save As…", QMessageBox.ButtonRole.AcceptRole), "save_as"),
            (box.addButton(QMessageBox.StandardButton.Cancel), "cancel"),
        ]
        box.exec()
        clicked = box.clickedButton()
        return next((answer for button, answer in buttons if button is clicked), "cancel")

    def open_path(self, folder: str) -> str:
        return QFileDialog.getOpenFileName(self.parent, "Open design", folder, FILTER)[0]

    def save_path(self, suggested: str) -> str:
        path = QFileDialog.getSaveFileName(self.parent, "Save design", suggested, FILTER)[0]
        if path and not path.endswith(".json"):
            path += ".arch.json"
        return path


class Files:
    def __init__(
        self,
        editor: Editor,
        settings: QSettings,
        dialogs: Dialogs,
        parent: QObject | None = None,
    ) -> None:
        self.editor = editor
        self.settings = settings
        self.dialogs = dialogs
        # a child of the window: it stops watching, and a pending re-check is dropped, when
        # the window goes (a re-check after that reached the window's deleted widgets)
        self.watcher = QFileSystemWatcher(parent)
        self.watcher.fileChanged.connect(self._on_disk_change)
        #: digests of the file's bytes: as last seen on disk (a change notice that changed
        #: nothing is ignored) and as this window last loaded or saved it (the save-conflict
        #: check). Digests, not the text: that was 24 MB kept for a 50,000-node design.
        self._saved_text: bytes | None = None
        self._ours: bytes | None = None
        self.on_external_change: object = None  # callable(path), set by the window
        self.on_recent_changed: object = None

    # --- recent files --------------------------------------------------------------------
    def recent(self) -> list[str]:
        value: Any = self.settings.value("recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [str(p) for p in items if p]

    def _remember(self, path: Path) -> None:
        items = [p for p in self.recent() if p != str(path)]
        self.settings.setValue("recent", [str(path), *items][:MAX_RECENT])
        if callable(self.on_recent_changed):
            self.on_recent_changed()

    # --- actions -------------------------------------------------------------------------
    def display_name(self) -> str:
        return self.editor.path.name if self.editor.path else "Untitled"

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document."""
        if not self.editor.dirty:
            return True
        answer = self.dialogs.ask_save(self.display_name())
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new(self, template: str = "empty") -> bool:
        if not self.maybe_save():
            return False
        try:
            design = new_design(template)
        except (KeyError, DesignError) as exc:
            self.dialogs.error("New design", str(exc))
            return False
        self._set(design, None)
        return True

    def open(self, path: str | Path | None = None) -> bool:
        if path is None:
            folder = str(self.editor.path.parent) if self.editor.path else ""
            chosen = self.dialogs.open_path(folder)
            if not chosen:
                return False
            path = chosen
        if not self.maybe_save():
            return False
        return self.load(Path(path))

    def load(self, path: Path) -> bool:
        """Loads ``path``; a broken file is reported and the current design kept."""
        # the collector waits until the views are built: they put what lives long out of
        # its way (a full collection of a 50,000-node design in between cost ~0.5 s)
        with gc_paused():
            try:
                design = load_design(path)
            except DesignError as exc:
                self.dialogs.error("Cannot open design", "\n".join(exc.lines()[:20]))
                return False
            self._set(design, path)
        self._remember(path.resolve())
        return True

    def save(self) -> bool:
        if self.editor.path is None:
            return self.save_as()
        return self._write(self.editor.path)

    def save_as(self) -> bool:
        suggested = str(self.editor.path or (self.editor.design.name or "untitled") + ".arch.json")
        path = self.dialogs.save_path(suggested)
        if not path:
            return False
        return self._write(Path(path))

    def revert(self) -> bool:
        if self.editor.path is None:
            return False
        return self.load(self.editor.path)

    def _conflict(self, path: Path) -> str:
        """ "overwrite" when saving to ``path`` loses nothing (or the user said so), else the
        user's answer: the file changed on disk since this window loaded or saved it."""
        if self.editor.path is None or path != self.editor.path or self._ours is None:
            return "overwrite"
        on_disk = _digest(path)
        if on_disk is None or on_disk == self._ours:
            return "overwrite"
        return self.dialogs.ask_conflict(self.display_name())

    def _write(self, path: Path) -> bool:
        answer = self._conflict(path)
        if answer == "reload":
            return self.load(path) and False
        if answer == "save_as":
            return self.save_as()
        if answer != "overwrite":
            return False
        try:
            data = dumps_design(self.editor.design).encode("utf-8")
        except ValueError as exc:  # NaN or text that is not valid Unicode
            self.dialogs.error("Cannot save", f"{path}: the design cannot be written ({exc})")
            return False
        self._unwatch()
        try:
            atomic_write_bytes(path, data)  # what save_design writes, serialised once
        except OSError as exc:
            self.dialogs.error("Cannot save", f"{path}: {exc.strerror or exc}")
            self._watch(self.editor.path)
            return False
        self._saved_text = self._ours = _hash(data)
        self.editor.mark_saved(path)
        self._watch(path)
        self._remember(path.resolve())
        return True

    def _set(self, design: Design, path: Path | None) -> None:
        self._unwatch()
        self.editor.set_design(design, path)
        self._saved_text = self._ours = _digest(path) if path else None
        self._watch(path)

    # --- watching ------------------------------------------------------------------------
    def _watch(self, path: Path | None) -> None:
        if path is not None and path.exists():
            self.watcher.addPath(str(path))

    def _unwatch(self) -> None:
        files = self.watcher.files()
        if files:
            self.watcher.removePaths(files)

    def _on_disk_change(self, name: str) -> None:
        # editors save by replacing the file: watch the new one once it appears
        QTimer.singleShot(200, self.watcher, lambda: self._check(Path(name)))

    def _check(self, path: Path) -> None:
        if self.editor.path is None or path != self.editor.path:
            return
        self._watch(path)
        digest = _digest(path)
        if digest is not None and digest == self._saved_text:
            return  # our own save, or no real change
        self._saved_text = digest
        if callable(self.on_external_change):
            self.on_external_change(path)


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def _digest(path: Path) -> bytes | None:
    """A digest of the file's bytes, or None when it cannot be read."""
    try:
        return _hash(path.read_bytes())
    except OSError:
        return None
