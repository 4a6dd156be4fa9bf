"""The component catalog: the kinds of the design format and technology presets.

The catalog is data. Plugins add kinds and presets through :func:`register_kind` and
:func:`register_technology` (the plugin loader calls them for the ``archdesigner.kinds``
entry point group); the built-in tables below go through the same functions.

What the linter, the importers, the exporters and the layout need to know about a kind (is it
service-like, a datastore, a front door, is it deployed, where does auto-layout put it) is a
field of its :class:`KindInfo`, never a set of kind names elsewhere: :data:`SERVICE_LIKE`,
:data:`DATASTORE`, :data:`FRONT_DOOR`, :data:`ROUTING`, :data:`OUTSIDE` and
:data:`NOT_DEPLOYED` are live views of those fields, so a plugin kind with ``role="service"``
is service-like for every built-in rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, NoReturn

Scaling = Literal["horizontal", "vertical", "none"]
#: What a kind is for (docs/lint-rules.md, "Terms"): ``client`` sends requests into the design;
#: ``front_door`` receives them first (CDN, DNS, load balancer, gateway); ``service`` is
#: service-like (answers requests or does work); ``datastore`` holds data; ``external`` is a
#: system outside the design's control; ``support`` is infrastructure beside the request path
#: (observability, coordination) that is none of the above; ``other`` is a plugin kind that
#: did not say.
Role = Literal["client", "front_door", "service", "datastore", "external", "support", "other"]
ROLES: tuple[Role, ...] = (
    "client",
    "front_door",
    "service",
    "datastore",
    "external",
    "support",
    "other",
)
#: Layout rank of a kind that does not give one: the service column.
DEFAULT_LAYOUT_RANK = 4
MAX_LAYOUT_RANK = 9


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
    role: Role = "other"
    #: Routes each request on to one of its targets (load balancer, gateway); it also faces
    #: traffic from outside, so the Compose export publishes its ports.
    routing: bool = False
    #: False for what stands outside the deployment (clients, CDN, DNS, third parties): the
    #: Compose export gives it no service unless it has an image or data of its own.
    deployed: bool = True
    #: Column auto-layout puts the kind in, from entries (0) to datastores and externals (9).
    layout_rank: int = DEFAULT_LAYOUT_RANK


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
    ("platform", "Platform"),
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
    if info.role not in ROLES:
        raise ValueError(f"kind {info.kind!r} has unknown role {info.role!r}")
    if not 0 <= info.layout_rank <= MAX_LAYOUT_RANK:
        raise ValueError(f"kind {info.kind!r}: layout_rank must be 0 to {MAX_LAYOUT_RANK}")
    _KINDS[info.kind] = info
    for view in _VIEWS:
        view.refresh()


def unregister_kind(kind: str) -> None:
    """Removes a plugin kind (for tests and plugin reloads); built-in kinds stay."""
    info = _KINDS.get(kind)
    if info is not None and info.source != "built-in":
        del _KINDS[kind]
        for view in _VIEWS:
            view.refresh()


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


def role_of(kind: str) -> Role:
    info = _KINDS.get(kind)
    return info.role if info else "other"


def layout_rank(kind: str) -> int:
    info = _KINDS.get(kind)
    return info.layout_rank if info else DEFAULT_LAYOUT_RANK


def category_of(kind: str, unknown: str = "compute") -> str:
    """The palette category of ``kind`` (``unknown`` for a kind the catalog does not know)."""
    info = _KINDS.get(kind)
    return info.category if info else unknown


def display_name_of(kind: str) -> str:
    """The kind's display name; an unknown kind is shown as it is written."""
    info = _KINDS.get(kind)
    return info.display_name if info else kind


def is_deployed(kind: str) -> bool:
    """False for kinds that stand outside the deployment; unknown kinds are deployed."""
    info = _KINDS.get(kind)
    return info.deployed if info else True


class KindView(set[str]):
    """The names of the known kinds whose :class:`KindInfo` passes a test, kept current as
    kinds are registered. A read-only ``set``: rules write ``kind in SERVICE_LIKE`` (as fast
    as any set lookup) and ``SERVICE_LIKE | {"external"}``; changing it is refused (change the
    catalog instead).
    """

    def __init__(self, test: Callable[[KindInfo], bool], doc: str) -> None:
        super().__init__()
        self._test = test
        self.__doc__ = doc
        _VIEWS.append(self)
        self.refresh()

    def refresh(self) -> None:
        set.clear(self)
        set.update(self, (k for k, info in _KINDS.items() if self._test(info)))

    def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("a kind view is read-only: register or change kinds in the catalog")

    add = discard = remove = pop = clear = update = _read_only
    difference_update = intersection_update = symmetric_difference_update = _read_only
    __ior__ = __iand__ = __isub__ = __ixor__ = _read_only

    def __repr__(self) -> str:
        return f"KindView({sorted(self)!r})"


_VIEWS: list[KindView] = []

SERVICE_LIKE = KindView(lambda i: i.role == "service", "Service-like kinds.")
DATASTORE = KindView(lambda i: i.role == "datastore", "Kinds that hold data.")
FRONT_DOOR = KindView(lambda i: i.role == "front_door", "Kinds that receive requests first.")
ROUTING = KindView(lambda i: i.routing, "Kinds that route each request to one target.")
OUTSIDE = KindView(
    lambda i: i.role in ("client", "external"), "Kinds outside the design's control."
)
NOT_DEPLOYED = KindView(lambda i: not i.deployed, "Kinds that stand outside the deployment.")


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
        role="client",
        deployed=False,
        layout_rank=0,
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
        role="front_door",
        deployed=False,
        layout_rank=1,
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
        role="front_door",
        deployed=False,
        layout_rank=1,
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
        role="front_door",
        routing=True,
        layout_rank=2,
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
        role="front_door",
        routing=True,
        layout_rank=3,
    ),
    KindInfo(
        "service",
        "Service",
        "compute",
        False,
        "horizontal",
        "An application that answers requests, such as an HTTP or gRPC API.",
        "service.svg",
        role="service",
        layout_rank=4,
    ),
    KindInfo(
        "worker",
        "Worker",
        "compute",
        False,
        "horizontal",
        "A background job consumer that takes work from a queue or a schedule.",
        "worker.svg",
        role="service",
        layout_rank=5,
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
        role="service",
        layout_rank=4,
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
        role="datastore",
        layout_rank=8,
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
        role="datastore",
        layout_rank=7,
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
        role="datastore",
        layout_rank=6,
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
        role="datastore",
        layout_rank=8,
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
        role="datastore",
        layout_rank=8,
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
        role="external",
        deployed=False,
        layout_rank=9,
    ),
    KindInfo(
        "observability",
        "Observability",
        "platform",
        True,
        "horizontal",
        "Telemetry sink off the request path: traces, metrics, logs. Calls to it are "
        "usually async and not required.",
        "observability.svg",
        ("otel-collector", "jaeger", "zipkin", "prometheus", "grafana", "loki", "fluentd"),
        role="support",
        layout_rank=9,
    ),
    KindInfo(
        "coordination",
        "Coordination",
        "platform",
        True,
        "vertical",
        "Service discovery, configuration and locks: a required dependency, but nobody's "
        "data store.",
        "coordination.svg",
        ("consul", "etcd", "zookeeper", "eureka"),
        role="support",
        layout_rank=8,
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
