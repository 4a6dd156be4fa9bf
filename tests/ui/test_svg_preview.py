"""The Export dialog's SVG preview draws each icon at the size the file gives it (Qt's SVG
renderer ignores the size of a ``<use>`` of a ``<symbol>``: the icons came out 100 x 100
over the labels)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from archdesigner.model import Design, Node, Position
from archdesigner.ui.dialogs.import_export import ExportDialog, inline_symbols

from .live_helpers import app_window

__all__ = ["app_window"]  # the fixture

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")


def one_service() -> Design:
    return Design(
        format="archdesigner.design",
        version=1,
        name="one",
        nodes=[Node(id="api", kind="service", position=Position(x=0, y=0))],
    )


def purple_box(pm: Any) -> tuple[int, int, int, int]:
    """Bounding box (x0, y0, x1, y1) of the service icon's violet pixels."""
    img = pm.toImage()
    xs: list[int] = []
    ys: list[int] = []
    for y in range(img.height()):
        for x in range(img.width()):
            c = img.pixelColor(x, y)
            if c.blue() > 180 and c.red() > 90 and c.green() < 150 and c.blue() - c.green() > 60:
                xs.append(x)
                ys.append(y)
    assert xs, "no icon drawn"
    return min(xs), min(ys), max(xs), max(ys)


def test_the_preview_draws_icons_at_the_files_size(
    qtbot: Any, app_window: Any, tmp_path: Path
) -> None:
    window = app_window(one_service())
    dialog = ExportDialog(window)
    dialog.set_format("svg")
    out = tmp_path / "one.svg"
    dialog.path_edit.setText(str(out))
    assert dialog.preview()
    pm = dialog.preview_pixmap
    dialog.accept()
    svg = out.read_text(encoding="utf-8")
    # where the file puts the icon: a <use> of a symbol, in graph units
    use = re.search(r'<use xlink:href="#icon-service"[^>]*width="([\d.]+)" height="([\d.]+)"', svg)
    assert use is not None
    size = float(use.group(1)), float(use.group(2))
    width_units = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg).group(1))  # type: ignore[union-attr]
    px = pm.width() / width_units  # preview pixels per graph unit
    x0, y0, x1, y1 = purple_box(pm)
    # the icon's drawing fills most of its box, never more (it was 100 units: 4.5x)
    assert (x1 - x0 + 1) <= size[0] * px * 1.1 + 2
    assert (y1 - y0 + 1) <= size[1] * px * 1.1 + 2
    assert (x1 - x0 + 1) >= size[0] * px * 0.6


def test_symbols_become_images_of_the_uses_size() -> None:
    svg = (
        '<svg><defs><symbol id="icon-db" viewBox="0 0 100 100"><image width="100" '
        'height="100" preserveAspectRatio="xMidYMid meet" xlink:href="data:x"/></symbol>'
        '</defs><use xlink:href="#icon-db" x="5" y="-7" width="22" height="22"/>'
        '<use xlink:href="#elsewhere" x="1" y="1" width="3" height="3"/></svg>'
    )
    out = inline_symbols(svg)
    assert '<image x="5" y="-7" width="22" height="22"' in out
    assert 'xlink:href="data:x"' in out.split("</defs>")[1]
    assert '<use xlink:href="#elsewhere"' in out  # not an icon symbol: left alone
