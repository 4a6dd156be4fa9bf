"""docker-compose export, checked by the Compose schema and by Docker Compose v2 itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from archdesigner.export.compose import ComposeExporter, build_compose
from archdesigner.io import design_to_data, load_design
from archdesigner.model.design import Design

from .conftest import DESIGN_IDS, DESIGN_PATHS, compose_check, schema_errors


def export(design: Design) -> tuple[str, dict[str, Any], list[str]]:
    result = ComposeExporter().export(design)
    assert isinstance(result.data, str)
    return result.data, yaml.safe_load(result.data), result.report


def make(nodes: list[dict[str, Any]], links: list[dict[str, Any]] = (), **rest: Any) -> Design:  # type: ignore[assignment]
    return Design.model_validate(
        {
            "format": "archdesigner.design",
            "version": 1,
            "nodes": nodes,
            "links": list(links),
            **rest,
        }
    )


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=DESIGN_IDS)
def test_every_design_gives_a_file_compose_accepts(path: Path, tmp_path: Path) -> None:
    text, data, _ = export(load_design(path))
    assert "version" not in data
    assert schema_errors(data) == []
    proc = compose_check(text, tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_one_service_per_deployable_node_and_the_rest_reported(shop: Design) -> None:
    _, data, report = export(shop)
    assert list(data["services"]) == [
        "lb", "gateway", "orders", "catalog", "billing", "events", "orders-db", "cache",
        "search", "media",
    ]  # fmt: skip
    assert any("client" in line and "shoppers" in line for line in report)
    assert any("cdn" in line and "cdn" in line for line in report)
    assert any("external" in line and "stripe" in line for line in report)


def test_images_replicas_ports_and_healthchecks(shop: Design) -> None:
    _, data, report = export(shop)
    svc = data["services"]
    assert svc["orders"]["image"] == "ghcr.io/acme/orders:2.3"  # the node's own image wins
    assert svc["orders-db"]["image"] == "postgres:16"  # technology preset, pinned major
    assert svc["cache"]["image"] == "redis:7"
    assert svc["orders"]["deploy"] == {"replicas": 3}
    assert "deploy" not in svc["media"]
    # the edge faces outside callers: published; inner services only expose
    assert svc["lb"]["ports"] == ["80", "443"]  # 2 replicas: Docker picks host ports
    assert svc["orders"]["expose"] == ["8080"] and "ports" not in svc["orders"]
    assert svc["orders-db"]["healthcheck"]["test"] == ["CMD-SHELL", "pg_isready -U postgres"]
    assert "healthcheck" not in svc["orders"]
    # billing has neither image nor preset: a placeholder that says so, and a report line
    assert "replace-me" in svc["billing"]["image"]
    assert any("placeholder" in line and "billing" in line for line in report)


def test_connection_variables_are_wired_from_links(shop: Design) -> None:
    _, data, _ = export(shop)
    env = data["services"]["orders"]["environment"]
    assert env["ORDERS_DB_HOST"] == "orders-db"
    assert env["ORDERS_DB_PORT"] == "5432"
    assert env["ORDERS_DB_URL"] == "postgres://orders-db:5432"
    assert env["EVENTS_HOST"] == "events" and env["EVENTS_PORT"] == "9092"
    assert env["LOG_LEVEL"] == "info"  # the node's own environment stays
    meta = data["services"]["orders"]["x-archdesigner"]
    assert meta["generated_env"] == sorted(k for k in env if k != "LOG_LEVEL")
    # preset defaults count as generated too
    db = data["services"]["orders-db"]
    assert db["environment"]["POSTGRES_PASSWORD"] == "change-me"
    assert db["x-archdesigner"]["generated_env"] == ["POSTGRES_PASSWORD"]


def test_depends_on_from_required_links_only() -> None:
    design = make(
        [
            {"id": "web", "kind": "client"},
            {"id": "api", "kind": "service", "image": "api:1"},
            {"id": "db", "kind": "database", "technology": "postgres"},
            {"id": "cache", "kind": "cache", "technology": "memcached"},
            {"id": "old", "kind": "service", "image": "old:1"},
            {"id": "pay", "kind": "external"},
        ],
        [
            {"id": "a", "source": "web", "target": "api"},
            {"id": "b", "source": "api", "target": "db"},
            {"id": "c", "source": "api", "target": "cache"},
            {"id": "d", "source": "api", "target": "old", "required": False},
            {"id": "e", "source": "api", "target": "pay"},
        ],
    )
    _, data, _ = export(design)
    assert data["services"]["api"]["depends_on"] == {
        "db": {"condition": "service_healthy"},  # postgres has a health check
        "cache": {"condition": "service_started"},  # memcached has none
    }
    assert "OLD_HOST" in data["services"]["api"]["environment"]  # still wired, not waited for


def test_depends_on_cycles_are_broken_and_reported(tmp_path: Path) -> None:
    design = make(
        [{"id": x, "kind": "service", "image": f"{x}:1"} for x in "abc"],
        [
            {"id": "ab", "source": "a", "target": "b"},
            {"id": "bc", "source": "b", "target": "c"},
            {"id": "ca", "source": "c", "target": "a"},
            {"id": "aa", "source": "a", "target": "a"},
        ],
    )
    text, data, report = export(design)
    deps = {k: set(v.get("depends_on", {})) for k, v in data["services"].items()}
    assert deps == {"a": {"b"}, "b": {"c"}, "c": set()}
    assert any("cycle" in line and "c -> a (link ca)" in line for line in report)
    assert compose_check(text, tmp_path).returncode == 0


def test_volumes_for_stateful_nodes_and_networks_from_groups(shop: Design) -> None:
    _, data, _ = export(shop)
    svc = data["services"]
    assert svc["orders-db"]["volumes"] == ["orders-db-data:/var/lib/postgresql/data"]
    assert svc["search"]["volumes"] == ["search-data:/usr/share/elasticsearch/data"]
    assert "volumes" not in svc["orders"]
    assert set(data["volumes"]) >= {"orders-db-data", "search-data", "events-data"}
    assert set(data["networks"]) == {"dmz", "app-a", "data"}  # network and zone groups only
    assert svc["lb"]["networks"] == ["dmz"]
    assert svc["orders-db"]["networks"] == ["data"]
    # orders (zone app-a) talks to orders-db (network data): it joins that network too
    assert svc["orders"]["networks"] == ["app-a", "data"]


def test_invalid_service_names_become_valid_unique_ones(hostile: Design, tmp_path: Path) -> None:
    text, data, report = export(hostile)
    names = list(data["services"])
    assert len(set(names)) == len(names)
    assert all(n == n.lower() for n in names)
    assert "lb" in names and "lb-2" in names  # 'LB' could not take 'lb', which exists
    renamed = next(line for line in report if line.startswith("renamed"))
    assert "'LB' -> 'lb-2'" in renamed
    by_id = {s["x-archdesigner"]["node"]["id"]: name for name, s in data["services"].items()}
    assert by_id["LB"] == "lb-2"
    assert compose_check(text, tmp_path).returncode == 0


def test_dollars_are_escaped_for_compose_interpolation(hostile: Design, tmp_path: Path) -> None:
    text, data, _ = export(hostile)
    assert data["x-archdesigner"]["properties"]["note"] == "$${oops"
    assert compose_check(text, tmp_path).returncode == 0


def test_x_archdesigner_carries_the_whole_design(shop: Design) -> None:
    _, data, _ = export(shop)
    canonical = design_to_data(shop)
    top = data["x-archdesigner"]
    assert top["format"] == "archdesigner.design" and top["version"] == 1
    for key in ("name", "description", "links", "groups", "lint", "properties"):
        assert top[key] == canonical[key]
    # nodes compose does not run (here: client, cdn, external without images) are kept whole
    nodes = {
        s["x-archdesigner"]["node"]["id"]: s["x-archdesigner"]["node"]
        for s in data["services"].values()
    }
    kept = {d["id"]: d for d in top["nodes"]}
    assert top["node_order"] == [n["id"] for n in canonical["nodes"]]
    for node in canonical["nodes"]:
        if node["kind"] not in ("client", "cdn", "dns", "external"):
            assert nodes[node["id"]] == node and node["id"] not in kept
        else:
            assert kept[node["id"]] == node and node["id"] not in nodes


@pytest.mark.parametrize("name", ["shop", "hostile"])
def test_an_import_of_the_export_gives_the_design_back(name: str, tmp_path: Path) -> None:
    importers = pytest.importorskip("archdesigner.importers")
    from .conftest import load

    design = load(name)  # clients, CDNs and external systems included
    text, _, _ = export(design)
    f = tmp_path / "compose.yaml"
    f.write_text(text, encoding="utf-8")
    importer = next(i for i in importers.IMPORTERS if i.id == "compose")
    result = importer.import_files([f], env={})
    assert result.design.model_dump() == design.model_dump()


def test_the_file_is_documented_and_readable(shop: Design) -> None:
    text, _, _ = export(shop)
    assert text.startswith("# docker-compose draft written by archdesigner")
    assert "\nservices:\n  lb:\n    image: nginx:1\n" in text


def test_build_compose_is_fast_enough_to_be_linear() -> None:
    # a chain of 2,000 services: depends_on cycle search must not go quadratic or recurse
    n = 2000
    design = make(
        [{"id": f"s{i}", "kind": "service", "image": "x:1"} for i in range(n)],
        [{"id": f"l{i}", "source": f"s{i}", "target": f"s{(i + 1) % n}"} for i in range(n)],
    )
    doc, report = build_compose(design)
    assert len(doc["services"]) == n
    assert sum("cycle" in line for line in report) == 1


def test_an_empty_environment_name_is_left_out_and_reported(tmp_path: Path) -> None:
    design = make([{"id": "a", "kind": "service", "image": "a:1", "env": {"": "x", "OK": "1"}}])
    text, data, report = export(design)
    assert data["services"]["a"]["environment"] == {"OK": "1"}
    assert any("empty name" in line and ": a" in line for line in report)
    assert compose_check(text, tmp_path).returncode == 0


def test_a_kept_compose_name_never_takes_another_nodes_service(tmp_path: Path) -> None:
    # b was imported as compose service "a", but a node "a" exists: both are exported, "a"
    # keeps its name, b gets its own, and the report says so.
    design = make(
        [
            {"id": "a", "kind": "service", "position": {"x": 0, "y": 0}},
            {
                "id": "b",
                "kind": "service",
                "position": {"x": 200, "y": 0},
                "properties": {"compose": {"service": "a"}},
            },
        ],
        [{"id": "l1", "source": "b", "target": "a"}],
    )
    for order in (design, design.model_copy(update={"nodes": design.nodes[::-1]})):
        text, data, report = export(order)
        by_id = {s["x-archdesigner"]["node"]["id"]: name for name, s in data["services"].items()}
        assert by_id == {"a": "a", "b": "b"}
        assert data["services"]["b"]["depends_on"] == {"a": {"condition": "service_started"}}
        assert any(line.startswith("renamed") and "'a' -> 'b'" in line for line in report)
    assert compose_check(text, tmp_path).returncode == 0
