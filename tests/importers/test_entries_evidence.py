"""Entries, depends_on evidence, health checks and observability links (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archdesigner.importers import ComposeImporter, ImportResult
from archdesigner.importers.compose import published_ports
from archdesigner.importers.entries import user_facing
from archdesigner.lint.engine import lint_design

from .helpers import CORPUS_FILES, import_compose, service_nodes


def _import(tmp_path: Path, text: str) -> ImportResult:
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    return ComposeImporter().import_files([path], env={})


def _links(result: ImportResult) -> dict[tuple[str, str], object]:
    return {(x.source, x.target): x for x in result.design.links}


def test_published_ports_need_a_host_port() -> None:
    assert published_ports(["8080:80", "5000", "127.0.0.1:81:81/udp", {"target": 9}]) == [80, 81]
    assert published_ports([{"target": 443, "published": 8443}]) == [443]


def test_an_edge_fronting_services_is_the_only_entry(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        """
services:
  gateway:
    image: envoyproxy/envoy:v1.31-latest
    ports: ["80:8080"]
    command: ["--upstream", "http://orders:8080"]
  orders:
    image: acme/orders:1
    ports: ["8081:8080"]
    depends_on: [db, consul]
  db: {image: "postgres:16", ports: ["5432:5432"]}
  rabbit: {image: "rabbitmq:3-management", ports: ["15672:15672"]}
  consul: {image: "hashicorp/consul:1.19", ports: ["8500:8500"]}
  pgadmin: {image: "dpage/pgadmin4", ports: ["5050:80"]}
  locust: {image: "locustio/locust", command: "-H http://gateway:8080"}
""",
    )
    links = _links(result)
    assert [t for s, t in links if s == "users"] == ["gateway"]
    users = result.design.node_map()["users"]
    assert users.kind == "client"
    assert result.design.node_map()["locust"].kind == "client"
    assert ("locust", "gateway") in links  # the load generator's requests
    assert result.details is not None and result.details.clients == ["locust"]
    assert links[("orders", "db")].properties["evidence"] == "depends_on"  # type: ignore[attr-defined]


def test_entries_are_guessed_when_no_port_is_published(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        """
services:
  web: {image: "acme/web:1", environment: {API_URL: "http://api:8080"}}
  api: {image: "acme/api:1", environment: {DB_HOST: db}}
  db: {image: "postgres:16"}
  jaeger: {image: "jaegertracing/all-in-one:1.57"}
""",
    )
    links = _links(result)
    assert [t for s, t in links if s == "users"] == ["web"]
    assert links[("users", "web")].properties["guessed"] is True  # type: ignore[attr-defined]
    assert result.details is not None and result.details.entries_guessed
    assert any("GUESSED" in line for line in result.details.text())


def test_health_checks_are_not_links_and_observability_is_async(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        """
services:
  webstatus:
    image: xabarilcoding/healthchecksui:5.0.0
    environment:
      HealthChecksUI__HealthChecks__0__Uri: http://catalog-api/hc
  catalog-api:
    image: acme/catalog:1
    environment:
      IdentityUrlHC: http://identity-api/hc
      IdentityUrl: http://identity-api
      OTEL_EXPORTER_OTLP_ENDPOINT: http://jaeger:4317
  identity-api:
    image: acme/identity:1
    environment:
      ReadyProbe: http://catalog-api:80/ready
  jaeger: {image: "jaegertracing/all-in-one:1.57"}
""",
    )
    links = _links(result)
    assert ("webstatus", "catalog-api") not in links
    assert ("identity-api", "catalog-api") not in links
    assert ("catalog-api", "identity-api") in links  # IdentityUrl, not the HC one
    tracing = links[("catalog-api", "jaeger")]
    assert (tracing.mode, tracing.required) == ("async", False)  # type: ignore[attr-defined]
    assert result.details is not None
    checks = {(h["source"], h["target"]) for h in result.details.health_checks}
    assert checks == {("webstatus", "catalog-api"), ("catalog-api", "identity-api"),
                      ("identity-api", "catalog-api")}  # fmt: skip


def test_a_user_facing_published_port_always_gives_an_entry() -> None:
    """Every corpus design with a user-facing published port has an entry."""
    with_entry = 0
    for path in CORPUS_FILES:
        result = import_compose(path)
        nodes = service_nodes(result)
        published = {n.id: published_ports((n.properties.get("compose") or {}).get("ports"))
                     for n in nodes}  # fmt: skip
        facing = [n for n in nodes if user_facing(n, published[n.id])]
        entries = [x for x in result.design.links if x.source == "users"]
        if facing:
            assert entries, path.name
            with_entry += 1
    assert with_entry >= 25


@pytest.mark.parametrize("text", ["services:\n  worker: {image: 'acme/worker:1'}\n"])
def test_a_design_without_entry_gets_mod004(tmp_path: Path, text: str) -> None:
    result = _import(tmp_path, text)
    assert not any(n.kind == "client" for n in result.design.nodes)
    findings = lint_design(result.design).findings
    assert any(f.rule_id == "MOD004" and f.severity == "warning" for f in findings)


def test_a_load_generators_call_to_a_service_skips_edg001(tmp_path: Path) -> None:
    """A load generator is a client, but a test one: it calls the web service by its
    address on purpose, so EDG001 (no front door) is suppressed on its link, and said so."""
    result = _import(
        tmp_path,
        """
services:
  web:
    image: acme/web:1
    ports: ["80:8080"]
  locust:
    image: locustio/locust:2.20
    command: ["-f", "/mnt/locustfile.py", "--host", "http://web:8080"]
""",
    )
    links = _links(result)
    assert links[("locust", "web")].lint_ignore == ["EDG001"]  # type: ignore[attr-defined]
    assert links[("users", "web")].lint_ignore == []  # type: ignore[attr-defined]
    assert any("locust is a load generator" in line for line in result.report)
    report = lint_design(result.design)
    # the users' own call still has no front door; the load generator's is suppressed
    assert [f.subject for f in report.active if f.rule_id == "EDG001"] == ["users->web"]
    assert [(f.rule_id, f.subject) for f in report.suppressed] == [("EDG001", "locust->web")]


def test_a_spring_cloud_lb_uri_is_a_client_balanced_link(tmp_path: Path) -> None:
    """``lb://customers`` is resolved in the caller's registry and spread request by
    request (``discovery``: SCL001 wants no load balancer there); a plain URL is not."""
    result = _import(
        tmp_path,
        """
services:
  orders:
    image: acme/orders:1
    environment:
      CUSTOMERS: lb://customers
      STOCK: http://stock:8080/api
  customers:
    image: acme/customers:1
  stock:
    image: acme/stock:1
""",
    )
    links = _links(result)
    assert links[("orders", "customers")].discovery is True  # type: ignore[attr-defined]
    assert links[("orders", "stock")].discovery is False  # type: ignore[attr-defined]
