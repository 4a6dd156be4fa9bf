"""The automatic layout: layered left to right, groups together, no overlaps, any size."""

from __future__ import annotations

import itertools
import random
import shutil
from typing import Any

import pytest

from archdesigner.layout import (
    DOT_UP_TO,
    NODE_HEIGHT,
    NODE_WIDTH,
    auto_layout,
    dot_text,
    layered_layout,
)
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


def tiered(tiers: int, width: int, fan_out: int, seed: int = 5) -> Design:
    """``tiers`` columns of ``width`` nodes, each linked to ``fan_out`` random nodes of the
    next column, listed in a shuffled order."""
    rng = random.Random(seed)
    kinds = ["client", "load_balancer", "service", "worker", "cache", "database"]
    ids = [[f"t{i}n{j}" for j in range(width)] for i in range(tiers)]
    design = Design.empty("tiers")
    design.nodes = [
        Node(id=x, kind=kinds[min(i, len(kinds) - 1)]) for i in range(tiers) for x in ids[i]
    ]
    seen: set[tuple[str, str]] = set()
    for i in range(tiers - 1):
        for a in ids[i]:
            for _ in range(fan_out):
                b = rng.choice(ids[i + 1])
                if (a, b) not in seen:
                    seen.add((a, b))
                    design.links.append(Link(id=f"l{len(seen)}", source=a, target=b))
    rng.shuffle(design.nodes)
    return design


def ordering_crossings(design: Design, sweeps: int) -> int:
    from archdesigner import layout
    from archdesigner.model import catalog

    nodes = design.nodes
    index = {node.id: i for i, node in enumerate(nodes)}
    rank = [catalog.layout_rank(node.kind) for node in nodes]
    succ: list[list[int]] = [[] for _ in nodes]
    for link in design.links:
        succ[index[link.source]].append(index[link.target])
    dag = layout._break_cycles(succ, sorted(range(len(nodes)), key=lambda i: (rank[i], i)))
    layer = layout._layers(dag, rank)
    return layout.crossings(dag, layer, layout._order(dag, layer, rank, sweeps))


@pytest.mark.parametrize(
    "design",
    [tiered(5, 12, 2), tiered(6, 50, 2), make_design(2000, 5000, seed=3, cycles=True)],
    ids=["tiers-60", "tiers-300", "random-2000"],
)
def test_more_sweeps_cross_fewer_links_than_the_two_of_before(design: Design) -> None:
    before = ordering_crossings(design, 1)  # one sweep down and one up, as before
    after = ordering_crossings(design, 8)
    assert after < before * 0.93, (before, after)


def test_crossings_are_counted_as_a_brute_force_count_does() -> None:
    from archdesigner.layout import crossings

    rng = random.Random(9)
    for _ in range(30):
        n = 12
        layer = [rng.randrange(3) for _ in range(n)]
        pos = [rng.random() for _ in range(n)]
        dag: list[list[int]] = [[] for _ in range(n)]
        for v in range(n):
            for w in range(n):
                if layer[w] > layer[v] and rng.random() < 0.3:
                    dag[v].append(w)
        edges = [(v, w) for v in range(n) for w in dag[v]]
        brute = sum(
            1
            for (a, b), (c, d) in itertools.combinations(edges, 2)
            if (layer[a], layer[b]) == (layer[c], layer[d])
            and a != c
            and b != d
            and (pos[a] - pos[c]) * (pos[b] - pos[d]) < 0
        )
        assert crossings(dag, layer, pos) == brute


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")


@needs_dot
def test_dot_lays_out_left_to_right_without_overlaps() -> None:
    design = make_design(60, 120, groups=4, seed=2)
    pos, how = auto_layout(design)
    assert how == "dot" and set(pos) == {n.id for n in design.nodes}
    assert_no_overlaps(pos)
    for link in design.links:  # no cycles here: every link runs left to right
        assert pos[link.source][0] < pos[link.target][0], link.id


def test_without_dot_or_beyond_its_size_the_layered_layout_is_used(monkeypatch: Any) -> None:
    design = make_design(30, 50)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert auto_layout(design) == (layered_layout(design), "layered")
    monkeypatch.undo()
    big = make_design(DOT_UP_TO + 1, 400)
    assert auto_layout(big)[1] == "layered"


def test_dot_gets_nested_groups_as_nested_clusters() -> None:
    design = Design.empty()
    design.groups = [
        Group(id="outer", kind="region"),
        Group(id="inner", kind="zone", parent="outer"),
    ]
    design.nodes = [Node(id="a", kind="service", group="inner"), Node(id="b", kind="database"),
                    Node(id="c", kind="cache", group="outer")]  # fmt: skip
    design.links = [Link(id="ab", source="a", target="b")]
    text, order = dot_text(design)
    assert order == ["a", "b", "c"]
    outer, inner = text.index("subgraph cluster_1"), text.index("subgraph cluster_0")
    assert outer < inner < text.index("n0;") < text.index("}", inner)  # a inside inner
    assert "n0 -> n1;" in text
