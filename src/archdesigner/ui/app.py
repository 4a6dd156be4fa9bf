"""Starts the desktop app."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def run_app(files: Sequence[str]) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    from archdesigner.io import DesignError, load_design

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    text = "archdesigner"
    if files:
        try:
            design = load_design(files[0])
            text = f"{design.name or files[0]}: {len(design.nodes)} nodes"
        except DesignError as exc:
            text = str(exc)
    window.setWindowTitle(f"archdesigner - {text}")
    window.setCentralWidget(QLabel(text))
    window.resize(800, 500)
    window.show()
    return int(app.exec())


def gui_main() -> None:
    sys.exit(run_app(sys.argv[1:]))
