"""CAP001 and CAP002: load flows from entries; each rule with a trigger and a twin."""

from __future__ import annotations

from .helpers import lint, make, only, pairs


def loaded(load: float, replicas: int = 2, capacity: float = 500, **api: object) -> object:
    return make(
        {
            "web": ("client", {"load_rps": load}),
            "lb": ("load_balancer", {"replicas": 2}),
            "api": ("service", {"replicas": replicas, "capacity_rps": capacity, **api}),
            "db": ("database", {"replicas": 2}),
        },
        [("web", "lb", {"calls_per_request": 2}), ("lb", "api"), ("api", "db")],
    )


def test_cap001_overloaded_names_both_numbers_and_replicas_needed() -> None:
    design = loaded(600)  # api gets 1200 rps, capacity 2 x 500 = 1000
    f = only(design, "CAP001")
    assert f.subject == "api" and f.severity == "error"
    assert "offered 1200 requests/s" in f.message and "only 1000" in f.message
    assert "needs 3 replicas (3" not in f.message and "It needs 3 replicas" in f.message
    assert f.evidence["replicas_needed"] == 3
    f.fix.edit.apply(design)
    assert design.node_map()["api"].replicas == 3
    assert pairs(design, "CAP001") == []


def test_cap001_twin_within_capacity_and_load_factor() -> None:
    assert pairs(loaded(500), "CAP001") == []  # exactly 1000 of 1000
    assert pairs(loaded(600), "CAP001", load_factor=0.5) == []
    assert pairs(loaded(300), "CAP001", load_factor=10) == [("CAP001", "api")]


def test_cap_capacity_uses_autoscale_max_and_fix_raises_it() -> None:
    design = loaded(500, replicas=1, autoscale={"min": 1, "max": 2})
    assert pairs(design, "CAP001") == []  # 1000 of 2 x 500
    design = loaded(900, replicas=1, autoscale={"min": 1, "max": 2})
    f = only(design, "CAP001")
    f.fix.edit.apply(design)
    assert design.node_map()["api"].autoscale.max == 5  # 1800 / (500 x 0.8) = 4.5 -> 5
    assert pairs(design, "CAP") == []


def test_cap001_fix_also_keeps_the_utilization_target() -> None:
    """4 replicas would carry 1400 rps at 88%: the fix sets 5, so no CAP002 follows it (a
    fix never leaves a warning behind, and --fix needs no second pass for it)."""
    design = loaded(700)  # api gets 1400 rps, capacity 2 x 500 = 1000
    f = only(design, "CAP001")
    assert "It needs 3 replicas (4 to stay under 80% utilization)" in f.message
    assert f.evidence["replicas_needed"] == 3 and f.evidence["replicas_for_target"] == 4
    assert f.fix.description == "Set replicas of api to 4 (under 80% utilization)"
    f.fix.edit.apply(design)
    assert design.node_map()["api"].replicas == 4
    assert pairs(design, "CAP") == []


def test_cap002_low_headroom_between_target_and_capacity() -> None:
    design = loaded(450)  # 900 of 1000 = 90 %
    f = only(design, "CAP002")
    assert f.subject == "api" and "90% of its capacity" in f.message
    assert pairs(design, "CAP001") == []
    f.fix.edit.apply(design)
    assert design.node_map()["api"].replicas == 3  # 900 / (500 x 0.8) = 2.25 -> 3
    assert pairs(design, "CAP") == []


def test_cap002_twin_under_target_and_option() -> None:
    assert pairs(loaded(400), "CAP002") == []  # exactly 80 %
    design = loaded(450)
    design.lint.options = {"CAP002": {"max_utilization": 0.95}}
    assert pairs(design, "CAP002") == []


def test_no_capacity_no_finding_and_utilization_map() -> None:
    design = loaded(600)
    design.nodes[2].capacity_rps = None
    assert pairs(design, "CAP") == []
    report = lint(loaded(450))
    assert report.utilization == {"api": (900.0, 1000.0)}


def test_load_around_a_cycle_is_counted_once() -> None:
    design = make(
        {
            "web": ("client", {"load_rps": 100}),
            "a": ("service", {"replicas": 2, "capacity_rps": 60}),
            "b": ("service", {"replicas": 2, "capacity_rps": 60}),
        },
        [("web", "a"), ("a", "b"), ("b", "a")],
    )
    report = lint(design, select=["CAP"])
    assert report.utilization == {"a": (100.0, 120.0), "b": (100.0, 120.0)}
    assert [(f.rule_id, f.subject) for f in report.active] == [
        ("CAP002", "a"),
        ("CAP002", "b"),
    ]


def test_async_links_carry_load_too() -> None:
    design = make(
        {
            "cron": ("worker", {"load_rps": 50, "replicas": 2}),
            "q": ("queue", {"replicas": 2, "capacity_rps": 20}),
        },
        [("cron", "q", {"mode": "async"})],
    )
    assert pairs(design, "CAP001") == [("CAP001", "q")]
