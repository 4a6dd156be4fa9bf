"""RES001 to RES004: each with a design that triggers it and a near-identical twin."""

from __future__ import annotations

from .helpers import lint, make, only, pairs


def cycle(mode: str = "sync") -> object:
    return make(
        {"web": "client", "b": ("service", {"replicas": 2}), "a": ("service", {"replicas": 2}),
         "c": ("service", {"replicas": 2})},
        [("web", "b"), ("b", "c"), ("c", "a"), ("a", "b", {"mode": mode})],
    )  # fmt: skip


def test_res001_one_finding_per_cycle_on_the_smallest_member() -> None:
    f = only(cycle(), "RES001")
    assert (f.subject, f.severity) == ("a", "error")
    assert f.evidence["members"] == ["a", "b", "c"]
    assert f.evidence["links"] == ["a-b", "b-c", "c-a"]
    assert f.fix is None
    assert "3 components form a cycle" in f.message


def test_res001_twin_one_async_link_breaks_the_cycle() -> None:
    assert pairs(cycle("async"), "RES001") == []


def guarded(**link: object) -> object:
    return make(
        {"a": ("service", {"replicas": 2}), "b": ("service", {"replicas": 2}), "x": "external",
         "db": ("database", {"replicas": 2})},
        [("a", "b", dict(link)), ("a", "db")],
    )  # fmt: skip


def test_res002_unguarded_call_is_info_with_timeout_fix() -> None:
    design = guarded()
    f = only(design, "RES002")
    assert (f.subject, f.severity) == ("a-b", "info")
    f.fix.edit.apply(design)
    assert design.links[0].timeout_ms == 1000
    assert pairs(design, "RES002") == []


def test_res002_twins() -> None:
    assert pairs(guarded(timeout_ms=200), "RES002") == []
    assert pairs(guarded(circuit_breaker=True), "RES002") == []
    assert pairs(guarded(mode="async"), "RES002") == []
    design = guarded()
    design.nodes[0].kind = "load_balancer"
    assert pairs(design, "RES002") == []


def retries(r1: int, r2: int) -> object:
    return make(
        {"web": "client", **{n: ("service", {"replicas": 2}) for n in ("a", "b", "c")}},
        [("web", "a"), ("a", "b", {"retries": r1, "timeout_ms": 100}),
         ("b", "c", {"retries": r2, "timeout_ms": 100})],
    )  # fmt: skip


def test_res003_retry_amplification_over_ten() -> None:
    design = retries(3, 3)  # 4 x 4 = 16
    f = only(design, "RES003")
    assert f.subject == "web" and f.evidence["amplification"] == 16
    assert f.evidence["path"] == ["web", "a", "b", "c"]
    f.fix.edit.apply(design)
    assert [x.retries for x in design.links] == [0, 3, 0]
    assert pairs(design, "RES003") == []


def test_res003_twin_at_the_limit_and_option() -> None:
    assert pairs(retries(1, 4), "RES003") == []  # 2 x 5 = 10, not above
    design = retries(3, 3)
    design.lint.options = {"RES003": {"max_amplification": 16}}
    assert pairs(design, "RES003") == []


def external(**link: object) -> object:
    return make(
        {"a": ("service", {"replicas": 2}), "pay": "external"},
        [("a", "pay", {"timeout_ms": 500, **link})],
    )


def test_res004_required_sync_call_to_external_without_breaker() -> None:
    design = external()
    f = only(design, "RES004")
    assert f.subject == "a-pay"
    f.fix.edit.apply(design)
    assert design.links[0].circuit_breaker is True
    assert pairs(design, "RES004") == []


def test_res004_twins() -> None:
    assert pairs(external(required=False), "RES004") == []
    assert pairs(external(mode="async"), "RES004") == []
    assert pairs(external(circuit_breaker=True), "RES004") == []


def test_res_rules_can_be_selected_by_prefix() -> None:
    ids = {f.rule_id for f in lint(cycle(), select=["RES"]).active}
    assert ids == {"RES001", "RES002"}
