"""The failure and growth simulations wired to a window's canvas, banner and live lint.

:class:`SimulationWiring` owns the :class:`~archdesigner.ui.simulation.FailureSimulation`
(shown on the overlays and the banner it is given, left with Escape wherever the focus is)
and the :class:`~archdesigner.ui.simulation.GrowthControl` (its load factor goes to live
lint, its "show utilisation" switch to the overlays). The window places the banner and the
growth control.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from archdesigner.ui.canvas.scene import DesignScene
from archdesigner.ui.canvas.view import CanvasView
from archdesigner.ui.editor import Editor
from archdesigner.ui.lint_controller import LintController
from archdesigner.ui.overlays import Overlays
from archdesigner.ui.simulation import Banner, FailureSimulation, GrowthControl


class SimulationWiring(QObject):
    """Failure simulation of the selection or of one component, and the load growth control.

    ``shortcut_parent`` is the widget whose Escape shortcut leaves the simulation (the
    window); ``say`` shows a short message (the window's status bar)."""

    def __init__(
        self,
        editor: Editor,
        scene: DesignScene,
        view: CanvasView,
        overlays: Overlays,
        lint: LintController,
        banner: Banner,
        shortcut_parent: QWidget,
        say: Callable[[str, int], None],
    ) -> None:
        super().__init__(shortcut_parent)
        self.scene = scene
        self.view = view
        self.say = say
        self.failure = FailureSimulation(editor, overlays, banner)
        # Escape leaves the simulation wherever the focus is (enabled only while it runs)
        self.leave_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), shortcut_parent)
        self.leave_shortcut.setEnabled(False)
        self.leave_shortcut.activated.connect(self.failure.stop)
        self.failure.changed.connect(self._failure_changed)
        self.growth = GrowthControl(editor)
        self.growth.factor_changed.connect(lint.set_load_factor)
        self.growth.show_changed.connect(overlays.set_show_utilization)
        view.installEventFilter(self)

    def simulate_selection(self) -> None:
        """Fails the selected nodes and groups (a message when nothing is selected)."""
        nodes = self.scene.selected_nodes()
        groups = self.scene.selected_groups()
        if nodes or groups:
            self.failure.start(nodes, groups)
        else:
            self.say("Select a node or a group to fail first", 5000)

    def _failure_changed(self) -> None:
        self.leave_shortcut.setEnabled(self.failure.active)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Escape on the canvas leaves a running simulation before the canvas sees it."""
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


__all__ = ["SimulationWiring"]
