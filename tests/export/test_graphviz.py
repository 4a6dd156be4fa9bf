"""Graphviz export, checked by the real Graphviz programs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from archdesigner.export import ExportError
from archdesigner.export.graphviz import (
    LARGE_DESIGN,
    DotExporter,
    PdfExporter,
    PngExporter,
    SvgExporter,
    build_dot,
    fit_scale,
)
from archdesigner.io import load_design
from archdesigner.model.design import Design

from .conftest import DESIGN_IDS, DESIGN_PATHS, graphviz_check

SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


@dataclass
class F:
    """A finding as the lint engine reports it (for tests that build their own)."""

    rule_id: str
    severity: str
    subject: str
    subject_type: str
    message: str
    suppressed: bool = False


def svg_tree(design: Design, **options: object) -> ET.Element:
    text = SvgExporter().export(design, **options).data
    assert isinstance(text, str)
    return ET.fromstring(text)


def node_groups(root: ET.Element) -> dict[str, ET.Element]:
    return {
        g.get("id", "")[len("node-") :]: g
        for g in root.iter(f"{SVG_NS}g")
        if "node" in (g.get("class") or "").split() and g.get("id", "").startswith("node-")
    }


def all_text(el: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in el.iter(f"{SVG_NS}text"))


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=DESIGN_IDS)
@pytest.mark.parametrize("layout", ["keep", "auto"])
def test_dot_output_is_accepted_by_graphviz(path: Path, layout: str) -> None:
    design = load_design(path)
    dot = DotExporter().export(design, layout=layout).data
    assert isinstance(dot, str)
    # keep: what the file's first line says (neato -n2); any DOT file must also pass 'dot'
    programs = [("dot", ())] + ([("neato", ("-n2",))] if layout == "keep" else [])
    for program, args in programs:
        proc = graphviz_check(dot, program, *args)
        assert proc.returncode == 0, proc.stderr.decode()
        assert b"Error" not in proc.stderr, proc.stderr.decode()


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=DESIGN_IDS)
def test_every_design_renders_to_svg_png_and_pdf(path: Path) -> None:
    design = load_design(path)
    root = svg_tree(design)
    assert set(node_groups(root)) == {n.id for n in design.nodes}
    png = PngExporter().export(design).data
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n")
    pdf = PdfExporter().export(design).data
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")


def test_svg_is_self_contained_with_icons_ids_and_labels(shop: Design) -> None:
    text = SvgExporter().export(shop).data
    assert isinstance(text, str)
    root = ET.fromstring(text)
    hrefs = [el.get(XLINK) or "" for el in root.iter() if el.get(XLINK) is not None]
    # nothing points outside the file: icons are data URIs, nodes <use> them
    assert all(h.startswith(("data:image/svg+xml;base64,", "#")) for h in hrefs), hrefs
    symbols = {s.get("id") for s in root.iter(f"{SVG_NS}symbol")}
    assert {"icon-database", "icon-service", "icon-queue", "icon-client"} <= symbols
    groups = node_groups(root)
    orders = groups["orders"]
    assert [u.get(XLINK) for u in orders.iter(f"{SVG_NS}use")] == ["#icon-service"]
    assert "Orders API" in all_text(orders)
    assert "x3" in all_text(orders)
    assert "PostgreSQL" in all_text(groups["orders-db"]) and "x2" in all_text(groups["orders-db"])
    assert "x2-8 auto" in all_text(groups["catalog"])
    # groups are clusters with their names
    clusters = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "cluster"]
    names = " ".join(all_text(c) for c in clusters)
    for label in ("eu-west-1", "DMZ", "Zone A (app)", "Data network"):
        assert label in names
    # links carry ids and labels; async links are dashed, sync ones are not
    edges = {g.get("id"): g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "edge"}
    assert "order placed" in all_text(edges["link-l7"])
    dashed = [p.get("stroke-dasharray") for p in edges["link-l7"].iter(f"{SVG_NS}path")]
    assert dashed and all(dashed)
    solid = [p.get("stroke-dasharray") for p in edges["link-l6"].iter(f"{SVG_NS}path")]
    assert solid and not any(solid)
    assert "sql" in all_text(edges["link-l6"])


def test_keep_layout_follows_the_drawn_positions(shop: Design) -> None:
    root = svg_tree(shop)
    groups = node_groups(root)

    def centre(nid: str) -> tuple[float, float]:
        icon = next(groups[nid].iter(f"{SVG_NS}use"))  # every card has its icon at the left
        return float(icon.get("x", "nan")), float(icon.get("y", "nan"))

    for a in shop.nodes:
        for b in shop.nodes:
            ax, ay = centre(a.id)
            bx, by = centre(b.id)
            if a.position.x < b.position.x:
                assert ax < bx, (a.id, b.id)
            if a.position.y < b.position.y:  # canvas y grows downwards, like SVG's
                assert ay < by, (a.id, b.id)


def test_cards_do_not_overlap_even_when_drawn_close() -> None:
    # the canvas has 60 px between these centres, far less than a card is wide
    design = Design.model_validate(
        {
            "format": "archdesigner.design",
            "version": 1,
            "nodes": [
                {"id": f"n{i}", "kind": "service", "name": f"Service number {i}",
                 "position": {"x": (i % 3) * 60, "y": (i // 3) * 30}}
                for i in range(9)
            ],
        }
    )  # fmt: skip
    doc = build_dot(design, icons="none")
    pos = [tuple(map(float, p.split(","))) for p in re.findall(r'pos="([^"]+)"', doc.text)]
    width = float(re.search(r'WIDTH="(\d+)"', doc.text).group(1)) + 8  # type: ignore[union-attr]
    for i, (x1, y1) in enumerate(pos):
        for x2, y2 in pos[i + 1 :]:
            assert abs(x1 - x2) >= width or abs(y1 - y2) >= 40


def test_fit_scale_separates_neighbours_and_never_shrinks() -> None:
    assert fit_scale([(0, 0), (1000, 0)], 200, 50) == (1.0, 1.0)
    sx, sy = fit_scale([(0, 0), (100, 0)], 200, 50)
    assert sx == pytest.approx(2.0) and sy == 1.0
    sx, sy = fit_scale([(0, 0), (0, 20)], 200, 50)
    assert sx == 1.0 and sy == pytest.approx(2.5)
    # the same spot twice cannot be separated by scaling: left alone
    assert fit_scale([(5, 5), (5, 5)], 200, 50) == (1.0, 1.0)


def test_hostile_names_come_out_escaped_and_render(hostile: Design) -> None:
    text = SvgExporter().export(hostile).data
    assert isinstance(text, str)
    root = ET.fromstring(text)  # well-formed XML despite every name
    shown = all_text(root)
    assert 'He said "hi" \\ back\\slash' in shown
    assert "<b>bold</b> & <i>&amp;</i>" in shown
    assert "\\N \\G \\L \\n literal escapes" in shown  # not expanded to the node's name
    assert "line one line two three tab" in shown
    assert "ünïcödé 中文" in shown
    dot = DotExporter().export(hostile).data
    assert isinstance(dot, str)
    proc = graphviz_check(dot, "neato", "-n2")
    assert proc.returncode == 0 and b"Warning" not in proc.stderr, proc.stderr.decode()


def test_auto_layout_uses_dot_left_to_right_and_sfdp_when_large() -> None:
    small = Design.model_validate(
        {"format": "archdesigner.design", "version": 1,
         "nodes": [{"id": "a", "kind": "service"}, {"id": "b", "kind": "database"}],
         "links": [{"id": "l", "source": "a", "target": "b"}]}
    )  # fmt: skip
    doc = build_dot(small, layout="auto", icons="none")
    assert doc.engine == "dot" and 'rankdir="LR"' in doc.text and "pos=" not in doc.text
    big = Design.model_validate(
        {"format": "archdesigner.design", "version": 1,
         "nodes": [{"id": f"n{i}", "kind": "service"} for i in range(LARGE_DESIGN + 1)],
         "groups": [{"id": "g"}]}
    )  # fmt: skip
    doc = build_dot(big, layout="auto", icons="none")
    assert doc.engine == "sfdp"
    assert any("sfdp" in line for line in doc.report)
    with pytest.raises(ExportError, match="unknown layout"):
        build_dot(small, layout="sideways")


def test_a_missing_graphviz_is_a_clear_error(shop: Design, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ExportError) as err:
        SvgExporter().export(shop)
    message = str(err.value)
    assert "'neato' program was not found" in message and "apt-get install graphviz" in message
    # DOT text needs no Graphviz at all
    assert isinstance(DotExporter().export(shop).data, str)


def test_findings_overlay_outlines_nodes_and_draws_a_legend(shop: Design) -> None:
    findings = [
        F("SPF001", "error", "orders-db", "node", "single point of failure"),
        F("CAP002", "warning", "catalog", "node", "runs hot"),
        F("RES004", "warning", "l9", "link", "no timeout"),
        F("XYZ", "error", "billing", "node", "suppressed one", suppressed=True),
        F("INF1", "info", "orders", "node", "just so you know"),
        F("GRP1", "warning", "data", "group", "group finding"),
    ]
    root = svg_tree(shop, findings=findings)
    groups = node_groups(root)

    def strokes(el: ET.Element) -> set[str]:
        return {
            p.get("stroke", "") for p in el.iter() if p.tag in (f"{SVG_NS}path", f"{SVG_NS}polygon")
        }

    assert "#d32f2f" in strokes(groups["orders-db"]) and "SPF001" in all_text(groups["orders-db"])
    assert "#f0a000" in strokes(groups["catalog"]) and "CAP002" in all_text(groups["catalog"])
    assert not {"#d32f2f", "#f0a000"} & strokes(groups["billing"])  # suppressed: not drawn
    assert not {"#d32f2f", "#f0a000"} & strokes(groups["orders"])  # info: listed, not outlined
    assert "INF1" in all_text(groups["orders"])
    edge = next(g for g in root.iter(f"{SVG_NS}g") if g.get("id") == "link-l9")
    assert "#f0a000" in strokes(edge)
    cluster = next(g for g in root.iter(f"{SVG_NS}g") if g.get("id") == "group-data")
    assert "#f0a000" in strokes(cluster)
    legend = all_text(root)
    assert "error: outlined red (1)" in legend and "warning: outlined amber (3)" in legend


def test_findings_overlay_runs_the_lint_engine(shop: Design) -> None:
    pytest.importorskip("archdesigner.lint")
    from archdesigner.lint import lint_design

    report = lint_design(shop)
    worst = {f.subject for f in report.findings if f.severity == "error" and not f.suppressed}
    root = svg_tree(shop, findings=True)
    groups = node_groups(root)
    for nid in worst & set(groups):
        reds = {p.get("stroke") for p in groups[nid].iter(f"{SVG_NS}path")}
        assert "#d32f2f" in reds, nid
    assert "error: outlined red" in all_text(root)


def _label_boxes(
    root: ET.Element,
) -> tuple[list[tuple[str, tuple[float, ...]]], list[tuple[str, tuple[float, ...]]]]:
    """Text boxes of link and cluster labels, and card boxes, from Graphviz's SVG."""
    from archdesigner.export.text import text_width

    labels = []
    cards = []
    for g in root.iter(f"{SVG_NS}g"):
        cls = (g.get("class") or "").split()
        if "edge" in cls or "cluster" in cls:
            for t in g.iter(f"{SVG_NS}text"):
                x, y = float(t.get("x", 0)), float(t.get("y", 0))
                size = float(t.get("font-size", 14))
                width = text_width("".join(t.itertext()), size) * 0.9
                x0 = x - width / 2 if t.get("text-anchor") == "middle" else x
                labels.append((g.get("id", ""), (x0, y - size * 0.8, x0 + width, y + size * 0.2)))
        elif "node" in cls:
            nums = []
            for p in g.iter():
                if p.tag in (f"{SVG_NS}path", f"{SVG_NS}polygon"):
                    shape = p.get("d") or p.get("points") or ""
                    nums += [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shape)]
            cards.append(
                (
                    g.get("id", ""),
                    (min(nums[0::2]), min(nums[1::2]), max(nums[0::2]), max(nums[1::2])),
                )
            )
    return labels, cards


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=DESIGN_IDS)
def test_labels_do_not_overlap_cards_or_each_other(path: Path) -> None:
    root = svg_tree(load_design(path))
    labels, cards = _label_boxes(root)
    problems = []
    for i, (owner, box) in enumerate(labels):
        problems += [f"{owner} label on {card}" for card, cb in cards if _overlap(box, cb)]
        problems += [
            f"{owner} label on {other} label"
            for other, ob in labels[i + 1 :]
            if other != owner and _overlap(box, ob)
        ]
    assert problems == []


def test_a_long_link_label_between_close_nodes_stays_off_the_cards() -> None:
    design = Design.model_validate(
        {"format": "archdesigner.design", "version": 1,
         "nodes": [{"id": "a", "kind": "service", "position": {"x": 0, "y": 0}},
                   {"id": "b", "kind": "service", "position": {"x": 200, "y": 0}}],
         "links": [{"id": "l", "source": "a", "target": "b",
                    "label": "a very long label indeed that cannot fit in the gap at all"}]}
    )  # fmt: skip
    labels, cards = _label_boxes(svg_tree(design))
    assert [(o, c) for o, b in labels for c, cb in cards if _overlap(b, cb)] == []


def test_dot_icons_option(shop: Design) -> None:
    with_icons = DotExporter().export(shop).data
    portable = DotExporter().export(shop, icons="none").data
    assert isinstance(with_icons, str) and isinstance(portable, str)
    assert with_icons.count("<IMG ") == len(shop.nodes)
    assert "<IMG " not in portable
    assert graphviz_check(portable, "neato", "-n2").returncode == 0
    with pytest.raises(ExportError, match="unknown icons"):
        DotExporter().export(shop, icons="gif")


def test_without_the_rasterizer_png_still_renders_with_badges(
    shop: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archdesigner.export import icons

    monkeypatch.setattr(icons, "_raster_available", lambda: False)
    result = PngExporter().export(shop)
    assert isinstance(result.data, bytes) and result.data.startswith(b"\x89PNG")
    assert any("resvg-py is not installed" in line for line in result.report)


def _numbers(text: str) -> list[tuple[float, float]]:
    vals = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]
    return list(zip(vals[::2], vals[1::2], strict=False))


def test_kept_positions_draw_the_routers_routes_around_cards() -> None:
    """A link whose straight line would cross a card is drawn around it, by neato -n2
    from the edge positions the router gives (Graphviz does no routing of its own)."""
    from archdesigner.model.design import Link, Node

    nodes = [Node(id=i, kind="service") for i in ("a", "mid", "b")]
    for k, node in enumerate(nodes):
        node.position.x = 300.0 * k
    design = Design(
        format="archdesigner.design",
        version=1,
        name="",
        nodes=nodes,
        links=[Link(id="l1", source="a", target="b", protocol="http")],
    )
    doc = build_dot(design, icons="none")
    assert re.search(r'"a" -> "b" \[.*pos="e,[-\d.]+,[-\d.]+ ', doc.text)
    root = svg_tree(design)
    boxes = {}
    for nid, g in node_groups(root).items():
        pts = [p for el in g.iter() for p in _numbers(el.get("d") or el.get("points") or "")]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        boxes[nid] = (min(xs), min(ys), max(xs), max(ys))
    edge = next(g for g in root.iter(f"{SVG_NS}g") if g.get("id") == "link-l1")
    path = next(el for el in edge.iter(f"{SVG_NS}path"))
    ctrl = _numbers(path.get("d") or "")
    route = []  # points along the drawn Bezier pieces
    for i in range(0, len(ctrl) - 3, 3):
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = ctrl[i : i + 4]
        for k in range(21):
            t = k / 20
            m = 1 - t
            w = (m * m * m, 3 * m * m * t, 3 * m * t * t, t * t * t)
            route.append(
                (
                    w[0] * ax + w[1] * bx + w[2] * cx + w[3] * dx,
                    w[0] * ay + w[1] * by + w[2] * cy + w[3] * dy,
                )
            )
    x0, y0, x1, y1 = boxes["mid"]
    assert route and not any(x0 < x < x1 and y0 < y < y1 for x, y in route)
    assert any(x0 < x < x1 for x, _ in route)  # it went around, not elsewhere
