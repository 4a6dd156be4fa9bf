"""Inspector field widgets: each shows one value, parses what the user typed and reports
a change (or a parse error) through a callback; errors are shown under the field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

Commit = Callable[[str, Any], None]


class Field(QWidget):
    """A value editor plus an error line. Subclasses set ``self.editor_widget``."""

    def __init__(self, key: str, commit: Commit) -> None:
        super().__init__()
        self.key = key
        self._commit = commit
        self.loading = False
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #dc2626; font-size: 11px;")
        self.error.hide()
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(2)

    def finish_layout(self, widget: QWidget) -> None:
        self.editor_widget = widget
        self.box.addWidget(widget)
        self.box.addWidget(self.error)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def commit(self, value: Any) -> None:
        if not self.loading:
            self._commit(self.key, value)

    def load(self, value: Any) -> None:
        self.loading = True
        try:
            self.set_value(value)
        finally:
            self.loading = False
        self.show_error("")

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class TextField(Field):
    def __init__(self, key: str, commit: Commit, placeholder: str = "") -> None:
        super().__init__(key, commit)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.editingFinished.connect(self._done)
        self.finish_layout(self.edit)
        self._shown = ""

    def set_value(self, value: Any) -> None:
        self._shown = "" if value is None else str(value)
        self.edit.setText(self._shown)
        self.edit.setCursorPosition(0)

    def parse(self, text: str) -> Any:
        return text

    def _done(self) -> None:
        text = self.edit.text()
        if text == self._shown and not self.error.isVisible():
            return
        try:
            value = self.parse(text)
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.commit(value)


class OptionalNumberField(TextField):
    """A number or empty (= not set)."""

    def set_value(self, value: Any) -> None:
        super().set_value("" if value is None else f"{value:g}")

    def parse(self, text: str) -> Any:
        text = text.strip()
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None


class NumberField(OptionalNumberField):
    def parse(self, text: str) -> Any:
        value = super().parse(text)
        if value is None:
            raise ValueError("a number is required")
        return value


class IntListField(TextField):
    """Comma-separated whole numbers (ports)."""

    def set_value(self, value: Any) -> None:
        super().set_value(", ".join(str(v) for v in value or []))

    def parse(self, text: str) -> Any:
        out = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise ValueError(f"{part!r} is not a port number")
            out.append(int(part))
        return out


class WordListField(TextField):
    """Comma-separated words (rule ids)."""

    def set_value(self, value: Any) -> None:
        super().set_value(", ".join(value or []))

    def parse(self, text: str) -> Any:
        return [p.strip() for p in text.split(",") if p.strip()]


class LongTextField(Field):
    def __init__(self, key: str, commit: Commit) -> None:
        super().__init__(key, commit)
        self.edit = QPlainTextEdit()
        self.edit.setFixedHeight(70)
        self.finish_layout(self.edit)
        self.edit.installEventFilter(self)
        self._shown = ""

    def set_value(self, value: Any) -> None:
        self._shown = value or ""
        self.edit.setPlainText(self._shown)

    def eventFilter(self, obj: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.FocusOut and self.edit.toPlainText() != self._shown:
            self.commit(self.edit.toPlainText())
        return False


class SpinField(Field):
    def __init__(
        self, key: str, commit: Commit, minimum: int = 0, maximum: int = 1_000_000
    ) -> None:
        super().__init__(key, commit)
        self.spin = QSpinBox()
        self.spin.setRange(minimum, maximum)
        self.spin.setKeyboardTracking(False)
        self.spin.valueChanged.connect(self.commit)
        self.finish_layout(self.spin)

    def set_value(self, value: Any) -> None:
        self.spin.setValue(int(value))


class CheckField(Field):
    def __init__(self, key: str, commit: Commit, text: str) -> None:
        super().__init__(key, commit)
        self.check = QCheckBox(text)
        self.check.toggled.connect(self.commit)
        self.finish_layout(self.check)

    def set_value(self, value: Any) -> None:
        self.check.setChecked(bool(value))


class ChoiceField(Field):
    """A fixed list of (label, value) choices."""

    def __init__(self, key: str, commit: Commit, choices: Sequence[tuple[str, Any]] = ()) -> None:
        super().__init__(key, commit)
        self.combo = QComboBox()
        self.combo.activated.connect(lambda i: self.commit(self.combo.itemData(i)))
        self.finish_layout(self.combo)
        self.set_choices(choices)

    def set_choices(self, choices: Sequence[tuple[str, Any]]) -> None:
        self.loading = True
        self.combo.clear()
        for label, value in choices:
            self.combo.addItem(label, value)
        self.loading = False

    def set_value(self, value: Any) -> None:
        for i in range(self.combo.count()):
            if self.combo.itemData(i) == value:
                self.combo.setCurrentIndex(i)
                return
        self.combo.addItem(str(value), value)
        self.combo.setCurrentIndex(self.combo.count() - 1)


class ComboTextField(Field):
    """Free text with suggestions (technology)."""

    def __init__(self, key: str, commit: Commit) -> None:
        super().__init__(key, commit)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.activated.connect(lambda _i: self._done())
        line = self.combo.lineEdit()
        assert line is not None
        line.editingFinished.connect(self._done)
        self.finish_layout(self.combo)
        self._shown = ""

    def set_suggestions(self, names: Sequence[str]) -> None:
        self.loading = True
        self.combo.clear()
        self.combo.addItems(list(names))
        self.loading = False

    def set_value(self, value: Any) -> None:
        self._shown = value or ""
        self.combo.setCurrentText(self._shown)

    def _done(self) -> None:
        text = self.combo.currentText().strip()
        if text != self._shown:
            self._shown = text
            self.commit(text)


class AutoscaleField(Field):
    """Off, or a min-max range of instances."""

    def __init__(self, key: str, commit: Commit) -> None:
        super().__init__(key, commit)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox("Autoscale between")
        self.min = QSpinBox()
        self.max = QSpinBox()
        for spin in (self.min, self.max):
            spin.setRange(1, 100_000)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._changed)
        self.check.toggled.connect(self._changed)
        v.addWidget(self.check)
        h.addWidget(self.min, 1)
        h.addWidget(QLabel("and"))
        h.addWidget(self.max, 1)
        v.addWidget(row)
        self.finish_layout(box)

    def set_value(self, value: Any) -> None:
        self.check.setChecked(value is not None)
        self.min.setValue(value.min if value is not None else 2)
        self.max.setValue(value.max if value is not None else 4)
        self.min.setEnabled(value is not None)
        self.max.setEnabled(value is not None)

    def _changed(self, *_: Any) -> None:
        on = self.check.isChecked()
        self.min.setEnabled(on)
        self.max.setEnabled(on)
        self.commit({"min": self.min.value(), "max": self.max.value()} if on else None)


class EnvField(Field):
    """Environment variables as a two-column table."""

    def __init__(self, key: str, commit: Commit) -> None:
        super().__init__(key, commit)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Variable", "Value"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setFixedHeight(110)
        self.table.itemChanged.connect(self._changed)
        buttons = QHBoxLayout()
        add = QPushButton("Add")
        remove = QPushButton("Remove")
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        v.addWidget(self.table)
        v.addLayout(buttons)
        self.finish_layout(box)

    def set_value(self, value: Any) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for k, val in (value or {}).items():
            r = self.table.rowCount()
            self.table.insertRow(r)
            self.table.setItem(r, 0, QTableWidgetItem(k))
            self.table.setItem(r, 1, QTableWidgetItem(val))
        self.table.blockSignals(False)

    def value(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for r in range(self.table.rowCount()):
            k = self.table.item(r, 0)
            v = self.table.item(r, 1)
            name = k.text().strip() if k is not None else ""
            if name:
                out[name] = v.text() if v is not None else ""
        return out

    def _changed(self, *_: Any) -> None:
        self.commit(self.value())

    def _add(self) -> None:
        self.table.blockSignals(True)
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(""))
        self.table.setItem(r, 1, QTableWidgetItem(""))
        self.table.blockSignals(False)
        first = self.table.item(r, 0)
        if first is not None:
            self.table.editItem(first)

    def _remove(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.rowCount():
            rows = [self.table.rowCount() - 1]
        for r in rows:
            self.table.removeRow(r)
        self.commit(self.value())


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: 600; font-size: 14px; padding: 4px 0;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
