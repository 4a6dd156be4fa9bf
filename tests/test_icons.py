"""The shipped icons: one per catalog kind, static SVG that Qt and Graphviz can render."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from archdesigner.model import catalog
from archdesigner.resources import icon_path, icons_dir

SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
EXTRA_ICONS = ("unknown.svg", "archdesigner.svg")
# Elements a static icon has no business with: scripts, embedded documents, CSS that needs
# a stylesheet, fonts and text (Graphviz and QSvgRenderer render those differently).
FORBIDDEN_ELEMENTS = {
    "script",
    "style",
    "foreignObject",
    "image",
    "use",
    "text",
    "font",
    "font-face",
    "filter",
    "mask",
    "animate",
    "set",
}


def _icon_files() -> list[str]:
    return sorted({k.icon for k in catalog.kinds() if k.source == "built-in"} | set(EXTRA_ICONS))


def test_every_builtin_kind_has_its_own_icon() -> None:
    for info in catalog.kinds():
        if info.source != "built-in":
            continue
        path = icon_path(info.kind)
        assert path.name == info.icon, f"{info.kind}: icon falls back to {path.name}"
        assert path.is_file()


def test_unknown_kind_gets_the_generic_icon() -> None:
    assert icon_path("quantum_teleporter") == icons_dir() / "unknown.svg"
    assert icon_path("quantum_teleporter").is_file()


@pytest.mark.parametrize("name", _icon_files())
def test_icon_is_static_self_contained_svg(name: str) -> None:
    path = icons_dir() / name
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg", f"{name}: root is {root.tag}"
    view_box = [float(v) for v in root.attrib["viewBox"].replace(",", " ").split()]
    assert len(view_box) == 4 and view_box[2] == view_box[3] > 0, f"{name}: not square"
    ids = {el.attrib["id"] for el in root.iter() if "id" in el.attrib}
    for el in root.iter():
        local = el.tag.removeprefix(SVG_NS)
        assert local not in FORBIDDEN_ELEMENTS, f"{name}: <{local}> is not allowed"
        assert not any(a.startswith("on") for a in el.attrib), f"{name}: event handler"
        assert "class" not in el.attrib and "style" not in el.attrib, f"{name}: CSS styling"
        for attr, value in el.attrib.items():
            if attr == XLINK_HREF or attr == "href":
                pytest.fail(f"{name}: reference {value!r}")
            if "url(" in value:
                # only references to gradients defined in the same file
                target = value.split("url(", 1)[1].split(")", 1)[0]
                assert target.startswith("#") and target[1:] in ids, f"{name}: {value}"
    text = path.read_text(encoding="utf-8")
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text


def _render(path: Path, size: int) -> tuple[int, int]:
    """Renders the icon at size x size; returns (painted pixels, distinct colours)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(path))
    assert renderer.isValid(), f"{path.name}: QSvgRenderer cannot read it"
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    painted = 0
    colours: set[int] = set()
    for y in range(size):
        for x in range(size):
            pixel = image.pixel(x, y)
            if pixel >> 24 > 32:  # alpha
                painted += 1
                colours.add(pixel)
    return painted, len(colours)


@pytest.mark.gui
@pytest.mark.parametrize("size", [24, 96])
@pytest.mark.parametrize("name", _icon_files())
def test_icon_renders_with_qt(qapp: object, name: str, size: int) -> None:
    painted, colours = _render(icons_dir() / name, size)
    area = size * size
    # a visible drawing, not a blank square and not a solid block
    assert painted > area * 0.08, f"{name} at {size}px paints only {painted} pixels"
    if name != "archdesigner.svg":  # the app icon is a filled tile by design
        assert painted < area * 0.9, f"{name} at {size}px fills the whole square"
    assert colours > 2


@pytest.mark.gui
@pytest.mark.parametrize("name", _icon_files())
def test_icon_rasterizes_for_graphviz_export(qapp: object, name: str) -> None:
    """PNG and PDF diagram export rasterizes the icons with resvg; they must come out drawn."""
    resvg_py = pytest.importorskip("resvg_py")
    from PySide6.QtGui import QImage

    svg = (icons_dir() / name).read_text(encoding="utf-8")
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=96, height=96))
    image = QImage()
    assert image.loadFromData(png, "PNG"), f"{name}: resvg gave no PNG"
    assert (image.width(), image.height()) == (96, 96)
    painted = sum(1 for y in range(96) for x in range(96) if image.pixel(x, y) >> 24 > 32)
    assert painted > 96 * 96 * 0.08, f"{name}: resvg draws only {painted} pixels"
