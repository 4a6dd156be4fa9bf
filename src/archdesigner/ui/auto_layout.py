"""Arrange > Auto-layout: Graphviz's dot off the UI thread (with progress and Cancel) for
designs up to :data:`archdesigner.layout.DOT_UP_TO` nodes, the layered layout beyond; the
result is one undoable move."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from archdesigner.layout import DOT_UP_TO, LayoutCancelled, auto_layout, layered_layout
from archdesigner.model.design import Design
from archdesigner.model.edits import EditError, MoveNodes
from archdesigner.ui.editor import Editor

Positions = dict[str, tuple[float, float]]
#: a layout still running after this many milliseconds shows its progress dialog
SHOW_AFTER_MS = 400


class LayoutJob(QObject):
    """Lays out a design (or some of its nodes) and applies the result as one step."""

    #: the layout was applied (True), or cancelled or failed (False)
    done = Signal(bool)

    def __init__(
        self,
        editor: Editor,
        parent_widget: QWidget,
        say: Callable[[str, int], None],
        after: Callable[[bool], None] | None = None,
    ) -> None:
        super().__init__(parent_widget)
        self.editor = editor
        self.parent_widget = parent_widget
        self.say = say
        #: called with whether the whole design was laid out, after the move was applied
        self.after = after
        #: how the last layout was found: "dot" or "layered"
        self.method = ""
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        #: the worker's answer: positions and method, or what it raised
        self._box: list[tuple[Positions, str] | BaseException | None] = [None]
        self._ids: list[str] | None = None
        self._started = 0.0
        self._revision = 0
        self._poll = QTimer(self)
        self._poll.setInterval(50)
        self._poll.timeout.connect(self._check)
        self.progress: QProgressDialog | None = None
        editor.document_changed.connect(self._edited)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, ids: list[str] | None) -> bool:
        """Lays out ``ids`` (None: every node). Small designs go to dot in a worker thread
        (True: started); larger ones are laid out at once. False: nothing to lay out."""
        if self.running:
            return False
        design = self.editor.design
        count = len(design.nodes) if ids is None else len(ids)
        if count == 0:
            return False
        if count > DOT_UP_TO:
            self.method = "layered"
            return self._apply(layered_layout(design, ids), ids)
        self._ids = ids
        self._cancel.clear()
        self._revision = 0
        copy = design.model_copy(deep=True)  # the worker never reads the live document
        self._started = time.monotonic()
        # the thread gets the copy, the cancel flag and a box for its answer, never this
        # QObject (see canvas/routes.py: a QObject must not die on a worker thread)
        box = self._box = [None]
        self._thread = threading.Thread(
            target=_lay_out, args=(copy, ids, self._cancel, box), name="auto-layout", daemon=True
        )
        self._thread.start()
        self._poll.start()
        self._show_progress(count)
        return True

    def cancel(self) -> None:
        """Stops dot; the design stays as it is."""
        self._cancel.set()

    def wait(self, timeout: float = 60.0) -> bool:
        """Lets a running layout finish and applies it (tests, scripts)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            self._check()
        return not self.running

    # --- UI thread -----------------------------------------------------------------------
    def _edited(self) -> None:
        if self.running:
            self._revision += 1

    def _show_progress(self, count: int) -> None:
        dialog = QProgressDialog(
            f"Laying out {count} components with Graphviz dot…",
            "Cancel",
            0,
            0,
            self.parent_widget,
        )
        dialog.setWindowTitle("Auto-layout")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self.progress = dialog
        dialog.hide()
        QTimer.singleShot(SHOW_AFTER_MS, self, self._show_dialog)  # quick layouts show none

    def _show_dialog(self) -> None:
        if self.running and self.progress is not None and not self._cancel.is_set():
            self.progress.show()

    def _check(self) -> None:
        thread = self._thread
        if thread is None:
            self._poll.stop()
            return
        if thread.is_alive():
            if self.progress is not None and not self._cancel.is_set():
                seconds = time.monotonic() - self._started
                if seconds >= 1:
                    self.progress.setLabelText(
                        f"{self.progress.labelText().split('…')[0]}… {seconds:.0f} s"
                    )
            return
        self._thread = None
        self._poll.stop()
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None
        result, ids = self._box[0], self._ids
        if isinstance(result, LayoutCancelled) or self._cancel.is_set():
            self.say("Auto-layout cancelled: nothing moved", 5000)
            self.done.emit(False)
            return
        if isinstance(result, BaseException) or result is None:
            self.say(f"Auto-layout failed: {result}", 8000)
            self.done.emit(False)
            return
        if self._revision:
            # the design changed while dot ran: its positions may fit it no longer
            self.say("The design changed during auto-layout: nothing moved; try again", 8000)
            self.done.emit(False)
            return
        positions, self.method = result
        self._apply(positions, ids)

    def _apply(self, positions: Positions, ids: list[str] | None) -> bool:
        if not positions:
            self.done.emit(False)
            return False
        text = "Auto-layout selection" if ids else "Auto-layout"
        try:
            self.editor.apply(MoveNodes(positions, text))
        except EditError as exc:
            self.say(str(exc), 6000)
            self.done.emit(False)
            return False
        if self.after is not None:
            self.after(ids is None)
        self.done.emit(True)
        return True


def _lay_out(
    design: Design,
    ids: list[str] | None,
    cancel: threading.Event,
    box: list[tuple[Positions, str] | BaseException | None],
) -> None:
    """Worker thread: dot's layout of ``design`` into ``box[0]`` (or what it raised)."""
    try:
        box[0] = auto_layout(design, ids, cancelled=cancel.is_set)
    except BaseException as exc:  # handed to the UI thread, which reports it
        box[0] = exc


__all__ = ["LayoutJob"]
