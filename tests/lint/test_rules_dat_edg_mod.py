"""DAT001, DAT002, EDG001, EDG002, MOD001, MOD002: triggers and near-identical twins."""

from __future__ import annotations

from .helpers import make, only, pairs


def shared(second: str = "worker") -> object:
    return make(
        {"a": ("service", {"replicas": 2}), "b": (second, {"replicas": 2}),
         "db": ("database", {"replicas": 2})},
        [("a", "db"), ("b", "db")],
    )  # fmt: skip


def test_dat001_shared_database() -> None:
    f = only(shared(), "DAT001")
    assert f.subject == "db" and f.related == ["a", "b"] and f.fix is None


def test_dat001_twin_second_user_is_not_service_like() -> None:
    assert pairs(shared("load_balancer"), "DAT001") == []


def on_server(a: list[str], b: list[str] | None) -> object:
    """Two services on one database server, naming the databases they use on it
    (``properties.databases``, as imports note them from connection strings)."""
    props_b = {"properties": {"databases": b}} if b is not None else {}
    return make(
        {"a": ("service", {"replicas": 2}), "b": ("service", {"replicas": 2}),
         "sql": ("database", {"replicas": 2})},
        [("a", "sql", {"properties": {"databases": a}}), ("b", "sql", props_b)],
    )  # fmt: skip


def test_dat001_tells_a_shared_server_from_shared_data() -> None:
    """Services that each use a database of their own on one server share the server, not
    their data: the finding stays (one outage hits both) but says so; when two name the
    same database, or one names none, it is the shared database it always was."""
    own = only(on_server(["Orders"], ["Billing"]), "DAT001")
    assert "each with a database of its own on it (Billing and Orders)" in own.message
    assert "schema" not in own.message
    assert own.evidence["databases"] == {"a": ["Orders"], "b": ["Billing"]}
    same = only(on_server(["Orders", "Audit"], ["Orders"]), "DAT001")
    assert "a and b share its database Orders" in same.message
    assert "a change to a shared schema" in same.message
    unknown = only(on_server(["Orders"], None), "DAT001")
    assert unknown.message == only(shared("service"), "DAT001").message.replace("db", "sql")
    assert "databases" not in unknown.evidence


def teams(team_b: str) -> object:
    return make(
        {"a": ("service", {"team": "orders", "replicas": 2}),
         "q": ("queue", {"team": team_b, "replicas": 2})},
        [("a", "q", {"mode": "async"})],
    )  # fmt: skip


def test_dat002_foreign_data_access() -> None:
    f = only(teams("billing"), "DAT002")
    assert f.subject == "a-q" and "team billing owns" in f.message


def test_dat002_twins_same_team_or_no_team() -> None:
    assert pairs(teams("orders"), "DAT002") == []
    assert pairs(teams(""), "DAT002") == []


def edge(target: str) -> object:
    return make({"app": "client", "t": (target, {"replicas": 2})}, [("app", "t")])


def test_edg001_client_to_service_fix_inserts_gateway() -> None:
    design = edge("function")
    f = only(design, "EDG001")
    assert f.subject == "app-t"
    f.fix.edit.apply(design)
    assert {n.kind for n in design.nodes} == {"client", "function", "api_gateway"}
    assert pairs(design, "EDG001") == [] and pairs(design, "RES002") == []


def test_edg001_twin_client_to_gateway() -> None:
    assert pairs(edge("api_gateway"), "EDG001") == []


def test_edg002_client_to_datastore_is_an_error() -> None:
    for kind in ("database", "cache", "queue", "search"):
        f = only(edge(kind), "EDG002")
        assert (f.subject, f.severity, f.fix) == ("app-t", "error", None)


def test_edg002_twin_object_storage_is_allowed() -> None:
    assert pairs(edge("object_storage"), "EDG002") == []


def test_mod001_isolated_node_and_twins() -> None:
    design = make({"a": "service", "b": "service", "c": "service"}, [("a", "b")])
    assert pairs(design, "MOD001") == [("MOD001", "c")]
    assert pairs(make({"a": "service"}), "MOD001") == []
    assert pairs(make({"a": "service", "b": "service"}, [("a", "b")]), "MOD001") == []


def test_mod002_unknown_kind_and_twin() -> None:
    design = make({"a": "mainframe", "b": "service"}, [("b", "a")])
    f = only(design, "MOD002")
    assert f.subject == "a" and "'mainframe'" in f.message
    assert pairs(make({"a": "database", "b": "service"}, [("b", "a")]), "MOD002") == []


def test_dat001_covers_a_shared_cache_without_claiming_a_schema() -> None:
    design = make(
        {"a": ("service", {"replicas": 2}), "b": ("worker", {"replicas": 2}),
         "c": ("cache", {"replicas": 2})},
        [("a", "c"), ("b", "c")],
    )  # fmt: skip
    f = only(design, "DAT001")
    assert f.subject == "c" and f.message.startswith("Cache c is used by 2 services")
    assert "overload or outage" in f.message and "coupled through its schema" not in f.message
    queue = make(
        {"a": ("service", {"replicas": 2}), "b": ("worker", {"replicas": 2}),
         "q": ("queue", {"replicas": 2})},
        [("a", "q"), ("b", "q")],
    )  # fmt: skip
    assert pairs(queue, "DAT001") == []  # a queue is meant to be shared


def test_mod004_no_entry_names_the_blind_rules_and_the_untargeted_nodes() -> None:
    design = make(
        {"db": ("database", {"replicas": 2}), "api": "service", "cron": "worker"},
        [("api", "db"), ("cron", "db")],
    )
    f = only(design, "MOD004")
    assert f.subject == "api" and f.severity == "warning" and f.fix is None
    assert "SPF001, SPF002, SCL005, RES003, CAP001 and CAP002" in f.message
    assert "Nothing calls api and cron" in f.message
    assert f.impact == 1.0


def test_mod004_subject_is_the_first_node_when_every_node_is_targeted() -> None:
    design = make({"x": "service", "y": "service"}, [("x", "y"), ("y", "x")])
    assert only(design, "MOD004").subject == "x"


def test_mod004_twins_an_entry_or_only_clients() -> None:
    with_load = make({"api": ("service", {"load_rps": 5}), "db": "database"}, [("api", "db")])
    assert pairs(with_load, "MOD004") == []
    assert pairs(make({"u": "client", "v": "client"}), "MOD004") == []
    assert pairs(make({}), "MOD004") == []
