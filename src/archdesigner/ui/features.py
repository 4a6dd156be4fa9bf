"""Live lint, fixes, simulations, import/export and autosave, attached to a main window.

:func:`install` adds everything to a :class:`~archdesigner.ui.main_window.MainWindow` from
the outside (the findings dock, menu entries, a simulation toolbar, a context menu on the
canvas), so the window itself stays a plain editor.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QContextMenuEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QBoxLayout, QLabel, QMenu, QToolBar, QWidget

from archdesigner.layout import layered_layout
from archdesigner.lint import Finding, RuleSet
from archdesigner.model.edits import EditError, MoveNodes, UpdateLink, UpdateNode
from archdesigner.ui.autosave import Autosave
from archdesigner.ui.canvas.items import GroupItem
from archdesigner.ui.findings import FindingsPanel, finding_menu
from archdesigner.ui.lint_controller import LintController, LintOutcome
from archdesigner.ui.overlays import Overlays
from archdesigner.ui.simulation import Banner, FailureSimulation, GrowthControl

if TYPE_CHECKING:
    from archdesigner.ui.main_window import MainWindow


def _menu(window: MainWindow, title: str) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == title:
            return menu
    return window.menuBar().addMenu(title)


class Features(QObject):
    """Live lint, fixes, simulations, import/export and autosave of one window."""

    def __init__(
        self,
        window: MainWindow,
        *,
        rules: RuleSet | None = None,
        plugin_dirs: Sequence[str | Path] = (),
        lint_delay_ms: int | None = None,
        autosave_dir: Path | None = None,
        autosave_idle_ms: int | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.editor = editor = window.editor
        self.scene = window.scene
        self.view = window.view
        self.plugin_dirs = list(plugin_dirs)
        self._told_plugin_errors = False
        #: the last report and its counts per severity (the status bar asks twice per result)
        self._counted: tuple[object, dict[str, int]] = (None, {})
        self.overlays = Overlays(editor, window.scene)
        self.lint = LintController(
            editor, rules=rules, plugin_dirs=plugin_dirs, delay_ms=lint_delay_ms, parent=self
        )
        self.lint.report_ready.connect(self._report)
        self.lint.busy_changed.connect(self._busy_changed)
        editor.document_reset.connect(self.lint.forget_shown)
        self.destroyed.connect(self.lint.shutdown)

        self.panel = FindingsPanel()
        window.findings_dock.setWidget(self.panel)
        if window.settings.value("window/state") is None:  # first start: room for findings
            dock = window.findings_dock
            QTimer.singleShot(0, lambda: window.resizeDocks([dock], [190], Qt.Orientation.Vertical))
        self.panel.activated.connect(self.focus_finding)
        self.panel.fix_requested.connect(self.apply_fix)
        self.panel.suppress_requested.connect(self.suppress)
        self.panel.docs_requested.connect(self.show_docs)
        self.panel.context_menu_requested.connect(self._panel_menu)
        self.scene.selection_changed.connect(self._selection_changed)

        self.lint_label = QLabel()
        self.lint_label.setTextFormat(Qt.TextFormat.RichText)
        window.statusBar().addPermanentWidget(self.lint_label)

        self.banner = Banner()
        central = window.centralWidget()
        layout = central.layout() if central is not None else None
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(1, self.banner)
        self.failure = FailureSimulation(editor, self.overlays, self.banner)
        # Escape leaves the simulation wherever the focus is (enabled only while it runs)
        self.leave_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self.leave_shortcut.setEnabled(False)
        self.leave_shortcut.activated.connect(self.failure.stop)
        self.failure.changed.connect(self._failure_changed)
        self.growth = GrowthControl()
        self.growth.factor_changed.connect(self.lint.set_load_factor)
        self.growth.show_changed.connect(self.overlays.set_show_utilization)
        bar = QToolBar("Simulation")
        bar.setObjectName("simulation_toolbar")
        bar.addWidget(self.growth)
        window.addToolBar(bar)
        self.toolbar = bar

        self.autosave = Autosave(window, folder=autosave_dir, idle_ms=autosave_idle_ms)
        self._build_actions()
        self.view.viewport().installEventFilter(self)
        self.view.installEventFilter(self)
        self._update_status()

    # --- actions -----------------------------------------------------------------------------
    def _action(self, text: str, slot: object, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
        self.window.addAction(action)
        return action

    def _build_actions(self) -> None:
        w = self.window
        self.import_action = self._action("&Import docker-compose…", self.import_compose, "Ctrl+I")
        self.export_action = self._action("&Export…", self.export, "Ctrl+E")
        self.report_action = self._action("Review re&port…", self.review_report, "Ctrl+Shift+R")
        file_menu = _menu(w, "File")
        quit_action = w.actions_.get("quit")
        added = [self.import_action, self.export_action, self.report_action]
        if quit_action is not None:
            for action in added:
                file_menu.insertAction(quit_action, action)
            file_menu.insertSeparator(quit_action)
        else:
            file_menu.addActions(added)
        self.layout_action = self._action("Auto-&layout", self.auto_layout, "Ctrl+Shift+L")
        arrange = _menu(w, "Arrange")
        arrange.addSeparator()
        arrange.addAction(self.layout_action)
        tools = _menu(w, "Tools")
        tools.addSeparator()
        self.simulate_action = self._action("Simulate &Failure of Selection", self.simulate)
        self.lint_settings_action = self._action("Lint &Settings…", self.edit_lint_settings)
        self.plugins_action = self._action("&Plugins…", self.show_plugins)
        self.relint_action = self._action("&Check Design Now", self.lint.lint_now, "F5")
        # as IDEs do: F8 / Shift+F8 walk the findings, each shown on the canvas
        self.next_finding_action = self._action("&Next Finding", lambda: self.panel.step(1), "F8")
        self.prev_finding_action = self._action(
            "&Previous Finding", lambda: self.panel.step(-1), "Shift+F8"
        )
        for a in (self.simulate_action, self.relint_action, self.next_finding_action,
                  self.prev_finding_action, self.lint_settings_action,
                  self.plugins_action):  # fmt: skip
            tools.addAction(a)
        view = _menu(w, "View")
        view.addAction(self.toolbar.toggleViewAction())

    # --- lint results ------------------------------------------------------------------------
    def _report(self, outcome: LintOutcome) -> None:
        report = outcome.report
        if report is None:
            self.overlays.set_findings([])
            self.panel.set_error(outcome.error)
            self.window.statusBar().showMessage(outcome.error, 8000)
        else:
            if report.errors and not self._told_plugin_errors:
                self._told_plugin_errors = True
                n = len({e.plugin for e in report.errors})
                self.window.statusBar().showMessage(
                    f"{n} plugin{'s' if n != 1 else ''} failed to load: see Tools > Plugins", 15000
                )
            self.overlays.set_grouped(outcome.by_subject, outcome.changed)
            self.overlays.set_utilization(
                report.utilization, outcome.load_factor, report.utilization_target
            )
            self.panel.set_findings(report.findings)
        self._update_status()

    def _busy_changed(self, _busy: bool) -> None:
        self._update_status()

    def _update_status(self) -> None:
        report = self.lint.report
        if report is None:
            text = "Checking…" if self.lint.busy else ""
        else:
            if self._counted[0] is not report:
                self._counted = (report, report.counts())
            c = self._counted[1]
            parts = [
                f"<span style='color:#dc2626'>● {c['error']} errors</span>",
                f"<span style='color:#d97706'>● {c['warning']} warnings</span>",
                f"<span style='color:#0e7490'>● {c['info']} info</span>",
            ]
            text = " ".join(parts)
            if self.lint.busy:
                text += " <span style='color:gray'>(checking…)</span>"
        self.lint_label.setText(text)

    def findings_of(self, subject: str) -> list[Finding]:
        report = self.lint.report
        if report is None:
            return []
        return [f for f in report.findings if f.subject == subject and not f.suppressed]

    # --- finding actions ---------------------------------------------------------------------
    def focus_finding(self, f: Finding) -> None:
        if f.subject_type in ("node", "link", "group"):
            self.editor.focus(f.subject_type, f.subject)

    def apply_fix(self, f: Finding) -> bool:
        if f.fix is None:
            return False
        error = self.editor.try_apply(f.fix.edit, text=f.fix.description)
        if error:
            self.window.statusBar().showMessage(f"Cannot apply the fix: {error}", 8000)
            return False
        self.lint.schedule(0)
        return True

    def suppress(self, f: Finding) -> bool:
        if f.subject_type == "node":
            node = self.editor.node(f.subject)
            if node is None:
                return False
            ignore = [*node.lint_ignore, f.rule_id]
            edit: UpdateNode | UpdateLink = UpdateNode(
                f.subject, {"lint_ignore": ignore}, f"Suppress {f.rule_id} on {f.subject}"
            )
        elif f.subject_type == "link":
            link = self.editor.link(f.subject)
            if link is None:
                return False
            ignore = [*link.lint_ignore, f.rule_id]
            edit = UpdateLink(
                f.subject, {"lint_ignore": ignore}, f"Suppress {f.rule_id} on {f.subject}"
            )
        else:
            return False
        return not self.editor.try_apply(edit)

    def show_docs(self, rule_id: str) -> None:
        from archdesigner.ui.dialogs.rule_docs import RuleDocsDialog

        dialog = RuleDocsDialog(rule_id, self.lint.rules(), self.window)
        dialog.show()
        self.docs_dialog = dialog

    def _panel_menu(self, f: Finding, pos: QPoint) -> None:
        menu = QMenu(self.window)
        self._add_finding_actions(menu, [f])
        menu.exec(pos)

    def _add_finding_actions(self, menu: QMenu, findings: list[Finding]) -> None:
        for f in findings:
            finding_menu(
                menu,
                f,
                functools.partial(self.apply_fix, f),
                functools.partial(self.suppress, f),
                functools.partial(self.show_docs, f.rule_id),
            )

    # --- selection <-> panel -----------------------------------------------------------------
    def _selection_changed(self) -> None:
        nodes = self.scene.selected_nodes()
        links = self.scene.selected_links()
        if len(nodes) == 1 and not links:
            self.panel.set_selected_subject(nodes[0])
        elif len(links) == 1 and not nodes:
            self.panel.set_selected_subject(links[0])
        else:
            self.panel.set_selected_subject("")

    # --- canvas context menu and Escape ------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ContextMenu and watched is self.view.viewport():
            assert isinstance(event, QContextMenuEvent)
            menu = self.context_menu(self.view.mapToScene(event.pos()))
            if menu is not None:
                menu.exec(event.globalPos())
                return True
        if (
            event.type() == QEvent.Type.KeyPress
            and watched is self.view
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.failure.active
        ):
            self.failure.stop()
            return True
        return False

    def context_menu(self, scene_pos: object) -> QMenu | None:
        """The menu for what is under ``scene_pos`` (a node, a link or a group)."""
        menu = QMenu(self.window)
        node_item = self.scene.item_at_node(scene_pos)  # type: ignore[arg-type]
        if node_item is not None:
            nid = node_item.node_id
            if nid not in self.scene.selected_nodes():
                self.scene.select([nid])
            self._add_finding_actions(menu, self.findings_of(nid))
            if not menu.isEmpty():
                menu.addSeparator()
            menu.addAction(f"Simulate failure of {nid}", lambda: self.failure.start([nid]))
            selected = self.scene.selected_nodes()
            if len(selected) > 1:
                menu.addAction(
                    f"Auto-layout {len(selected)} selected nodes", lambda: self.auto_layout()
                )
            # the usual edits of the selection, with their shortcuts shown
            menu.addSeparator()
            for key in ("copy", "duplicate", "delete"):
                action = self.window.actions_.get(key)
                if action is not None:
                    menu.addAction(action)
            return menu
        lid = self.scene.links.link_at(scene_pos, 6.0 / max(self.view.zoom(), 0.05))  # type: ignore[arg-type]
        if lid is not None:
            self.scene.select(links=[lid])
            self._add_finding_actions(menu, self.findings_of(lid))
            return menu if not menu.isEmpty() else None
        for item in self.scene.items(scene_pos):  # type: ignore[call-overload]
            if isinstance(item, GroupItem) and item.isVisible():
                gid = item.group_id
                menu.addAction(
                    f"Simulate failure of {item.model.kind} {gid}",
                    functools.partial(self.failure.start, (), [gid]),
                )
                self._add_finding_actions(menu, self.findings_of(gid))
                return menu
        if self.failure.active:
            menu.addAction("Leave failure simulation", self.failure.stop)
            return menu
        return None

    def _failure_changed(self) -> None:
        self.leave_shortcut.setEnabled(self.failure.active)

    def simulate(self) -> None:
        nodes = self.scene.selected_nodes()
        groups = self.scene.selected_groups()
        if nodes or groups:
            self.failure.start(nodes, groups)
        else:
            self.window.statusBar().showMessage("Select a node or a group to fail first", 5000)

    # --- arrange -----------------------------------------------------------------------------
    def auto_layout(self) -> bool:
        """Lays out the selection (two or more nodes) or the whole design: one undo step."""
        design = self.editor.design
        selected = self.scene.selected_nodes()
        ids = selected if len(selected) >= 2 else None
        positions = layered_layout(design, ids)
        if not positions:
            return False
        text = "Auto-layout selection" if ids else "Auto-layout"
        try:
            self.editor.apply(MoveNodes(positions, text))
        except EditError as exc:
            self.window.statusBar().showMessage(str(exc), 6000)
            return False
        if ids is None:
            self.view.fit_all()
        return True

    # --- dialogs -----------------------------------------------------------------------------
    def import_compose(self) -> None:
        from archdesigner.ui.dialogs.import_export import ImportDialog

        dialog = ImportDialog(self.window, self.plugin_dirs)
        dialog.open()
        self.import_dialog = dialog

    def export(self) -> None:
        from archdesigner.ui.dialogs.import_export import ExportDialog

        dialog = ExportDialog(self.window, self.plugin_dirs)
        dialog.open()
        self.export_dialog = dialog

    def review_report(self) -> None:
        from archdesigner.ui.dialogs.report import ReportDialog

        dialog = ReportDialog(self.window, self.lint.rules(), self.plugin_dirs)
        dialog.open()
        self.report_dialog = dialog

    def edit_lint_settings(self) -> None:
        from archdesigner.ui.dialogs.lint_settings import LintSettingsDialog

        dialog = LintSettingsDialog(self.editor, self.lint.rules(), self.window)
        dialog.open()
        self.lint_settings_dialog = dialog

    def show_plugins(self) -> None:
        from archdesigner.ui.dialogs.plugins import PluginsDialog

        dialog = PluginsDialog(self.plugin_dirs, self.window)
        dialog.open()
        self.plugins_dialog = dialog

    def shutdown(self) -> None:
        self.lint.shutdown()


def install(window: MainWindow, **kwargs: object) -> Features:
    """Adds live lint, fixes, simulations, import/export and autosave to ``window``."""
    features = Features(window, **kwargs)  # type: ignore[arg-type]
    window.features = features  # type: ignore[attr-defined]
    return features


def features_of(widget: QWidget) -> Features | None:
    return getattr(widget, "features", None)


__all__ = ["Features", "features_of", "install"]
