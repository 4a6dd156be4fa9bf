"""What lint and the simulations draw on the canvas.

Three layers feed one :class:`~archdesigner.ui.editor.Decoration` per node: lint badges
(worst severity and count, the subject outlined), the failure simulation (failing nodes
marked, the rest dimmed) and utilization tints of the growth simulation. Only nodes whose
combined decoration really changed are handed to the editor, so a lint run that changes two
findings repaints two cards, not ten thousand.

Links are not items on the canvas (one layer draws them all), so link findings get small
badge items of their own at the middle of their link.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from archdesigner.lint import Finding
from archdesigner.lint.api import SEVERITY_RANK
from archdesigner.ui.canvas.scene import DesignScene
from archdesigner.ui.editor import Decoration, Editor

SEVERITY_COLORS = {
    "error": QColor("#dc2626"),
    "warning": QColor("#d97706"),
    "info": QColor("#2563eb"),
}
UTIL_GREEN = QColor(22, 163, 74, 70)
UTIL_AMBER = QColor(245, 158, 11, 95)
UTIL_RED = QColor(220, 38, 38, 95)
FAIL_OUTLINE = QColor("#b91c1c")
FAIL_TINT = QColor(239, 68, 68, 80)
#: utilization above this is amber (CAP002's default max_utilization)
AMBER_AT = 0.8

_BADGE_FONT = QFont()
_BADGE_FONT.setPixelSize(10)
_BADGE_FONT.setWeight(QFont.Weight.Bold)


def worst(findings: Iterable[Finding]) -> str:
    return min((f.severity for f in findings), key=lambda s: SEVERITY_RANK[s], default="info")


def utilization_color(ratio: float) -> QColor:
    if ratio > 1.0:
        return UTIL_RED
    if ratio > AMBER_AT:
        return UTIL_AMBER
    return UTIL_GREEN


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.3g}"


def findings_tooltip(findings: list[Finding]) -> str:
    rows = [
        f"<span style='color:{SEVERITY_COLORS[f.severity].name()}'>&#9679;</span> "
        f"<b>{f.rule_id}</b> {html.escape(f.message)}"
        for f in findings[:6]
    ]
    if len(findings) > 6:
        rows.append(f"… and {len(findings) - 6} more")
    return "<br>".join(rows)


class LinkBadge(QGraphicsItem):
    """A small round badge at the middle of a link with findings."""

    R = 9.0

    def __init__(self, link_id: str, color: QColor, text: str, tooltip: str) -> None:
        super().__init__()
        self.link_id = link_id
        self.color = color
        self.text = text
        self.setZValue(30)
        self.setToolTip(tooltip)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return QRectF(-self.R - 1, -self.R - 1, 2 * self.R + 2, 2 * self.R + 2)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(self.color)
        painter.drawEllipse(QPointF(0, 0), self.R, self.R)
        painter.setPen(QColor("white"))
        painter.setFont(_BADGE_FONT)
        painter.drawText(self.boundingRect(), Qt.AlignmentFlag.AlignCenter, self.text)


class Overlays:
    """Combines lint, failure and growth layers into node decorations and link badges."""

    def __init__(self, editor: Editor, scene: DesignScene) -> None:
        self.editor = editor
        self.scene = scene
        self.node_findings: dict[str, list[Finding]] = {}
        self.link_findings: dict[str, list[Finding]] = {}
        self.failing: set[str] | None = None  # failure simulation: nodes that fail
        self.failure_roots: set[str] = set()
        self.utilization: dict[str, tuple[float, float]] = {}
        self.show_utilization = False
        self.load_factor = 1.0
        self._badges: dict[str, LinkBadge] = {}
        self._link_sig: dict[str, tuple[str, str, str]] = {}
        editor.nodes_changed.connect(self._nodes_moved)
        editor.links_changed.connect(lambda ids: self._place_badges(ids))
        editor.document_reset.connect(self._reset)

    # --- inputs ------------------------------------------------------------------------------
    def set_findings(self, findings: Iterable[Finding]) -> None:
        nodes: dict[str, list[Finding]] = {}
        links: dict[str, list[Finding]] = {}
        for f in findings:
            if f.suppressed:
                continue
            if f.subject_type == "node":
                nodes.setdefault(f.subject, []).append(f)
            elif f.subject_type == "link":
                links.setdefault(f.subject, []).append(f)
        touched = set(nodes) | set(self.node_findings)
        changed = {
            n for n in touched if _sig(nodes.get(n, [])) != _sig(self.node_findings.get(n, []))
        }
        self.node_findings = nodes
        self.link_findings = links
        self._update_link_badges()
        self.refresh(changed)

    def set_utilization(self, util: dict[str, tuple[float, float]], factor: float) -> None:
        touched = set(util) | set(self.utilization)
        self.utilization = dict(util)
        self.load_factor = factor
        if self.show_utilization:
            self.refresh(touched)

    def set_show_utilization(self, on: bool) -> None:
        if on == self.show_utilization:
            return
        self.show_utilization = on
        self.refresh(set(self.utilization))

    def set_failure(self, roots: set[str], failing: set[str] | None) -> None:
        before = self.failing
        self.failing = failing
        self.failure_roots = set(roots)
        if before is None and failing is None:
            return
        self.refresh(set(self.scene.nodes), full=True)

    # --- output ------------------------------------------------------------------------------
    def decoration(self, node_id: str) -> Decoration | None:
        findings = self.node_findings.get(node_id, [])
        badge = ""
        badge_color = outline = tint = None
        tips: list[str] = []
        if findings:
            sev = worst(findings)
            badge = str(len(findings))
            badge_color = outline = SEVERITY_COLORS[sev]
            tips.append(findings_tooltip(findings))
        if self.show_utilization and node_id in self.utilization:
            offered, capacity = self.utilization[node_id]
            ratio = offered / capacity if capacity else float("inf")
            tint = utilization_color(ratio)
            tips.append(
                f"<b>Load at {self.load_factor:g}x</b>: {_fmt(offered)} of {_fmt(capacity)} "
                f"req/s ({ratio * 100:.0f}% of capacity)"
            )
        dimmed = False
        if self.failing is not None:
            if node_id in self.failing:
                outline, tint = FAIL_OUTLINE, FAIL_TINT
                why = "fails itself" if node_id in self.failure_roots else "fails with it"
                tips.append(f"<b>Failure simulation</b>: {why}")
            else:
                dimmed = True
        if not (badge or outline or tint or dimmed or tips):
            return None
        return Decoration(
            badge=badge,
            badge_color=badge_color,
            outline=outline,
            tint=tint,
            dimmed=dimmed,
            tooltip="<br>".join(tips),
        )

    def refresh(self, node_ids: Iterable[str], *, full: bool = False) -> None:
        """Recomputes the decorations of ``node_ids`` and hands the changed ones on."""
        current = self.editor.decorations
        changed: dict[str, Decoration | None] = {}
        for nid in node_ids:
            if self.editor.node(nid) is None:
                continue
            deco = self.decoration(nid)
            if current.get(nid) != deco:
                changed[nid] = deco
        if not changed:
            return
        if full or len(changed) > 64:
            merged = dict(current)
            for nid, deco in changed.items():
                if deco is None:
                    merged.pop(nid, None)
                else:
                    merged[nid] = deco
            _set_some(self.editor, merged, set(changed))
        else:
            for nid, deco in changed.items():
                self.editor.set_decoration(nid, deco)

    # --- link badges ---------------------------------------------------------------------------
    def _update_link_badges(self) -> None:
        for lid in [lid for lid in self._badges if lid not in self.link_findings]:
            self.scene.removeItem(self._badges.pop(lid))
            self._link_sig.pop(lid, None)
        for lid, findings in self.link_findings.items():
            sev = worst(findings)
            sig = (sev, str(len(findings)), findings_tooltip(findings))
            if self._link_sig.get(lid) == sig:
                continue
            old = self._badges.pop(lid, None)
            if old is not None:
                self.scene.removeItem(old)
            badge = LinkBadge(lid, SEVERITY_COLORS[sev], sig[1], sig[2])
            self._badges[lid] = badge
            self._link_sig[lid] = sig
            self.scene.addItem(badge)
            self._place(badge)

    def _place(self, badge: LinkBadge) -> None:
        link = self.editor.link(badge.link_id)
        if link is None:
            badge.hide()
            return
        a = self.scene.pos_of.get(link.source)
        b = self.scene.pos_of.get(link.target)
        if a is None or b is None:
            badge.hide()
            return
        badge.show()
        badge.setPos((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)

    def _place_badges(self, link_ids: Iterable[str]) -> None:
        for lid in link_ids:
            badge = self._badges.get(lid)
            if badge is not None:
                self._place(badge)

    def _nodes_moved(self, node_ids: set[str]) -> None:
        if not self._badges:
            return
        for lid, badge in self._badges.items():
            link = self.editor.link(lid)
            if link is not None and (link.source in node_ids or link.target in node_ids):
                self._place(badge)

    def _reset(self) -> None:
        for badge in self._badges.values():
            self.scene.removeItem(badge)
        self._badges.clear()
        self._link_sig.clear()
        self.node_findings.clear()
        self.link_findings.clear()
        self.utilization.clear()
        self.failing = None
        self.failure_roots = set()

    def link_badge_ids(self) -> set[str]:
        return set(self._badges)


def _sig(findings: list[Finding]) -> tuple[tuple[str, str, str], ...]:
    return tuple((f.rule_id, f.severity, f.message) for f in findings)


def _set_some(editor: Editor, merged: dict[str, Decoration], changed: set[str]) -> None:
    """Replaces the editor's decorations and reports only ``changed`` to the views."""
    editor.decorations = merged
    editor.decorations_changed.emit(changed)


__all__ = ["SEVERITY_COLORS", "LinkBadge", "Overlays", "utilization_color", "worst"]
