"""The shared linear-time indexes agree with plain searches on random designs."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from archdesigner.graph import DesignGraph
from archdesigner.lint.analysis import load_flow, sync_paths
from archdesigner.model import Design, Group, Link, Node

KINDS = ["client", "service", "service", "worker", "database", "cache", "external"]


def random_design(seed: int, dag: bool = False) -> Design:
    rng = random.Random(seed)
    n = rng.randint(2, 25)
    d = Design.empty()
    for i in range(n):
        kind = rng.choice(KINDS)
        d.nodes.append(Node(id=f"n{i}", kind=kind, load_rps=float(rng.choice([0, 10, 50])) or None))
    for j in range(rng.randint(0, 3 * n)):
        a, b = rng.randrange(n), rng.randrange(n)
        if dag and a >= b:
            continue
        d.links.append(
            Link(
                id=f"l{j}",
                source=f"n{a}",
                target=f"n{b}",
                required=rng.random() < 0.8,
                mode="sync" if rng.random() < 0.7 else "async",
                retries=rng.choice([0, 0, 1, 2]),
                calls_per_request=rng.choice([0.5, 1.0, 2.0]),
            )
        )
    return d


@pytest.mark.parametrize("seed", range(200))
def test_blast_radius_and_stopping_entries_match_reverse_searches(seed: int) -> None:
    d = random_design(seed)
    g = DesignGraph(d)
    req = nx.DiGraph()
    req.add_nodes_from(g.ids)
    req.add_edges_from((x.source, x.target) for x in d.links if x.required)
    for nid in g.ids:
        failing = nx.ancestors(req, nid) | {nid}
        assert g.blast_radius(nid) == len(failing)
        assert g.stopping_entries(nid) == [e for e in g.entries if e in failing]
        failure = g.failure_of([nid])
        assert failure.failing == failing
        assert failure.entries == tuple(e for e in g.entries if e in failing)


@pytest.mark.parametrize("seed", range(40))
def test_longest_path_and_amplification_match_enumeration_on_dags(seed: int) -> None:
    d = random_design(seed, dag=True)
    g = DesignGraph(d)
    sp = sync_paths(g)
    sync = nx.MultiDiGraph()
    sync.add_nodes_from(g.ids)
    for x in d.links:
        if x.mode == "sync":
            sync.add_edge(x.source, x.target, retries=x.retries)

    def walk(node: str) -> tuple[int, int]:  # (longest, max amplification) by enumeration
        best = (0, 1)
        for _, nxt, data in sync.out_edges(node, data=True):
            depth, amp = walk(nxt)
            best = (max(best[0], depth + 1), max(best[1], amp * (1 + data["retries"])))
        return best

    for i, nid in enumerate(g.ids):
        comp = sp.cond.comp_of[i]
        assert (sp.depth[comp], sp.amp[comp]) == walk(nid)


@pytest.mark.parametrize("seed", range(40))
def test_load_flow_matches_path_sums_on_dags(seed: int) -> None:
    d = random_design(seed, dag=True)
    g = DesignGraph(d)
    flow = load_flow(g, load_factor=2.0)
    expected = {n.id: (n.load_rps or 0.0) * 2.0 for n in d.nodes}
    order = list(nx.topological_sort(nx.DiGraph([(x.source, x.target) for x in d.links])))
    order += [n for n in g.ids if n not in order]
    sent = dict.fromkeys(g.ids, 0.0)
    for nid in order:
        total = expected[nid] + sent[nid]
        for x in d.links:
            if x.source == nid:
                sent[x.target] += total * x.calls_per_request
    for i, nid in enumerate(g.ids):
        assert flow.offered[i] == pytest.approx(expected[nid] + sent[nid])


@pytest.mark.parametrize("seed", range(40))
def test_group_failures_match_one_search_per_group(seed: int) -> None:
    d = random_design(seed)
    rng = random.Random(seed)
    d.groups = [
        Group(id="za", kind="zone"),
        Group(id="zb", kind="zone"),
        Group(id="inner", kind="boundary", parent="zb"),
    ]
    for node in d.nodes:
        node.group = rng.choice([None, "za", "zb", "inner"])
    g = DesignGraph(d)
    failures = g.group_failures(["za", "zb"])
    for gid, failure in zip(["za", "zb"], failures, strict=True):
        inside = {n.id for n in d.nodes if n.group == gid or (gid == "zb" and n.group == "inner")}
        assert failure.roots == inside
        assert failure == g.failure_of(groups=[gid])
        expected = set(inside)
        for nid in inside:
            expected |= g.fails_with(nid)
        assert failure.failing == expected
