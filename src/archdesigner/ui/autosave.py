"""Autosave and crash recovery.

While the document has unsaved changes, it is written (from a snapshot, in a background
thread) every few seconds of idle time to the app's data folder
(``<user data dir>/archdesigner/autosave/``), never to the user's own file: that only
changes with Save. Each running window has its own pair of files,
``<session>.arch.json`` (the design) and ``<session>.meta.json`` (the process id, the
user's file path, the time), both written atomically. A successful save, a clean close or
discarding the changes removes them.

At start-up, autosaves whose process is gone (a crash, a kill, a power cut) are offered for
restoring. A restored design keeps the path of the user's file but stays unsaved: the
user's file is only written when they choose Save.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from archdesigner.io import DesignError, atomic_write_text, dumps_design, loads_design
from archdesigner.model.design import Design
from archdesigner.ui.lint_controller import snapshot

if TYPE_CHECKING:
    from archdesigner.ui.main_window import MainWindow

#: Milliseconds without edits before unsaved work is written.
IDLE_MS = 3000
DESIGN_SUFFIX = ".arch.json"
META_SUFFIX = ".meta.json"
LOCK_SUFFIX = ".lock"
#: The autosave folder and files are private: designs may hold credentials (compose env).
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(folder: Path) -> Path:
    """Creates ``folder`` (0700) or tightens an existing one to 0700."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if sys.platform != "win32" and folder.stat().st_mode & 0o777 != FOLDER_MODE:
        os.chmod(folder, FOLDER_MODE)
    return folder


class SessionLock:
    """An OS lock on ``<session>.lock`` held while the session runs (fcntl on POSIX, msvcrt
    on Windows): the kernel drops it when the process ends, however it ends, so another
    instance can tell a live session from a dead one without trusting process ids."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: object | None = None

    def acquire(self) -> bool:
        """Takes the lock without waiting; False when another process holds it."""
        try:
            fh = open(self.path, "a+b")  # noqa: SIM115 - kept open while the lock is held
        except OSError:
            return False
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self._fh = fh
        return True

    def release(self, *, delete: bool = False) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            if delete:
                with contextlib.suppress(OSError):
                    self.path.unlink()
            fh.close()  # type: ignore[attr-defined]


def _session_alive(meta_file: Path, pid: int) -> bool:
    """A session is live while its lock is held; without a lock file, by its process id."""
    lock_file = meta_file.with_name(meta_file.name[: -len(META_SUFFIX)] + LOCK_SUFFIX)
    if not lock_file.exists():
        return _alive(pid)
    probe = SessionLock(lock_file)
    if probe.acquire():
        probe.release(delete=True)
        return False
    return True


def autosave_dir() -> Path:
    """``<user data dir>/archdesigner/autosave`` (XDG_DATA_HOME on Linux)."""
    from platformdirs import user_data_path

    return user_data_path("archdesigner", appauthor=False) / "autosave"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # no cheap, safe check: treat other sessions as ended
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Recoverable:
    """Unsaved work left behind by a session that ended without saving."""

    design_file: Path
    meta_file: Path
    original: Path | None
    saved_at: float
    name: str

    def load(self) -> Design:
        return loads_design(self.design_file.read_text(encoding="utf-8"))

    def discard(self) -> None:
        lock = self.meta_file.with_name(self.meta_file.name[: -len(META_SUFFIX)] + LOCK_SUFFIX)
        probe = SessionLock(lock)
        if lock.exists() and not probe.acquire():
            return  # a live instance's autosave: never deleted from here
        probe.release(delete=True)
        for p in (self.design_file, self.meta_file):
            with contextlib.suppress(OSError):
                p.unlink()

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        what = str(self.original) if self.original else (self.name or "an untitled design")
        return f"{what}, last autosaved {when}"


def find_recoverable(folder: Path | None = None) -> list[Recoverable]:
    """Autosaves of sessions that are no longer running, newest first."""
    folder = folder or autosave_dir()
    out: list[Recoverable] = []
    if not folder.is_dir():
        return out
    for meta_file in folder.glob("*" + META_SUFFIX):
        design_file = meta_file.with_name(meta_file.name[: -len(META_SUFFIX)] + DESIGN_SUFFIX)
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            pid = int(meta.get("pid", -1))
        except (OSError, ValueError, AttributeError, TypeError):
            continue
        if not design_file.is_file() or _session_alive(meta_file, pid):
            continue
        original = meta.get("path")
        out.append(
            Recoverable(
                design_file,
                meta_file,
                Path(original) if isinstance(original, str) and original else None,
                float(meta.get("saved_at", 0.0)),
                str(meta.get("name", "")),
            )
        )
    out.sort(key=lambda r: -r.saved_at)
    return out


class _Writer:
    """The files of one session and what writes them (on the autosave worker thread; it
    holds no QObject: see ``canvas/routes.py``)."""

    def __init__(self, folder: Path, session: str) -> None:
        self.folder = folder
        self.design_file = folder / (session + DESIGN_SUFFIX)
        self.meta_file = folder / (session + META_SUFFIX)
        self.lock = SessionLock(folder / (session + LOCK_SUFFIX))
        self.writes = 0
        self.last_error = ""
        self.epoch = 0
        self.mutex = threading.Lock()

    def write(self, design: Design, meta: dict[str, object], epoch: int) -> tuple[bool, str]:
        """Serializes, then writes unless the autosave was removed meanwhile (``epoch``):
        (written, the problem or "")."""
        try:
            text = dumps_design(design)
            text.encode("utf-8")
        except ValueError as exc:  # NaN or text that is not valid Unicode: say so
            self.last_error = f"{self.design_file}: the design cannot be written ({exc})"
            return False, self.last_error
        with self.mutex:
            if epoch != self.epoch:
                return False, ""  # saved or closed since: this work is no longer unsaved
            try:
                private_folder(self.folder)
                if self.lock.path.parent.is_dir() and self.lock._fh is None:
                    self.lock.acquire()
                atomic_write_text(self.design_file, text, mode=FILE_MODE)
                atomic_write_text(self.meta_file, json.dumps(meta, indent=1), mode=FILE_MODE)
            except OSError as exc:
                self.last_error = f"{self.design_file}: {exc.strerror or exc}"
                return False, self.last_error
            self.writes += 1
            return True, ""

    def remove(self) -> None:
        with self.mutex:
            self.epoch += 1
            for p in (self.design_file, self.meta_file):
                with contextlib.suppress(OSError):
                    p.unlink()
            self.lock.release(delete=True)


class Autosave(QObject):
    """Writes the window's unsaved work after ``idle_ms`` without edits."""

    #: a write failed (the message names the file)
    failed = Signal(str)

    def __init__(
        self, window: MainWindow, *, folder: Path | None = None, idle_ms: int | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.editor = window.editor
        self.folder = folder or autosave_dir()
        session = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._writer = _Writer(self.folder, session)
        self.design_file = self._writer.design_file
        self.meta_file = self._writer.meta_file
        self.lock = self._writer.lock
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archdesigner-autosave")
        self._writing: list[
            Future[tuple[bool, str]]
        ] = []  # writes whose problems are not reported yet
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._collect)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(IDLE_MS if idle_ms is None else idle_ms)
        self._timer.timeout.connect(self.write)
        self.failed.connect(self._failed)
        self.editor.document_changed.connect(self._changed)
        self.editor.file_state_changed.connect(self._file_state)
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.remove)

    def _changed(self) -> None:
        if self.editor.dirty:
            self._timer.start()
        else:
            self._timer.stop()
            self.remove()

    def _file_state(self) -> None:
        if not self.editor.dirty:  # saved, or back at the saved state
            self._timer.stop()
            self.remove()

    def write(self, *, wait: bool = False) -> bool:
        """Writes the document (when it has unsaved changes) in the background: the
        document is serialized from a snapshot in a worker thread (0.4 s at 10,000 nodes,
        which would freeze the window). ``wait`` blocks until it is on disk. True when a
        write was started (and, with ``wait``, succeeded)."""
        if not self.editor.dirty:
            return False
        meta = {
            "pid": os.getpid(),
            "path": str(self.editor.path) if self.editor.path else "",
            "name": self.editor.design.name,
            "saved_at": time.time(),
        }
        design = snapshot(self.editor.design)
        writer = self._writer
        future = self._pool.submit(writer.write, design, meta, writer.epoch)
        self._writing.append(future)
        self._poll.start()
        if wait:
            written, _ = future.result()
            self._collect()
            return written
        return True

    @property
    def writes(self) -> int:
        """Writes done so far."""
        return self._writer.writes

    @property
    def last_error(self) -> str:
        return self._writer.last_error

    def _collect(self) -> None:
        """Reports the problems of finished writes (UI thread)."""
        done = [f for f in self._writing if f.done()]
        self._writing = [f for f in self._writing if not f.done()]
        if not self._writing:
            self._poll.stop()
        for future in done:
            _, problem = future.result()
            if problem:
                self.failed.emit(problem)

    def _failed(self, message: str) -> None:
        self.window.statusBar().showMessage(f"Autosave failed: {message}", 8000)

    def wait(self) -> None:
        """Blocks until the writes started so far are done and their problems reported
        (tests, shutting down)."""
        self._pool.submit(lambda: None).result()
        self._collect()

    def remove(self) -> None:
        """Deletes the autosave; a write still in progress will not bring it back."""
        self._writer.remove()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            # after the window decided: gone means a clean close (saved or discarded)
            QTimer.singleShot(0, self._after_close)
        return False

    def _after_close(self) -> None:
        if not self.window.isVisible():
            self._timer.stop()
            self.remove()


def ask_restore(parent: QWidget, item: Recoverable, more: int) -> str:
    """Asks whether to restore ``item``: "restore", "discard" or "later"."""
    box = QMessageBox(parent)
    box.setObjectName("restore_box")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Restore unsaved work")
    box.setText("archdesigner closed without saving your work.")
    extra = f"\n({more} more unsaved design{'s' if more != 1 else ''} will be offered next.)"
    box.setInformativeText(
        f"Restore {item.describe()}?" + (extra if more else "")
        + "\n\nYour own file is not changed until you save."
    )  # fmt: skip
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Not Now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    clicked = box.clickedButton()
    if clicked is restore:
        return "restore"
    if clicked is discard:
        return "discard"
    return "later"


def offer_recovery(window: MainWindow, folder: Path | None = None) -> bool:
    """Offers the newest unsaved work of an ended session; True when it was restored."""
    items = find_recoverable(folder)
    if not items:
        return False
    item = items[0]
    answer = ask_restore(window, item, len(items) - 1)
    if answer == "discard":
        item.discard()
        return False
    if answer != "restore":
        return False
    try:
        design = item.load()
    except (OSError, DesignError) as exc:
        lines = exc.lines() if isinstance(exc, DesignError) else [str(exc)]
        window.dialogs.error("Cannot restore", "\n".join(lines[:10]))
        return False
    editor = window.editor
    editor.set_design(design, item.original)
    editor.undo_stack.resetClean()  # unsaved until the user saves
    editor.file_state_changed.emit()
    item.discard()
    if window.features is not None:
        window.features.autosave.write()  # the restored work is protected again at once
    window.statusBar().showMessage(f"Restored {item.describe()}", 8000)
    return True


__all__ = ["Autosave", "Recoverable", "autosave_dir", "find_recoverable", "offer_recovery"]
