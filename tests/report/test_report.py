"""The review report: self-contained HTML, numbered findings, and figures that are the
linter's and the simulation's own (docs/report.md)."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import html5lib
import pytest

from archdesigner.graph import DesignGraph
from archdesigner.io import load_design
from archdesigner.lint import lint_design
from archdesigner.lint.output.grouped import top_risks
from archdesigner.model import Design, Group, Link, Node
from archdesigner.report import build_review, diagram, write_html, write_json
from archdesigner.report.data import saturation
from archdesigner.report.html import growth_sentence
from archdesigner.ui.simulation import failing_set

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.arch.json"))
WEB_SHOP = ROOT / "resources" / "examples" / "web-shop.arch.json"
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _design(nodes: list[Node], links: list[Link], groups: list[Group] | None = None) -> Design:
    return Design(
        format="archdesigner.design",
        version=1,
        name="hand",
        nodes=nodes,
        links=links,
        groups=groups or [],
    )


def _parse(page: str) -> Any:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(page)


def _section(doc: Any, ident: str) -> Any:
    found = [e for e in doc.iter() if isinstance(e.tag, str) and e.get("id") == ident]
    assert len(found) == 1, ident
    return found[0]


def _texts(elem: Any) -> str:
    return " ".join(t for t in elem.itertext())


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[Design, Any, str]]:
    out = {}
    for path in EXAMPLES:
        design = load_design(path)
        review = build_review(design, path=str(path), content=path.read_bytes())
        out[path.name] = (design, review, write_html(review, design))
    return out


# --- the page ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_page_parses_and_is_self_contained(
    name: str, rendered: dict[str, tuple[Design, Any, str]]
) -> None:
    _, _, page = rendered[name]
    doc = _parse(page)  # strict: a parse error raises
    tags = {e.tag for e in doc.iter() if isinstance(e.tag, str)}
    assert "script" not in tags and f"{SVG}script" not in tags
    assert not tags & {"link", "iframe", "object", "embed", "img", "base"}
    for e in doc.iter():
        if not isinstance(e.tag, str):
            continue
        for attr, value in e.attrib.items():
            if attr in ("href", "src", XLINK_HREF, "action", "srcset", "poster"):
                assert value.startswith(("#", "data:")), (e.tag, attr, value[:60])
            assert not attr.startswith("on"), (e.tag, attr)
    assert not re.search(r"url\(\s*['\"]?(?!#|data:)", page), "CSS must not load anything"
    assert "@import" not in page
    for section in ("summary", "diagram", "failures", "growth", "findings"):
        _section(doc, section)


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_every_finding_is_numbered_on_the_diagram_and_in_the_list(
    name: str, rendered: dict[str, tuple[Design, Any, str]]
) -> None:
    _, review, page = rendered[name]
    doc = _parse(page)
    numbers = {nf.number for nf in review.findings}
    assert numbers == set(range(1, len(review.findings) + 1)) and numbers
    picture = _section(doc, "diagram")
    assert picture.find(f".//{SVG}svg") is not None
    on_picture = {int(n) for n in re.findall(r"#(\d+)\b", _texts(picture))}
    assert numbers <= on_picture
    listed = _section(doc, "findings")
    items = {e.get("id") for e in listed.iter() if isinstance(e.tag, str) and e.tag == "li"}
    assert items == {f"finding-{n}" for n in numbers}
    for nf in review.findings:
        item = next(e for e in listed.iter() if e.get("id") == f"finding-{nf.number}")
        text = _texts(item)
        assert f"#{nf.number}" in text and nf.message in text


def test_findings_follow_lint_order_and_group_by_rule() -> None:
    design = load_design(WEB_SHOP)
    report = lint_design(design)
    review = build_review(design, report=report)
    assert [nf.finding for nf in review.findings] == report.active
    assert [g.rule_id for g in review.groups] == list(
        dict.fromkeys(f.rule_id for f in report.active)
    )
    spf = next(g for g in review.groups if g.rule_id == "SPF001")
    assert "Redundancy is cheap" in spf.explanation  # the rule page's paragraph
    assert "replicas" in spf.how_to_fix
    # the same top risks as the lint output: errors and warnings by impact
    assert [nf.finding for nf in review.summary.top] == top_risks(report.active)
    assert [nf.number for nf in review.summary.top] == [1, 2, 3, 4, 5]
    shown = {nf.subject: nf.label for nf in review.findings}
    assert shown["payment-stripe"] == report.link_labels["payment-stripe"]
    assert shown["shop-db"] == "Shop DB"


# --- the failure table -----------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_failure_table_equals_simulation_and_lint(path: Path) -> None:
    design = load_design(path)
    report = lint_design(design)
    review = build_review(design, report=report)
    graph = DesignGraph(design)
    spf = {f.subject: f for f in report.active if f.rule_id == "SPF001"}
    zone = {f.subject: f for f in report.active if f.rule_id == "SPF002"}
    rows = {(r.scope, r.id): r for r in review.failures}
    clients = {n.id for n in design.nodes if n.kind == "client"}
    zones = {g.id for g in design.groups if g.kind in ("zone", "region")}
    assert set(rows) == {("node", n.id) for n in design.nodes if n.id not in clients} | {
        ("group", g) for g in zones
    }
    for (scope, ident), row in rows.items():
        who = [ident]
        failing = failing_set(design, who, ()) if scope == "node" else failing_set(design, (), who)
        assert row.failing == len(failing)
        assert set(row.entries) == {e for e in graph.entries if e in failing}
        if scope == "node" and ident in spf:
            assert row.spf and spf[ident].evidence["failing_components"] == row.failing
            assert round(row.share, 3) == round(spf[ident].impact, 3)
        if scope == "group" and ident in zone:
            assert row.spf and round(row.share, 3) == round(zone[ident].impact, 3)
        assert row.spf == (ident in (spf if scope == "node" else zone))
    shares = [r.share for r in review.failures]
    assert shares == sorted(shares, reverse=True)


def test_web_shop_failure_table_exact() -> None:
    design = load_design(WEB_SHOP)
    review = build_review(design)
    rows = {r.id: r for r in review.failures}
    # browser 1200 rps and mobile-app 400 rps: W = 1600. Every request passes the gateway
    # and the load balancer; only the browser's go through the CDN (1200 / 1600).
    both = ("browser", "mobile-app")
    assert (rows["gateway"].failing, rows["gateway"].entries, rows["gateway"].share) == (
        4,
        both,
        1.0,
    )
    assert (rows["lb"].failing, rows["lb"].entries, rows["lb"].share) == (3, both, 1.0)
    assert (rows["cdn"].failing, rows["cdn"].entries, rows["cdn"].share) == (2, ("browser",), 0.75)
    shop_db = rows["shop-db"]
    assert (shop_db.failing, shop_db.entries, shop_db.spf) == (7, both, True)
    assert shop_db.share == pytest.approx(2 / 39, abs=1e-12)
    assert shop_db.findings == (2,)
    assert (rows["notification-worker"].failing, rows["notification-worker"].entries) == (1, ())
    assert [r.id for r in review.failures[:3]] == ["gateway", "lb", "cdn"]
    assert sum(r.spf for r in review.failures) == 1


def test_zones_are_rows_with_spf002() -> None:
    nodes = [
        Node(id="web", kind="client", load_rps=30),
        Node(id="mobile", kind="client", load_rps=10),
        Node(id="api", kind="service", replicas=2, group="a"),
        Node(id="db", kind="database", replicas=2, group="b"),
        Node(id="side", kind="service", replicas=2, group="b"),
    ]
    links = [
        Link(id="l1", source="web", target="api"),
        Link(id="l2", source="api", target="db"),
        Link(id="l3", source="mobile", target="side"),
    ]
    groups = [Group(id="a", kind="zone"), Group(id="b", kind="zone")]
    design = _design(nodes, links, groups)
    review = build_review(design)
    rows = {(r.scope, r.id): r for r in review.failures}
    b = rows[("group", "b")]
    assert (b.failing, b.entries, b.spf, b.share) == (5, ("web", "mobile"), True, 1.0)
    a = rows[("group", "a")]
    assert (a.failing, a.entries, a.share) == (2, ("web",), 0.75)
    assert review.failures[0] == b


# --- growth ------------------------------------------------------------------------------------


def _growth_design() -> Design:
    nodes = [
        Node(id="users", kind="client", load_rps=100),
        Node(id="gw", kind="api_gateway", replicas=2, capacity_rps=1000),
        Node(id="a", kind="service", replicas=2, capacity_rps=50),
        Node(id="b", kind="service", replicas=2, capacity_rps=50),
        Node(id="db", kind="database", replicas=2, capacity_rps=400),
        Node(id="idle", kind="service", replicas=2, capacity_rps=10),
        Node(id="mail", kind="external"),
    ]
    links = [
        Link(id="l1", source="users", target="gw"),
        Link(id="l2", source="gw", target="a", calls_per_request=1),
        Link(id="l3", source="gw", target="b", calls_per_request=3),
        Link(id="l4", source="a", target="db", calls_per_request=2),
        Link(id="l5", source="b", target="mail", timeout_ms=500, circuit_breaker=True),
    ]
    return _design(nodes, links)


def test_saturation_multipliers_are_exact_on_a_hand_computed_design() -> None:
    # users send 100 rps to the gateway (capacity 2000), which routes 1:3 to a and b:
    # a gets 25 (capacity 100: 100% at 4x, 80% at 3.2x), b gets 75 (capacity 100: 100% at
    # 4/3 x, 80% at 16/15 x); a calls db twice per request: 50 rps (capacity 800: 16x and
    # 12.8x); the gateway: 100 rps (20x, 16x). idle gets nothing; mail has no capacity.
    review = build_review(_growth_design())
    rows = {s.id: s for s in review.growth.rows}
    want = {
        "b": (75, 100, Fraction(16, 15), Fraction(4, 3)),
        "a": (25, 100, Fraction(16, 5), Fraction(4)),
        "db": (50, 800, Fraction(64, 5), Fraction(16)),
        "gw": (100, 2000, Fraction(16), Fraction(20)),
    }
    for ident, (offered, capacity, at_target, at_full) in want.items():
        s = rows[ident]
        assert (s.offered, s.capacity) == (offered, capacity)
        assert s.at_full == pytest.approx(float(at_full), rel=1e-12)
        assert s.at_target == pytest.approx(float(at_target), rel=1e-12)
    assert [s.id for s in review.growth.rows] == ["b", "a", "db", "gw", "idle"]
    assert rows["idle"].at_full is None and rows["idle"].at_target is None
    assert review.growth.unknown == ["mail"]
    assert review.growth.target == 0.8
    text = growth_sentence(review.growth)
    assert text.startswith("b saturates at 1.33x, a at 4x, db at 16x, gw at 20x")


def test_saturation_uses_the_design_utilization_target() -> None:
    design = _growth_design()
    design.lint.options["CAP002"] = {"max_utilization": 0.5}
    rows = {s.id: s for s in build_review(design).growth.rows}
    assert rows["a"].at_target == pytest.approx(2.0, rel=1e-12)
    assert saturation(0, 10, 0.8) == (None, None)
    assert saturation(40, 100, 0.8) == (2.0, 2.5)


def test_multiplier_crosses_exactly_where_lint_starts_to_fire() -> None:
    design = _growth_design()
    b = {s.id: s for s in build_review(design).growth.rows}["b"]
    assert b.at_full is not None and b.at_target is not None

    def ids(factor: float, rule: str) -> set[str]:
        report = lint_design(design, load_factor=factor)
        return {x.subject for x in report.active if x.rule_id == rule}

    assert "b" not in ids(b.at_full * 0.999, "CAP001") and "b" in ids(b.at_full * 1.001, "CAP001")
    assert "b" not in ids(b.at_target * 0.999, "CAP002")
    assert "b" in ids(b.at_target * 1.001, "CAP002")


# --- JSON, large designs ---------------------------------------------------------------------


def test_json_carries_the_same_data() -> None:
    design = load_design(WEB_SHOP)
    review = build_review(design, path="web-shop.arch.json", content=WEB_SHOP.read_bytes())
    data = write_json(review)
    assert data["version"] == 1
    assert len(data["design"]["sha256"]) == 64
    assert [r["id"] for r in data["failure_table"]] == [r.id for r in review.failures]
    shop = next(r for r in data["failure_table"] if r["id"] == "shop-db")
    assert shop["single_point_of_failure"] and shop["failing_components"] == 7
    sat = {c["id"]: c for c in data["saturation"]["components"]}
    assert sat["checkout"]["saturation_multiplier"] == pytest.approx(48 / (1600 / 39), rel=1e-6)
    assert [f["number"] for f in data["findings"]] == list(range(1, len(review.findings) + 1))


def test_large_design_gets_the_overview_picture() -> None:
    from benchmarks.gen import generate

    design = generate(400, seed=3)
    review = build_review(design)
    picture = diagram(design, review.findings)
    assert not picture.full and picture.svg.startswith("<svg")
    assert "overview" in picture.note
    page = write_html(review, design, picture)
    _parse(page)
