"""The networkx view of a design and the shared queries."""

from __future__ import annotations

import random

from archdesigner.graph import (
    Condensation,
    DesignGraph,
    _tarjan,
    build_graph,
    condense,
    condense_subgraph,
)
from archdesigner.model import Design, Link, Node


def design() -> Design:
    d = Design.empty()
    d.nodes = [
        Node(id="web", kind="client"),
        Node(id="cron", kind="worker", load_rps=5),
        Node(id="api", kind="service"),
        Node(id="db", kind="database"),
        Node(id="mail", kind="external"),
        Node(id="a", kind="service"),
        Node(id="b", kind="service"),
    ]
    d.links = [
        Link(id="l1", source="web", target="api"),
        Link(id="l1b", source="web", target="api", protocol="grpc"),
        Link(id="l2", source="api", target="db"),
        Link(id="l3", source="api", target="mail", required=False),
        Link(id="l4", source="cron", target="db", mode="async"),
        Link(id="l5", source="a", target="b"),
        Link(id="l6", source="b", target="a"),
    ]
    return d


def test_multigraph_keeps_parallel_links_by_id() -> None:
    g = build_graph(design())
    assert g.number_of_edges("web", "api") == 2
    assert set(g["web"]["api"]) == {"l1", "l1b"}
    assert g.nodes["db"]["node"].kind == "database"
    assert g["api"]["db"]["l2"]["link"].id == "l2"


def test_entries_required_graph_and_fails_with() -> None:
    dg = DesignGraph(design())
    assert dg.entries == ["web", "cron"]
    assert not dg.required_graph.has_edge("api", "mail")
    assert dg.fails_with("db") == {"db", "api", "web", "cron"}
    assert dg.fails_with("mail") == {"mail"}
    assert dg.reachable_from(["web"]) == {"web", "api", "db"}
    assert not dg.sync_graph.has_edge("cron", "db")


def test_cycles_share_a_component_and_fail_together() -> None:
    dg = DesignGraph(design())
    assert dg.component_of("a") == dg.component_of("b")
    for nid in dg.nodes:
        failing = dg.fails_with(nid)
        assert dg.blast_radius(nid) == len(failing)
        assert dg.stopping_entries(nid) == [e for e in dg.entries if e in failing]


def test_back_edges_leave_a_graph_without_cycles_and_keep_every_other_edge() -> None:
    from archdesigner.graph import back_edges

    succ = {"a": ["b"], "b": ["c", "d"], "c": ["a", "d"], "d": ["b"], "e": ["e", "a"]}
    back = back_edges(["a", "e"], succ.__getitem__)
    # depth-first from a: a-b-c, c->a closes a cycle, c-d, d->b closes one; e->e is a loop
    assert back == [("c", "a"), ("d", "b"), ("e", "e")]
    kept = {v: [w for w in ws if (v, w) not in back] for v, ws in succ.items()}
    import graphlib

    order = list(graphlib.TopologicalSorter({v: set(ws) for v, ws in kept.items()}).static_order())
    assert sorted(order) == sorted(succ)  # no CycleError: the rest is acyclic
    assert back_edges(["x"], {"x": ["y"], "y": []}.__getitem__) == []


def test_group_walks_end_on_cycles_and_cover_every_depth() -> None:
    from archdesigner.model import Group, descendant_groups, group_ancestors, nodes_in_groups
    from archdesigner.model.design import group_chain

    groups = {
        "r": Group(id="r", kind="region"),
        "z": Group(id="z", kind="zone", parent="r"),
        "s": Group(id="s", kind="network", parent="z"),
    }
    assert group_chain(groups, "s") == ["s", "z", "r"]
    assert group_chain(groups, None) == [] and group_chain(groups, "gone") == []
    looped = {**groups, "r": Group(id="r", kind="region", parent="s")}
    assert group_chain(looped, "s") == ["s", "z", "r"]  # stops where the parents loop
    design = Design.empty("g").model_copy(
        update={
            "groups": list(groups.values()),
            "nodes": [Node(id="a", kind="service", group="s"), Node(id="b", kind="service")],
        }
    )
    assert group_ancestors(design) == {"r": [], "z": ["r"], "s": ["z", "r"]}
    assert descendant_groups(design, ["z"]) == {"z", "s"}
    assert nodes_in_groups(design, ["r"]) == {"a"} and nodes_in_groups(design, []) == set()


def _partition(c: Condensation) -> set[frozenset[int]]:
    return {frozenset(m) for m in c.members}


def _check_condensation(c: Condensation, adj: list[list[int]]) -> None:
    """Every edge between two components goes backwards; successors and cycles are right."""
    for v, targets in enumerate(adj):
        for w in targets:
            a, b = c.comp_of[v], c.comp_of[w]
            assert b <= a and (a == b or b in c.succ[a])
    for comp, members in enumerate(c.members):
        assert members == sorted(members) and all(c.comp_of[v] == comp for v in members)
        reached = {c.comp_of[w] for v in members for w in adj[v]} - {comp}
        assert c.succ[comp] == sorted(reached)
        loop = any(w == v for v in members for w in adj[v])
        assert c.cyclic[comp] == (len(members) > 1 or loop)


def test_the_condensation_of_a_subgraph_is_the_subgraphs_own() -> None:
    """Sync (or required) links are a part of all links: condensing them from the whole
    graph's condensation gives the same components, a valid order, the same cycles."""
    rng = random.Random(7)
    for trial in range(300):
        n = rng.randint(1, 40)
        acyclic = trial % 2 == 0  # half the graphs point only from higher to lower nodes
        adj: list[list[int]] = [[] for _ in range(n)]
        for _ in range(rng.randint(0, 3 * n)):
            v, w = rng.randrange(n), rng.randrange(n)
            if acyclic and w >= v:
                continue
            adj[v].append(w)
        part = [[w for w in targets if rng.random() < 0.6] for targets in adj]
        whole = condense(n, adj)
        assert _partition(whole) == _partition(_tarjan(n, adj))  # sorted or searched alike
        sub = condense_subgraph(whole, part)
        _check_condensation(whole, adj)
        _check_condensation(sub, part)
        assert _partition(sub) == _partition(condense(n, part))


def test_link_indexes_agree_and_rows_can_be_walked_again() -> None:
    g = DesignGraph(design())
    ends = [(g.index[link.source], g.index[link.target]) for link in g.design.links]
    assert g.link_ends == ends
    assert list(zip(g.link_sources, g.link_targets, strict=True)) == ends
    rows = [(link, *end) for link, end in zip(g.design.links, ends, strict=True)]
    assert list(g.link_rows) == rows
    assert list(g.link_rows) == rows  # a fresh walk each time it is read
