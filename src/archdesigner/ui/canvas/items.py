"""Node cards and group frames.

Node items are cached in device coordinates and draw less when small on screen (level of
detail). Links are not items: :mod:`archdesigner.ui.canvas.links` draws all of them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyle, QStyleOptionGraphicsItem, QWidget

from archdesigner.model import catalog
from archdesigner.model.design import Group, Node
from archdesigner.ui.icons import kind_pixmap
from archdesigner.ui.theme import GROUP_HEADER, NODE_H, NODE_W, Theme

if TYPE_CHECKING:
    from archdesigner.ui.editor import Decoration

#: Below this scale a card is drawn without text (it would be unreadable).
LOD_TEXT = 0.45
HANDLE_R = 6.0

#: The card text sizes of View > Card Text Size (a scale of the fonts below).
TEXT_SCALES = (1.0, 1.15, 1.3)
#: width of a card's title line (the icon takes the rest); a two-line title has a smaller
#: icon and more room
TITLE_ROOM = NODE_W - 66
TITLE2_ROOM = NODE_W - 54


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(round(px))
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


class CardFonts:
    """The fonts of cards and group titles at one text scale (1.0: 13 px titles, 11 px
    technology, 10 px badges, 12 px group titles), with their metrics."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale
        self.title = _font(13 * scale, True)
        self.title2 = _font(11 * scale, True)
        self.sub = _font(11 * scale)
        self.badge = _font(10 * scale, True)
        self.group = _font(12 * scale, True)
        self.title_fm = QFontMetricsF(self.title)
        self.title2_fm = QFontMetricsF(self.title2)
        self.sub_fm = QFontMetricsF(self.sub)
        self.badge_fm = QFontMetricsF(self.badge)
        self.group_fm = QFontMetricsF(self.group)

    @property
    def smallest(self) -> float:
        """The smallest text size drawn on a card, in scene units."""
        return float(self.badge.pixelSize())


_FONTS: dict[float, CardFonts] = {}


def card_fonts(scale: float = 1.0) -> CardFonts:
    """The (shared) fonts at ``scale``."""
    fonts = _FONTS.get(scale)
    if fonts is None:
        fonts = _FONTS[scale] = CardFonts(scale)
    return fonts


# PySide6 enum members are slow to look up (a Python descriptor each time): cache them
_ELIDE = Qt.TextElideMode.ElideRight
_CENTER = Qt.AlignmentFlag.AlignCenter
_NO_PEN = Qt.PenStyle.NoPen
_AA = QPainter.RenderHint.Antialiasing
_SELECTED = QStyle.StateFlag.State_Selected
_SELECTABLE = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
_DEVICE_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache

_NODE_BOUNDS = QRectF(-NODE_W / 2 - 10, -NODE_H / 2 - 10, NODE_W + 20, NODE_H + 20)

NODE_TYPE = 65536 + 1  # QGraphicsItem.UserType + 1
GROUP_TYPE = 65536 + 2


def wrap_title(
    text: str, fm: QFontMetricsF, fm2: QFontMetricsF, room: float, room2: float
) -> list[str]:
    """A card's title: one line when it fits (``fm``), else two lines in the smaller font
    (``fm2``), broken after a space, '-', '_', '.' or '/' where possible; the second line
    is elided in the middle only when even two lines are too short."""
    text = " ".join(text.split())
    if fm.horizontalAdvance(text) <= room:
        return [text]
    room = room2
    if fm2.horizontalAdvance(text) <= room:
        return [text, ""]  # one line in the smaller font
    hard = soft = 0  # the longest first line that fits; the longest ending at a break
    for i in range(1, len(text)):
        if fm2.horizontalAdvance(text[:i]) > room:
            break
        hard = i
        if text[i - 1] in " -_./":
            soft = i
    cut = soft if soft and fm2.horizontalAdvance(text[soft:].lstrip()) <= room else hard
    first, rest = text[:cut].rstrip(), text[cut:].lstrip()
    return [first, fm2.elidedText(rest, Qt.TextElideMode.ElideMiddle, room)]


def replica_badge(node: Node) -> str:
    if node.autoscale is not None:
        return f"{node.autoscale.min}-{node.autoscale.max}"
    return f"x{node.replicas}" if node.replicas > 1 else ""


def node_tooltip(node: Node) -> str:
    info = catalog.kind_info(node.kind)
    rows = [
        ("Kind", info.display_name if info else node.kind),
        ("Technology", node.technology),
        ("Instances", replica_badge(node) or "1"),
        ("Stateful", "yes" if node.is_stateful else "no"),
        ("Ports", ", ".join(str(p) for p in node.ports)),
        ("Image", node.image),
        ("Capacity", f"{node.capacity_rps:g} req/s" if node.capacity_rps else ""),
        ("Load", f"{node.load_rps:g} req/s" if node.load_rps is not None else ""),
        ("Group", node.group or ""),
        ("Team", node.team),
    ]
    body = "".join(
        f"<tr><td style='color:gray;padding-right:8px'>{k}</td><td>{html.escape(str(v))}</td></tr>"
        for k, v in rows
        if v
    )
    head = f"<b>{html.escape(node.label)}</b> <span style='color:gray'>({node.id})</span>"
    return f"{head}<table>{body}</table>"


class NodeItem(QGraphicsItem):
    """A node card: accent bar, icon, name, technology and replica badge."""

    def __init__(self, node: Node, theme: Theme, fonts: CardFonts | None = None) -> None:
        super().__init__()
        self.theme = theme
        self.fonts = fonts or card_fonts()
        self.node = node
        self.node_id = node.id
        self.decoration: Decoration | None = None
        self._tip_for: Node | None = None
        self.hovered = False
        # no itemChange() override: a Python call per change of every item costs seconds at
        # 10,000 nodes; whoever moves an item tells the scene (DesignScene.node_item_moved)
        self.setFlag(_SELECTABLE)
        self.setAcceptHoverEvents(True)
        self.setCacheMode(_DEVICE_CACHE)
        self.setZValue(10)
        # as set_node, without asking a scene it is not in yet to repaint it
        self._laid_out = False
        self.setPos(node.position.x, node.position.y)

    def type(self) -> int:
        return NODE_TYPE

    def set_node(self, node: Node) -> None:
        self.node = node
        self.node_id = node.id
        self._laid_out = False  # texts are measured when first painted
        self._tip_for = None  # the tooltip is built on hover
        x, y = node.position.x, node.position.y
        if self.x() != x or self.y() != y:
            self.setPos(x, y)
        self.update()

    def _layout(self) -> None:
        node = self.node
        info = catalog.kind_info(node.kind)
        self._accent = self.theme.category(info.category if info else "")
        f = self.fonts
        self._title = wrap_title(node.label, f.title_fm, f.title2_fm, TITLE_ROOM, TITLE2_ROOM)
        sub = node.technology or (info.display_name if info else node.kind)
        self._badge = replica_badge(node)
        badge_w = f.badge_fm.horizontalAdvance(self._badge) + 12 if self._badge else 0
        self._sub = f.sub_fm.elidedText(sub, _ELIDE, NODE_W - 66 - badge_w)
        self._badge_w = badge_w
        self._laid_out = True

    def set_decoration(self, decoration: Decoration | None) -> None:
        if decoration is None and self.decoration is None:
            return
        self.decoration = decoration
        self.setOpacity(0.35 if decoration is not None and decoration.dimmed else 1.0)
        self.set_node(self.node)

    # --- geometry ------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return _NODE_BOUNDS

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.card_rect(), 10, 10)
        path.addEllipse(self.handle_pos(), HANDLE_R + 2, HANDLE_R + 2)
        return path

    @staticmethod
    def card_rect() -> QRectF:
        return QRectF(-NODE_W / 2, -NODE_H / 2, NODE_W, NODE_H)

    @staticmethod
    def handle_pos() -> QPointF:
        return QPointF(NODE_W / 2, 0)

    def on_handle(self, scene_pos: QPointF) -> bool:
        d = self.mapFromScene(scene_pos) - self.handle_pos()
        return d.x() * d.x() + d.y() * d.y() <= (HANDLE_R + 3) ** 2

    def tooltip_text(self) -> str:
        tip = node_tooltip(self.node)
        if self.decoration is not None and self.decoration.tooltip:
            tip += "<hr>" + self.decoration.tooltip
        return tip

    def hoverEnterEvent(self, event: object) -> None:
        self.hovered = True
        if self._tip_for is not self.node:
            self._tip_for = self.node
            self.setToolTip(self.tooltip_text())
        self.update()

    def hoverLeaveEvent(self, event: object) -> None:
        self.hovered = False
        self.update()

    # --- painting ------------------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self._laid_out:
            self._layout()
        t = self.theme
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        selected = bool(option.state & _SELECTED)
        deco = self.decoration
        rect = self.card_rect()
        painter.setRenderHint(_AA)
        if deco is not None and deco.outline is not None:
            border = QPen(deco.outline, 2.0)
            if deco.outline_dashed:  # an info finding: not to be taken for the selection
                border.setStyle(Qt.PenStyle.DashLine)
        elif selected:
            border = QPen(t.selection, 2.0)
        else:
            border = QPen(t.card_border, 1.0)
        painter.setPen(border)
        painter.setBrush(t.card)
        painter.drawRoundedRect(rect, 10, 10)
        if deco is not None and deco.tint is not None:
            painter.setPen(_NO_PEN)
            painter.setBrush(deco.tint)
            painter.drawRoundedRect(rect, 10, 10)
        # accent bar on the left edge
        painter.setPen(_NO_PEN)
        painter.setBrush(self._accent)
        painter.save()
        painter.setClipPath(self._card_path())
        painter.drawRect(QRectF(rect.left(), rect.top(), 5, rect.height()))
        painter.restore()
        if selected:
            halo = QColor(t.selection)
            halo.setAlpha(50)
            painter.setPen(QPen(halo, 6.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), 12, 12)
        dpr = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        icon = 32
        if lod < LOD_TEXT:
            pm = kind_pixmap(self.node.kind, 40, max(1.0, dpr * lod))
            painter.drawPixmap(QRectF(-20, -20, 40, 40), pm, QRectF(pm.rect()))
            self._paint_decoration(painter, rect)
            return
        two = len(self._title) > 1  # a long name on two lines, a smaller font and icon
        icon = 24 if two else 32
        pm = kind_pixmap(self.node.kind, icon, max(1.0, dpr * lod))
        painter.drawPixmap(QRectF(rect.left() + 14, -icon / 2, icon, icon), pm, QRectF(pm.rect()))
        x = rect.left() + (46 if two else 58)
        f = self.fonts
        k = f.scale  # larger text: the lines spread out from the card's middle
        painter.setPen(t.text)
        painter.setFont(f.title2 if two else f.title)
        one = not two or not self._title[1]
        for i, line in enumerate(self._title):
            painter.drawText(QPointF(x, -3.0 * k if one else (-12.0 + 14.0 * i) * k), line)
        sub_y = 15.0 * k if one else min(20.0 * k, NODE_H / 2 - 5)
        painter.setPen(t.subtext)
        painter.setFont(f.sub)
        painter.drawText(QPointF(x, sub_y), self._sub)
        if self._badge:  # on the technology's line, which leaves room for it
            w = self._badge_w
            h = 16.0 * k
            br = QRectF(rect.right() - 10 - w, min(sub_y - 10.5 * k, NODE_H / 2 - 2 - h), w, h)
            painter.setPen(_NO_PEN)
            painter.setBrush(t.badge)
            painter.drawRoundedRect(br, h / 2, h / 2)
            painter.setPen(t.badge_text)
            painter.setFont(f.badge)
            painter.drawText(br, _CENTER, self._badge)
        if self.hovered or selected:
            painter.setPen(QPen(t.card, 2.0))
            painter.setBrush(t.selection)
            painter.drawEllipse(self.handle_pos(), HANDLE_R, HANDLE_R)
        self._paint_decoration(painter, rect)

    def _card_path(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.card_rect(), 10, 10)
        return path

    def _paint_decoration(self, painter: QPainter, rect: QRectF) -> None:
        deco = self.decoration
        if deco is None or not deco.badge:
            return
        w = max(20.0, self.fonts.badge_fm.horizontalAdvance(deco.badge) + 10)
        br = QRectF(rect.right() - w + 6, rect.top() - 12, w, 18)  # above the title's line
        painter.setPen(QPen(self.theme.card, 1.5))
        painter.setBrush(deco.badge_color or QColor("#dc2626"))
        painter.drawRoundedRect(br, 9, 9)
        painter.setPen(QColor("white"))
        painter.setFont(self.fonts.badge)
        painter.drawText(br, _CENTER, deco.badge)


def group_title(group: Group) -> str:
    """A frame's title: its name and kind ("Payments  ·  zone"), or only its name when the
    name already says the kind ("Data zone", or a group named by its id "zone-2")."""
    words = group.label.lower().replace("-", " ").replace("_", " ").split()
    if group.kind in words:
        return group.label
    return f"{group.label}  ·  {group.kind}"


class GroupItem(QGraphicsItem):
    """A labelled frame around a group's nodes and child groups (its geometry is derived)."""

    BAND = 8.0

    def __init__(self, group: Group, theme: Theme, fonts: CardFonts | None = None) -> None:
        super().__init__()
        self.theme = theme
        self.fonts = fonts or card_fonts()
        self.model = group
        self.group_id = group.id
        self.frame = QRectF()
        self.on_changed: Callable[[QRectF], None] | None = None  # the scene redraws the frame
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        # frames are drawn by the view's cached background (draw_frame), not as an item: a
        # frame spans much of the view and would be repainted with every small change in it
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.setAcceptHoverEvents(True)
        self.set_group(group)

    def type(self) -> int:
        return GROUP_TYPE

    def set_group(self, group: Group) -> None:
        self.model = group
        self.group_id = group.id
        self.setToolTip(
            f"<b>{html.escape(group.label)}</b> <span style='color:gray'>"
            f"({group.kind}, {group.id})</span>"
        )
        self._changed(self.frame)

    def _changed(self, rect: QRectF) -> None:
        if self.on_changed is not None and not rect.isNull():
            self.on_changed(rect.adjusted(-6, -6, 6, 6))

    def set_frame(self, frame: QRectF, depth: int) -> None:
        if frame != self.frame:
            self._changed(self.frame)
            self.prepareGeometryChange()
            self.frame = QRectF(frame)
            self._changed(self.frame)
        self.setZValue(-100 + depth)
        self.setVisible(not frame.isNull())

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self._changed(self.frame)
        return super().itemChange(change, value)

    def boundingRect(self) -> QRectF:
        return self.frame.adjusted(-4, -4, 4, 4)

    def shape(self) -> QPainterPath:
        """Only the border band, the header and the resize grip take clicks; the inside
        belongs to what the group contains."""
        outer = QPainterPath()
        outer.addRect(self.frame.adjusted(-3, -3, 3, 3))
        inner = QPainterPath()
        inner.addRect(self.frame.adjusted(self.BAND, GROUP_HEADER, -self.BAND, -self.BAND))
        return outer.subtracted(inner)

    def grip_rect(self) -> QRectF:
        f = self.frame
        return QRectF(f.right() - 14, f.bottom() - 14, 14, 14)

    def on_grip(self, scene_pos: QPointF) -> bool:
        return self.isSelected() and self.grip_rect().adjusted(-3, -3, 3, 3).contains(scene_pos)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        pass  # ItemHasNoContents: see draw_frame

    def draw_frame(self, painter: QPainter, lod: float) -> None:
        t = self.theme
        selected = self.isSelected()
        painter.save()
        color = t.group_color(self.model.kind)
        fill = t.frame_fill(self.model.kind)  # the view tints with it too (CanvasView)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, lod > 0.3)
        pen = QPen(t.selection if selected else color, 2.0 if selected else 1.2)
        pen.setCosmetic(lod < 0.5)
        if self.model.kind in ("network", "boundary"):
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(self.frame, 14, 14)
        font, fm = self.fonts.group, self.fonts.group_fm
        if lod * font.pixelSize() < 5:
            painter.restore()
            return
        painter.setFont(font)
        painter.setPen(color.darker(130) if not t.dark else color.lighter(130))
        label = group_title(self.model)
        label = fm.elidedText(label, Qt.TextElideMode.ElideRight, self.frame.width() - 24)
        baseline = (GROUP_HEADER + fm.ascent() - fm.descent()) / 2 + 1
        painter.drawText(QPointF(self.frame.left() + 12, self.frame.top() + baseline), label)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(t.selection)
            g = self.grip_rect()
            path = QPainterPath()
            path.moveTo(g.topRight())
            path.lineTo(g.bottomRight())
            path.lineTo(g.bottomLeft())
            path.closeSubpath()
            painter.drawPath(path)
        painter.restore()
