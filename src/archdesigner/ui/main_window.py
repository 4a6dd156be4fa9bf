"""The main window: palette, canvas, inspector, findings dock, menus, toolbars, status bar.

Built with :class:`~archdesigner.ui.features.LiveOptions` (as the app does) it is live: it
makes its :class:`~archdesigner.ui.features.Features` (lint, fixes, simulations,
import/export, autosave) and places their widgets and actions itself: the findings panel in
the findings dock, the simulation banner above the canvas, the growth control in the
simulation toolbar, the lint counts in the status bar and the actions in its menus. Without,
it is a plain editor (the canvas tests and benchmarks use it so).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from archdesigner.model.edits import EditError
from archdesigner.resources import template_names
from archdesigner.ui import operations as ops
from archdesigner.ui.canvas.items import TEXT_SCALES
from archdesigner.ui.canvas.scene import DesignScene
from archdesigner.ui.canvas.view import CanvasView
from archdesigner.ui.editor import Editor
from archdesigner.ui.features import Features, LiveOptions
from archdesigner.ui.files import Dialogs, Files
from archdesigner.ui.findings import FindingsPanel
from archdesigner.ui.inspector import Inspector
from archdesigner.ui.palette import Palette
from archdesigner.ui.simulation import Banner


class MessageBar(QFrame):
    """A non-modal notice above the canvas (e.g. the file changed on disk)."""

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet("MessageBar { background: #fef3c7; color: #78350f; }")
        h = QHBoxLayout(self)
        h.setContentsMargins(10, 6, 10, 6)
        self.label = QLabel()
        self.label.setStyleSheet("color: #78350f;")
        self.action = QPushButton()
        self.close_button = QPushButton("Ignore")
        h.addWidget(self.label, 1)
        h.addWidget(self.action)
        h.addWidget(self.close_button)
        self.close_button.clicked.connect(self.hide)
        self._callback: Callable[[], object] | None = None
        self.action.clicked.connect(self._run)
        self.hide()

    def show_message(self, text: str, action: str, callback: Callable[[], object]) -> None:
        self.label.setText(text)
        self.action.setText(action)
        self._callback = callback
        self.show()

    def _run(self) -> None:
        self.hide()
        if self._callback is not None:
            self._callback()


class MainWindow(QMainWindow):
    def __init__(
        self,
        editor: Editor | None = None,
        settings: QSettings | None = None,
        dialogs: Dialogs | None = None,
        *,
        live: LiveOptions | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.editor = editor or Editor()
        self.settings = settings or QSettings()
        self.dialogs = dialogs or Dialogs(self)
        self.files = Files(self.editor, self.settings, self.dialogs, self)
        self.scene = DesignScene(self.editor)
        self.view = CanvasView(self.scene)
        self.message_bar = MessageBar()
        #: shown above the canvas while a failure simulation runs
        self.banner = Banner()
        central = QWidget()
        v = QVBoxLayout(central)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(self.message_bar)
        v.addWidget(self.banner)
        v.addWidget(self.view, 1)
        self.setCentralWidget(central)

        self.palette_panel = Palette()
        self.palette_panel.kind_activated.connect(lambda kind: self.view.add_node(kind))
        self.inspector = Inspector(self.editor, self.scene)
        self.palette_dock = self._dock(
            "Components", "palette", self.palette_panel, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.inspector_dock = self._dock(
            "Inspector", "inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea
        )
        #: the live parts (None for a plain editor)
        self.features: Features | None = None
        findings: QWidget
        if live is None:
            findings = QLabel("Findings appear here once the design is checked.")
            findings.setAlignment(Qt.AlignmentFlag.AlignCenter)
            findings.setStyleSheet("color: gray;")
        else:
            findings = FindingsPanel()
            self.features = Features(self, live, findings, self.banner)
        self.findings_dock = self._dock(
            "Findings", "findings", findings, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.resizeDocks(
            [self.palette_dock, self.inspector_dock], [210, 300], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.findings_dock], [120], Qt.Orientation.Vertical)

        self.zoom_label = QLabel()
        self.count_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.zoom_label)
        #: the load growth control of a live window, added after the main toolbar
        self.simulation_toolbar: QToolBar | None = None
        if self.features is not None:
            self.statusBar().addPermanentWidget(self.features.lint_label)
            self.simulation_toolbar = QToolBar("Simulation")
            self.simulation_toolbar.setObjectName("simulation_toolbar")
            self.simulation_toolbar.addWidget(self.features.growth)
        self.actions_: dict[str, QAction] = {}
        self._build_actions()
        self._build_menus()

        self.editor.file_state_changed.connect(self._update_title)
        self.editor.document_changed.connect(self._update_counts)
        self.editor.message.connect(lambda m: self.statusBar().showMessage(m, 6000))
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))
        self.scene.selection_changed.connect(self._update_enabled)
        self.files.on_external_change = self._external_change
        self.files.on_recent_changed = self._fill_recent
        self._update_title()
        self._update_counts()
        self._update_enabled()
        self.zoom_label.setText(f"{self.view.zoom() * 100:.0f}%")
        self.resize(1400, 860)
        self._shown_once = False
        self._restore_layout()

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name + "_dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # --- actions -------------------------------------------------------------------------
    def _act(
        self,
        name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        self.actions_[name] = action
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        a = self._act
        a("new", "&New", lambda: self.files.new(), K.New)
        a("open", "&Open…", lambda: self.files.open(), K.Open)
        a("save", "&Save", self.files.save, K.Save)
        a("save_as", "Save &As…", self.files.save_as, K.SaveAs)
        a("revert", "&Revert", self.files.revert)
        a("quit", "&Quit", self.close, K.Quit)
        undo = self.editor.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence(K.Undo))
        redo = self.editor.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence(K.Redo))
        self.actions_["undo"], self.actions_["redo"] = undo, redo
        # the toolbar keeps short labels; the Edit menu says what will be undone
        stack = self.editor.undo_stack
        tb_undo = self._act("tb_undo", "Undo", stack.undo)
        tb_redo = self._act("tb_redo", "Redo", stack.redo)
        self.removeAction(tb_undo)
        self.removeAction(tb_redo)
        # slots use only the signal's value: the stack may be going away when it signals
        stack.canUndoChanged.connect(tb_undo.setEnabled)
        stack.canRedoChanged.connect(tb_redo.setEnabled)
        stack.undoTextChanged.connect(self._undo_text)
        stack.redoTextChanged.connect(self._redo_text)
        tb_undo.setEnabled(stack.canUndo())
        tb_redo.setEnabled(stack.canRedo())
        a("cut", "Cu&t", self.cut, K.Cut)
        a("copy", "&Copy", self.copy, K.Copy)
        a("paste", "&Paste", self.paste, K.Paste)
        a("duplicate", "D&uplicate", self.duplicate, "Ctrl+D")
        a("delete", "&Delete", self.delete, K.Delete)
        self.actions_["delete"].setShortcuts([QKeySequence(K.Delete), QKeySequence("Backspace")])
        a("select_all", "Select &All", self.scene.select_all, K.SelectAll)
        a("group", "&Group Selection", self.group_selection, "Ctrl+G")
        a("mode_select", "&Select", lambda: self.view.set_mode("select"), "V", checkable=True)
        a("mode_link", "&Link", lambda: self.view.set_mode("link"), "L", checkable=True)
        a("mode_group", "Draw &Group", lambda: self.view.set_mode("group"), "G", checkable=True)
        self.view.mode_changed.connect(self._mode_changed)
        self._mode_changed("select")
        a("zoom_in", "Zoom &In", lambda: self.view.zoom_by(1.25), K.ZoomIn)
        a("zoom_out", "Zoom &Out", lambda: self.view.zoom_by(0.8), K.ZoomOut)
        a("zoom_100", "Actual &Size", lambda: self.view.set_zoom(1.0), "Ctrl+0")
        a("fit", "&Fit Design", self.view.fit_all, "Ctrl+1")
        a("fit_selection", "Fit &Selection", self.view.fit_selection, "Ctrl+2")
        snap = a("snap", "Snap to &Grid", self._toggle_snap, "Ctrl+'", checkable=True)
        snap.setChecked(self.view.snap_to_grid)
        grid = a("grid", "Show G&rid", self._toggle_grid, checkable=True)
        grid.setChecked(True)
        mini = a("minimap", "Show &Overview", self._toggle_minimap, checkable=True)
        mini.setChecked(True)
        for how, text, key in (
            ("left", "Align Left Edges", "Ctrl+Shift+Left"),
            ("right", "Align Right Edges", "Ctrl+Shift+Right"),
            ("top", "Align Top Edges", "Ctrl+Shift+Up"),
            ("bottom", "Align Bottom Edges", "Ctrl+Shift+Down"),
            ("hcenter", "Align Horizontal Centres", None),  # one column: the same x
            ("vcenter", "Align Vertical Centres", None),  # one row: the same y
        ):
            a(f"align_{how}", text, functools.partial(self.align, how), key)
        a("distribute_h", "Distribute Horizontally", lambda: self.distribute("horizontal"))
        a("distribute_v", "Distribute Vertically", lambda: self.distribute("vertical"))

    def _build_menus(self) -> None:
        """The menus, then the toolbars; a live window's actions join the plain ones."""
        f = self.features
        bar = self.menuBar()
        self._file_menu(bar.addMenu("&File"))
        edit_items = ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", None,
                      "select_all", "group")  # fmt: skip
        self._fill_menu(bar.addMenu("&Edit"), edit_items)
        self._view_menu(bar.addMenu("&View"))
        m = bar.addMenu("&Arrange")
        arrange_items = ("align_left", "align_hcenter", "align_right", "align_top",
                         "align_vcenter", "align_bottom", None, "distribute_h",
                         "distribute_v")  # fmt: skip
        self._fill_menu(m, arrange_items)
        if f is not None:
            m.addSeparator()
            m.addAction(f.layout_action)
        m = bar.addMenu("&Tools")
        self._fill_menu(m, ("mode_select", "mode_link", "mode_group"))
        if f is not None:
            m.addSeparator()
            m.addActions(f.tools_actions)
        self.help_menu = bar.addMenu("&Help")
        self.about_action = self.help_menu.addAction("&About archdesigner", self.show_about)
        self._build_toolbars()

    def _file_menu(self, m: QMenu) -> None:
        A = self.actions_
        m.addAction(A["new"])
        templates = m.addMenu("New from &Template")
        for name in template_names():
            templates.addAction(name, functools.partial(self.files.new, name))
        m.addAction(A["open"])
        self.recent_menu = m.addMenu("Open &Recent")
        self._fill_recent()
        m.addSeparator()
        self._fill_menu(m, ("save", "save_as", "revert", None))
        if self.features is not None:
            m.addActions(self.features.file_actions)
            m.addSeparator()
        m.addAction(A["quit"])

    def _view_menu(self, m: QMenu) -> None:
        view_items = ("zoom_in", "zoom_out", "zoom_100", "fit", "fit_selection", None, "snap",
                      "grid", "minimap")  # fmt: skip
        self._fill_menu(m, view_items)
        self._link_style_menu(m.addMenu("&Link Style"))
        self._text_size_menu(m.addMenu("Card &Text Size"))
        m.addSeparator()
        for dock in (self.palette_dock, self.inspector_dock, self.findings_dock):
            m.addAction(dock.toggleViewAction())
        if self.simulation_toolbar is not None:
            m.addAction(self.simulation_toolbar.toggleViewAction())

    def _build_toolbars(self) -> None:
        tb = QToolBar("Main")
        tb.setObjectName("main_toolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar_items: tuple[str | None, ...] = (
            "new", "open", "save", None, "tb_undo", "tb_redo", None, "mode_select", "mode_link",
            "mode_group", None, "delete", None, "zoom_out", "zoom_in", "fit",
        )  # fmt: skip
        for item in bar_items:
            if item is None:
                tb.addSeparator()
            else:
                tb.addAction(self.actions_[item])
        self.addToolBar(tb)
        if self.simulation_toolbar is not None:
            self.addToolBar(self.simulation_toolbar)

    def about_text(self) -> str:
        from archdesigner import __version__

        return (
            f"<h3>archdesigner {__version__}</h3>"
            "<p>Design backend architectures and find where they will not scale or survive "
            "a failure.</p><p>MIT licence.</p>"
        )

    def show_about(self) -> None:
        QMessageBox.about(self, "About archdesigner", self.about_text())

    def _undo_text(self, text: str) -> None:
        self.actions_["tb_undo"].setToolTip(f"Undo {text}" if text else "Undo")

    def _redo_text(self, text: str) -> None:
        self.actions_["tb_redo"].setToolTip(f"Redo {text}" if text else "Redo")

    def _fill_menu(self, menu: QMenu, names: tuple[str | None, ...]) -> None:
        for k in names:
            if k is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions_[k])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.files.recent():
            self.recent_menu.addAction(path, functools.partial(self.files.open, path))
        self.recent_menu.setEnabled(bool(self.files.recent()))

    def _mode_changed(self, mode: str) -> None:
        for m in ("select", "link", "group"):
            self.actions_[f"mode_{m}"].setChecked(m == mode)

    def _toggle_snap(self) -> None:
        self.view.snap_to_grid = self.actions_["snap"].isChecked()

    def _toggle_grid(self) -> None:
        self.view.show_grid = self.actions_["grid"].isChecked()
        self.view.resetCachedContent()
        self.view.viewport().update()

    def _toggle_minimap(self) -> None:
        self.view.minimap.enabled_by_user = self.actions_["minimap"].isChecked()
        self.view.minimap.place()

    # --- edit commands -------------------------------------------------------------------
    def copy(self) -> None:
        s = self.scene
        if not s.selected_nodes() and not s.selected_groups():
            return
        text = ops.copy_text(self.editor.design, s.selected_nodes(), s.selected_groups())
        QGuiApplication.clipboard().setText(text)

    def cut(self) -> None:
        self.copy()
        self.delete()

    def paste(self, text: str | None = None, offset: tuple[float, float] = (40.0, 40.0)) -> None:
        text = QGuiApplication.clipboard().text() if text is None else text
        try:
            edit, nodes, groups = ops.paste_edit(self.editor.design, text, offset)
            self.editor.apply(edit)
        except EditError as exc:
            self.statusBar().showMessage(str(exc), 6000)
            return
        self.scene.select(nodes, groups=groups)

    def duplicate(self) -> None:
        s = self.scene
        if s.selected_nodes() or s.selected_groups():
            self.paste(ops.copy_text(self.editor.design, s.selected_nodes(), s.selected_groups()))

    def delete(self) -> None:
        s = self.scene
        edit = ops.delete_edit(
            self.editor.design, s.selected_nodes(), s.selected_links(), s.selected_groups()
        )
        if edit is not None:
            self.editor.try_apply(edit)

    def group_selection(self) -> None:
        s = self.scene
        design = self.editor.design
        nodes = s.selected_nodes()
        parents = {n.group for n in design.nodes if n.id in set(nodes)}
        parent = parents.pop() if len(parents) == 1 else None
        try:
            edit, gid = ops.group_edit(design, nodes, s.selected_groups(), parent=parent)
            self.editor.apply(edit)
        except EditError as exc:
            self.statusBar().showMessage(str(exc), 6000)
            return
        s.select(groups=[gid])

    def align(self, how: str) -> None:
        edit = ops.align_edit(self.editor.design, self.scene.selected_nodes(), how)
        if edit is not None:
            self.editor.try_apply(edit)

    def distribute(self, axis: str) -> None:
        edit = ops.distribute_edit(self.editor.design, self.scene.selected_nodes(), axis)
        if edit is not None:
            self.editor.try_apply(edit)

    # --- state ---------------------------------------------------------------------------
    def _update_title(self) -> None:
        name = self.files.display_name()
        self.setWindowTitle(f"{name}[*] — archdesigner")
        self.setWindowModified(self.editor.dirty)
        self.actions_["revert"].setEnabled(self.editor.path is not None)

    def _update_counts(self) -> None:
        d = self.editor.design
        self.count_label.setText(
            f"{len(d.nodes)} node{'s' if len(d.nodes) != 1 else ''} · "
            f"{len(d.links)} link{'s' if len(d.links) != 1 else ''}"
        )

    def _update_enabled(self) -> None:
        s = self.scene
        has = bool(s.selected_nodes() or s.selected_groups())
        for k in ("cut", "copy", "duplicate"):
            self.actions_[k].setEnabled(has)
        self.actions_["delete"].setEnabled(has or bool(s.selected_links()))

    def _external_change(self, path: Path) -> None:
        note = " Reloading discards your unsaved changes." if self.editor.dirty else ""
        self.message_bar.show_message(
            f"{path.name} was changed by another program.{note}", "Reload", self.files.revert
        )

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if self.settings.value("window/state") is None:  # first run: room for the canvas
                self.resizeDocks([self.findings_dock], [110], Qt.Orientation.Vertical)
                self.resizeDocks(
                    [self.palette_dock, self.inspector_dock], [200, 320], Qt.Orientation.Horizontal
                )
                if self.features is not None:  # and for the findings, once laid out
                    dock = self.findings_dock
                    QTimer.singleShot(
                        0, self, lambda: self.resizeDocks([dock], [190], Qt.Orientation.Vertical)
                    )

    def _link_style_menu(self, menu: QMenu) -> None:
        """View > Link Style: links routed around cards with rounded corners, as curves, or
        straight; the choice is remembered."""
        group = QActionGroup(menu)
        chosen = str(self.settings.value("canvas/link_style", "orthogonal"))
        self.scene.set_link_style(chosen)
        for style, text in (
            ("orthogonal", "&Orthogonal (Rounded Corners)"),
            ("spline", "&Curved"),
            ("straight", "&Straight Lines"),
        ):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(style == self.scene.link_style)
            action.setObjectName(f"link_style_{style}")
            group.addAction(action)
            action.triggered.connect(lambda _on=False, st=style: self._set_link_style(st))

    def _text_size_menu(self, menu: QMenu) -> None:
        """View > Card Text Size: the text of cards, group titles and link labels at 100%,
        115% or 130% (cards keep their size); the choice is remembered."""
        group = QActionGroup(menu)
        try:
            chosen = int(str(self.settings.value("canvas/text_size", 100)))
        except ValueError:
            chosen = 100
        scales = {round(k * 100): k for k in TEXT_SCALES}
        self.scene.set_text_scale(scales.get(chosen, 1.0))
        for percent, text in zip(scales, ("&Normal", "&Large", "Lar&ger"), strict=True):
            action = menu.addAction(f"{text} ({percent}%)")
            action.setCheckable(True)
            action.setChecked(scales[percent] == self.scene.text_scale)
            action.setObjectName(f"text_size_{percent}")
            group.addAction(action)
            action.triggered.connect(lambda _on=False, p=percent: self._set_text_size(p))

    def _set_text_size(self, percent: int) -> None:
        self.scene.set_text_scale(percent / 100)
        self.settings.setValue("canvas/text_size", percent)

    def _set_link_style(self, style: str) -> None:
        self.scene.set_link_style(style)
        self.settings.setValue("canvas/link_style", style)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.scene.stop_routing()
        event.accept()
