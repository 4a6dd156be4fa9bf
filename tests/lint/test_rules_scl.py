"""SCL001 to SCL005: each with a design that triggers it and a near-identical twin."""

from __future__ import annotations

from archdesigner.model.edits import EditLog

from .helpers import lint, make, only, pairs


def caller(kind: str = "service", **link: object) -> object:
    return make(
        {"a": (kind, {"replicas": 2}), "b": ("service", {"replicas": 3})},
        [("a", "b", dict(link))],
    )


def test_scl001_unbalanced_replicas_and_its_fix_inserts_a_balancer() -> None:
    design = caller()
    f = only(design, "SCL001")
    assert (f.subject, f.subject_type, f.severity) == ("a-b", "link", "warning")
    assert "talks to one replica of b" in f.message
    log = EditLog(design)
    before = design.model_dump()
    log.do(f.fix.edit)
    kinds = {n.id: n.kind for n in design.nodes}
    assert kinds["b-lb"] == "load_balancer"
    assert {(x.source, x.target) for x in design.links} >= {("a", "b-lb"), ("b-lb", "b")}
    assert pairs(design, "SCL001") == []
    log.undo()
    assert design.model_dump() == before


def test_scl001_twins_discovery_front_door_async_single_replica() -> None:
    assert pairs(caller(discovery=True), "SCL001") == []
    assert pairs(caller("api_gateway"), "SCL001") == []
    assert pairs(caller(mode="async"), "SCL001") == []
    design = caller()
    design.nodes[1].replicas = 1
    assert pairs(design, "SCL001") == []


def stateful(replicas: int) -> object:
    return make(
        {"web": "client", "cart": ("service", {"replicas": replicas, "stateful": True})},
        [("web", "cart")],
    )


def test_scl002_stateful_scale_out_fix_moves_state_to_a_cache() -> None:
    design = stateful(3)
    f = only(design, "SCL002")
    assert (f.subject, f.severity) == ("cart", "error")
    f.fix.edit.apply(design)
    nodes = design.node_map()
    assert nodes["cart"].stateful is False and nodes["cart-state"].kind == "cache"
    assert any(x.source == "cart" and x.target == "cart-state" for x in design.links)
    assert pairs(design, "SCL002") == []


def test_scl002_twin_single_stateful_or_stateless_replicas() -> None:
    assert pairs(stateful(1), "SCL002") == []
    design = stateful(3)
    design.nodes[1].stateful = False
    assert pairs(design, "SCL002") == []


def unscalable(**target: object) -> object:
    return make(
        {"a": ("service", {"replicas": 4}), "b": ("service", {"scaling": "none", **target})},
        [("a", "b")],
    )


def test_scl003_scaled_out_caller_of_unscalable_dependency() -> None:
    design = unscalable()
    f = only(design, "SCL003")
    assert f.subject == "a-b" and "caps the throughput" in f.message
    f.fix.edit.apply(design)
    assert design.node_map()["b"].scaling == "horizontal"
    assert pairs(design, "SCL003") == []


def test_scl003_twins() -> None:
    assert pairs(unscalable(scaling="vertical"), "SCL003") == []
    design = unscalable()
    design.links[0].required = False
    assert pairs(design, "SCL003") == []
    design = unscalable()
    design.nodes[1].kind = "external"
    assert pairs(design, "SCL003") == []


def hot_db(callers: int, cached: bool = False) -> object:
    nodes: dict[str, object] = {"db": ("database", {"replicas": 2}), "c": ("cache", {})}
    links: list[object] = []
    for i in range(callers):
        nodes[f"s{i}"] = ("service", {"replicas": 2})
        links.append((f"s{i}", "db"))
    if cached:
        links.append(("s0", "c"))
    return make(nodes, links)  # type: ignore[arg-type]


def test_scl004_database_with_three_uncached_callers_fix_adds_cache() -> None:
    design = hot_db(3)
    f = only(design, "SCL004")
    assert f.subject == "db" and f.related == ["s0", "s1", "s2"]
    assert f.fix.applicability == "unsafe"
    f.fix.edit.apply(design)
    # one cache per caller: a cache shared by the three would be a shared datastore (DAT001)
    for caller in ("s0", "s1", "s2"):
        assert [x.source for x in design.links if x.target == f"{caller}-cache"] == [caller]
    assert pairs(design, "SCL004") == []
    assert pairs(design, "DAT001") == [("DAT001", "db")]  # the database was shared already


def test_scl004_twins_fewer_callers_or_one_uses_a_cache_and_option() -> None:
    assert pairs(hot_db(2), "SCL004") == []
    assert pairs(hot_db(3, cached=True), "SCL004") == []
    design = hot_db(2)
    design.lint.options = {"SCL004": {"min_callers": 2}}
    assert pairs(design, "SCL004") == [("SCL004", "db")]


def chain(length: int, **last: object) -> object:
    nodes: dict[str, object] = {"n0": "client"}
    links: list[object] = []
    for i in range(1, length + 1):
        nodes[f"n{i}"] = ("service", {"replicas": 2})
        links.append((f"n{i - 1}", f"n{i}", dict(last) if i == length else {}))
    return make(nodes, links)  # type: ignore[arg-type]


def test_scl005_chain_of_six_sync_links_fires_with_path_and_fix() -> None:
    design = chain(6)
    f = only(design, "SCL005")
    assert f.subject == "n0" and f.evidence["length"] == 6
    assert f.evidence["path"] == [f"n{i}" for i in range(7)]
    f.fix.edit.apply(design)
    assert pairs(design, "SCL005") == []
    assert any(n.kind == "queue" for n in design.nodes)


def test_scl005_twins_five_links_or_async_tail_or_option() -> None:
    assert pairs(chain(5), "SCL005") == []
    assert pairs(chain(6, mode="async"), "SCL005") == []
    design = chain(6)
    design.lint.options = {"SCL005": {"max_depth": 6}}
    assert pairs(design, "SCL005") == []


def test_scl005_a_cycle_is_walked_once() -> None:
    # n0 -> n1 -> n2 <-> n3 -> n4: 2 links + cycle of 2 (walked once) + 1 = 5
    design = make(
        {"n0": "client", **{f"n{i}": ("service", {"replicas": 2}) for i in range(1, 5)}},
        [("n0", "n1"), ("n1", "n2"), ("n2", "n3"), ("n3", "n2"), ("n3", "n4")],
    )
    assert pairs(design, "SCL005") == []
    design.lint.options = {"SCL005": {"max_depth": 4}}
    f = only(design, "SCL005")
    assert f.evidence["length"] == 5 and f.evidence["cycles"] == [["n2", "n3"]]


def test_scl005_reports_one_finding_per_entry() -> None:
    design = chain(6)
    design.nodes.append(design.nodes[0].model_copy(update={"id": "m0"}))
    from archdesigner.model import Link

    design.links.append(Link(id="m", source="m0", target="n1"))
    assert [f.subject for f in lint(design, select=["SCL005"]).active] == ["m0", "n0"]
