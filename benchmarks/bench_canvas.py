"""Canvas speed on a large design (issue 5 targets), offscreen, 1920x1080 view.

.venv/bin/python -m benchmarks.bench_canvas [--nodes 10000] [--repeat 5] [--layout grid]

Prints medians of: opening the design in the main window until it is shown and painted
(< 3 s), a full repaint of the view fitted to the design (< 50 ms), a full repaint of a view
showing about 100 nodes (< 16 ms), and one mouse move while dragging a node, including the
repaint it causes (< 5 ms).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.common import report
from benchmarks.gen import generate


def relayout_grid(design, gap_x: float = 240.0, gap_y: float = 110.0):  # type: ignore[no-untyped-def]
    """The same nodes on a roughly 16:9 grid instead of four very tall columns."""
    cols = max(1, int(math.sqrt(len(design.nodes) * 16 / 9 * gap_y / gap_x)))
    for i, node in enumerate(design.nodes):
        node.position.x = (i % cols) * gap_x
        node.position.y = (i // cols) * gap_y
    return design


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--layout", choices=("columns", "grid"), default="grid")
    args = parser.parse_args()

    from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from archdesigner.io import save_design
    from archdesigner.ui.editor import Editor
    from archdesigner.ui.main_window import MainWindow
    from archdesigner.ui.render import ensure_app

    app = ensure_app()
    design = generate(args.nodes, seed=1)
    if args.layout == "grid":
        relayout_grid(design)
    print(f"{len(design.nodes)} nodes, {len(design.links)} links, layout {args.layout}")
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "big.arch.json"
    save_design(design, path)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)

    # --- open: load the file, build the scene, show the window, first paint -------------
    opens = []
    window = None
    for _ in range(max(1, args.repeat // 2)):
        if window is not None:
            window.editor.undo_stack.setClean()
            window.close()
            window.deleteLater()
            app.processEvents()
        start = time.perf_counter()
        window = MainWindow(Editor(), settings)
        window.resize(1920 + 510, 1080 + 200)
        window.files.load(path)
        window.show()
        app.processEvents()
        window.view.viewport().repaint()
        opens.append(time.perf_counter() - start)
    assert window is not None
    report("open design, window shown and painted", statistics.median(opens), 3.0)
    view = window.view
    vp = view.viewport()
    print(f"  view {vp.width()}x{vp.height()}")

    def repaint_ms(n: int, uncached: bool = False) -> float:
        """Median of full repaints; ``uncached`` first drops the background cache (as a zoom
        or a scroll by a whole screen does), so grid, frames and links are drawn again."""
        samples = []
        for _ in range(n):
            if uncached:
                view.resetCachedContent()
            t = time.perf_counter()
            vp.repaint()
            samples.append(time.perf_counter() - t)
        return median_ms(samples)

    # --- fitted --------------------------------------------------------------------------
    view.fit_all()
    app.processEvents()
    t = time.perf_counter()
    vp.repaint()  # builds the overview picture
    first = time.perf_counter() - t
    report(f"  first paint fitted (zoom {view.zoom():.3f}, builds overview)", first)
    report("full repaint, view fitted to the design", repaint_ms(args.repeat * 2), 0.05)
    report("  same, background redrawn (after zoom/pan)", repaint_ms(args.repeat, True), 0.05)

    # --- about 100 nodes in view ---------------------------------------------------------
    scene = window.scene
    centre = scene.design_rect().center()
    z = 0.5  # cards, not the overview picture
    for _ in range(30):
        view.set_zoom(z)
        view.centerOn(centre)
        visible = view.mapToScene(vp.rect()).boundingRect()
        count = sum(1 for x, y in scene.pos_of.values() if visible.contains(QPointF(x, y)))
        if count <= 110:
            break
        z *= 1.08
    app.processEvents()
    repaint_ms(2)
    report(
        f"full repaint, {count} nodes in view (zoom {view.zoom():.2f})",
        repaint_ms(args.repeat * 2),
        0.016,
    )
    report("  same, background redrawn (after zoom/pan)", repaint_ms(args.repeat, True), 0.016)
    links = scene.links
    samples = []
    for i in range(args.repeat):  # a whole screen to the side: link cells built on demand
        side = (i // 2 + 1) * (1 if i % 2 == 0 else -1) * 1.2
        t = time.perf_counter()
        view.centerOn(centre + QPointF(side * visible.width(), 0))
        vp.repaint()
        samples.append(time.perf_counter() - t)
    view.centerOn(centre)
    app.processEvents()
    report("  same, panned to an area not painted before", median_ms(samples), 0.016)
    t = time.perf_counter()
    while not links.warm:  # the idle-time build of the cells' link drawings
        app.processEvents()
        time.sleep(0.001)
    report("  link cells built while idle (total, in 8 ms slices)", time.perf_counter() - t)
    # the rest of the background work (the minimap's picture, links still being filed):
    # what follows is measured on an idle app
    while window.view.minimap.drawing or getattr(links, "filing", False):
        app.processEvents()
        time.sleep(0.001)
    samples = []
    for i in range(args.repeat):
        side = (i // 2 + 1) * (1 if i % 2 == 0 else -1) * 1.2
        t = time.perf_counter()
        view.centerOn(centre + QPointF(side * visible.width(), 1.2 * visible.height()))
        vp.repaint()
        samples.append(time.perf_counter() - t)
    view.centerOn(centre)
    app.processEvents()
    report("  same, after the idle build (cards still new)", median_ms(samples), 0.016)
    samples = []
    for i in range(args.repeat * 2):  # wheel steps: zoom in and out by 10%
        t = time.perf_counter()
        view.zoom_by(1.1 if i % 2 == 0 else 1 / 1.1)
        vp.repaint()
        samples.append(time.perf_counter() - t)
    report("  one wheel zoom step, repainted", median_ms(samples), 0.016)
    window.view._quick_done()
    app.processEvents()

    # --- drag one node -------------------------------------------------------------------
    nid = min(
        scene.pos_of,
        key=lambda k: (
            (scene.pos_of[k][0] - centre.x()) ** 2 + (scene.pos_of[k][1] - centre.y()) ** 2
        ),
    )
    item = scene.nodes[nid]
    print(f"  dragging {nid} ({len(scene.links.by_node.get(nid, ()))} links)")
    start = view.mapFromScene(item.pos())

    def mouse(kind: QMouseEvent.Type, p: QPoint, buttons: Qt.MouseButton) -> None:
        ev = QMouseEvent(kind, QPointF(p), QPointF(view.mapToGlobal(p)), Qt.MouseButton.LeftButton,
                         buttons, Qt.KeyboardModifier.NoModifier)  # fmt: skip
        QApplication.sendEvent(vp, ev)

    mouse(QMouseEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    app.processEvents()
    samples = []
    for i in range(1, 41):
        p = start + QPoint(i * 7, (i % 5) * 9)
        t = time.perf_counter()
        mouse(QMouseEvent.Type.MouseMove, p, Qt.MouseButton.LeftButton)
        app.processEvents()  # the scene's update and the repaint of the changed area
        samples.append(time.perf_counter() - t)
    t = time.perf_counter()
    mouse(QMouseEvent.Type.MouseButtonRelease, p, Qt.MouseButton.NoButton)
    app.processEvents()
    release = time.perf_counter() - t
    report("drag one node: one mouse move + repaint", median_ms(samples), 0.005)
    report("  release (one undo step, document updated)", release)
    moved = window.editor.node(nid)
    assert moved is not None and window.editor.undo_stack.count() == 1
    window.editor.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    main()
