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
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from archdesigner.graph import DesignGraph
from archdesigner.lint.flow import DEFAULT_UTILIZATION_TARGET, utilization_target
from archdesigner.model.design import Design
from archdesigner.model.edits import Compound, UpdateNode
from archdesigner.ui.editor import Editor
from archdesigner.ui.overlays import UTIL_AMBER, UTIL_GREEN, UTIL_RED, Overlays
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


#: the load a client gets from the traffic controls' offer (requests per second)
DEFAULT_CLIENT_LOAD = 100


def _dot(color: QColor) -> str:
    c = QColor(color)
    c.setAlpha(255)
    return f"<span style='color:{c.name()}'>&#9632;</span>"


class GrowthControl(QWidget):
    """The load-factor slider and spin box (1x to 100x), the "Show load" switch and its
    legend. With an editor, it tells when no entry has a load (the slider would do
    nothing) and offers to give every client one, as one undoable edit."""

    factor_changed = Signal(float)
    show_changed = Signal(bool)

    def __init__(self, editor: Editor | None = None) -> None:
        super().__init__()
        self.editor = editor
        h = QHBoxLayout(self)
        h.setContentsMargins(6, 0, 6, 0)
        self.show_box = QCheckBox("Show load")
        self.show_box.setToolTip(
            "Tint each node with a capacity by its utilization: green below the design's "
            "target (80% unless CAP002 says otherwise), amber up to 100%, red when overloaded"
        )
        h.addWidget(self.show_box)
        #: what the tints mean (shown while "Show load" is on)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setObjectName("load_legend")
        self.legend.hide()
        h.addWidget(self.legend)
        self.traffic_label = QLabel("Traffic:")
        h.addWidget(self.traffic_label)
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
        # no entry has a load: say so, and offer a load for the clients, editable here
        self.no_load = QWidget()
        nh = QHBoxLayout(self.no_load)
        nh.setContentsMargins(0, 0, 0, 0)
        self.no_load_label = QLabel()
        self.no_load_label.setStyleSheet("color: #92400e;")
        self.load_spin = QSpinBox()
        self.load_spin.setRange(1, 10_000_000)
        self.load_spin.setValue(DEFAULT_CLIENT_LOAD)
        self.load_spin.setSuffix(" req/s")
        self.load_spin.setToolTip("The load each client sends into the design (load_rps)")
        self.set_load_button = QPushButton("Set")
        self.set_load_button.clicked.connect(self.set_client_loads)
        nh.addWidget(self.no_load_label)
        nh.addWidget(self.load_spin)
        nh.addWidget(self.set_load_button)
        self.no_load.hide()
        h.addWidget(self.no_load)
        self.slider.valueChanged.connect(lambda v: self._set(factor_from_slider(v), "slider"))
        self.spin.valueChanged.connect(lambda v: self._set(v, "spin"))
        self.show_box.toggled.connect(self.show_changed)
        self.show_box.toggled.connect(lambda _on: self.refresh())
        h.addStretch(1)
        self._factor = 1.0
        self._clients: list[str] = []
        if editor is not None:
            editor.document_changed.connect(self.refresh)
            editor.document_reset.connect(self.refresh)
        self.refresh()

    @property
    def has_load(self) -> bool:
        """Whether some entry sends load (without, the traffic factor changes nothing)."""
        return not self.no_load.isVisibleTo(self)

    def refresh(self) -> None:
        """Follows the design: the no-load offer, and the legend's numbers."""
        design = self.editor.design if self.editor is not None else None
        loaded = True
        with_capacity = total = 0
        target = DEFAULT_UTILIZATION_TARGET
        if design is not None:
            loaded = False
            clients: list[str] = []
            for n in design.nodes:
                if n.load_rps:
                    loaded = True
                elif n.kind == "client":
                    clients.append(n.id)
                if n.capacity_rps:
                    with_capacity += 1
            total = len(design.nodes)
            self._clients = clients if not loaded else []
            target = utilization_target(design)
            loaded = loaded or total == 0
        self._show_no_load(loaded)
        self._show_legend(target, with_capacity, total)

    def _show_no_load(self, loaded: bool) -> None:
        # without a load the factor would change nothing: the offer takes its place
        self.slider.setVisible(loaded)
        self.spin.setVisible(loaded)
        if loaded:
            self.no_load.hide()
            return
        n = len(self._clients)
        why = "no entry has a load"
        if n:
            whom = "the client" if n == 1 else f"each of {n} clients"
            self.no_load_label.setText(f"{why}. Give {whom}")
        else:
            self.no_load_label.setText(f"{why}. Add a client, or set a Load in the Inspector")
        self.no_load.setToolTip(
            "The traffic factor multiplies each entry's load (load_rps); with none set it "
            "changes nothing"
        )
        self.load_spin.setVisible(bool(n))
        self.set_load_button.setVisible(bool(n))
        self.no_load.show()

    def _show_legend(self, target: float, with_capacity: int, total: int) -> None:
        if not self.show_box.isChecked():
            self.legend.hide()
            return
        pct = f"{target * 100:.0f}%"
        text = (
            f"{_dot(UTIL_GREEN)} &lt;{pct} &nbsp;{_dot(UTIL_AMBER)} {pct}–100% &nbsp;"
            f"{_dot(UTIL_RED)} over"
        )
        untinted = total - with_capacity
        if untinted:
            text += f" &nbsp;<span style='color:gray'>{untinted} untinted</span>"
        self.legend.setText(text)
        self.legend.setToolTip(
            f"Utilization: offered load / capacity (capacity_rps x replicas) at the traffic "
            f"factor. Green below the design's target ({pct}), amber up to capacity, red "
            f"over it. Load balancers and gateways split what they receive among their "
            f"targets.<br>{untinted} of {total} components have no capacity and are not "
            f"tinted."
        )
        self.legend.show()

    def set_client_loads(self) -> bool:
        """Gives each client without a load the load in the box: one undoable step."""
        if self.editor is None or not self._clients:
            return False
        value = self.load_spin.value()
        n = len(self._clients)
        edit = Compound(
            tuple(UpdateNode(cid, {"load_rps": value}) for cid in self._clients),
            f"Set the load of {n} client{'s' if n != 1 else ''} to {value:g} req/s",
        )
        return not self.editor.try_apply(edit)

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
