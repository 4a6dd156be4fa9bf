"""The networkx view of a design and the shared queries."""

from __future__ import annotations

from archdesigner.graph import DesignGraph, build_graph
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
