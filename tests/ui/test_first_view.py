"""The first view of a design: fitted when its text stays readable, else readable text from
the design's top-left corner (said in the status bar); the minimap never covers a card (a
free corner, or it steps aside for the pointer); View > Card Text Size, remembered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import QApplication

from archdesigner.model import Design, Node, Position
from archdesigner.ui.canvas.view import READABLE_PX
from archdesigner.ui.theme import GROUP_HEADER

WEB_SHOP = Path(__file__).resolve().parents[2] / "resources" / "examples" / "web-shop.arch.json"


def open_window(qtbot: Any, tmp_path: Path, size: tuple[int, int]) -> Any:
    """A main window as on first start (no saved layout), ``size`` big."""
    from archdesigner.ui.main_window import MainWindow

    from .conftest import ScriptedDialogs

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings, dialogs=ScriptedDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


def load(qtbot: Any, w: Any, path: Path = WEB_SHOP) -> list[str]:
    messages: list[str] = []
    w.editor.message.connect(messages.append)
    assert w.files.load(path)
    qtbot.waitUntil(lambda: w.view.initial_view, timeout=5000)
    QApplication.processEvents()
    return messages


def visible(w: Any) -> QRectF:
    return w.view.mapToScene(w.view.viewport().rect()).boundingRect()  # type: ignore[no-any-return]


def title_rect(item: Any) -> QRectF:
    f = item.frame
    return QRectF(f.left(), f.top(), min(f.width(), 160.0), GROUP_HEADER)


def test_a_design_that_fits_readably_is_shown_whole_with_its_group_titles(
    qtbot: Any, tmp_path: Path
) -> None:
    w = open_window(qtbot, tmp_path, (2900, 1900))
    messages = load(qtbot, w)
    assert w.view.text_px() >= READABLE_PX - 1e-6
    shown = visible(w)
    assert shown.contains(w.scene.design_rect())
    for item in w.scene.groups.values():
        assert shown.contains(title_rect(item)), item.group_id
    assert not any("Fit Design" in m for m in messages)
    assert not w.view.minimap.isVisible()  # all of it is in view


def test_at_the_default_size_text_stays_readable_and_the_top_left_is_shown(
    qtbot: Any, tmp_path: Path
) -> None:
    w = open_window(qtbot, tmp_path, (1400, 860))
    messages = load(qtbot, w)
    assert w.view.zoom() < 1.0
    assert w.view.text_px() >= READABLE_PX - 1e-6
    design, shown = w.scene.design_rect(), visible(w)
    assert not shown.contains(design)  # it cannot fit at readable size here ...
    assert shown.contains(design.topLeft())  # ... so it starts where the entry points are
    # ... and says so, with the way to see all of it
    assert any("Fit Design (Ctrl+1)" in m for m in messages)
    # the user asks for all of it: they get it, small
    w.actions_["fit"].trigger()
    assert visible(w).contains(design)
    assert w.view.text_px() < READABLE_PX


def test_the_first_view_follows_the_docks_settling_until_the_user_zooms(
    qtbot: Any, tmp_path: Path
) -> None:
    w = open_window(qtbot, tmp_path, (2900, 1900))
    load(qtbot, w)
    assert visible(w).contains(w.scene.design_rect())
    # the findings dock grows after the design was shown (as live lint does on first start)
    w.resizeDocks([w.findings_dock], [600], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: not w.view._refit.isActive(), timeout=3000)
    QApplication.processEvents()
    shown = visible(w)
    for item in w.scene.groups.values():
        assert shown.contains(title_rect(item)), item.group_id
    # once the user zooms, the view stays as they left it
    w.view.zoom_by(1.25)
    z = w.view.zoom()
    w.resizeDocks([w.findings_dock], [200], Qt.Orientation.Vertical)
    QApplication.processEvents()
    QApplication.processEvents()
    assert w.view.zoom() == z and not w.view.initial_view


def cards_covered(w: Any) -> list[str]:
    m = w.view.minimap
    return m.cards_under(m.pos()) if m.isVisible() else []  # type: ignore[no-any-return]


def test_the_minimap_takes_a_corner_free_of_cards(qtbot: Any, tmp_path: Path) -> None:
    w = open_window(qtbot, tmp_path, (1400, 860))
    load(qtbot, w)
    mini = w.view.minimap
    assert mini.isVisible()  # the design does not fit: the overview shows where the view is
    assert not cards_covered(w)
    # wherever the view goes, the minimap sits on a free corner when there is one
    seen = 0
    for nid in w.scene.nodes:
        w.view.centerOn(w.scene.nodes[nid])
        # while the view moves the minimap stays; it picks its corner once the view rests
        qtbot.waitUntil(lambda: not mini._corner_timer.isActive(), timeout=2000)
        free = [c for c in mini.corners() if not mini.cards_under(c)]
        if free:
            assert not cards_covered(w), nid
            seen += 1
        else:
            assert mini.covering
    assert seen > 0


def dense_design() -> Design:
    nodes = [
        Node(id=f"n{i}-{j}", kind="service", position=Position(x=i * 200.0, y=j * 80.0))
        for i in range(30)
        for j in range(40)
    ]
    return Design(format="archdesigner.design", version=1, name="dense", nodes=nodes)


def move_mouse(widget: Any, pos: QPoint) -> None:
    event = QMouseEvent(
        QMouseEvent.Type.MouseMove,
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def test_with_no_free_corner_the_minimap_steps_aside_for_the_pointer(
    make_window: Any, qtbot: Any
) -> None:
    w = make_window(dense_design())
    w.view.set_zoom(1.0)
    w.view.centerOn(3000, 1600)
    QApplication.processEvents()
    mini = w.view.minimap
    assert mini.isVisible() and mini.covering and cards_covered(w)
    # the pointer goes over a card under the minimap: the minimap steps aside
    hit = next(
        QPoint(x, y)
        for x in range(5, mini.width(), 10)
        for y in range(5, mini.height(), 10)
        if mini._card_under_pointer(QPoint(x, y))
    )
    move_mouse(mini, hit)
    assert not mini.isVisible() and mini.ducked
    # the card can now be clicked; the minimap is back once the pointer has left its corner
    vp = w.view.viewport()
    move_mouse(vp, QPoint(vp.width() // 2, vp.height() // 2))
    assert mini.isVisible() and not mini.ducked
    # zoomed far out the cards are one picture: the minimap still sees where they are
    w.view.set_zoom(0.12)
    w.view.centerOn(3000, 1600)
    qtbot.waitUntil(lambda: not mini._corner_timer.isActive(), timeout=2000)
    assert w.scene.overview and mini.covering


def test_card_text_size_is_a_remembered_setting(qtbot: Any, tmp_path: Path) -> None:
    w = open_window(qtbot, tmp_path, (1400, 860))
    load(qtbot, w)
    scene = w.scene
    normal_zoom = w.view.readable_zoom()
    title_px = next(iter(scene.nodes.values())).fonts.title.pixelSize()
    w.findChild(QAction, "text_size_130").trigger()
    assert scene.text_scale == 1.3
    card = next(iter(scene.nodes.values()))
    assert card.fonts.title.pixelSize() > title_px
    assert scene.links.label_fm.height() > 12
    assert w.view.readable_zoom() < normal_zoom  # larger text: readable further out
    assert w.settings.value("canvas/text_size") in (130, "130")
    w.settings.sync()
    w.close()
    again = open_window(qtbot, tmp_path, (1400, 860))
    assert again.scene.text_scale == 1.3
    assert again.findChild(QAction, "text_size_130").isChecked()
    load(qtbot, again)
    assert again.view.text_px() >= READABLE_PX - 1e-6
    assert again.view.zoom() < 0.8
