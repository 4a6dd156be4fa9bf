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
import itertools
import math
from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget
from shiboken6 import isValid

from archdesigner.lint import Finding
from archdesigner.lint.api import SEVERITY_RANK
from archdesigner.lint.flow import DEFAULT_UTILIZATION_TARGET
from archdesigner.ui.canvas.links import clip
from archdesigner.ui.canvas.scene import DesignScene
from archdesigner.ui.editor import Decoration, Editor

SEVERITY_COLORS = {
    "error": QColor("#dc2626"),
    "warning": QColor("#d97706"),
    "info": QColor("#0e7490"),  # teal: the selection is blue
}
UTIL_GREEN = QColor(22, 163, 74, 70)
UTIL_AMBER = QColor(245, 158, 11, 95)
UTIL_RED = QColor(220, 38, 38, 95)
FAIL_OUTLINE = QColor("#b91c1c")
FAIL_TINT = QColor(239, 68, 68, 80)
#: utilization above this is amber unless the design sets another target (CAP002's
#: default max_utilization; the lint report carries the design's own)
AMBER_AT = DEFAULT_UTILIZATION_TARGET
#: decorations handed to the canvas per event-loop turn
CHUNK = 400
#: With more links with findings than this, only the links in view get a badge item (made
#: when the view rests); a badge per link took minutes to place at 50,000 links.
MANY_BADGES = 2000
#: milliseconds the view rests before the badges of the links in view are made
VIEW_REST_MS = 120
#: where a link's badge sits, as a fraction of the way from source to target
BADGE_AT = 0.36
#: the places tried, in order, when the first covers the link's label or a card
BADGE_SPOTS = (BADGE_AT, 0.22, 0.55, 0.7, 0.14, 0.85)

#: labels whose centre is farther than this (scene units, plus the badge's radius) from a
#: badge are not looked at: one would have to be over 240 units wide to reach it
LABEL_REACH = 120.0

_BADGE_FONT = QFont()
_BADGE_FONT.setPixelSize(10)
_BADGE_FONT.setWeight(QFont.Weight.Bold)


def worst(findings: Iterable[Finding]) -> str:
    return min((f.severity for f in findings), key=lambda s: SEVERITY_RANK[s], default="info")


def utilization_color(ratio: float, amber_at: float = AMBER_AT) -> QColor:
    """Red above capacity, amber above the utilization target ``amber_at``, else green."""
    if ratio > 1.0:
        return UTIL_RED
    if ratio > amber_at:
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
        self.utilization_target = AMBER_AT
        self.load_factor = 1.0
        self._badges: dict[str, LinkBadge] = {}
        self._pending: set[str] = set()
        self._pending_links: set[str] = set()
        self._chunk_timer = QTimer()
        self._chunk_timer.setSingleShot(True)
        self._chunk_timer.timeout.connect(self._next_chunk)
        #: only the links in view have badges (see MANY_BADGES); the links whose findings
        #: changed since their badge was made
        self._virtual = False
        self._stale: set[str] = set()
        self._view_timer = QTimer()
        self._view_timer.setSingleShot(True)
        self._view_timer.timeout.connect(self._badges_for_view)
        for view in scene.views()[:1]:
            view.horizontalScrollBar().valueChanged.connect(self._view_moved)
            view.verticalScrollBar().valueChanged.connect(self._view_moved)
            zoomed = getattr(view, "zoom_changed", None)
            if zoomed is not None:
                zoomed.connect(self._view_moved)
        editor.nodes_changed.connect(self._nodes_moved)
        editor.links_changed.connect(lambda ids: self._place_badges(ids))
        editor.document_reset.connect(self._reset)
        scene.overview_toggled.connect(self._overview_toggled)
        scene.links.route_listeners.append(self._place_badges)

    # --- inputs ------------------------------------------------------------------------------
    def set_findings(self, findings: Iterable[Finding]) -> None:
        """Shows ``findings`` (any iterable; grouped here). See :meth:`set_grouped`."""
        groups: dict[tuple[str, str], list[Finding]] = {}
        for f in findings:
            if not f.suppressed:
                groups.setdefault((f.subject_type, f.subject), []).append(f)
        old = {("node", k): v for k, v in self.node_findings.items()}
        old.update({("link", k): v for k, v in self.link_findings.items()})
        changed = {
            k for k in set(groups) | set(old) if _sig(groups.get(k, [])) != _sig(old.get(k, []))
        }
        self.set_grouped(groups, changed)

    def set_grouped(
        self, groups: dict[tuple[str, str], list[Finding]], changed: set[tuple[str, str]]
    ) -> None:
        """Active findings by (subject type, subject id), and the subjects whose findings
        changed since the last call (only those are redrawn)."""
        # one pass each over ~10,000 subjects at 10,000 nodes (this runs on the UI thread)
        by_kind: dict[str, dict[str, list[Finding]]] = {"node": {}, "link": {}}
        for (kind, sid), v in groups.items():
            into = by_kind.get(kind)
            if into is not None:
                into[sid] = v
        self.node_findings, self.link_findings = by_kind["node"], by_kind["link"]
        ids: dict[str, set[str]] = {"node": set(), "link": set()}
        for kind, sid in changed:
            if kind in ids:
                ids[kind].add(sid)
        links = ids["link"]
        virtual = len(self.link_findings) > MANY_BADGES
        if virtual or self._virtual:
            self._pending_links.clear()
            self._virtual = virtual
            if virtual:
                self._stale |= links
                self._view_timer.start(0)
            else:  # back to a badge for each link with findings
                self._stale.clear()
                self._pending_links |= set(self._badges) | set(self.link_findings)
                self._chunk_timer.start(0)
        elif len(links) <= CHUNK and not self._pending_links:
            self._update_link_badges(links)
        else:
            self._pending_links |= links
            self._chunk_timer.start(0)
        self.refresh(ids["node"])

    def set_utilization(
        self, util: dict[str, tuple[float, float]], factor: float, target: float = AMBER_AT
    ) -> None:
        """Load per node ``(offered, capacity)`` at load ``factor``; ``target`` is the
        design's utilization target (the lint report's ``utilization_target``)."""
        touched = set(util) | set(self.utilization)
        self.utilization = dict(util)
        self.load_factor = factor
        self.utilization_target = target
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
        self.refresh(set(self.scene.nodes))

    # --- output ------------------------------------------------------------------------------
    def decoration(self, node_id: str) -> Decoration | None:
        findings = self.node_findings.get(node_id, [])
        badge = ""
        badge_color = outline = tint = None
        dashed = False
        tips: list[str] = []
        if findings:
            sev = worst(findings)
            badge = str(len(findings))
            badge_color = outline = SEVERITY_COLORS[sev]
            dashed = sev == "info"
            tips.append(findings_tooltip(findings))
        if self.show_utilization and node_id in self.utilization:
            offered, capacity = self.utilization[node_id]
            ratio = offered / capacity if capacity else float("inf")
            tint = utilization_color(ratio, self.utilization_target)
            tips.append(
                f"<b>Load at {self.load_factor:g}x</b>: {_fmt(offered)} of {_fmt(capacity)} "
                f"req/s ({ratio * 100:.0f}% of capacity)"
            )
        dimmed = False
        if self.failing is not None:
            if node_id in self.failing:
                outline, tint = FAIL_OUTLINE, FAIL_TINT
                dashed = False
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
            outline_dashed=dashed,
            tint=tint,
            dimmed=dimmed,
            tooltip="<br>".join(tips),
        )

    def refresh(self, node_ids: Iterable[str]) -> None:
        """Recomputes the decorations of ``node_ids`` and hands the changed ones on.

        Thousands of changes (the first lint of a large design, a failure simulation over
        everything) are handed on in chunks between events, so the UI never freezes."""
        ids = node_ids if isinstance(node_ids, set) else set(node_ids)
        if len(ids) + len(self._pending) <= CHUNK and not self._pending:
            self._apply(ids)
            return
        self._pending |= ids
        if not self._chunk_timer.isActive():
            self._chunk_timer.start(0)

    def _next_chunk(self) -> None:
        if self._pending_links:
            links: set[str] = set()
            while self._pending_links and len(links) < CHUNK:
                links.add(self._pending_links.pop())
            self._update_link_badges(links)
        else:
            chunk: set[str] = set()
            while self._pending and len(chunk) < CHUNK:
                chunk.add(self._pending.pop())
            self._apply(chunk)
        if self._pending or self._pending_links:
            self._chunk_timer.start(0)

    def flush(self) -> None:
        """Applies every pending decoration and badge now (tests, screenshots)."""
        if self._virtual:
            self._view_timer.stop()
            self._badges_for_view()
        self._chunk_timer.stop()
        links, self._pending_links = self._pending_links, set()
        self._update_link_badges(links)
        pending, self._pending = self._pending, set()
        self._apply(pending)

    def _apply(self, node_ids: set[str]) -> None:
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
        if len(changed) > 32:
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
    def _update_link_badges(self, changed: set[str]) -> None:
        for lid in changed:
            old = self._badges.pop(lid, None)
            if old is not None:
                self.scene.removeItem(old)
            findings = self.link_findings.get(lid)
            if not findings:
                continue
            sev = worst(findings)
            badge = LinkBadge(
                lid, SEVERITY_COLORS[sev], str(len(findings)), findings_tooltip(findings)
            )
            self._badges[lid] = badge
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
        # zoomed far out the overview picture replaces cards and links: badges of thousands
        # of links would only be dots, and painting them all took 250-1,000 ms per repaint
        badge.setVisible(not self.scene.overview)
        # along the link's route when it goes around cards
        badge.setPos(
            *self._badge_spot(badge.link_id, [a, *self.scene.links.route_of(badge.link_id), b])
        )

    def _badge_spot(self, lid: str, points: list[tuple[float, float]]) -> tuple[float, float]:
        """Where a link's badge goes on the polyline ``points``: a third of the way from the
        source (the middle is where the link's label usually sits), else the first of a few
        other places clear of every link label, card and other badge."""
        for t in BADGE_SPOTS:
            x, y = point_along(points, t)
            if self._spot_is_clear(lid, x, y):
                return x, y
        return point_along(points, BADGE_AT)

    def _spot_is_clear(self, lid: str, x: float, y: float) -> bool:
        links = self.scene.links
        r = LinkBadge.R + 1
        if self.scene.cards_in(QRectF(x - r, y - r, 2 * r, 2 * r)):
            return False
        for item in self.scene.items(QRectF(x - 2 * r, y - 2 * r, 4 * r, 4 * r)):
            if isinstance(item, LinkBadge) and item.link_id != lid and item.isVisible():
                return False  # another link's badge (links leaving a card share a leg)
        fm = links.label_fm
        half_h = fm.height() / 2 + 2 + r
        reach = LABEL_REACH + 4 + r
        for _other, text, lx, ly in links.labels_near(
            QRectF(x - reach, y - half_h, 2 * reach, 2 * half_h)
        ):
            if abs(y - ly) < half_h and abs(x - lx) < links.label_width(text) / 2 + 4 + r:
                return False
        return True

    # --- link badges of the links in view (many links with findings) -----------------------
    def _view_moved(self, *_: object) -> None:
        # a view being torn down may still scroll after the timer went with its window
        if self._virtual and isValid(self._view_timer):
            self._view_timer.start(VIEW_REST_MS)

    def _badges_for_view(self) -> None:
        """Badges for the links with findings that cross the view, made now; the others'
        badges go (MANY_BADGES)."""
        if not self._virtual:
            return
        links = self.scene.links
        if links.filing:  # a large design just opened: its links' labels are not all known
            self._view_timer.start(250)
            return
        wanted: set[str] = set()
        views = self.scene.views()
        if views and not self.scene.overview:
            view = views[0]
            rect = view.mapToScene(view.viewport().rect()).boundingRect()
            box = (rect.left(), rect.top(), rect.right(), rect.bottom())
            for lid in links.links_in(rect) & self.link_findings.keys():
                if any(clip(seg, *box) is not None for seg in links.geom.get(lid, ())):
                    wanted.add(lid)
        for lid in [k for k in self._badges if k not in wanted or k in self._stale]:
            self.scene.removeItem(self._badges.pop(lid))
        self._stale.clear()
        new = {lid for lid in wanted if lid not in self._badges}
        if len(new) <= CHUNK:
            self._update_link_badges(new)
        else:
            self._pending_links |= new
            self._chunk_timer.start(0)

    def _place_badges(self, link_ids: Iterable[str]) -> None:
        """Links were routed or changed: their badges move along; with badges for the links
        in view only, the links in view may have changed too (a route that now crosses
        the view), so the set is worked out again once the routes stop coming."""
        self._view_moved()
        for lid in link_ids:
            badge = self._badges.get(lid)
            if badge is not None:
                self._place(badge)

    def _overview_toggled(self, on: bool) -> None:
        """Hides the link badges while the overview picture shows; zooming back in places
        them again (links may have moved meanwhile)."""
        self._view_moved()
        for badge in self._badges.values():
            if on:
                badge.hide()
            else:
                self._place(badge)

    def _nodes_moved(self, node_ids: set[str]) -> None:
        self._view_moved()  # links may have come into view
        if not self._badges or self.scene.overview:
            return
        for lid, badge in self._badges.items():
            link = self.editor.link(lid)
            if link is not None and (link.source in node_ids or link.target in node_ids):
                self._place(badge)

    def _reset(self) -> None:
        for badge in self._badges.values():
            self.scene.removeItem(badge)
        self._badges.clear()
        self.node_findings.clear()
        self.link_findings.clear()
        self.utilization.clear()
        self.failing = None
        self.failure_roots = set()
        self._pending.clear()
        self._pending_links.clear()
        self._virtual = False
        self._stale.clear()
        self._view_timer.stop()

    def link_badge_ids(self) -> set[str]:
        return set(self._badges)


def point_along(points: list[tuple[float, float]], t: float) -> tuple[float, float]:
    """The point at fraction ``t`` of the length of the polyline through ``points``."""
    lengths = [math.dist(p, q) for p, q in itertools.pairwise(points)]
    left = t * sum(lengths)
    for (p, q), d in zip(itertools.pairwise(points), lengths, strict=True):
        if left <= d and d > 0:
            k = left / d
            return (p[0] + (q[0] - p[0]) * k, p[1] + (q[1] - p[1]) * k)
        left -= d
    return points[-1]


def _sig(findings: list[Finding]) -> tuple[tuple[str, str, str], ...]:
    return tuple((f.rule_id, f.severity, f.message) for f in findings)


def _set_some(editor: Editor, merged: dict[str, Decoration], changed: set[str]) -> None:
    """Replaces the editor's decorations and reports only ``changed`` to the views."""
    editor.decorations = merged
    editor.decorations_changed.emit(changed)


__all__ = ["SEVERITY_COLORS", "LinkBadge", "Overlays", "utilization_color", "worst"]
