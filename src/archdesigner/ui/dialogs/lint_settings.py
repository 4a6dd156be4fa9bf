"""Tools > Lint Settings: the design's ``lint`` block (select, ignore, severity, options).

The settings live in the design file, so everyone linting it (the app, CI) gets the same
result. Saving them is one undoable edit (``UpdateDesign({"lint": ...})``).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archdesigner.lint import RuleSet
from archdesigner.lint.api import SEVERITIES
from archdesigner.model.design import LintConfig
from archdesigner.model.edits import UpdateDesign
from archdesigner.ui.editor import Editor

DEFAULT = "(default)"


def _refs(text: str) -> list[str]:
    return [r.strip().upper() for r in text.replace(",", " ").split() if r.strip()]


class LintSettingsDialog(QDialog):
    def __init__(self, editor: Editor, rules: RuleSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.rules = rules
        self.setWindowTitle("Lint Settings")
        self.resize(720, 620)
        cfg = editor.design.lint
        v = QVBoxLayout(self)
        form = QFormLayout()
        self.select_edit = QLineEdit(" ".join(cfg.select) if cfg.select is not None else "")
        self.select_edit.setPlaceholderText("every rule (e.g. SPF SCL001 CAP)")
        form.addRow("Select", self.select_edit)
        self.ignore_edit = QLineEdit(" ".join(cfg.ignore))
        self.ignore_edit.setPlaceholderText("rule ids or prefixes, e.g. DAT EDG002")
        form.addRow("Ignore", self.ignore_edit)
        v.addLayout(form)
        v.addWidget(QLabel("Severity per rule"))
        self.table = QTableWidget(len(rules.rules), 3)
        self.table.setHorizontalHeaderLabels(["Rule", "Summary", "Severity"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.severity_boxes: dict[str, QComboBox] = {}
        for row, reg in enumerate(rules.rules):
            r = reg.rule
            self.table.setItem(row, 0, QTableWidgetItem(r.id))
            summary = QTableWidgetItem(r.summary)
            summary.setToolTip(f"{r.name} ({reg.source}); default severity {r.severity}")
            self.table.setItem(row, 1, summary)
            box = QComboBox()
            box.addItem(f"{DEFAULT}: {r.severity}", "")
            for sev in SEVERITIES:
                box.addItem(sev, sev)
            i = box.findData(cfg.severity.get(r.id, ""))
            box.setCurrentIndex(max(0, i))
            self.severity_boxes[r.id] = box
            self.table.setCellWidget(row, 2, box)
        v.addWidget(self.table, 1)
        v.addWidget(QLabel("Rule options (JSON: rule id -> option -> value)"))
        self.options_edit = QPlainTextEdit(json.dumps(cfg.options, indent=2) if cfg.options else "")
        hints = [
            f"{reg.rule.id}.{name} = {opt.default!r}"
            for reg in rules.rules
            for name, opt in reg.rule.options.items()
        ]
        self.options_edit.setPlaceholderText('{"SCL005": {"max_depth": 6}}\n\n' + "\n".join(hints))
        self.options_edit.setMaximumHeight(150)
        v.addWidget(self.options_edit)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color: #b91c1c;")
        self.error_label.setWordWrap(True)
        v.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)

    def set_severity(self, rule_id: str, severity: str) -> None:
        box = self.severity_boxes[rule_id]
        box.setCurrentIndex(max(0, box.findData(severity)))

    def config(self) -> dict[str, Any]:
        """The ``lint`` block the dialog describes. Raises ValueError with a message."""
        select = _refs(self.select_edit.text())
        severity = {rid: box.currentData() for rid, box in self.severity_boxes.items()}
        text = self.options_edit.toPlainText().strip()
        try:
            options = json.loads(text) if text else {}
        except ValueError as exc:
            raise ValueError(f"options: not valid JSON ({exc})") from None
        if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
            raise ValueError('options: expected {"RULE": {"option": value}}')
        by_id = self.rules.by_id()
        for rid, values in options.items():
            reg = by_id.get(rid)
            if reg is None:
                raise ValueError(f"options: no installed rule {rid!r}")
            for name, value in values.items():
                opt = reg.rule.options.get(name)
                if opt is None:
                    known = ", ".join(sorted(reg.rule.options)) or "none"
                    raise ValueError(f"options.{rid}: no option {name!r} (options: {known})")
                try:
                    opt.check(value)
                except ValueError as exc:
                    raise ValueError(f"options.{rid}.{name}: {exc}") from None
        return LintConfig(
            select=select or None,
            ignore=_refs(self.ignore_edit.text()),
            severity={rid: sev for rid, sev in severity.items() if sev},
            options=options,
        ).model_dump()

    def accept(self) -> None:
        try:
            cfg = self.config()
        except ValueError as exc:
            self.error_label.setText(str(exc).splitlines()[0])
            return
        if cfg != self.editor.design.lint.model_dump():
            error = self.editor.try_apply(UpdateDesign({"lint": cfg}, "Change lint settings"))
            if error:
                self.error_label.setText(error)
                return
        super().accept()
