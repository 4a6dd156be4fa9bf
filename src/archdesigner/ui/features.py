"""The live parts of a main window: lint, fixes, simulations, import/export and autosave.

A :class:`~archdesigner.ui.main_window.MainWindow` built with :class:`LiveOptions` makes one
:class:`Features` and places what it offers: the findings panel it made goes in its findings
dock, :attr:`Features.lint_label` in its status bar, the actions in its menus, the growth
control in its simulation toolbar, and the banner it made above the canvas. ``Features``
itself touches none of the window's menus, docks or layout; it builds the live lint
controller with its wiring (:mod:`archdesigner.ui.lint_wiring`), the simulations
(:mod:`archdesigner.ui.simulation_wiring`), the autosave, the canvas context menu and the
actions' slots.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QObject, QPointF
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMenu, QWidget

from archdesigner.lint import Finding, RuleSet
from archdesigner.ui.auto_layout import LayoutJob
from archdesigner.ui.autosave import Autosave
from archdesigner.ui.canvas.items import GroupItem
from archdesigner.ui.findings import FindingsPanel
from archdesigner.ui.lint_controller import LintController
from archdesigner.ui.lint_wiring import LintWiring
from archdesigner.ui.overlays import Overlays
from archdesigner.ui.simulation import Banner, FailureSimulation, GrowthControl
from archdesigner.ui.simulation_wiring import SimulationWiring

if TYPE_CHECKING:
    from archdesigner.ui.main_window import MainWindow


@dataclass(frozen=True)
class LiveOptions:
    """How a main window's live parts are set up (the defaults are the app's).

    ``rules``: the rule set to lint with (default: built-in and installed plugin rules);
    ``plugin_dirs``: extra plugin folders; ``lint_delay_ms`` / ``autosave_idle_ms``: the idle
    times before a lint run / an autosave; ``autosave_dir``: where unsaved work is written."""

    rules: RuleSet | None = None
    plugin_dirs: Sequence[str | Path] = ()
    lint_delay_ms: int | None = None
    autosave_dir: Path | None = None
    autosave_idle_ms: int | None = None


class Features(QObject):
    """Live lint, fixes, simulations, import/export and autosave of one window.

    ``panel`` and ``banner`` are the window's findings panel and simulation banner."""

    def __init__(
        self, window: MainWindow, options: LiveOptions, panel: FindingsPanel, banner: Banner
    ) -> None:
        super().__init__(window)
        self.window = window
        self.editor = editor = window.editor
        self.scene = window.scene
        self.view = window.view
        self.plugin_dirs = list(options.plugin_dirs)
        self.panel = panel
        self.banner = banner
        self.overlays = Overlays(editor, window.scene)
        self.lint = LintController(
            editor,
            rules=options.rules,
            plugin_dirs=self.plugin_dirs,
            delay_ms=options.lint_delay_ms,
            parent=self,
        )
        self.destroyed.connect(self.lint.shutdown)
        status = window.statusBar()
        self.lint_wiring = LintWiring(
            editor, self.scene, self.lint, panel, self.overlays, status, window
        )
        self.simulation = SimulationWiring(
            editor,
            self.scene,
            self.view,
            self.overlays,
            self.lint,
            banner,
            window,
            status.showMessage,
        )
        self.autosave = Autosave(
            window, folder=options.autosave_dir, idle_ms=options.autosave_idle_ms
        )
        self.layout_job = LayoutJob(editor, window, status.showMessage, self._laid_out)
        self._build_actions()
        self.view.viewport().installEventFilter(self)

    # --- what the window shows ---------------------------------------------------------------
    @property
    def lint_label(self) -> QLabel:
        """The error / warning / info counts for the status bar."""
        return self.lint_wiring.label

    @property
    def failure(self) -> FailureSimulation:
        return self.simulation.failure

    @property
    def growth(self) -> GrowthControl:
        return self.simulation.growth

    @property
    def docs_dialog(self) -> QWidget | None:
        return self.lint_wiring.docs_dialog

    def findings_of(self, subject: str) -> list[Finding]:
        return self.lint_wiring.findings_of(subject)

    def apply_fix(self, f: Finding) -> bool:
        return self.lint_wiring.apply_fix(f)

    # --- actions (the window puts them in its menus) ------------------------------------------
    def _action(
        self, text: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        self.window.addAction(action)
        return action

    def _build_actions(self) -> None:
        act = self._action
        self.import_action = act("&Import docker-compose…", self.import_compose, "Ctrl+I")
        self.export_action = act("&Export…", self.export, "Ctrl+E")
        self.report_action = act("Review re&port…", self.review_report, "Ctrl+Shift+R")
        self.layout_action = act("Auto-&layout", self.auto_layout, "Ctrl+Shift+L")
        self.simulate_action = act(
            "Simulate &Failure of Selection", self.simulation.simulate_selection
        )
        self.lint_settings_action = act("Lint &Settings…", self.edit_lint_settings)
        self.plugins_action = act("&Plugins…", self.show_plugins)
        self.relint_action = act("&Check Design Now", self.lint.lint_now, "F5")
        # as IDEs do: F8 / Shift+F8 walk the findings, each shown on the canvas
        self.next_finding_action = act("&Next Finding", lambda: self.panel.step(1), "F8")
        self.prev_finding_action = act("&Previous Finding", lambda: self.panel.step(-1), "Shift+F8")

    @property
    def file_actions(self) -> list[QAction]:
        """For the File menu, before Quit."""
        return [self.import_action, self.export_action, self.report_action]

    @property
    def tools_actions(self) -> list[QAction]:
        """For the Tools menu, after the canvas modes."""
        return [
            self.simulate_action,
            self.relint_action,
            self.next_finding_action,
            self.prev_finding_action,
            self.lint_settings_action,
            self.plugins_action,
        ]

    # --- canvas context menu -----------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ContextMenu and watched is self.view.viewport():
            assert isinstance(event, QContextMenuEvent)
            menu = self.context_menu(self.view.mapToScene(event.pos()))
            if menu is not None:
                menu.exec(event.globalPos())
                return True
        return False

    def context_menu(self, scene_pos: QPointF) -> QMenu | None:
        """The menu for what is under ``scene_pos`` (a node, a link or a group)."""
        menu = QMenu(self.window)
        add_findings = self.lint_wiring.add_finding_actions
        failure = self.simulation.failure
        node_item = self.scene.item_at_node(scene_pos)
        if node_item is not None:
            nid = node_item.node_id
            if nid not in self.scene.selected_nodes():
                self.scene.select([nid])
            add_findings(menu, self.findings_of(nid))
            if not menu.isEmpty():
                menu.addSeparator()
            menu.addAction(f"Simulate failure of {nid}", lambda: failure.start([nid]))
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
        lid = self.scene.links.link_at(scene_pos, 6.0 / max(self.view.zoom(), 0.05))
        if lid is not None:
            self.scene.select(links=[lid])
            add_findings(menu, self.findings_of(lid))
            return menu if not menu.isEmpty() else None
        for item in self.scene.items(scene_pos):
            if isinstance(item, GroupItem) and item.isVisible():
                gid = item.group_id
                menu.addAction(
                    f"Simulate failure of {item.model.kind} {gid}",
                    functools.partial(failure.start, (), [gid]),
                )
                add_findings(menu, self.findings_of(gid))
                return menu
        if failure.active:
            menu.addAction("Leave failure simulation", failure.stop)
            return menu
        return None

    # --- arrange -----------------------------------------------------------------------------
    def _laid_out(self, whole: bool) -> None:
        if whole:
            self.view.fit_all()

    def auto_layout(self) -> bool:
        """Lays out the selection (two or more nodes) or the whole design: one undo step,
        with Graphviz's dot off the UI thread for designs it is quick on (see
        ui/auto_layout.py). False when there is nothing to lay out."""
        selected = self.scene.selected_nodes()
        return self.layout_job.start(selected if len(selected) >= 2 else None)

    # --- dialogs (kept as attributes: one of each open at a time) -----------------------------
    def import_compose(self) -> None:
        from archdesigner.ui.dialogs.import_export import ImportDialog

        self.import_dialog = _opened(ImportDialog(self.window, self.plugin_dirs))

    def export(self) -> None:
        from archdesigner.ui.dialogs.import_export import ExportDialog

        self.export_dialog = _opened(ExportDialog(self.window, self.plugin_dirs))

    def review_report(self) -> None:
        from archdesigner.ui.dialogs.report import ReportDialog

        rules = self.lint.rules()
        self.report_dialog = _opened(ReportDialog(self.window, rules, self.plugin_dirs))

    def edit_lint_settings(self) -> None:
        from archdesigner.ui.dialogs.lint_settings import LintSettingsDialog

        rules = self.lint.rules()
        self.lint_settings_dialog = _opened(LintSettingsDialog(self.editor, rules, self.window))

    def show_plugins(self) -> None:
        from archdesigner.ui.dialogs.plugins import PluginsDialog

        self.plugins_dialog = _opened(PluginsDialog(self.plugin_dirs, self.window))

    def shutdown(self) -> None:
        self.lint.shutdown()


D = TypeVar("D", bound=QDialog)


def _opened(dialog: D) -> D:
    """``dialog``, opened window-modal."""
    dialog.open()
    return dialog


__all__ = ["Features", "LiveOptions"]
