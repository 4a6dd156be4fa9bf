"""The shipped example designs: valid, canonical, readable on the canvas, and telling the
story their README promises (exactly the listed findings of the built-in rules)."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import pytest

from archdesigner.io import dumps_design, load_design
from archdesigner.lint import builtin_rules, lint_design
from archdesigner.model.design import Design
from archdesigner.resources import example_paths, new_design

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"
FIXED = EXAMPLES / "fixed" / "web-shop-fixed.arch.json"
ALL = [*sorted(EXAMPLES.glob("*.arch.json")), FIXED]
CARD_W, CARD_H = 180, 64  # a node card on the canvas, centred on its position
GROUP_PAD, GROUP_HEADER = 24, 26  # a group box around its members' cards

# (rule id, subject) of every finding the built-in rules report, as README.md lists them
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "web-shop": {
        ("SPF001", "shop-db"),
        ("SCL002", "cart"),
        ("CAP002", "checkout"),
        ("DAT001", "shop-db"),
        ("RES004", "payment-stripe"),
    },
    "web-shop-fixed": set(),
    "media-streaming": {
        ("SPF002", "zone-a"),
        ("SCL004", "metadata-db"),
        ("DAT001", "metadata-db"),
        ("SCL005", "creator-studio"),
    },
    "order-pipeline": {
        ("RES001", "inventory-svc"),
        ("RES003", "storefront"),
        ("RES003", "partner-edi"),
        ("DAT002", "shipping-worker-orders-db"),
        ("DAT001", "orders-db"),
    },
}


def _name(path: Path) -> str:
    return path.name.removesuffix(".arch.json")


def _findings(design: Design, load_factor: float = 1.0) -> set[tuple[str, str]]:
    report = lint_design(design, rules=builtin_rules(), load_factor=load_factor)
    assert not report.errors
    return {(f.rule_id, f.subject) for f in report.active}


def test_the_three_examples_are_the_templates() -> None:
    assert [_name(p) for p in example_paths()] == [
        "media-streaming",
        "order-pipeline",
        "web-shop",
    ]
    assert FIXED.is_file()


@pytest.mark.parametrize("path", ALL, ids=_name)
def test_example_is_valid_and_canonical(path: Path) -> None:
    design = load_design(path)
    # saving it again changes nothing: the file is what the app writes
    assert dumps_design(design).encode("utf-8") == path.read_bytes()
    assert 10 <= len(design.nodes) <= 40
    assert design.name and design.description
    assert design.links and design.groups


@pytest.mark.parametrize("path", ALL, ids=_name)
def test_example_cards_do_not_overlap(path: Path) -> None:
    nodes = load_design(path).nodes
    for a, b in combinations(nodes, 2):
        apart_x = abs(a.position.x - b.position.x) >= CARD_W
        apart_y = abs(a.position.y - b.position.y) >= CARD_H
        assert apart_x or apart_y, f"{a.id} and {b.id} overlap on the canvas"


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("path", ALL, ids=_name)
def test_group_areas_hold_only_their_members(path: Path) -> None:
    """The canvas draws a group as a box around its members (padding and a header line, as
    in ui/theme.py); no other card may sit in that box and unrelated boxes may not touch."""
    design = load_design(path)
    children: dict[str, set[str]] = {g.id: set() for g in design.groups}
    parents = {g.id: g.parent for g in design.groups}
    for g in design.groups:
        if g.parent:
            children[g.parent].add(g.id)

    def card(nid: str) -> Box:
        p = pos[nid]
        return (p.x - CARD_W / 2, p.y - CARD_H / 2, p.x + CARD_W / 2, p.y + CARD_H / 2)

    def area(gid: str) -> Box:
        boxes = [card(n.id) for n in design.nodes if n.group == gid]
        boxes += [area(child) for child in children[gid]]
        assert boxes, f"group {gid} is empty"
        return (
            min(b[0] for b in boxes) - GROUP_PAD,
            min(b[1] for b in boxes) - GROUP_PAD - GROUP_HEADER,
            max(b[2] for b in boxes) + GROUP_PAD,
            max(b[3] for b in boxes) + GROUP_PAD,
        )

    def ancestors(gid: str | None) -> set[str]:
        out: set[str] = set()
        while gid is not None:
            out.add(gid)
            gid = parents[gid]
        return out

    pos = {n.id: n.position for n in design.nodes}
    areas = {g.id: area(g.id) for g in design.groups}
    for gid, box in areas.items():
        for n in design.nodes:
            if gid not in ancestors(n.group):
                assert not _overlap(card(n.id), box), f"{n.id} sits in the box of group {gid}"
    for a, b in combinations(areas, 2):
        if a not in ancestors(b) and b not in ancestors(a):
            assert not _overlap(areas[a], areas[b]), f"groups {a} and {b} overlap"


@pytest.mark.parametrize("path", ALL, ids=_name)
def test_example_findings_are_the_ones_documented(path: Path) -> None:
    assert _findings(load_design(path)) == EXPECTED[_name(path)]


def test_readme_lists_every_expected_finding() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", readme, flags=re.M)
    for name, expected in EXPECTED.items():
        section = next(s for s in sections if f"{name}.arch.json" in s.partition("\n")[0])
        for rule_id, subject in expected:
            assert re.search(rf"{rule_id} \(\w+\) \| \w+ `{re.escape(subject)}`", section), (
                f"README.md does not list {rule_id} on {subject} for {name}"
            )


def test_fixed_web_shop_is_the_same_shop() -> None:
    broken = load_design(EXAMPLES / "web-shop.arch.json")
    fixed = load_design(FIXED)
    kept = {n.id for n in broken.nodes} - {"shop-db"}
    assert kept <= {n.id for n in fixed.nodes}
    assert {g.id for g in broken.groups} == {g.id for g in fixed.groups}


def test_web_shop_when_traffic_doubles() -> None:
    found = _findings(load_design(EXAMPLES / "web-shop.arch.json"), load_factor=2.0)
    overloaded = {subject for rule_id, subject in found if rule_id == "CAP001"}
    assert overloaded == {"catalog", "accounts", "cart", "checkout"}
    assert ("CAP002", "checkout") not in found


def test_new_design_from_template_copies_the_example() -> None:
    design = new_design("order-pipeline", "My pipeline")
    assert design.name == "My pipeline"
    assert len(design.nodes) == len(load_design(EXAMPLES / "order-pipeline.arch.json").nodes)
