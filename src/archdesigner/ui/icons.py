"""Kind icons: SVGs from ``resources/icons`` rendered once per size and device pixel ratio."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from archdesigner.model import catalog
from archdesigner.resources import icon_path
from archdesigner.ui.theme import CATEGORY_COLORS

_IMAGES: dict[tuple[str, int], QImage] = {}
_PIXMAPS: dict[tuple[str, int], QPixmap] = {}


def _fallback(kind: str, px: int) -> QImage:
    """A coloured tile with the kind's initial, for kinds without a usable SVG."""
    info = catalog.kind_info(kind)
    color = QColor(CATEGORY_COLORS.get(info.category if info else "", "#64748b"))
    img = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawRoundedRect(QRectF(0, 0, px, px), px * 0.22, px * 0.22)
    font = QFont()
    font.setPixelSize(max(6, int(px * 0.55)))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(0, 0, px, px), Qt.AlignmentFlag.AlignCenter, (kind[:1] or "?").upper())
    p.end()
    return img


def kind_image(kind: str, px: int) -> QImage:
    """The icon of ``kind`` as a ``px`` x ``px`` image (device pixels), cached."""
    key = (kind, px)
    img = _IMAGES.get(key)
    if img is not None:
        return img
    renderer = QSvgRenderer(str(icon_path(kind)))
    if renderer.isValid():
        img = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(p, QRectF(0, 0, px, px))
        p.end()
    else:
        img = _fallback(kind, px)
    _IMAGES[key] = img
    return img


def kind_pixmap(kind: str, size: int, dpr: float = 1.0) -> QPixmap:
    """A crisp pixmap of ``size`` logical pixels for a screen of device pixel ratio ``dpr``."""
    px = max(1, round(size * dpr))
    key = (kind, px)
    pm = _PIXMAPS.get(key)
    if pm is None:
        pm = QPixmap.fromImage(kind_image(kind, px))
        pm.setDevicePixelRatio(px / size)
        _PIXMAPS[key] = pm
    return pm


def kind_icon(kind: str) -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48, 64):
        icon.addPixmap(QPixmap.fromImage(kind_image(kind, size)))
    return icon
