"""The one load and request flow (lint/flow.py): routing nodes split, cycles count once,
impact shares, the utilization target read from the lint configuration."""

from __future__ import annotations

import pytest

from archdesigner.graph import DesignGraph
from archdesigner.lint.flow import load_flow, request_flow, utilization_target

from .helpers import lint, make, only, pairs


def gateway_design(kind: str = "api_gateway") -> object:
    return make(
        {
            "web": ("client", {"load_rps": 900}),
            "gw": (kind, {"replicas": 2}),
            "a": ("service", {"replicas": 2, "capacity_rps": 350}),
            "b": ("service", {"replicas": 2, "capacity_rps": 350}),
            "db": ("database", {"replicas": 2}),
        },
        [
            ("web", "gw"),
            ("gw", "a", {"timeout_ms": 500}),
            ("gw", "b", {"timeout_ms": 500, "calls_per_request": 0.5}),
            ("a", "db", {"calls_per_request": 3}),
        ],
    )


def offered(design: object, factor: float = 1.0) -> dict[str, float]:
    g = DesignGraph(design)  # type: ignore[arg-type]
    return dict(zip(g.ids, load_flow(g, factor).offered, strict=True))


@pytest.mark.parametrize("kind", ["api_gateway", "load_balancer"])
def test_a_routing_node_splits_its_load_by_calls_per_request(kind: str) -> None:
    load = offered(gateway_design(kind))
    assert load["a"] == pytest.approx(600) and load["b"] == pytest.approx(300)
    assert load["db"] == pytest.approx(1800)  # a plain service multiplies by 3
    assert offered(gateway_design(kind), 2)["a"] == pytest.approx(1200)


def test_a_non_routing_front_door_sends_every_request_to_each_target() -> None:
    load = offered(gateway_design("cdn"))
    assert load["a"] == pytest.approx(900) and load["b"] == pytest.approx(450)


def test_request_shares_cap_calls_at_one_and_split_at_routing_nodes() -> None:
    g = DesignGraph(gateway_design())  # type: ignore[arg-type]
    rf = request_flow(g)
    share = dict(zip(g.ids, (rf.node_share(i) for i in range(len(g.ids))), strict=True))
    assert share["a"] == pytest.approx(2 / 3) and share["b"] == pytest.approx(1 / 3)
    assert share["db"] == pytest.approx(2 / 3)  # 3 calls per request still touch 2/3
    assert rf.total == 900
    links = {link.id: rf.link_share(k) for k, link in enumerate(g.design.links)}
    assert links["gw-b"] == pytest.approx(1 / 3)


def test_impacts_of_findings_follow_the_split() -> None:
    design = gateway_design()
    report = lint(design)
    cap = {f.subject: f.impact for f in report.active if f.rule_id.startswith("CAP")}
    assert cap == {"a": pytest.approx(2 / 3)}  # a: 600 of 700; b: 300 of 700 (no finding)


def test_a_cycle_is_walked_once_and_a_link_back_still_has_a_share() -> None:
    design = make(
        {
            "web": ("client", {"load_rps": 100}),
            "x": ("service", {"replicas": 2}),
            "y": ("service", {"replicas": 2}),
        },
        [("web", "x"), ("x", "y", {"timeout_ms": 9}), ("y", "x", {"timeout_ms": 9})],
    )
    assert offered(design) == {"web": 100, "x": 100, "y": 100}
    f = only(design, "RES001")
    assert f.impact == 1.0


def test_unloaded_entries_weigh_one_each_and_no_entry_means_zero() -> None:
    design = make(
        {"u": "client", "v": "client", "api": "service"},
        [("u", "api"), ("v", "api")],
    )
    g = DesignGraph(design)
    rf = request_flow(g)
    assert rf.total == 2 and rf.node_share(g.index["api"]) == 1.0
    lonely = make({"api": "service", "db": "database"}, [("api", "db")])
    report = lint(lonely)
    assert [(f.rule_id, f.impact) for f in report.active] == [("MOD004", 1.0)]


def test_an_unloaded_entry_weighs_nothing_beside_a_loaded_one() -> None:
    design = make(
        {"u": ("client", {"load_rps": 10}), "v": "client", "a": "service", "b": "service"},
        [("u", "a"), ("v", "b")],
    )
    spf = {f.subject: f.impact for f in lint(design, select=["SPF001"]).active}
    assert spf == {"a": 1.0, "b": 0.0}


def test_utilization_target_comes_from_the_lint_options() -> None:
    design = gateway_design()
    assert utilization_target(design) == 0.8  # type: ignore[arg-type]
    assert lint(design).utilization_target == 0.8  # type: ignore[arg-type]
    assert pairs(design, "CAP") == [("CAP002", "a")]  # type: ignore[arg-type]
    design.lint.options = {"CAP002": {"max_utilization": 0.4}}  # type: ignore[attr-defined]
    assert utilization_target(design) == 0.4  # type: ignore[arg-type]
    report = lint(design)  # type: ignore[arg-type]
    assert report.utilization_target == 0.4
    # b: 300 of 700 (43%) is above 40%
    assert pairs(design, "CAP") == [("CAP002", "a"), ("CAP002", "b")]  # type: ignore[arg-type]
