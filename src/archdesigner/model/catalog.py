"""The component catalog: the kinds of the design format and technology presets.

The catalog is data. Plugins add kinds and presets through :func:`register_kind` and
:func:`register_technology` (the plugin loader calls them for the ``archdesigner.kinds``
entry point group); the built-in tables below go through the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Scaling = Literal["horizontal", "vertical", "none"]


@dataclass(frozen=True)
class KindInfo:
    """One component kind: its defaults and how the app presents it."""

    kind: str
    display_name: str
    category: str  # edge, compute, data, messaging, external
    stateful: bool
    scaling: Scaling
    description: str
    icon: str  # file name under resources/icons/
    technologies: tuple[str, ...] = ()
    source: str = "built-in"


@dataclass(frozen=True)
class Healthcheck:
    test: tuple[str, ...]
    interval: str = "10s"
    timeout: str = "5s"
    retries: int = 5


@dataclass(frozen=True)
class TechnologyPreset:
    """Defaults that a technology brings: image, ports, health check, environment."""

    name: str
    kinds: tuple[str, ...]  # the kinds it fits, most typical first
    display_name: str
    image: str = ""
    ports: tuple[int, ...] = ()
    healthcheck: Healthcheck | None = None
    env: dict[str, str] = field(default_factory=dict)
    data_path: str = ""  # where a stateful image keeps its data (for a named volume)
    scheme: str = ""  # URL scheme used when wiring connection variables
    source: str = "built-in"


CATEGORIES: tuple[tuple[str, str], ...] = (
    ("edge", "Edge"),
    ("compute", "Compute"),
    ("data", "Data"),
    ("messaging", "Messaging"),
    ("external", "External"),
)

_KINDS: dict[str, KindInfo] = {}
_TECHNOLOGIES: dict[str, TechnologyPreset] = {}


def register_kind(info: KindInfo, *, replace: bool = False) -> None:
    """Adds a kind to the catalog; refuses to shadow an existing one unless ``replace``."""
    if not info.kind or not info.kind.replace("_", "").isalnum():
        raise ValueError(f"kind {info.kind!r} must be letters, digits and underscores")
    if info.kind in _KINDS and not replace:
        raise ValueError(f"kind {info.kind!r} is already defined by {_KINDS[info.kind].source}")
    _KINDS[info.kind] = info


def register_technology(preset: TechnologyPreset, *, replace: bool = False) -> None:
    """Adds a technology preset; refuses to shadow an existing one unless ``replace``."""
    key = preset.name.lower()
    if key in _TECHNOLOGIES and not replace:
        raise ValueError(
            f"technology {preset.name!r} is already defined by {_TECHNOLOGIES[key].source}"
        )
    _TECHNOLOGIES[key] = preset


def kinds() -> list[KindInfo]:
    """Every known kind, built-ins first in catalog order, then plugin kinds."""
    return list(_KINDS.values())


def kind_info(kind: str) -> KindInfo | None:
    return _KINDS.get(kind)


def is_known_kind(kind: str) -> bool:
    return kind in _KINDS


def technologies() -> list[TechnologyPreset]:
    return list(_TECHNOLOGIES.values())


def technology(name: str) -> TechnologyPreset | None:
    return _TECHNOLOGIES.get(name.lower()) if name else None


def technologies_for(kind: str) -> list[TechnologyPreset]:
    """Presets that fit ``kind``, the most typical first."""
    return [t for t in _TECHNOLOGIES.values() if kind in t.kinds]


def default_stateful(kind: str) -> bool:
    info = _KINDS.get(kind)
    return info.stateful if info else False


def default_scaling(kind: str) -> Scaling:
    info = _KINDS.get(kind)
    return info.scaling if info else "horizontal"


# --- built-in kinds (design-format.md, "Catalog kinds") -----------------------------------

_BUILTIN_KINDS = (
    KindInfo(
        "client",
        "Client",
        "edge",
        False,
        "none",
        "A user or system that sends requests into the design: browser, mobile app, partner.",
        "client.svg",
        ("browser", "mobile", "partner"),
    ),
    KindInfo(
        "cdn",
        "CDN",
        "edge",
        False,
        "horizontal",
        "Content delivery network that serves cached content close to users.",
        "cdn.svg",
        ("cloudfront", "fastly", "cloudflare"),
    ),
    KindInfo(
        "dns",
        "DNS",
        "edge",
        False,
        "horizontal",
        "Name resolution that routes clients to the right endpoint.",
        "dns.svg",
        ("route53", "coredns"),
    ),
    KindInfo(
        "load_balancer",
        "Load balancer",
        "edge",
        False,
        "horizontal",
        "Spreads requests over the replicas behind it and takes failed ones out.",
        "load_balancer.svg",
        ("nginx", "haproxy", "envoy", "traefik"),
    ),
    KindInfo(
        "api_gateway",
        "API gateway",
        "edge",
        False,
        "horizontal",
        "Single entry for APIs: routing, authentication, rate limits.",
        "api_gateway.svg",
        ("kong", "envoy", "traefik"),
    ),
    KindInfo(
        "service",
        "Service",
        "compute",
        False,
        "horizontal",
        "An application that answers requests, such as an HTTP or gRPC API.",
        "service.svg",
    ),
    KindInfo(
        "worker",
        "Worker",
        "compute",
        False,
        "horizontal",
        "A background job consumer that takes work from a queue or a schedule.",
        "worker.svg",
    ),
    KindInfo(
        "function",
        "Function",
        "compute",
        False,
        "horizontal",
        "A serverless function started per event or request.",
        "function.svg",
        ("lambda", "cloud-functions"),
    ),
    KindInfo(
        "database",
        "Database",
        "data",
        True,
        "vertical",
        "Durable store of record; replicas form a replica set or cluster.",
        "database.svg",
        ("postgres", "mysql", "mariadb", "mongodb", "cassandra", "mssql"),
    ),
    KindInfo(
        "cache",
        "Cache",
        "data",
        True,
        "horizontal",
        "In-memory store that absorbs repeated reads in front of slower systems.",
        "cache.svg",
        ("redis", "memcached", "valkey"),
    ),
    KindInfo(
        "queue",
        "Queue",
        "messaging",
        True,
        "horizontal",
        "Message broker or log that decouples producers from consumers.",
        "queue.svg",
        ("rabbitmq", "kafka", "nats", "sqs", "redpanda"),
    ),
    KindInfo(
        "object_storage",
        "Object storage",
        "data",
        True,
        "horizontal",
        "Blob store for files, media and backups.",
        "object_storage.svg",
        ("s3", "minio"),
    ),
    KindInfo(
        "search",
        "Search",
        "data",
        True,
        "horizontal",
        "Full-text and analytics index.",
        "search.svg",
        ("elasticsearch", "opensearch", "meilisearch"),
    ),
    KindInfo(
        "external",
        "External API",
        "external",
        False,
        "none",
        "A third-party system outside the design's control.",
        "external.svg",
        ("stripe", "sendgrid", "twilio"),
    ),
)


def _hc(*test: str) -> Healthcheck:
    return Healthcheck(test=("CMD-SHELL", *test) if len(test) == 1 else ("CMD", *test))


_BUILTIN_TECHNOLOGIES = (
    TechnologyPreset(
        "postgres",
        ("database",),
        "PostgreSQL",
        "postgres:16",
        (5432,),
        _hc("pg_isready -U postgres"),
        {"POSTGRES_PASSWORD": "change-me"},
        "/var/lib/postgresql/data",
        "postgres",
    ),
    TechnologyPreset(
        "mysql",
        ("database",),
        "MySQL",
        "mysql:8",
        (3306,),
        _hc("mysqladmin ping -h localhost"),
        {"MYSQL_ROOT_PASSWORD": "change-me"},
        "/var/lib/mysql",
        "mysql",
    ),
    TechnologyPreset(
        "mariadb",
        ("database",),
        "MariaDB",
        "mariadb:11",
        (3306,),
        _hc("healthcheck.sh --connect --innodb_initialized"),
        {"MARIADB_ROOT_PASSWORD": "change-me"},
        "/var/lib/mysql",
        "mysql",
    ),
    TechnologyPreset(
        "mongodb",
        ("database",),
        "MongoDB",
        "mongo:7",
        (27017,),
        _hc("mongosh --quiet --eval 'db.runCommand({ping: 1})'"),
        {},
        "/data/db",
        "mongodb",
    ),
    TechnologyPreset(
        "mssql",
        ("database",),
        "SQL Server",
        "mcr.microsoft.com/mssql/server:2022-latest",
        (1433,),
        None,
        {"ACCEPT_EULA": "Y", "MSSQL_SA_PASSWORD": "Change-me-1"},
        "/var/opt/mssql",
        "sqlserver",
    ),
    TechnologyPreset(
        "cassandra",
        ("database",),
        "Cassandra",
        "cassandra:5",
        (9042,),
        _hc("cqlsh -e 'describe keyspaces'"),
        {},
        "/var/lib/cassandra",
        "cassandra",
    ),
    TechnologyPreset(
        "redis",
        ("cache", "queue", "database"),
        "Redis",
        "redis:7",
        (6379,),
        _hc("redis-cli ping"),
        {},
        "/data",
        "redis",
    ),
    TechnologyPreset(
        "valkey",
        ("cache",),
        "Valkey",
        "valkey/valkey:8",
        (6379,),
        _hc("valkey-cli ping"),
        {},
        "/data",
        "redis",
    ),
    TechnologyPreset(
        "memcached", ("cache",), "Memcached", "memcached:1", (11211,), None, {}, "", "memcached"
    ),
    TechnologyPreset(
        "nginx",
        ("load_balancer", "api_gateway", "service"),
        "nginx",
        "nginx:1",
        (80,),
        _hc("nginx -t"),
        {},
        "",
        "http",
    ),
    TechnologyPreset(
        "haproxy", ("load_balancer",), "HAProxy", "haproxy:3.0", (80,), None, {}, "", "http"
    ),
    TechnologyPreset(
        "envoy",
        ("load_balancer", "api_gateway"),
        "Envoy",
        "envoyproxy/envoy:v1.31-latest",
        (10000,),
        None,
        {},
        "",
        "http",
    ),
    TechnologyPreset(
        "traefik",
        ("load_balancer", "api_gateway"),
        "Traefik",
        "traefik:v3",
        (80, 8080),
        _hc("traefik healthcheck --ping"),
        {},
        "",
        "http",
    ),
    TechnologyPreset(
        "kong",
        ("api_gateway",),
        "Kong",
        "kong:3",
        (8000, 8001),
        _hc("kong health"),
        {"KONG_DATABASE": "off"},
        "",
        "http",
    ),
    TechnologyPreset(
        "kafka",
        ("queue",),
        "Kafka",
        "apache/kafka:3.8",
        (9092,),
        None,
        {},
        "/var/lib/kafka/data",
        "kafka",
    ),
    TechnologyPreset(
        "redpanda",
        ("queue",),
        "Redpanda",
        "redpandadata/redpanda:v24.2",
        (9092,),
        None,
        {},
        "/var/lib/redpanda/data",
        "kafka",
    ),
    TechnologyPreset(
        "rabbitmq",
        ("queue",),
        "RabbitMQ",
        "rabbitmq:3-management",
        (5672, 15672),
        _hc("rabbitmq-diagnostics -q ping"),
        {},
        "/var/lib/rabbitmq",
        "amqp",
    ),
    TechnologyPreset("nats", ("queue",), "NATS", "nats:2", (4222,), None, {}, "", "nats"),
    TechnologyPreset(
        "elasticsearch",
        ("search",),
        "Elasticsearch",
        "elasticsearch:8.15.0",
        (9200,),
        _hc("curl -fs http://localhost:9200/_cluster/health || exit 1"),
        {"discovery.type": "single-node", "xpack.security.enabled": "false"},
        "/usr/share/elasticsearch/data",
        "http",
    ),
    TechnologyPreset(
        "opensearch",
        ("search",),
        "OpenSearch",
        "opensearchproject/opensearch:2",
        (9200,),
        None,
        {"discovery.type": "single-node"},
        "/usr/share/opensearch/data",
        "http",
    ),
    TechnologyPreset(
        "meilisearch",
        ("search",),
        "Meilisearch",
        "getmeili/meilisearch:v1.10",
        (7700,),
        None,
        {},
        "/meili_data",
        "http",
    ),
    TechnologyPreset(
        "minio",
        ("object_storage",),
        "MinIO",
        "minio/minio:latest",
        (9000, 9001),
        _hc("mc ready local"),
        {"MINIO_ROOT_USER": "minio", "MINIO_ROOT_PASSWORD": "change-me-please"},
        "/data",
        "http",
    ),
    TechnologyPreset("s3", ("object_storage",), "Amazon S3", "", (), None, {}, "", "https"),
    TechnologyPreset(
        "coredns", ("dns",), "CoreDNS", "coredns/coredns:1.11.3", (53,), None, {}, "", "dns"
    ),
)


for _info in _BUILTIN_KINDS:
    register_kind(_info)
for _preset in _BUILTIN_TECHNOLOGIES:
    register_technology(_preset)
