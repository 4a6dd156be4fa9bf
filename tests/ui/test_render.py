"""Painting many items (regression guard for the PySide6 6.12.0 + CPython 3.11 crash, see
docs/PERFORMANCE.md) and the ``archdesigner render`` command."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QColor, QImage

from archdesigner.cli import main
from archdesigner.io import save_design
from archdesigner.model import Design, Link, Node, Position


def grid_design(n: int) -> Design:
    cols = 60
    nodes = [
        Node(id=f"n{i}", kind=["service", "database", "cache"][i % 3], replicas=1 + i % 3,
             position=Position(x=(i % cols) * 220, y=(i // cols) * 110))
        for i in range(n)
    ]  # fmt: skip
    links = [Link(id=f"l{i}", source=f"n{i}", target=f"n{i + 1}") for i in range(n - 1)]
    return Design(format="archdesigner.design", version=1, nodes=nodes, links=links)


def test_painting_thousands_of_items_does_not_crash(qtbot: Any) -> None:
    from archdesigner.ui.canvas.scene import DesignScene
    from archdesigner.ui.canvas.view import CanvasView
    from archdesigner.ui.editor import Editor

    scene = DesignScene(Editor(grid_design(3000)))
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(1600, 1000)
    # objects left by earlier tests (pending deletes, garbage cycles) would drop None's count
    # while they go: let them go first, and keep the collector off while counting
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    gc.disable()
    try:
        none_refs = sys.getrefcount(None)
        for zoom in (0.25, 0.3, 0.5):  # item painting, not the overview picture
            view.set_zoom(zoom)
            for x in (0, 3000, 6000, 9000, 12000):
                view.centerOn(x, 2500)
                image = view.grab().toImage()
                assert not image.isNull()
    finally:
        gc.enable()
    assert not scene.overview
    # a lost reference per painter call would show as thousands here
    assert sys.getrefcount(None) >= none_refs - 500


def test_render_command_writes_a_png(tmp_path: Path, capsys: Any) -> None:
    src = tmp_path / "d.arch.json"
    save_design(grid_design(12), src)
    out = tmp_path / "shot.png"
    assert main(["render", str(src), "-o", str(out), "--width", "800", "--height", "500"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (800, 500)
    colours = {image.pixelColor(x, 250).name() for x in range(0, 800, 4)}
    assert len(colours) > 5  # cards, icons and links, not a blank canvas
    assert image.pixelColor(2, 2) == QColor("#f8fafc")
    assert "wrote" in capsys.readouterr().out


def test_render_command_reports_a_broken_file(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "bad.arch.json"
    bad.write_text("{")
    assert main(["render", str(bad), "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "bad.arch.json" in err and "Traceback" not in err
