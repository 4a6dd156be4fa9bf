"""Failure and growth simulations.

Failure: pick a node (or a zone / any group) and see what fails with it, as SPF001 and
SPF002 define it (docs/lint-rules.md): a node fails with v when it has a path to v in the
required graph; when a group fails, every node in it and in its child groups fails. Failing
nodes are marked, the rest dimmed, and a banner names the entries that go down.

Growth: a load factor from 1x to 100x multiplies every entry's load; the capacity rules run
again at that factor and each node with a capacity is tinted by its utilization.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from archdesigner.graph import DesignGraph
from archdesigner.model.design import Design
from archdesigner.ui.editor import Editor
from archdesigner.ui.overlays import Overlays
from archdesigner.wording import names

MAX_FACTOR = 100.0


def failing_set(design: Design, nodes: Iterable[str] = (), groups: Iterable[str] = ()) -> set[str]:
    """Every node that fails when ``nodes`` and the groups ``groups`` fail: the seeds and
    every node with a path to one of them through required links
    (:meth:`DesignGraph.failure_of`, one backward search)."""
    return set(DesignGraph(design).failure_of(nodes, groups).failing)


def _names(ids: list[str], limit: int = 6) -> str:
    return names(ids, limit, and_last=False)


class Banner(QFrame):
    """The strip above the canvas while a simulation runs."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("SimulationBanner")
        self.setStyleSheet(
            "#SimulationBanner { background: #fee2e2; border-bottom: 1px solid #fca5a5; }"
            "#SimulationBanner QLabel { color: #7f1d1d; }"
        )
        h = QHBoxLayout(self)
        h.setContentsMargins(10, 6, 10, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.leave = QPushButton("Leave simulation (Esc)")
        h.addWidget(self.label, 1)
        h.addWidget(self.leave)
        self.hide()


class FailureSimulation(QObject):
    """Right-click > Simulate failure. ``active`` while it shows; :meth:`stop` (Escape)."""

    changed = Signal()

    def __init__(self, editor: Editor, overlays: Overlays, banner: Banner) -> None:
        super().__init__()
        self.editor = editor
        self.overlays = overlays
        self.banner = banner
        self.nodes: set[str] = set()
        self.groups: set[str] = set()
        self.failing: set[str] = set()
        banner.leave.clicked.connect(self.stop)
        editor.document_changed.connect(self._document_changed)
        editor.document_reset.connect(self.stop)

    @property
    def active(self) -> bool:
        return bool(self.nodes or self.groups)

    def start(self, nodes: Iterable[str] = (), groups: Iterable[str] = ()) -> set[str]:
        self.nodes, self.groups = set(nodes), set(groups)
        return self._compute()

    def stop(self) -> None:
        if not self.active and self.overlays.failing is None:
            return
        self.nodes, self.groups, self.failing = set(), set(), set()
        self.overlays.set_failure(set(), None)
        self.banner.hide()
        self.changed.emit()

    def _document_changed(self) -> None:
        if not self.active:
            return
        design = self.editor.design
        self.nodes = {n for n in self.nodes if self.editor.node(n) is not None}
        self.groups = {g for g in self.groups if any(x.id == g for x in design.groups)}
        if not self.active:
            self.stop()
            return
        self._compute()

    def _compute(self) -> set[str]:
        design = self.editor.design
        failure = DesignGraph(design).failure_of(self.nodes, self.groups)
        self.failing = set(failure.failing)
        roots = set(failure.roots)
        self.overlays.set_failure(roots, self.failing)
        entries = sorted(failure.entries)
        what = ", ".join(sorted(self.nodes) + [f"group {x}" for x in sorted(self.groups)])
        others = len(self.failing - roots)
        text = (
            f"<b>Simulating the failure of {what}</b>: {len(self.failing)} component"
            f"{'s' if len(self.failing) != 1 else ''} fail ({others} with it). "
        )
        if entries:
            text += f"Entries that go down: <b>{_names(entries)}</b>."
        else:
            text += "No entry goes down."
        self.banner.label.setText(text)
        self.banner.show()
        self.changed.emit()
        return self.failing


def factor_from_slider(value: int) -> float:
    """Slider 0..200 on a log scale: 0 -> 1x, 100 -> 10x, 200 -> 100x."""
    return round(10 ** (value / 100), 2)


def slider_from_factor(factor: float) -> int:
    return round(100 * math.log10(max(1.0, min(MAX_FACTOR, factor))))


class GrowthControl(QWidget):
    """The load-factor slider and spin box (1x to 100x) and the "Show load" switch."""

    factor_changed = Signal(float)
    show_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        h = QHBoxLayout(self)
        h.setContentsMargins(6, 0, 6, 0)
        self.show_box = QCheckBox("Show load")
        self.show_box.setToolTip(
            "Tint each node with a capacity by its utilization: green below 80%, amber "
            "up to 100%, red when overloaded"
        )
        h.addWidget(self.show_box)
        h.addWidget(QLabel("Traffic"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 200)
        self.slider.setFixedWidth(140)
        self.slider.setToolTip("Growth simulation: multiply every entry's load (1x to 100x)")
        h.addWidget(self.slider)
        self.spin = QDoubleSpinBox()
        self.spin.setRange(1.0, MAX_FACTOR)
        self.spin.setDecimals(1)
        self.spin.setSuffix(" x")
        self.spin.setSingleStep(0.5)
        h.addWidget(self.spin)
        self.slider.valueChanged.connect(lambda v: self._set(factor_from_slider(v), "slider"))
        self.spin.valueChanged.connect(lambda v: self._set(v, "spin"))
        self.show_box.toggled.connect(self.show_changed)
        h.addStretch(1)
        self._factor = 1.0

    @property
    def factor(self) -> float:
        return self._factor

    def set_factor(self, factor: float) -> None:
        self._set(max(1.0, min(MAX_FACTOR, factor)), "")

    def _set(self, factor: float, origin: str) -> None:
        if origin != "slider":
            self.slider.blockSignals(True)
            self.slider.setValue(slider_from_factor(factor))
            self.slider.blockSignals(False)
        if origin != "spin":
            self.spin.blockSignals(True)
            self.spin.setValue(factor)
            self.spin.blockSignals(False)
        if factor == self._factor:
            return
        self._factor = factor
        if factor != 1.0 and not self.show_box.isChecked():
            self.show_box.setChecked(True)
        self.factor_changed.emit(factor)


__all__ = ["Banner", "FailureSimulation", "GrowthControl", "failing_set"]
