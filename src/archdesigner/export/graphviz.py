"""Graphviz export: DOT text, and SVG, PNG and PDF rendered by the real Graphviz programs.

Each node is drawn as a card: the kind's icon, the name, the technology and the replica count.
Groups become clusters with their names, async links are dashed, link labels are shown.

Layouts:

* ``keep`` (default): the positions the user drew. Canvas coordinates are scaled (each axis
  on its own, never shrunk) just enough that no two cards overlap, clusters get their boxes
  computed here, and Graphviz only draws (``neato -n2``). Fast at any size.
* ``auto``: Graphviz lays the design out: ``dot`` left to right for small designs (with speed
  settings above 100 nodes and a time limit), ``sfdp`` above :data:`LARGE_DESIGN` nodes,
  where ``dot`` takes minutes.
"""

from __future__ import annotations

import html
import itertools
import math
import mmap
import os
import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archdesigner.export import overlay
from archdesigner.export.base import BaseExporter, ExportError, ExportOption, ExportResult
from archdesigner.export.text import (
    dot_string,
    html_escape,
    node_facts,
    one_line,
    text_width,
    truncate,
    walk_groups,
)
from archdesigner.io.load import gc_paused
from archdesigner.model import catalog
from archdesigner.model.design import Design, Node
from archdesigner.processes import run_contained

#: Above this many nodes ``--layout auto`` uses ``sfdp`` instead of ``dot``.
LARGE_DESIGN = 300
#: Up to this many nodes kept positions get routed links (archdesigner.routing, a few
#: seconds at this size); beyond, links are drawn straight.
ROUTED_UP_TO = 5000

FONT = "Helvetica"
#: the margin around the drawing
PAD_INCHES = 0.3
TITLE_PT = 11.0
SUB_PT = 9.0
EDGE_PT = 8.5
ARROW_SIZE = 0.7
EDGE_LABEL_MAX = 160.0
NODE_H = 46.0
ICON_CELL = 30
NODE_MIN_W = 150.0
NODE_MAX_W = 240.0
MAX_SCALE = 4.0
CROWDED_CELL = 48
CLUSTER_PAD = 14.0
CLUSTER_LABEL_H = 22.0
CLUSTER_LABEL_PT = 10.5

CATEGORY_COLORS = {
    "edge": "#2b6cb0",
    "compute": "#2f855a",
    "data": "#c05621",
    "messaging": "#6b46c1",
    "platform": "#2c7a7b",
    "external": "#4a5568",
}
GROUP_STYLES = {
    "region": ("#eef4fb", "#7a9cc6", "rounded"),
    "zone": ("#f4f8f1", "#88a97a", "rounded,dashed"),
    "network": ("#fbf7ee", "#c4a35a", "rounded,dashed"),
    "cluster": ("#f5f2fa", "#9a86c0", "rounded"),
    "boundary": ("#f7f7f7", "#9aa5b1", "rounded,dashed"),
}
CARD_BORDER = "#9aa5b1"
LINK_COLOR = "#4a5568"

LAYOUTS = ("keep", "auto")
INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; Fedora: dnf install graphviz; "
    "macOS: brew install graphviz; Windows: winget install graphviz) or export --to dot and "
    "render the file elsewhere"
)


@dataclass
class DotDocument:
    """DOT text plus how to render it and what could not be shown."""

    text: str
    engine: str
    engine_args: list[str]
    report: list[str] = field(default_factory=list)
    icon_files: dict[str, str] = field(default_factory=dict)  # icon path -> kind
    #: the drawing's width and height in points (kept positions; None: Graphviz lays it out)
    extent: tuple[float, float] | None = None

    @property
    def command(self) -> str:
        return " ".join([self.engine, *self.engine_args])

    def pixels(self, dpi: float) -> float:
        """About how many pixels a bitmap of the drawing has at ``dpi`` (0 when unknown)."""
        if self.extent is None:
            return 0.0
        pad = 2 * PAD_INCHES * dpi
        w, h = (v * dpi / 72.0 + pad for v in self.extent)
        shrink = min(1.0, CAIRO_MAX_PX / max(w, h, 1.0))  # Graphviz shrinks it to fit
        return w * h * shrink * shrink


# --- positions -------------------------------------------------------------------------------


def fit_scale(
    points: Sequence[tuple[float, float]], need_x: float, need_y: float
) -> tuple[float, float]:
    """Per-axis scale factors (>= 1, <= MAX_SCALE) so that any two points end up at least
    ``need_x`` apart horizontally or ``need_y`` apart vertically, with the smallest area.

    Pairs too close to separate within MAX_SCALE (nodes the user stacked) are left alone."""
    # only pairs closer than need_x and need_y on both axes can conflict: bucket the points
    # into cells of that size and compare neighbouring cells (linear for drawn designs)
    cells: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(points):
        cells.setdefault((math.floor(x / need_x), math.floor(y / need_y)), []).append(i)
    demands: list[tuple[float, float]] = []  # (scale x would need, scale y would need)

    def compare(a: int, b: int) -> None:
        xa, ya = points[a]
        xb, yb = points[b]
        dx = abs(xb - xa)
        dy = abs(yb - ya)
        if dx >= need_x or dy >= need_y:
            return
        ax = need_x / dx if dx > 0 else math.inf
        ay = need_y / dy if dy > 0 else math.inf
        if ax <= MAX_SCALE or ay <= MAX_SCALE:
            demands.append((ax, ay))

    for (cx, cy), members in cells.items():
        crowded = len(members) > CROWDED_CELL
        if crowded:  # nodes piled on one spot: compare neighbours in x order only
            members = sorted(members, key=lambda k: points[k])
            for a, b in itertools.pairwise(members):
                compare(a, b)
        else:
            for ia, a in enumerate(members):
                for b in members[ia + 1 :]:
                    compare(a, b)
        for ox, oy in ((1, -1), (1, 0), (1, 1), (0, 1)):
            other = cells.get((cx + ox, cy + oy))
            if not other:
                continue
            if crowded or len(other) > CROWDED_CELL:
                continue  # a pile is the user's choice; do not spread everything for it
            for a in members:
                for b in other:
                    compare(a, b)
    if not demands:
        return 1.0, 1.0
    demands.sort(key=lambda d: -d[0])
    best = (float("inf"), 1.0, 1.0)
    sy_needed = 1.0
    # candidate sx values: each demand's ax (descending), then 1.0
    for k in range(len(demands) + 1):
        sx = demands[k][0] if k < len(demands) else 1.0
        if sx <= MAX_SCALE:
            sx = max(sx, 1.0)
            if sy_needed <= MAX_SCALE:
                area = sx * sy_needed
                if area < best[0] - 1e-9:
                    best = (area, sx, sy_needed)
        if k < len(demands):
            sy_needed = max(sy_needed, demands[k][1])
    return best[1], best[2]


# --- the DOT document ------------------------------------------------------------------------


@dataclass
class _Card:
    node: Node
    title: str
    sub: str
    color: str
    findings: overlay.NodeMarks | None = None


def _node_label(card: _Card, width: float, icon: str | None) -> str:
    marks = card.findings
    border = CARD_BORDER
    border_w = 1
    if marks is not None and marks.outline:
        border = marks.outline
        border_w = 3
    if icon is not None:
        icon_cell = (
            f'<TD FIXEDSIZE="TRUE" WIDTH="{ICON_CELL}" HEIGHT="{ICON_CELL}">'
            f'<IMG SRC="{html.escape(icon, quote=True)}" SCALE="TRUE"/></TD>'
        )
    else:
        initial = html_escape((card.node.kind[:1] or "?").upper())
        icon_cell = (
            f'<TD FIXEDSIZE="TRUE" WIDTH="{ICON_CELL}" HEIGHT="{ICON_CELL}" '
            f'BGCOLOR="{card.color}"><FONT COLOR="white" POINT-SIZE="14"><B>{initial}</B>'
            "</FONT></TD>"
        )
    lines = [
        f'<FONT POINT-SIZE="{TITLE_PT:g}" COLOR="#1a202c"><B>'
        f"{html_escape(card.title) or '&#160;'}</B></FONT>"
    ]
    sub = html_escape(card.sub)  # empty elements (<FONT></FONT>) are syntax errors
    if sub:
        lines.append(f'<FONT POINT-SIZE="{SUB_PT:g}" COLOR="#5f6b7a">{sub}</FONT>')
    rules = html_escape(marks.rules) if marks is not None else ""
    if marks is not None and rules:
        lines.append(f'<FONT POINT-SIZE="{SUB_PT:g}" COLOR="{marks.text_color}">{rules}</FONT>')
    text = '<BR ALIGN="LEFT"/>'.join(lines) + '<BR ALIGN="LEFT"/>'
    return (
        f'<<TABLE BORDER="{border_w}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" '
        f'STYLE="rounded" BGCOLOR="white" COLOR="{border}">'
        f'<TR>{icon_cell}<TD ALIGN="LEFT" BALIGN="LEFT" HEIGHT="{ICON_CELL}" '
        f'WIDTH="{width - ICON_CELL - 8 - 2 * border_w:.0f}">'
        f"{text}</TD></TR></TABLE>>"
    )


def _card_height(card: _Card) -> float:
    return NODE_H + (12.0 if card.findings is not None and card.findings.rules else 0.0)


def _cluster_label(text: str, kind: str) -> str:
    return (
        f'<<FONT POINT-SIZE="{CLUSTER_LABEL_PT}" COLOR="#2d3748"><B>{html_escape(text)}</B>'
        f'</FONT><FONT POINT-SIZE="8" COLOR="#718096">  {kind}</FONT>>'
    )


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if v % 1 else f"{v:.0f}"


@dataclass
class _Groups:
    """The group tree of a design as the DOT document needs it."""

    groups: dict[str, Any]
    children: dict[str | None, list[str]]
    members: dict[str | None, list[str]]
    nonempty: set[str]
    bbox: dict[str, tuple[float, float, float, float]]


def build_dot(
    design: Design,
    *,
    layout: str = "keep",
    icons: str = "png",
    findings: Sequence[Any] | None = None,
    icon_for: Callable[[str], Path | None] | None = None,
) -> DotDocument:
    """The DOT text of ``design``.

    ``icons``: ``"png"`` (works with every Graphviz renderer), ``"svg"`` (for ``-Tsvg``) or
    ``"none"``. ``findings``: lint findings to draw (the review overlay), or None."""
    if layout not in LAYOUTS:
        raise ExportError(f"unknown layout {layout!r}; use one of: {', '.join(LAYOUTS)}")
    if icons not in ("png", "svg", "none"):
        raise ExportError(f"unknown icons {icons!r}; use one of: png, svg, none")
    report: list[str] = []
    icon_paths = _icon_paths(design, icons, icon_for, report)
    marks = overlay.marks(design, findings) if findings is not None else None
    cards, width = _cards(design, marks)
    keep = layout == "keep"
    engine, engine_args, graph_attrs = _graph_attrs(design, keep, report)
    pos = _keep_positions(design, width) if keep and design.nodes else {}
    routes = _routes(design, pos, cards, width) if keep and len(pos) <= ROUTED_UP_TO else {}
    _title(design, marks, graph_attrs)
    tree = _group_tree(design, cards, pos, width, keep)
    out: list[str] = []
    command = f"{engine} {' '.join(engine_args)} -Tsvg design.dot -o design.svg".replace("  ", " ")
    out.append(
        f"// {one_line(design.name) or 'design'}: written by archdesigner; render with: {command}"
    )
    out.append("digraph design {")
    out.append("  graph [" + ", ".join(f"{k}={v}" for k, v in graph_attrs.items()) + "];")
    out.append(f'  node [shape=plain, fontname="{FONT}", margin=0];')
    out.append(
        f'  edge [fontname="{FONT}", fontsize={EDGE_PT}, fontcolor="#4a5568", '
        f'color="{LINK_COLOR}", arrowsize={ARROW_SIZE}, penwidth=1.2];'
    )
    _emit_groups(out, tree, marks, cards, pos, width, icon_paths)
    _emit_links(out, design, marks, routes)
    out.append("}")
    return DotDocument(
        "\n".join(out) + "\n",
        engine,
        engine_args,
        report,
        {p: kind for kind, p in icon_paths.items() if p is not None},
        _extent(pos, cards, width, tree) if pos else None,
    )


def _extent(
    pos: dict[str, tuple[float, float]], cards: dict[str, _Card], width: float, tree: _Groups
) -> tuple[float, float]:
    """Width and height of the cards and clusters at kept positions (routes run between
    them; the title adds a line)."""
    x0 = min(x for x, _ in pos.values()) - width / 2
    x1 = max(x for x, _ in pos.values()) + width / 2
    y0 = min(y - _card_height(cards[nid]) / 2 for nid, (_, y) in pos.items())
    y1 = max(y + _card_height(cards[nid]) / 2 for nid, (_, y) in pos.items())
    for bx0, by0, bx1, by1 in tree.bbox.values():
        x0, y0, x1, y1 = min(x0, bx0), min(y0, by0), max(x1, bx1), max(y1, by1)
    return x1 - x0, y1 - y0


def _icon_paths(
    design: Design,
    icons: str,
    icon_for: Callable[[str], Path | None] | None,
    report: list[str],
) -> dict[str, str | None]:
    """The icon file of each kind used (None: a lettered badge); reports missing ones."""
    from archdesigner.export import icons as icon_mod

    if icon_for is None:
        if icons == "png":
            icon_for = icon_mod.graphviz_png_icon
        elif icons == "svg":
            icon_for = icon_mod.graphviz_svg_icon
        else:
            icon_for = _no_icon
    icon_paths: dict[str, str | None] = {}
    missing_icons: list[str] = []
    for node in design.nodes:
        if node.kind not in icon_paths:
            p = icon_for(node.kind)
            icon_paths[node.kind] = p.as_posix() if p is not None else None
            if p is None and icons != "none":
                missing_icons.append(node.kind)
    if missing_icons:
        why = (
            "the icon rasterizer resvg-py is not installed"
            if icons == "png" and not icon_mod._raster_available()
            else "no icon file found"
        )
        report.append(
            f"icons not drawn for kind(s) {', '.join(sorted(missing_icons))}: {why}; "
            "a lettered badge is drawn instead"
        )
    return icon_paths


def _cards(design: Design, marks: overlay.Marks | None) -> tuple[dict[str, _Card], float]:
    """Every node's card (texts cut to the common width) and that width."""
    cards: dict[str, _Card] = {}
    widest = 0.0
    for node in design.nodes:
        title = one_line(node.label) or node.id
        sub = node_facts(node)
        widest = max(widest, text_width(title, TITLE_PT, True), text_width(sub, SUB_PT))
        cards[node.id] = _Card(
            node, title, sub, CATEGORY_COLORS.get(catalog.category_of(node.kind), "#4a5568")
        )
    width = min(max(widest + ICON_CELL + 18, NODE_MIN_W), NODE_MAX_W)
    text_room = width - ICON_CELL - 16
    for card in cards.values():
        card.title = truncate(card.title, text_room, TITLE_PT, True)
        card.sub = truncate(card.sub, text_room, SUB_PT)
        if marks is not None:
            card.findings = marks.nodes.get(card.node.id)
            if card.findings is not None:
                card.findings.rules = overlay.fit_rules(card.findings, text_room, SUB_PT)
    return cards, width


def _graph_attrs(
    design: Design, keep: bool, report: list[str]
) -> tuple[str, list[str], dict[str, str]]:
    """The program, its arguments and the graph attributes of a layout."""
    n = len(design.nodes)
    engine, engine_args = ("neato", ["-n2"]) if keep else ("dot", [])
    graph_attrs: dict[str, str] = {
        "fontname": f'"{FONT}"',
        "bgcolor": '"white"',
        "pad": f'"{PAD_INCHES:g}"',
        "outputorder": '"edgesfirst"',
    }
    if keep and n <= ROUTED_UP_TO:
        # every link carries its route (see _routes): Graphviz only draws them
        graph_attrs["splines"] = '"true"'
    elif keep:
        graph_attrs["splines"] = '"line"'
        report.append(
            f"{n} nodes: links drawn straight (links are routed around cards up to "
            f"{ROUTED_UP_TO} nodes)"
        )
    elif n > LARGE_DESIGN:
        engine = "sfdp"
        # prism overlap removal is worth it up to a few thousand nodes (10k: 137 s vs 44 s)
        overlap = '"prism"' if n <= 2000 else '"scale"'
        graph_attrs.update(overlap=overlap, splines='"line"', K='"1.2"', repulsiveforce='"1.5"')
        if design.groups:
            report.append(
                f"{n} nodes: laid out with sfdp (dot would take minutes); groups are not "
                "drawn as clusters in this layout, use --layout keep to see them"
            )
    else:
        graph_attrs.update(rankdir='"LR"', nodesep='"0.35"', ranksep='"0.7"', newrank='"true"')
        if n > 100:
            graph_attrs.update(mclimit='"0.3"', nslimit='"2"', nslimit1='"2"', searchsize='"20"')
        if n > 200:
            graph_attrs.update(splines='"line"', mclimit='"0.1"', nslimit='"1"', nslimit1='"1"')
    return engine, engine_args, graph_attrs


def _keep_positions(design: Design, width: float) -> dict[str, tuple[float, float]]:
    """The drawn positions (Graphviz's y upwards), spread just enough that cards and link
    labels do not overlap."""
    label_w = max(
        (
            min(text_width(one_line(lk.label or lk.protocol), EDGE_PT), EDGE_LABEL_MAX)
            for lk in design.links
        ),
        default=0.0,
    )
    gap_x = min(max(label_w + 28, 48.0), EDGE_LABEL_MAX + 28)
    points = [(nd.position.x, nd.position.y) for nd in design.nodes]
    sx, sy = fit_scale(points, width + gap_x, NODE_H + 34)
    return {nd.id: (nd.position.x * sx, -nd.position.y * sy) for nd in design.nodes}


def _routes(
    design: Design,
    pos: dict[str, tuple[float, float]],
    cards: dict[str, _Card],
    width: float,
) -> dict[str, _Route]:
    """Every link's route around the cards (the canvas's router), in Graphviz's
    coordinates (y upwards)."""
    from archdesigner import routing

    boxes = {nid: (x, -y, width, _card_height(cards[nid])) for nid, (x, y) in pos.items()}
    links = [(lk.id, lk.source, lk.target) for lk in design.links]
    router = routing.Router(boxes, links)
    routes = router.route()
    sizes = {}
    for lk in design.links:
        text = one_line(lk.label or lk.protocol)
        if text:
            sizes[lk.id] = (min(text_width(text, EDGE_PT), EDGE_LABEL_MAX) + 4, EDGE_PT + 6)
    labels = routing.place_labels(routes, sizes, router.index)
    return {
        lid: _Route([(x, -y) for x, y in pts], _flip(labels.get(lid)))
        for lid, pts in routes.items()
        if len(pts) >= 2
    }


@dataclass
class _Route:
    points: list[tuple[float, float]]  # Graphviz's coordinates: y upwards
    label: tuple[float, float] | None


def _flip(p: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if p is None else (p[0], -p[1])


def _title(design: Design, marks: overlay.Marks | None, graph_attrs: dict[str, str]) -> None:
    """The design's name and the findings legend above the drawing."""
    title = one_line(design.name)
    legend = overlay.legend_rows(marks) if marks is not None else ""
    if not (title or legend):
        return
    head = (
        f'<TR><TD ALIGN="LEFT" COLSPAN="2"><FONT POINT-SIZE="15" COLOR="#1a202c"><B>'
        f"{html_escape(truncate(title, 900, 15, True))}</B></FONT></TD></TR>"
        if title
        else ""
    )
    graph_attrs["label"] = (
        f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2">{head}{legend}</TABLE>>'
    )
    graph_attrs["labelloc"] = '"t"'
    graph_attrs["labeljust"] = '"l"'


def _group_tree(
    design: Design,
    cards: dict[str, _Card],
    pos: dict[str, tuple[float, float]],
    width: float,
    keep: bool,
) -> _Groups:
    """Groups, their children and members, and (kept positions) each cluster's box."""
    groups = design.group_map()
    children: dict[str | None, list[str]] = {}
    for g in design.groups:
        parent = g.parent if g.parent in groups else None
        children.setdefault(parent, []).append(g.id)
    members: dict[str | None, list[str]] = {}
    for nd in design.nodes:
        members.setdefault(nd.group if nd.group in groups else None, []).append(nd.id)
    # groups in an order where children come before parents (iterative post-order)
    post: list[str] = []
    stack: list[tuple[str, bool]] = [(g, False) for g in reversed(children.get(None, []))]
    while stack:
        gid, done = stack.pop()
        if done:
            post.append(gid)
            continue
        stack.append((gid, True))
        stack.extend((c, False) for c in reversed(children.get(gid, [])))
    tree = _Groups(groups, children, members, set(), {})
    for gid in post:
        if members.get(gid) or any(c in tree.nonempty for c in children.get(gid, [])):
            tree.nonempty.add(gid)
        if keep:
            _cluster_box(tree, gid, cards, pos, width)
    return tree


def _cluster_box(
    tree: _Groups,
    gid: str,
    cards: dict[str, _Card],
    pos: dict[str, tuple[float, float]],
    width: float,
) -> None:
    boxes = []
    for nid in tree.members.get(gid, []):
        x, y = pos[nid]
        h = _card_height(cards[nid])
        boxes.append((x - width / 2, y - h / 2, x + width / 2, y + h / 2))
    boxes.extend(tree.bbox[c] for c in tree.children.get(gid, []) if c in tree.bbox)
    if not boxes:
        return
    x0 = min(b[0] for b in boxes) - CLUSTER_PAD
    y0 = min(b[1] for b in boxes) - CLUSTER_PAD
    x1 = max(b[2] for b in boxes) + CLUSTER_PAD
    y1 = max(b[3] for b in boxes) + CLUSTER_PAD + CLUSTER_LABEL_H
    group = tree.groups[gid]
    label = one_line(group.label) or gid
    lw = text_width(label, CLUSTER_LABEL_PT, True) + text_width(group.kind, 8)
    x1 = max(x1, x0 + lw + 2 * CLUSTER_PAD)
    tree.bbox[gid] = (x0, y0, x1, y1)


def _emit_groups(
    out: list[str],
    tree: _Groups,
    marks: overlay.Marks | None,
    cards: dict[str, _Card],
    pos: dict[str, tuple[float, float]],
    width: float,
    icon_paths: dict[str, str | None],
) -> None:
    """The clusters (depth first; walk_groups keeps an explicit stack: no recursion limit)
    and every node inside its cluster."""

    def emit_node(nid: str, indent: str) -> None:
        card = cards[nid]
        node = card.node
        attrs = [
            f'id="node-{nid}"',
            f'class="kind-{re.sub(r"[^A-Za-z0-9_-]", "_", node.kind)}"',
            f"label={_node_label(card, width, icon_paths.get(node.kind))}",
            "tooltip=" + dot_string(_tooltip(node, card)),
        ]
        if nid in pos:
            x, y = pos[nid]
            attrs.append(f'pos="{_fmt(x)},{_fmt(y)}"')
        out.append(f'{indent}"{nid}" [{", ".join(attrs)}];')

    for action, gid, depth in walk_groups(tree.children, tree.nonempty):
        indent = "  " * depth
        if action == "close":
            out.append(f"{indent}}}")
            continue
        out.append(f'{indent}subgraph "cluster_{gid}" {{')
        out.append(f"{indent}  graph [{', '.join(_cluster_attrs(tree, gid, marks))}];")
        for nid in tree.members.get(gid, []):
            emit_node(nid, indent + "  ")
    for nid in tree.members.get(None, []):
        emit_node(nid, "  ")


def _cluster_attrs(tree: _Groups, gid: str, marks: overlay.Marks | None) -> list[str]:
    g = tree.groups[gid]
    fill, line, style = GROUP_STYLES.get(g.kind, GROUP_STYLES["boundary"])
    gmark = marks.groups.get(gid) if marks is not None else None
    if gmark is not None and gmark.outline:
        line = gmark.outline
    gtag = f"  {gmark.tag}" if gmark is not None and gmark.tag else ""
    attrs = [
        f'id="group-{gid}"',
        f"label={_cluster_label((one_line(g.label) or gid) + gtag, g.kind)}",
        f'style="{style},filled"',
        f'fillcolor="{fill}"',
        f'color="{line}"',
        f"penwidth={3 if gmark is not None and gmark.outline else 1.2}",
        'labeljust="l"',
        "tooltip=" + dot_string(_group_tooltip(g.label, g.kind, gmark)),
    ]
    if gid in tree.bbox:
        x0, y0, x1, y1 = tree.bbox[gid]
        attrs.append(f'bb="{_fmt(x0)},{_fmt(y0)},{_fmt(x1)},{_fmt(y1)}"')
        label = one_line(g.label) or gid
        lw = text_width(label, CLUSTER_LABEL_PT, True) + text_width(g.kind, 8) + 8
        attrs.append(f'lp="{_fmt(x0 + 10 + lw / 2)},{_fmt(y1 - CLUSTER_LABEL_H / 2 - 2)}"')
    return attrs


def _emit_links(
    out: list[str],
    design: Design,
    marks: overlay.Marks | None,
    routes: dict[str, _Route],
) -> None:
    for link in design.links:
        text = one_line(link.label or link.protocol)
        attrs = [f"id={dot_string('link-' + link.id)}"]
        lmark = marks.links.get(link.id) if marks is not None else None
        tag = lmark.tag if lmark is not None else ""
        if text or tag:
            shown = html_escape(truncate(text, EDGE_LABEL_MAX, EDGE_PT))
            if tag:  # numbered findings (the review report) are never cut off
                color = html_escape(lmark.text_color) if lmark is not None else LINK_COLOR
                shown += f'{" " if shown else ""}<FONT COLOR="{color}"><B>{tag}</B></FONT>'
            attrs.append(
                'label=<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="1" BGCOLOR="white">'
                f"<TR><TD>{shown}</TD></TR></TABLE>>"
            )
        if link.mode == "async":
            attrs.append('style="dashed"')
        if lmark is not None and lmark.outline:
            attrs.extend([f'color="{lmark.outline}"', "penwidth=2.4"])
        attrs.append("tooltip=" + dot_string(_link_tooltip(link, lmark)))
        route = routes.get(link.id)
        if route is not None:
            attrs.extend(_route_attrs(route, bool(text or tag)))
        out.append(f'  "{link.source}" -> "{link.target}" [{", ".join(attrs)}];')


def _route_attrs(route: _Route, labelled: bool) -> list[str]:
    """A route as Graphviz edge attributes: ``pos`` (a B-spline whose end stops where the
    arrowhead starts, and the arrow's tip) and the label's place ``lp``."""
    from archdesigner import routing

    pts = list(route.points)
    tip = pts[-1]
    ux, uy = routing._unit(pts[-2], tip)
    back = min(ARROW_SIZE * 10, math.hypot(tip[0] - pts[-2][0], tip[1] - pts[-2][1]) - 1)
    pts[-1] = (tip[0] - ux * back, tip[1] - uy * back)
    pieces = routing.curves(pts)
    ctrl = [pieces[0][0]] + [p for piece in pieces for p in piece[1:]]
    spline = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in ctrl)
    attrs = [f'pos="e,{_fmt(tip[0])},{_fmt(tip[1])} {spline}"']
    if labelled and route.label is not None:
        mx, my = route.label
        attrs.append(f'lp="{_fmt(mx)},{_fmt(my)}"')
    return attrs


def _no_icon(kind: str) -> Path | None:
    return None


def _tooltip(node: Node, card: _Card) -> str:
    lines = [f"{node.label} ({node.id})", catalog.display_name_of(node.kind)]
    if card.sub:
        lines.append(node_facts(node))
    if card.findings is not None:
        lines.extend(card.findings.messages)
    return "\n".join(lines)


def _group_tooltip(label: str, kind: str, gmark: overlay.NodeMarks | None) -> str:
    lines = [f"{label} ({kind})"]
    if gmark is not None:
        lines.extend(gmark.messages)
    return "\n".join(lines)


def _link_tooltip(link: Any, lmark: overlay.NodeMarks | None) -> str:
    bits = [f"{link.source} -> {link.target}", link.mode]
    if link.protocol:
        bits.append(link.protocol)
    if not link.required:
        bits.append("optional")
    lines = [", ".join(bits)]
    if lmark is not None:
        lines.extend(lmark.messages)
    return "\n".join(lines)


# --- rendering -------------------------------------------------------------------------------


def find_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ExportError(f"Graphviz's '{name}' program was not found on PATH; {INSTALL_HINT}")
    return path


def render(doc: DotDocument, fmt: str, *, timeout: float = 120.0, dpi: float = 0) -> bytes:
    """Runs the Graphviz program on ``doc`` and returns the rendered bytes.

    ``png`` is drawn by cairo as Graphviz's ``-Tpng`` draws it, but encoded here (see
    :func:`_fast_png`); other formats, ``png:...`` included, are Graphviz's own output."""
    if fmt == "png":
        fast = _fast_png(doc, timeout, dpi)
        if fast is not None:
            return fast
    returncode, out, err = _run(doc, fmt, timeout, dpi)
    if returncode != 0 or not out:
        raise _failure(doc, returncode, err)
    return out


def _run(
    doc: DotDocument, fmt: str, timeout: float, dpi: float, output: Path | None = None
) -> tuple[int, bytes, bytes]:
    """``(returncode, stdout, stderr)`` of Graphviz drawing ``doc`` as ``fmt`` (into the file
    ``output`` if given, else to stdout)."""
    program = find_program(doc.engine)
    args = [program, *doc.engine_args, f"-T{fmt}"]
    if dpi:
        args.append(f"-Gdpi={dpi:g}")
    if output is not None:
        args.append(f"-o{output}")
    try:
        return run_contained(
            args, doc.text.encode("utf-8"), timeout, die_with_parent=True, env=_graphviz_env()
        )
    except subprocess.TimeoutExpired:
        hint = " (use --layout keep for large designs)" if doc.engine != "neato" else ""
        raise ExportError(
            f"Graphviz '{doc.engine}' did not finish within {timeout:g} s{hint}"
        ) from None
    except OSError as exc:
        raise ExportError(f"cannot run Graphviz '{doc.engine}': {exc}") from None


def _graphviz_env() -> dict[str, str]:
    """This process's environment, plus (GNU libc) large memory pages for Graphviz's big
    allocations: a bitmap is drawn into one buffer of 4 bytes a pixel (150 MB for a
    1643 x 22832 px picture), and faulting it in 4 KiB pages was a third of Graphviz's time
    (67,000 page faults; with 2 MiB pages 2,500). Other C libraries ignore the variable."""
    env = dict(os.environ)
    tunables = [t for t in env.get("GLIBC_TUNABLES", "").split(":") if t]
    if not any(t.startswith("glibc.malloc.hugetlb=") for t in tunables):
        env["GLIBC_TUNABLES"] = ":".join([*tunables, "glibc.malloc.hugetlb=1"])
    return env


def _failure(doc: DotDocument, returncode: int, err_bytes: bytes) -> ExportError:
    err = err_bytes.decode("utf-8", "replace").strip().splitlines()
    msg = next((line for line in err if line.startswith("Error")), err[0] if err else "")
    return ExportError(f"Graphviz '{doc.engine}' failed (exit {returncode}): {msg or 'no output'}")


#: Graphviz's output device for the uncompressed picture: cairo draws it (the same pixels as
#: ``-Tpng``) and the gdk plugin writes them out as a BMP (Debian/Ubuntu package
#: libgvc6-plugins-gtk).
RAW_DEVICE = "bmp:cairo:gdk"
#: Above this many pixels PNGs are left to ``-Tpng``: the uncompressed picture is held once
#: more by Graphviz and once by this process (3 bytes a pixel each; cairo's own 4 either way).
RAW_MAX_PIXELS = 200_000_000
#: From this many pixels a PNG export without :data:`RAW_DEVICE` says how to get it (a 10 Mpx
#: picture takes Graphviz's PNG writer about half a second).
SLOW_PNG_PIXELS = 10_000_000
#: Graphviz programs found to lack :data:`RAW_DEVICE` (asked once per process).
_NO_RAW_DEVICE: set[str] = set()


def _fast_png(doc: DotDocument, timeout: float, dpi: float) -> bytes | None:
    """The PNG of ``doc`` from Graphviz's uncompressed picture, encoded by
    :mod:`archdesigner.export.png_encode` (about 3x faster than ``-Tpng`` for large
    pictures; the same pixels); None where that cannot be done: Graphviz without the gdk
    plugin, no Pillow, or a picture above :data:`RAW_MAX_PIXELS`."""
    from archdesigner.export import png_encode

    program = find_program(doc.engine)
    if program in _NO_RAW_DEVICE or doc.pixels(dpi or 96.0) > RAW_MAX_PIXELS:
        return None
    try:
        import PIL  # noqa: F401  (png_encode converts the BMP's rows with it)
    except ImportError:
        return None
    # Graphviz writes the picture (3 bytes a pixel) into a file that is then mapped, not
    # read: through a pipe it costs this process as much CPU again as the PNG encoding
    with tempfile.TemporaryDirectory(prefix="archdesigner-png-") as tmp:
        path = Path(tmp) / "picture.bmp"
        returncode, _, err = _run(doc, RAW_DEVICE, timeout, dpi, output=path)
        if returncode != 0 and b"not recognized" in err:
            _NO_RAW_DEVICE.add(program)
            return None
        size = path.stat().st_size if path.exists() else 0
        if returncode != 0 or not size:
            raise _failure(doc, returncode, err)
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as bmp:
            try:
                return png_encode.png_from_bmp(bmp)
            except png_encode.BmpError:
                _NO_RAW_DEVICE.add(program)
                return None


_IMAGE_RE = re.compile(r'<image xlink:href="([^"]*)" width="([^"]*)" height="([^"]*)"([^>]*)/>')
_XY_RE = re.compile(r'\b(x|y)="([^"]*)"')


def embed_icons(svg: str, icon_files: dict[str, str]) -> str:
    """Makes Graphviz's SVG self-contained: each icon is defined once (a ``<symbol>`` holding
    the icon as a data URI) and every node refers to it with ``<use>``."""
    from archdesigner.export import icons as icon_mod

    used: dict[str, str] = {}

    def swap(m: re.Match[str]) -> str:
        path = html.unescape(m.group(1))
        kind = icon_files.get(path)
        if kind is None:
            return m.group(0)
        sym = "icon-" + re.sub(r"[^A-Za-z0-9_-]", "_", kind)
        if sym not in used:
            uri = icon_mod.svg_data_uri(kind)
            if uri is None:
                return m.group(0)
            used[sym] = uri
        xy = dict(_XY_RE.findall(m.group(4)))
        wd = m.group(2).removesuffix("px")
        ht = m.group(3).removesuffix("px")
        return (
            f'<use xlink:href="#{sym}" x="{xy.get("x", "0")}" y="{xy.get("y", "0")}" '
            f'width="{wd}" height="{ht}"/>'
        )

    body = _IMAGE_RE.sub(swap, svg)
    if not used:
        return body
    defs = "<defs>" + "".join(
        f'<symbol id="{sym}" viewBox="0 0 100 100"><image width="100" height="100" '
        f'preserveAspectRatio="xMidYMid meet" xlink:href="{uri}"/></symbol>'
        for sym, uri in used.items()
    )
    defs += "</defs>\n"
    at = body.find('<g id="graph0"')
    if at < 0:
        return body
    return body[:at] + defs + body[at:]


# --- the exporters ---------------------------------------------------------------------------

_COMMON_OPTIONS = (
    ExportOption(
        "layout",
        "keep: the positions you drew (default); auto: Graphviz lays the design out",
        "keep",
        LAYOUTS,
    ),
    ExportOption(
        "findings",
        "draw lint findings: nodes with errors outlined red, warnings amber, with a legend",
        False,
        type=bool,
    ),
    ExportOption(
        "load_factor",
        "load multiplier for the lint findings overlay",
        1.0,
        type=float,
        low=1e-6,
        high=1e6,
    ),
)
_RENDER_OPTIONS = (
    ExportOption(
        "timeout",
        "seconds Graphviz may take before the export gives up",
        120.0,
        type=float,
        low=0.1,
        high=86400.0,
    ),
)


def _findings_option(design: Design, options: dict[str, Any]) -> Sequence[Any] | None:
    value = options.get("findings", False)
    if value is None or value is False:
        return None
    if value is True:
        return overlay.run_lint(
            design,
            plugin_dirs=options.get("plugin_dirs") or (),
            load_factor=float(options.get("load_factor", 1.0)),
        )
    if isinstance(value, Sequence) and not isinstance(value, str):
        return value
    raise ExportError("findings must be true, false or a list of findings")


class DotExporter(BaseExporter):
    id: str = "dot"
    name: str = "Graphviz DOT"
    suffixes: tuple[str, ...] = (".dot", ".gv")
    options: tuple[ExportOption, ...] = (
        *_COMMON_OPTIONS,
        ExportOption(
            "icons",
            "png: icons from your cache folder (renders here with any -T format); "
            "svg: the installed SVG icons (-Tsvg only); none: lettered badges, portable",
            "png",
            ("png", "svg", "none"),
        ),
    )

    def export(self, design: Design, **options: Any) -> ExportResult:
        findings = _findings_option(design, options)
        with gc_paused():
            doc = build_dot(
                design,
                layout=str(options.get("layout", "keep")),
                icons=str(options.get("icons", "png")),
                findings=findings,
            )
        return ExportResult(doc.text, doc.report)


#: The longest side of a picture cairo draws; Graphviz shrinks larger drawings to fit.
CAIRO_MAX_PX = 32767
#: A PNG's resolution unless the user sets one: Graphviz's points are canvas units here, so
#: at 72 dpi one image pixel is one canvas unit (Graphviz's own 96 draws 1.78x the pixels:
#: a 300-node design of one tall column was 2,191 x 30,443 px, and cairo's drawing and PNG
#: encoding of them was most of the export's time). Text stays legible: 8.5 pt labels.
PNG_DPI = 72.0


class RenderedExporter(BaseExporter):
    """Renders through Graphviz: ``svg`` (self-contained, icons embedded), ``png``, ``pdf``."""

    fmt: str = ""
    options: tuple[ExportOption, ...] = _COMMON_OPTIONS + _RENDER_OPTIONS

    def export(self, design: Design, **options: Any) -> ExportResult:
        icons = "svg" if self.fmt == "svg" else "png"
        doc = build_dot(
            design,
            layout=str(options.get("layout", "keep")),
            icons=icons,
            findings=_findings_option(design, options),
        )
        dpi = float(options.get("dpi", 0) or 0)
        if self.fmt == "png" and not dpi:
            dpi = PNG_DPI
        data = render(doc, self.fmt, timeout=float(options.get("timeout", 120.0)), dpi=dpi)
        if self.fmt == "svg":
            text = embed_icons(data.decode("utf-8"), doc.icon_files)
            return ExportResult(text, doc.report)
        if self.fmt == "png" and data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
            width, height = struct.unpack(">II", data[16:24])
            if max(width, height) >= CAIRO_MAX_PX - 2:
                doc.report.append(
                    f"the picture reached cairo's limit of {CAIRO_MAX_PX:,} px "
                    f"({width:,} x {height:,}): Graphviz shrank the drawing to fit, so text "
                    "may be too small to read; export SVG or PDF, or lay the design out wider"
                )
            if width * height >= SLOW_PNG_PIXELS and find_program(doc.engine) in _NO_RAW_DEVICE:
                doc.report.append(
                    f"Graphviz lacks its gdk plugin ({RAW_DEVICE}), so it encoded this "
                    f"{width:,} x {height:,} px PNG itself, about twice as slowly; Debian/Ubuntu: "
                    "apt-get install libgvc6-plugins-gtk"
                )
        return ExportResult(data, doc.report)


class SvgExporter(RenderedExporter):
    id: str = "svg"
    name: str = "SVG diagram (Graphviz)"
    suffixes: tuple[str, ...] = (".svg",)
    fmt: str = "svg"


class PngExporter(RenderedExporter):
    id: str = "png"
    name: str = "PNG diagram (Graphviz)"
    suffixes: tuple[str, ...] = (".png",)
    fmt: str = "png"
    options: tuple[ExportOption, ...] = (
        *RenderedExporter.options,
        ExportOption(
            "dpi",
            f"resolution of the image (0: {PNG_DPI:g}, one image pixel per canvas unit; "
            "Graphviz's own default is 96)",
            0.0,
            type=float,
            low=0.0,
            high=2400.0,
        ),
    )


class PdfExporter(RenderedExporter):
    id: str = "pdf"
    name: str = "PDF diagram (Graphviz)"
    suffixes: tuple[str, ...] = (".pdf",)
    fmt: str = "pdf"
