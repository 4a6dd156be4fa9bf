"""Colours and metrics of the canvas, for light and dark system palettes."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QGuiApplication, QPalette

# Card and frame sizes are shared with the headless core (lint fixes place new cards).
from archdesigner.geometry import GROUP_HEADER as GROUP_HEADER
from archdesigner.geometry import GROUP_PAD as GROUP_PAD
from archdesigner.geometry import NODE_H as NODE_H
from archdesigner.geometry import NODE_W as NODE_W

GRID = 20.0

CATEGORY_COLORS = {
    "edge": "#3b82f6",
    "compute": "#8b5cf6",
    "data": "#10b981",
    "messaging": "#f59e0b",
    "platform": "#0d9488",
    "external": "#64748b",
}

GROUP_COLORS = {
    "region": "#0ea5e9",
    "zone": "#14b8a6",
    "network": "#6366f1",
    "cluster": "#a855f7",
    "boundary": "#64748b",
}


@dataclass(frozen=True)
class Theme:
    dark: bool
    canvas: QColor
    grid: QColor
    grid_major: QColor
    card: QColor
    card_border: QColor
    text: QColor
    subtext: QColor
    link: QColor
    link_selected: QColor
    selection: QColor
    badge: QColor
    badge_text: QColor
    label_bg: QColor
    overview_node: QColor

    def category(self, category: str) -> QColor:
        return QColor(CATEGORY_COLORS.get(category, "#64748b"))

    def group_color(self, kind: str) -> QColor:
        return QColor(GROUP_COLORS.get(kind, "#64748b"))

    def frame_fill(self, kind: str) -> QColor:
        """The translucent fill of a group frame."""
        fill = self.group_color(kind)
        fill.setAlpha(22 if self.dark else 14)
        return fill


LIGHT = Theme(
    dark=False,
    canvas=QColor("#f8fafc"),
    grid=QColor("#eef2f6"),
    grid_major=QColor("#e1e7ee"),
    card=QColor("#ffffff"),
    card_border=QColor("#cbd5e1"),
    text=QColor("#0f172a"),
    subtext=QColor("#64748b"),
    link=QColor("#64748b"),
    link_selected=QColor("#2563eb"),
    selection=QColor("#2563eb"),
    badge=QColor("#e2e8f0"),
    badge_text=QColor("#334155"),
    label_bg=QColor(248, 250, 252, 230),
    overview_node=QColor("#94a3b8"),
)

DARK = Theme(
    dark=True,
    canvas=QColor("#0f1419"),
    grid=QColor("#151b23"),
    grid_major=QColor("#1d252f"),
    card=QColor("#1e2630"),
    card_border=QColor("#374151"),
    text=QColor("#e5e7eb"),
    subtext=QColor("#9ca3af"),
    link=QColor("#8b96a5"),
    link_selected=QColor("#60a5fa"),
    selection=QColor("#60a5fa"),
    badge=QColor("#334155"),
    badge_text=QColor("#e2e8f0"),
    label_bg=QColor(15, 20, 25, 230),
    overview_node=QColor("#64748b"),
)


def system_is_dark() -> bool:
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    try:
        from PySide6.QtCore import Qt

        scheme = app.styleHints().colorScheme()
        if scheme == Qt.ColorScheme.Dark:
            return True
        if scheme == Qt.ColorScheme.Light:
            return False
    except AttributeError:  # Qt < 6.5
        pass
    window = app.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def current_theme() -> Theme:
    """The theme that follows the system's light or dark palette."""
    return DARK if system_is_dark() else LIGHT
