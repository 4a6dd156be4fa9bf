"""The Help menu's About box shows the version, and the app carries its desktop identity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QApplication

from archdesigner import __version__
from archdesigner.ui.render import ensure_app


def test_about_box_shows_the_version(make_window: Callable[..., Any]) -> None:
    window = make_window()
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Help" in titles
    assert window.about_action.text() == "&About archdesigner"
    assert f"archdesigner {__version__}" in window.about_text()


def test_application_identity() -> None:
    app = ensure_app()
    assert isinstance(app, QApplication)
    assert app.applicationVersion() == __version__
    assert app.desktopFileName() == "dev.archdesigner.ArchDesigner"
    assert not app.windowIcon().isNull()
