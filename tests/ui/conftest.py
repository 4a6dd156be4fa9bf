"""GUI test set-up: Qt's test mode for standard paths, an isolated settings file, a main
window built from a document, and scripted answers instead of modal dialogs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtCore import QSettings, QStandardPaths

from archdesigner.model import Design, Group, Link, Node, Position

QStandardPaths.setTestModeEnabled(True)


class ScriptedDialogs:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.answer = "cancel"
        self.open_answer = ""
        self.save_answer = ""
        self.conflict_answer = "cancel"
        self.conflicts: list[str] = []

    def error(self, title: str, text: str) -> None:
        self.errors.append((title, text))

    def ask_save(self, name: str) -> str:
        return self.answer

    def ask_conflict(self, name: str) -> str:
        self.conflicts.append(name)
        return self.conflict_answer

    def open_path(self, folder: str) -> str:
        return self.open_answer

    def save_path(self, suggested: str) -> str:
        return self.save_answer


def sample_design() -> Design:
    """Two nodes in a group, one outside, one link."""
    return Design(
        format="archdesigner.design",
        version=1,
        name="sample",
        nodes=[
            Node(id="web", kind="client", position=Position(x=0, y=0)),
            Node(id="api", kind="service", replicas=2, group="dc", position=Position(x=300, y=0)),
            Node(id="db", kind="database", group="dc", position=Position(x=600, y=0)),
        ],
        links=[Link(id="web-api", source="web", target="api")],
        groups=[Group(id="dc", kind="region", name="Data centre")],
    )


@pytest.fixture
def make_window(qtbot: Any, tmp_path: Path) -> Callable[..., Any]:
    from archdesigner.ui.editor import Editor
    from archdesigner.ui.main_window import MainWindow

    def make(design: Design | None = None, live: Any = None) -> Any:
        """A shown window; ``live`` (LiveOptions) makes it live as the app's is."""
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        dialogs = ScriptedDialogs()
        window = MainWindow(Editor(design or sample_design()), settings, dialogs, live=live)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.resize(1200, 800)
        window.show()
        qtbot.waitExposed(window)
        window.view.set_zoom(1.0)
        window.view.centerOn(300, 0)
        return window

    return make
