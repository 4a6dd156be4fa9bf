"""Offscreen rendering of a design's canvas (``archdesigner render``, docs, tests)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QIcon, QPixmapCache
from PySide6.QtWidgets import QApplication

from archdesigner import __version__
from archdesigner.model.design import Design
from archdesigner.resources import resources_dir


def ensure_app() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("archdesigner")
    app.setOrganizationName("archdesigner")
    app.setApplicationVersion(__version__)
    # the desktop file's name (packaging/linux): Wayland uses it for the icon and grouping
    app.setDesktopFileName("dev.archdesigner.ArchDesigner")
    if app.windowIcon().isNull():
        icon = resources_dir() / "icons" / "archdesigner.svg"
        if icon.is_file():
            app.setWindowIcon(QIcon(str(icon)))
    # the default 10 MB thrashes with thousands of cached node cards (PERFORMANCE.md)
    QPixmapCache.setCacheLimit(256 * 1024)
    return app


def render_design(
    design: Design, out: Path, width: int, height: int, *, dark: bool = False
) -> None:
    """Writes a ``width`` x ``height`` PNG of the canvas fitted to the design, atomically (a
    failed write leaves the previous picture whole)."""
    from archdesigner.io.output import OutputError, write_output

    payload = render_png(design, width, height, dark=dark)
    try:
        write_output(out, payload)
    except OutputError as exc:
        raise OSError(str(exc)) from None


def render_png(design: Design, width: int, height: int, *, dark: bool = False) -> bytes:
    """The PNG bytes of a ``width`` x ``height`` picture of the canvas fitted to the design."""
    ensure_app()
    from archdesigner.ui.canvas.scene import DesignScene
    from archdesigner.ui.canvas.view import CanvasView
    from archdesigner.ui.editor import Editor
    from archdesigner.ui.theme import DARK, LIGHT

    editor = Editor(design)
    scene = DesignScene(editor, DARK if dark else LIGHT)
    view = CanvasView(scene)
    view.minimap.enabled_by_user = False
    view.setHorizontalScrollBarPolicy(view.horizontalScrollBarPolicy().ScrollBarAlwaysOff)
    view.setVerticalScrollBarPolicy(view.verticalScrollBarPolicy().ScrollBarAlwaysOff)
    view.resize(width, height)
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    view.show()  # lays out the viewport at its real size before fitting
    QApplication.processEvents()
    scene.wait_for_routes()
    view.fit_all()
    view.minimap.place()
    image = view.grab()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buffer, "PNG")
    view.close()
    view.deleteLater()
    scene.stop_routing()
    if not ok:
        raise OSError("Qt could not encode the picture as PNG")
    return bytes(buffer.data().data())
