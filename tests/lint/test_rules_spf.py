"""SPF001 and SPF002: each with a design that triggers it and a near-identical twin."""

from __future__ import annotations

from archdesigner.model import Group

from .helpers import lint, make, only, pairs


def shop(db_replicas: int = 1, **db: object) -> object:
    return make(
        {
            "web": "client",
            "lb": ("load_balancer", {"replicas": 2}),
            "api": ("service", {"replicas": 3}),
            "db": ("database", {"replicas": db_replicas, **db}),
        },
        [("web", "lb"), ("lb", "api"), ("api", "db")],
    )


def test_spf001_single_database_fires_with_blast_radius_and_fix() -> None:
    design = shop()
    f = only(design, "SPF001")
    assert (f.subject, f.severity, f.subject_type) == ("db", "error", "node")
    assert f.related == ["web"]
    assert f.evidence["failing_components"] == 4
    assert "3 other components fail with it" in f.message and "entry web" in f.message
    assert f.fix.description == "Set replicas of db to 2"
    inverse = f.fix.edit.apply(design)
    assert design.node_map()["db"].replicas == 2
    assert pairs(design, "SPF001") == []
    inverse.apply(design)
    assert design.node_map()["db"].replicas == 1


def test_spf001_twin_redundant_database_does_not_fire() -> None:
    assert pairs(shop(2), "SPF001") == []
    assert pairs(shop(1, autoscale={"min": 2, "max": 4}), "SPF001") == []


def test_spf001_optional_link_and_clients_and_externals_do_not_count() -> None:
    design = make(
        {"web": "client", "api": ("service", {"replicas": 2}), "mail": "external",
         "db": "database"},
        [("web", "api"), ("api", "mail"), ("api", "db", {"required": False})],
    )  # fmt: skip
    assert pairs(design, "SPF001") == []
    design.links[2].required = True
    assert pairs(design, "SPF001") == [("SPF001", "db")]


def test_spf001_a_non_client_entry_counts_itself() -> None:
    design = make({"cron": ("worker", {"load_rps": 5}), "other": "worker"})
    assert pairs(design, "SPF001") == [("SPF001", "cron")]
    design.nodes[0].load_rps = 0
    assert pairs(design, "SPF001") == []


def zones(db_group: str | None) -> object:
    return make(
        {
            "web": "client",
            "api": ("service", {"replicas": 2, "group": "za"}),
            "api2": ("service", {"replicas": 2, "group": "zb"}),
            "db": ("database", {"replicas": 2, "group": db_group}),
        },
        [("web", "api"), ("web", "api2", {"required": False}), ("api", "db")],
        groups=[Group(id="r", kind="region"), Group(id="za", kind="zone", parent="r"),
                Group(id="zb", kind="zone")],
    )  # fmt: skip


def test_spf002_zone_whose_failure_takes_an_outside_entry_down() -> None:
    report = lint(zones("za"), select=["SPF002"])
    subjects = [(f.subject, f.subject_type) for f in report.active]
    # za fails -> api, db fail -> web fails; r contains za, so the same holds for r
    assert subjects == [("r", "group"), ("za", "group")]
    f = report.active[1]
    assert f.related == ["web"] and f.evidence["failing_components"] == 3
    assert "If zone za fails (2 components inside it), 3 components fail" in f.message


def test_spf002_twin_without_required_path_into_the_zone() -> None:
    design = zones("za")
    design.links[0].required = False
    assert pairs(design, "SPF002") == []


def test_spf002_needs_two_zones() -> None:
    design = zones("za")
    design.groups = [Group(id="za", kind="zone")]
    design.nodes[2].group = None
    assert pairs(design, "SPF002") == []


def test_spf001_messages_name_labels_with_ids_and_say_the_share_of_requests() -> None:
    from .helpers import lint as run

    design = make(
        {
            "users": ("client", {"name": "Users", "load_rps": 100}),
            "edge": ("load_balancer", {"name": "Edge LB"}),
            "api": ("service", {"replicas": 2}),
            "db": ("database", {"name": "Orders DB"}),
            "cache": ("cache", {"name": "cache"}),
        },
        [("users", "edge"), ("edge", "api"), ("api", "db"), ("api", "cache")],
    )
    found = {f.subject: f.message for f in run(design, select=["SPF001"]).active}
    # the front door: what share of requests stops, not how many components fail
    assert found["edge"].startswith("Edge LB (edge) is a single point of failure")
    assert "all requests from Users (users) (100%) stop" in found["edge"]
    assert "other component" not in found["edge"]
    # inside: grammar for one, the label, the id in parentheses only where they differ
    assert found["db"].startswith("Orders DB (db) is a single point")
    assert "3 other components fail with it" in found["db"]
    assert found["cache"].startswith("cache is a single point")


def test_spf001_grammar_for_one_other_component() -> None:
    from .helpers import lint as run

    design = make(
        {"u": ("client", {"load_rps": 1}), "gw": ("api_gateway", {"replicas": 2}),
         "a": ("service", {"replicas": 2}), "b": "service"},
        [("u", "gw"), ("gw", "a", {"timeout_ms": 9}), ("a", "b", {"timeout_ms": 9})],
    )  # fmt: skip
    (f,) = run(design, select=["SPF001"]).active
    assert "3 other components fail with it" in f.message
    lone = make({"api": ("service", {"load_rps": 5}), "cron": "worker"}, [("cron", "api")])
    f = next(f for f in run(lone, select=["SPF001"]).active if f.subject == "api")
    assert "its own traffic stops" in f.message
    assert f.message.endswith("and 1 other component fails with it. Run at least 2 replicas.")
