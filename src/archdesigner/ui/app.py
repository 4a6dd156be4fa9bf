"""Starts the desktop app."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def run_app(files: Sequence[str]) -> int:
    """Opens the main window (with the first design file given, if any) and runs the app."""
    from archdesigner.ui.render import ensure_app

    app = ensure_app()
    from archdesigner.ui.features import LiveOptions
    from archdesigner.ui.main_window import MainWindow

    # live lint, fixes, simulations, import/export and autosave
    window = MainWindow(live=LiveOptions())
    from archdesigner.ui.autosave import offer_recovery

    window.show()
    if not offer_recovery(window) and files:
        window.files.load(Path(files[0]))
    return int(app.exec())


def gui_main() -> None:
    sys.exit(run_app(sys.argv[1:]))
