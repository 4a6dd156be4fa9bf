"""The findings panel: every finding of the last lint run, sortable and filterable.

Rows show a severity icon, the rule id, the message, the subject and the impact (the share
of requests that touch the subject); the list is sorted by impact, highest first, until the
user clicks another column. Filters: severity
toggles, a rule chooser, a search box, and the canvas selection (selecting one node shows
only its findings). Sorting and filtering happen on plain Python lists (a proxy model would
call back into Python for every comparison, which is slow with thousands of findings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from archdesigner.lint import Finding
from archdesigner.lint.api import SEVERITIES, SEVERITY_RANK
from archdesigner.ui.overlays import SEVERITY_COLORS

COLUMNS = ("", "Rule", "Message", "Subject", "Impact")
#: the column of the impact; the panel sorts by it (descending) by default
IMPACT_COLUMN = 4
_ICONS: dict[str, QIcon] = {}

Index = QModelIndex | QPersistentModelIndex


def severity_icon(severity: str) -> QIcon:
    icon = _ICONS.get(severity)
    if icon is None:
        pm = QPixmap(14, 14)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(SEVERITY_COLORS.get(severity, QColor("gray")))
        p.drawEllipse(1, 1, 12, 12)
        p.setPen(QColor("white"))
        p.drawText(pm.rect(), Qt.AlignmentFlag.AlignCenter, "!" if severity != "info" else "i")
        p.end()
        icon = _ICONS[severity] = QIcon(pm)
    return icon


def _sort_key(column: int) -> Callable[[Finding], Any]:
    if column == 0:
        return lambda f: (SEVERITY_RANK[f.severity], f.rule_id, f.subject)
    if column == 1:
        return lambda f: (f.rule_id, f.subject)
    if column == 2:
        return lambda f: f.message.lower()
    if column == IMPACT_COLUMN:  # ties: the more severe first (the sort is descending)
        return lambda f: (round(f.impact, 6), -SEVERITY_RANK[f.severity])
    return lambda f: (f.subject, SEVERITY_RANK[f.severity])


def impact_text(impact: float) -> str:
    """``100%``, ``31%``, ``<1%`` (some requests), ``0%`` (none)."""
    if 0 < impact < 0.005:
        return "<1%"
    return f"{impact:.0%}"


class FindingsModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.all: list[Finding] = []
        #: unsuppressed findings in ``all``
        self.active = 0
        self.shown: list[Finding] = []
        self.severities: set[str] = set(SEVERITIES)
        self.rule = ""
        self.search = ""
        self.subject = ""
        self.show_suppressed = False
        self._sort = (IMPACT_COLUMN, Qt.SortOrder.DescendingOrder)

    def set_findings(self, findings: list[Finding]) -> None:
        self.all = list(findings)
        self.active = sum(1 for f in self.all if not f.suppressed)
        self.refilter()

    def refilter(self) -> None:
        words = self.search.lower().split()
        column, order = self._sort
        plain = (
            not words and not self.rule and not self.subject and self.severities == set(SEVERITIES)
        )
        if plain:  # no filter: no per-row test, only the sort
            everything = self.show_suppressed or self.active == len(self.all)
            out = list(self.all) if everything else [f for f in self.all if not f.suppressed]
            out.sort(key=_sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
            self.beginResetModel()
            self.shown = out
            self.endResetModel()
            return
        out = []
        for f in self.all:
            if f.severity not in self.severities or (f.suppressed and not self.show_suppressed):
                continue
            if self.rule and f.rule_id != self.rule:
                continue
            if self.subject and f.subject != self.subject:
                continue
            if words:
                text = f"{f.rule_id} {f.name} {f.message} {f.subject}".lower()
                if not all(w in text for w in words):
                    continue
            out.append(f)
        out.sort(key=_sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        self.beginResetModel()
        self.shown = out
        self.endResetModel()

    # --- Qt model ----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        f = self.shown[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 1:
                return f.rule_id
            if col == 2:
                return f.message
            if col == 3:
                return f.subject
            if col == IMPACT_COLUMN:
                return impact_text(f.impact)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == IMPACT_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return severity_icon(f.severity)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{f.severity}: {f.rule_id} {f.name}\n{f.message}"
            tip += f"\nImpact: {impact_text(f.impact)} of requests touch {f.subject}"
            if f.fix is not None:
                tip += f"\nFix: {f.fix.description}"
            if f.suppressed:
                tip += "\n(suppressed)"
            return tip
        if role == Qt.ItemDataRole.ForegroundRole and f.suppressed:
            return QColor("gray")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.refilter()

    def finding(self, row: int) -> Finding | None:
        return self.shown[row] if 0 <= row < len(self.shown) else None


class FindingsPanel(QWidget):
    """The panel. Signals ask the window to act; the panel never changes the document."""

    #: a finding was clicked: select and centre its subject
    activated = Signal(object)
    fix_requested = Signal(object)
    suppress_requested = Signal(object)
    docs_requested = Signal(str)
    context_menu_requested = Signal(object, QPoint)

    def __init__(self) -> None:
        super().__init__()
        self.model = FindingsModel()
        v = QVBoxLayout(self)
        v.setContentsMargins(4, 4, 4, 4)
        v.setSpacing(4)
        bar = QHBoxLayout()
        self.severity_buttons: dict[str, QToolButton] = {}
        for sev in SEVERITIES:
            b = QToolButton()
            b.setCheckable(True)
            b.setChecked(True)
            b.setIcon(severity_icon(sev))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setText(sev.capitalize() + "s")
            b.toggled.connect(self._filters_changed)
            self.severity_buttons[sev] = b
            bar.addWidget(b)
        self.rule_box = QComboBox()
        self.rule_box.addItem("All rules", "")
        self.rule_box.setMinimumContentsLength(14)
        self.rule_box.currentIndexChanged.connect(self._filters_changed)
        bar.addWidget(self.rule_box)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search findings…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._filters_changed)
        bar.addWidget(self.search_box, 1)
        #: clicking a finding selects its subject but never filters the list; this toggle
        #: does, explicitly: only the findings of the component selected on the canvas
        self.only_selected = QToolButton()
        self.only_selected.setCheckable(True)
        self.only_selected.setText("Only this component")
        self.only_selected.setToolTip(
            "Show only the findings of the component selected on the canvas"
        )
        self.only_selected.toggled.connect(lambda _on: self._apply_selected())
        bar.addWidget(self.only_selected)
        self.selected_subject = ""
        self.subject_chip = QPushButton()
        self.subject_chip.setToolTip("Only the selected component's findings are shown: show all")
        self.subject_chip.clicked.connect(lambda: self.only_selected.setChecked(False))
        self.subject_chip.hide()
        bar.addWidget(self.subject_chip)
        self.fix_button = QPushButton("Apply fix")
        self.fix_button.clicked.connect(self._fix_current)
        self.docs_button = QPushButton("Rule docs")
        self.docs_button.clicked.connect(self._docs_current)
        bar.addWidget(self.fix_button)
        bar.addWidget(self.docs_button)
        v.addLayout(bar)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(IMPACT_COLUMN, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        h.resizeSection(0, 28)
        h.resizeSection(1, 70)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        h.resizeSection(3, 160)
        h.resizeSection(IMPACT_COLUMN, 60)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        v.addWidget(self.table, 1)
        self.empty_label = QLabel("")
        self.empty_label.setStyleSheet("color: gray;")
        v.addWidget(self.empty_label)
        self._update_buttons()

    # --- content -----------------------------------------------------------------------------
    def set_error(self, message: str) -> None:
        """The design could not be linted (e.g. bad lint settings): say why in the panel."""
        self.set_findings([])
        self.empty_label.setText(message)
        self.empty_label.setStyleSheet("color: #b91c1c;")
        self.empty_label.show()

    def set_findings(self, findings: list[Finding]) -> None:
        """A new lint result. The list keeps its place: the current finding stays current,
        or, when it went away (it was fixed), the one that took its row."""
        self.empty_label.setStyleSheet("color: gray;")
        current = self.current()
        key = current.fingerprint if current is not None else None
        row = self.table.currentIndex().row()
        self.model.set_findings(findings)
        self._count_severities(findings)
        rules = sorted({f.rule_id for f in findings})
        chosen = self.rule_box.currentData()
        self.rule_box.blockSignals(True)
        self.rule_box.clear()
        self.rule_box.addItem("All rules", "")
        for rid in rules:
            self.rule_box.addItem(rid, rid)
        i = self.rule_box.findData(chosen)
        self.rule_box.setCurrentIndex(max(0, i))
        self.rule_box.blockSignals(False)
        if i < 0 and chosen:
            self._filters_changed()
        if key is not None and not self.select_fingerprint(key) and self.model.shown:
            self.table.selectRow(min(row, len(self.model.shown) - 1))
        self._update_status()

    def _count_severities(self, findings: list[Finding]) -> None:
        """The severity toggles show how many findings each has (always visible)."""
        counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        for f in findings:
            if not getattr(f, "suppressed", False) and f.severity in counts:
                counts[f.severity] += 1
        for sev, b in self.severity_buttons.items():
            b.setText(f"{sev.capitalize()}s ({counts[sev]})")

    def set_selected_subject(self, subject: str) -> None:
        """What is selected on the canvas: filters the list only with "Only this
        component" on."""
        self.selected_subject = subject
        self._apply_selected()

    def _apply_selected(self) -> None:
        self.set_subject_filter(self.selected_subject if self.only_selected.isChecked() else "")

    def step(self, delta: int) -> Finding | None:
        """Makes the next (``delta`` 1) or previous (-1) finding of the list current,
        wrapping around, and announces it as if clicked (F8 / Shift+F8)."""
        n = len(self.model.shown)
        if n == 0:
            return None
        row = self.table.currentIndex().row()
        row = (0 if delta > 0 else n - 1) if row < 0 else (row + delta) % n
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        f = self.model.finding(row)
        self._update_buttons()
        if f is not None:
            self.activated.emit(f)
        return f

    def set_subject_filter(self, subject: str) -> None:
        if subject == self.model.subject:
            return
        current = self.current()
        self.model.subject = subject
        self.subject_chip.setText(f"{subject} ✕")
        self.subject_chip.setVisible(bool(subject))
        self.model.refilter()
        if current is not None:
            self.select_fingerprint(current.fingerprint)
        self._update_status()

    def select_fingerprint(self, fingerprint: str) -> bool:
        for row, f in enumerate(self.model.shown):
            if f.fingerprint == fingerprint:
                self.table.selectRow(row)
                return True
        return False

    def current(self) -> Finding | None:
        index = self.table.currentIndex()
        return self.model.finding(index.row()) if index.isValid() else None

    # --- internals ---------------------------------------------------------------------------
    def _filters_changed(self) -> None:
        current = self.current()
        m = self.model
        m.severities = {s for s, b in self.severity_buttons.items() if b.isChecked()}
        m.rule = self.rule_box.currentData() or ""
        m.search = self.search_box.text()
        m.refilter()
        if current is not None:
            self.select_fingerprint(current.fingerprint)
        self._update_status()

    def _update_status(self) -> None:
        total = self.model.active
        shown = len(self.model.shown)
        if total == 0:
            self.empty_label.setText("No findings: the design passes every selected rule.")
        elif shown != total:
            self.empty_label.setText(f"Showing {shown} of {total} findings.")
        else:
            self.empty_label.setText("")
        self.empty_label.setVisible(bool(self.empty_label.text()))
        self._update_buttons()

    def _update_buttons(self) -> None:
        f = self.current()
        self.fix_button.setEnabled(f is not None and f.fix is not None)
        self.fix_button.setToolTip(f.fix.description if f is not None and f.fix else "")
        self.docs_button.setEnabled(f is not None)

    def _clicked(self, index: QModelIndex) -> None:
        f = self.model.finding(index.row())
        self._update_buttons()
        if f is not None:
            self.activated.emit(f)

    def _fix_current(self) -> None:
        f = self.current()
        if f is not None and f.fix is not None:
            self.fix_requested.emit(f)

    def _docs_current(self) -> None:
        f = self.current()
        if f is not None:
            self.docs_requested.emit(f.rule_id)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        f = self.model.finding(index.row()) if index.isValid() else None
        if f is None:
            return
        self.table.selectRow(index.row())
        self.context_menu_requested.emit(f, self.table.viewport().mapToGlobal(pos))


def finding_menu(menu: QMenu, f: Finding, fix: Callable[[], object],
                 suppress: Callable[[], object], docs: Callable[[], object]) -> None:  # fmt: skip
    """Adds a finding's actions (fix, suppress, docs) to ``menu``."""
    if f.fix is not None:
        menu.addAction(f.fix.description, fix)
    if f.subject_type in ("node", "link") and not f.suppressed:
        menu.addAction(f"Suppress {f.rule_id} on {f.subject}", suppress)
    menu.addAction(f"About {f.rule_id} ({f.name})", docs)


__all__ = ["FindingsModel", "FindingsPanel", "finding_menu", "severity_icon"]
