"""The automatic layout: layered left to right, groups together, no overlaps, any size."""

from __future__ import annotations

import itertools
import random

import pytest

from archdesigner.layout import NODE_HEIGHT, NODE_WIDTH, layered_layout
from archdesigner.model.design import Design, Group, Link, Node, Position

KINDS = ["client", "load_balancer", "service", "service", "worker", "queue", "cache", "database"]


def make_design(n: int, links: int, groups: int = 0, seed: int = 1, cycles: bool = False) -> Design:
    rng = random.Random(seed)
    design = Design.empty("random")
    design.groups = [Group(id=f"g{i}", kind="network") for i in range(groups)]
    design.nodes = [
        Node(
            id=f"n{i}",
            kind=KINDS[min(len(KINDS) - 1, i * len(KINDS) // n)],
            group=f"g{rng.randrange(groups)}" if groups and rng.random() < 0.8 else None,
        )
        for i in range(n)
    ]
    seen = set()
    for _ in range(links):
        a, b = rng.randrange(n), rng.randrange(n)
        if not cycles and a > b:
            a, b = b, a
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            design.links.append(Link(id=f"l{len(seen)}", source=f"n{a}", target=f"n{b}"))
    return design


def boxes_overlap(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return abs(p[0] - q[0]) < NODE_WIDTH + 20 and abs(p[1] - q[1]) < NODE_HEIGHT + 20


def assert_no_overlaps(pos: dict[str, tuple[float, float]]) -> None:
    # a grid bucket per card-sized cell keeps this check linear
    cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for p in pos.values():
        cx, cy = int(p[0] // 200), int(p[1] // 84)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for q in cells.get((cx + dx, cy + dy), []):
                    assert not boxes_overlap(p, q), (p, q)
        cells.setdefault((cx, cy), []).append(p)


def test_a_chain_runs_left_to_right() -> None:
    design = Design.empty()
    design.nodes = [Node(id=i, kind=k) for i, k in
                    [("web", "client"), ("lb", "load_balancer"), ("api", "service"),
                     ("db", "database")]]  # fmt: skip
    design.links = [Link(id=f"{a}-{b}", source=a, target=b)
                    for a, b in [("web", "lb"), ("lb", "api"), ("api", "db")]]  # fmt: skip
    pos = layered_layout(design)
    xs = [pos[i][0] for i in ("web", "lb", "api", "db")]
    assert xs == sorted(xs) and len(set(xs)) == 4
    assert {pos[i][1] for i in pos} == {0.0}
    assert pos["web"] == (0.0, 0.0)


def test_nodes_without_links_are_placed_by_kind() -> None:
    design = Design.empty()
    design.nodes = [Node(id="db", kind="database"), Node(id="api", kind="service"),
                    Node(id="lb", kind="load_balancer")]  # fmt: skip
    pos = layered_layout(design)
    assert pos["lb"][0] < pos["api"][0] < pos["db"][0]


@pytest.mark.parametrize(("n", "links", "groups", "cycles"),
                         [(12, 20, 0, False), (60, 120, 4, True), (400, 900, 7, True),
                          (1500, 3000, 0, False)])  # fmt: skip
def test_no_overlaps_and_groups_keep_to_their_own_band(
    n: int, links: int, groups: int, cycles: bool
) -> None:
    design = make_design(n, links, groups, cycles=cycles)
    pos = layered_layout(design)
    assert set(pos) == {node.id for node in design.nodes}
    assert_no_overlaps(pos)
    # the vertical extents of different groups do not overlap: each group is one band
    extents: dict[str | None, tuple[float, float]] = {}
    for node in design.nodes:
        y = pos[node.id][1]
        lo, hi = extents.get(node.group, (y, y))
        extents[node.group] = (min(lo, y), max(hi, y))
    spans = sorted(extents.values())
    for (_, hi), (lo, _) in itertools.pairwise(spans):
        assert hi < lo
    # links point left to right except those that close a cycle
    if not cycles:
        for link in design.links:
            assert pos[link.source][0] < pos[link.target][0]


def test_large_designs_keep_a_screen_like_shape() -> None:
    design = make_design(3000, 6000, 5)
    pos = layered_layout(design)
    width = max(p[0] for p in pos.values()) - min(p[0] for p in pos.values())
    height = max(p[1] for p in pos.values()) - min(p[1] for p in pos.values())
    assert 0.4 < width / height < 6


def test_nested_groups_stay_inside_their_parent_band() -> None:
    design = Design.empty()
    design.groups = [Group(id="region", kind="region"), Group(id="zone-a", kind="zone",
                     parent="region"), Group(id="zone-b", kind="zone", parent="region"),
                     Group(id="other", kind="network")]  # fmt: skip
    groups = ["zone-a", "other", "zone-b", None, "region"]
    design.nodes = [Node(id=f"n{i}", kind="service", group=groups[i % 5]) for i in range(25)]
    pos = layered_layout(design)
    region = [pos[n.id][1] for n in design.nodes if n.group in ("region", "zone-a", "zone-b")]
    other = [pos[n.id][1] for n in design.nodes if n.group == "other"]
    assert max(region) < min(other) or max(other) < min(region)


def test_a_selection_is_laid_out_where_it_was() -> None:
    design = make_design(30, 50)
    for i, node in enumerate(design.nodes):
        node.position = Position(x=1000 + i * 7, y=-500 + i * 3)
    chosen = [f"n{i}" for i in range(5, 15)]
    pos = layered_layout(design, chosen)
    assert set(pos) == set(chosen)
    assert min(p[0] for p in pos.values()) == 1000 + 5 * 7
    assert min(p[1] for p in pos.values()) == -500 + 5 * 3
    assert_no_overlaps(pos)


def test_layout_is_deterministic_and_pure() -> None:
    design = make_design(200, 400, 3, cycles=True)
    before = design.model_dump()
    assert layered_layout(design) == layered_layout(design)
    assert design.model_dump() == before
    assert layered_layout(Design.empty()) == {}


def test_unlinked_entries_go_first_and_unlinked_outside_systems_last() -> None:
    design = make_design(20, 30)
    design.nodes += [Node(id="edge", kind="api_gateway"), Node(id="mail", kind="external")]
    pos = layered_layout(design)
    linked_xs = [pos[f"n{i}"][0] for i in range(20)]
    assert pos["edge"][0] == min(linked_xs)
    assert pos["mail"][0] == max(linked_xs)
