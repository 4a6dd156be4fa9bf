"""Whole systems with their sources (tests/data/systems): the import finds the call graph
their configs and sources show. Each true call graph below was written by reading the system's
code, configs and docs; the comment on each link names where it comes from."""

from __future__ import annotations

from pathlib import Path

import pytest

from archdesigner.importers import ComposeImporter, ImportResult

from .helpers import DATA

SYSTEMS = DATA / "systems"
PETCLINIC_SERVICES = ("customers-service", "visits-service", "vets-service", "genai-service")

#: spring-petclinic-microservices (docker-compose.yml at its root).
#: Left out because nothing in the repository shows them (the external configuration repository
#: spring-petclinic-microservices-config sets them): each service's spans to tracing-server
#: (Zipkin), and admin-server polling the services it finds in Eureka.
PETCLINIC: set[tuple[str, str]] = {
    # spring-petclinic-api-gateway/src/main/resources/application.yml routes (uri: lb://...),
    # and application/CustomersServiceClient.java, VisitsServiceClient.java (WebClient URLs)
    ("api-gateway", "customers-service"),
    ("api-gateway", "visits-service"),
    ("api-gateway", "vets-service"),
    ("api-gateway", "genai-service"),
    # spring-petclinic-genai-service: VectorStoreController.java "http://vets-service/",
    # AIDataProvider.java discoveryClient.getInstances("customers-service")
    ("genai-service", "vets-service"),
    ("genai-service", "customers-service"),
    # every application.yml, profile docker: spring.config.import configserver:http://config-server:8888
    *{(s, "config-server") for s in (*PETCLINIC_SERVICES, "api-gateway", "admin-server",
                                     "discovery-server")},
    # Eureka clients (pom.xml spring-cloud-starter-netflix-eureka-client; README "Discovery
    # Server"); docker-compose.yml depends_on discovery-server
    *{(s, "discovery-server") for s in (*PETCLINIC_SERVICES, "api-gateway", "admin-server")},
    # docker/prometheus/prometheus.yml scrape targets
    ("prometheus-server", "api-gateway"),
    ("prometheus-server", "customers-service"),
    ("prometheus-server", "visits-service"),
    ("prometheus-server", "vets-service"),
    # docker/grafana/provisioning/datasources/all.yml url: http://prometheus-server:9090
    ("grafana-server", "prometheus-server"),
}  # fmt: skip

PITSTOP_APIS = ("customermanagementapi", "vehiclemanagementapi", "workshopmanagementapi")
#: pitstop (src/docker-compose.yml). Every .NET service's appsettings.Production.json names
#: its RabbitMQ host ("Host": "rabbitmq"), its SQL Server ("server=sqlserver;..." connection
#: strings), its mail server ("Email": {"Host": "mailserver"}) and Seq ("serverUrl":
#: "http://logserver:5341"); WebApp's APIServiceLocations and RESTClients/*.cs name the APIs.
PITSTOP: set[tuple[str, str]] = {
    # WebApp/appsettings.Production.json APIServiceLocations, WebApp/RESTClients/*API.cs
    *{("webapp", api) for api in PITSTOP_APIS},
    # Serilog Seq sink in every service's appsettings.Production.json
    *{(s, "logserver") for s in (*PITSTOP_APIS, "webapp", "auditlogservice", "invoiceservice",
                                 "notificationservice", "timeservice",
                                 "workshopmanagementeventhandler")},
    # RabbitMQPublisher / RabbitMQHandler "Host": "rabbitmq"
    *{(s, "rabbitmq") for s in (*PITSTOP_APIS, "auditlogservice", "invoiceservice",
                                "notificationservice", "timeservice",
                                "workshopmanagementeventhandler")},
    # ConnectionStrings "server=sqlserver;..."
    *{(s, "sqlserver") for s in (*PITSTOP_APIS, "invoiceservice", "notificationservice",
                                 "workshopmanagementeventhandler")},
    # InvoiceService and NotificationService "Email": {"Host": "mailserver"}
    ("invoiceservice", "mailserver"),
    ("notificationservice", "mailserver"),
}  # fmt: skip

CASES = {
    "spring-petclinic-microservices": (SYSTEMS / "spring-petclinic-microservices" /
                                       "docker-compose.yml", PETCLINIC, ["api-gateway"]),
    "pitstop": (SYSTEMS / "pitstop" / "src" / "docker-compose.yml", PITSTOP, ["webapp"]),
}  # fmt: skip


def _import(path: Path) -> ImportResult:
    return ComposeImporter().import_files([path], env={})


def _service_links(result: ImportResult) -> set[tuple[str, str]]:
    return {
        (link.source, link.target)
        for link in result.design.links
        if link.properties.get("evidence") != "entry"
    }


@pytest.mark.parametrize("system", sorted(CASES))
def test_recall_and_precision_against_the_true_call_graph(system: str) -> None:
    path, truth, _ = CASES[system]
    found = _service_links(_import(path))
    hits = found & truth
    recall, precision = len(hits) / len(truth), len(hits) / len(found)
    assert recall >= 0.9, f"missed: {sorted(truth - found)}"
    assert precision >= 0.9, f"wrong: {sorted(found - truth)}"


@pytest.mark.parametrize("system", sorted(CASES))
def test_entries_and_evidence(system: str) -> None:
    path, _, entries = CASES[system]
    result = _import(path)
    users = [link.target for link in result.design.links if link.source == "users"]
    assert users == entries
    for link in result.design.links:
        assert link.properties.get("evidence"), link.id  # every link says why it is there
    assert result.details is not None and result.details.scan["files"] > 0


def test_without_sources_most_of_the_graph_is_missing() -> None:
    """The reason for scanning: the compose file alone shows a fraction of pitstop."""
    path, truth, _ = CASES["pitstop"]
    plain = ComposeImporter(scan=False).import_files([path], env={})
    assert len(_service_links(plain) & truth) / len(truth) < 0.7


def test_petclinic_kinds_and_evidence() -> None:
    path, _, _ = CASES["spring-petclinic-microservices"]
    result = _import(path)
    kinds = {n.id: n.kind for n in result.design.nodes}
    assert kinds["config-server"] == kinds["discovery-server"] == "coordination"
    assert kinds["tracing-server"] == "observability"
    assert kinds["prometheus-server"] == kinds["grafana-server"] == "observability"  # FROM
    assert kinds["api-gateway"] == "api_gateway"
    assert kinds["users"] == "client"
    links = {(x.source, x.target): x for x in result.design.links}
    scrape = links[("prometheus-server", "api-gateway")]
    assert (scrape.mode, scrape.required) == ("async", False)
    assert scrape.properties["evidence"][0] == {
        "kind": "host_port", "where": "docker/prometheus/prometheus.yml:17",
        "text": "- targets: ['api-gateway:8080']",
    }  # fmt: skip
    assert links[("visits-service", "discovery-server")].properties["evidence"] == "depends_on"
    confirmed = links[("visits-service", "config-server")].properties["evidence"]
    assert [e["kind"] for e in confirmed] == ["depends_on", "url"]
    # VectorStoreController calls "http://vets-service/" through the WebClient.Builder that
    # AIBeanConfiguration declares @LoadBalanced: the caller spreads the calls (discovery);
    # AIDataProvider takes discoveryClient.getInstances("customers-service").get(0), one
    # instance always: not balanced
    vets = links[("genai-service", "vets-service")]
    assert vets.discovery is True
    assert vets.properties["evidence"][0]["balanced_by"] == (
        "@LoadBalanced at spring-petclinic-genai-service/src/main/java/org/springframework/"
        "samples/petclinic/genai/AIBeanConfiguration.java:25"
    )
    assert links[("genai-service", "customers-service")].discovery is False
    # the gateway's default-filters put a CircuitBreaker before every route (and genai's
    # route names its own); genai-service's own WebClient calls have none
    for target in ("customers-service", "visits-service", "vets-service", "genai-service"):
        assert links[("api-gateway", target)].circuit_breaker is True, target
    for target in ("customers-service", "vets-service"):
        assert links[("genai-service", target)].circuit_breaker is False, target


def test_pitstop_services_each_name_their_database_on_the_one_sql_server() -> None:
    """Every .NET service's connection string names its own database on sqlserver; the
    workshop API and its event handler share WorkshopManagement (the read model)."""
    path, _, _ = CASES["pitstop"]
    design = _import(path).design
    named = {
        link.source: link.properties.get("databases")
        for link in design.links
        if link.target == "sqlserver"
    }
    assert named == {
        "customermanagementapi": ["CustomerManagement"],
        "vehiclemanagementapi": ["VehicleManagement"],
        "workshopmanagementapi": ["WorkshopManagementEventStore", "WorkshopManagement"],
        "workshopmanagementeventhandler": ["WorkshopManagement"],
        "invoiceservice": ["Invoicing"],
        "notificationservice": ["Notification"],
    }


def test_pitstop_kinds() -> None:
    path, _, _ = CASES["pitstop"]
    kinds = {n.id: n.kind for n in _import(path).design.nodes}
    assert kinds["logserver"] == "observability"  # datalust/seq
    assert kinds["rabbitmq"] == "queue" and kinds["sqlserver"] == "database"
    assert kinds["mailserver"] == "external"
    assert {kinds[a] for a in PITSTOP_APIS} == {"service"}
