"""Live lint shown in a window: the findings panel, the canvas badges and the status-bar counts.

:class:`LintWiring` connects one :class:`~archdesigner.ui.lint_controller.LintController` to
the widgets it is given: each report goes to the findings panel, the overlays (badges and
utilisation tints) and a status-bar label it owns (:attr:`LintWiring.label`, placed by the
window); the panel's requests (show, fix, suppress, rule docs, context menu) become editor
edits and dialogs; the canvas selection tells the panel which component is selected.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, Qt, SignalInstance
from PySide6.QtWidgets import QLabel, QMenu, QStatusBar, QWidget

from archdesigner.lint import Finding
from archdesigner.model.edits import UpdateLink, UpdateNode
from archdesigner.ui.canvas.scene import DesignScene
from archdesigner.ui.editor import Editor
from archdesigner.ui.findings import FindingsPanel, finding_menu
from archdesigner.ui.lint_controller import LintController, LintOutcome
from archdesigner.ui.overlays import Overlays


class LintWiring(QObject):
    """Shows ``lint``'s reports in ``panel``, ``overlays`` and :attr:`label`; acts on findings.

    ``status`` shows short messages (a fix that cannot be applied, plugins that failed to
    load); ``dialog_parent`` is the parent of the menus and the rule-docs dialog."""

    def __init__(
        self,
        editor: Editor,
        scene: DesignScene,
        lint: LintController,
        panel: FindingsPanel,
        overlays: Overlays,
        status: QStatusBar,
        dialog_parent: QWidget,
    ) -> None:
        super().__init__(dialog_parent)
        self.editor = editor
        self.scene = scene
        self.lint = lint
        self.panel = panel
        self.overlays = overlays
        self.status = status
        self.dialog_parent = dialog_parent
        self._told_plugin_errors = False
        #: the last report and its counts per severity (the status bar asks twice per result)
        self._counted: tuple[object, dict[str, int]] = (None, {})
        #: the error / warning / info counts, for the window's status bar
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.docs_dialog: QWidget | None = None

        wiring: list[tuple[SignalInstance, Callable[..., object]]] = [
            (lint.report_ready, self._report),
            (lint.busy_changed, self._busy_changed),
            (editor.document_reset, lint.forget_shown),
            (panel.activated, self.focus_finding),
            (panel.fix_requested, self.apply_fix),
            (panel.suppress_requested, self.suppress),
            (panel.docs_requested, self.show_docs),
            (panel.context_menu_requested, self._panel_menu),
            (scene.selection_changed, self._selection_changed),
        ]
        for signal, slot in wiring:
            signal.connect(slot)
        self._update_status()

    # --- lint results ------------------------------------------------------------------------
    def _report(self, outcome: LintOutcome) -> None:
        report = outcome.report
        if report is None:
            self.overlays.set_findings([])
            self.panel.set_error(outcome.error)
            self.status.showMessage(outcome.error, 8000)
        else:
            if report.errors and not self._told_plugin_errors:
                self._told_plugin_errors = True
                n = len({e.plugin for e in report.errors})
                self.status.showMessage(
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
        self.label.setText(text)

    def findings_of(self, subject: str) -> list[Finding]:
        """The active (not suppressed) findings of ``subject`` in the last report."""
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
            self.status.showMessage(f"Cannot apply the fix: {error}", 8000)
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

        dialog = RuleDocsDialog(rule_id, self.lint.rules(), self.dialog_parent)
        dialog.show()
        self.docs_dialog = dialog

    def _panel_menu(self, f: Finding, pos: QPoint) -> None:
        menu = QMenu(self.dialog_parent)
        self.add_finding_actions(menu, [f])
        menu.exec(pos)

    def add_finding_actions(self, menu: QMenu, findings: list[Finding]) -> None:
        """Adds each finding's fix, suppress and docs entries to ``menu``."""
        for f in findings:
            finding_menu(
                menu,
                f,
                functools.partial(self.apply_fix, f),
                functools.partial(self.suppress, f),
                functools.partial(self.show_docs, f.rule_id),
            )

    # --- selection -> panel ------------------------------------------------------------------
    def _selection_changed(self) -> None:
        nodes = self.scene.selected_nodes()
        links = self.scene.selected_links()
        if len(nodes) == 1 and not links:
            self.panel.set_selected_subject(nodes[0])
        elif len(links) == 1 and not nodes:
            self.panel.set_selected_subject(links[0])
        else:
            self.panel.set_selected_subject("")


__all__ = ["LintWiring"]
