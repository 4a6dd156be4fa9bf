"""What an image (or, failing that, a service name) says about a component: kind, technology,
and the protocol a client speaks to it.

The tables are data. Plugins add rules by contributing :class:`ImageRule` objects through the
``archdesigner.importers`` entry point group or a plugin folder's ``IMPORTERS`` list (see
docs/import.md); plugin rules are tried before the built-in ones. Technology presets that a
plugin registers in the catalog (``archdesigner.kinds``) are matched by their image too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from archdesigner.model import catalog


@dataclass(frozen=True)
class ImageRule:
    """``pattern`` is a regular expression that must match all of the image's last path
    segment (``postgresql`` of ``docker.io/bitnami/postgresql:16``) or all of its path
    without registry, tag and digest (``bitnami/postgresql``); case is ignored.
    """

    pattern: str
    kind: str
    technology: str = ""
    protocol: str = ""  # what clients speak to it; empty: guessed from kind and technology
    source: str = field(default="built-in", compare=False)

    def __post_init__(self) -> None:
        try:
            re.compile(self.pattern)
        except re.error as exc:
            raise ValueError(f"image rule pattern {self.pattern!r} is not a regex: {exc}") from None


@dataclass(frozen=True)
class Inference:
    kind: str
    technology: str
    protocol: str
    why: str  # "image", "preset", "dockerfile", "command", "own image", "name" or "default"
    evidence: str = ""  # what was seen, for the import report


def _r(pattern: str, kind: str, technology: str = "", protocol: str = "") -> ImageRule:
    return ImageRule(pattern, kind, technology, protocol)


# Order matters: the first rule that matches wins. Tools that merely *talk to* a datastore
# (admin UIs, exporters, CLIs) come first so that ``pgadmin4`` is not taken for a database.
BUILTIN_IMAGE_RULES: tuple[ImageRule, ...] = (
    # load generators: clients that send requests into the system
    _r(r"locust(io/locust)?|.*loadgenerator|.*load-?generator|k6|grafana/k6|wrk2?|jmeter|"
       r"gatling|vegeta|artillery|.*user-?sim(ulator)?|.*load-?test(er|ing)?", "client"),
    # admin consoles, metrics exporters: services
    _r(r"pgadmin4?|adminer|phpmyadmin|mongo-express|redis-commander|redisinsight|"
       r"kafka-ui|kafdrop|akhq|cerebro|elasticvue|dejavu|phpredisadmin|kafka-manager|"
       r"cmak|schema-registry-ui|kafka-topics-ui|rabbitmq-exporter|portainer(-ce|-ee)?|"
       r".*[-_]admin(-server)?|.*health-?checks?-?ui|.*webstatus", "service"),
    _r(r".*[-_]exporter", "service"),
    # tracing, metrics and logging backends: observability (off the request path)
    _r(r"prometheus|prom/prometheus", "observability", "prometheus", "http"),
    _r(r"grafana|grafana-oss|grafana-enterprise", "observability", "grafana", "http"),
    _r(r"kibana|opensearch-dashboards", "observability", "kibana", "http"),
    _r(r"jaeger|all-in-one|jaegertracing/.*|zipkin|openzipkin/.*|tempo|loki|alertmanager|seq|"
       r"datalust/seq|signoz.*|apm-server|elastic-agent|uptrace|otel/.*|"
       r"opentelemetry-collector(-contrib)?|otel-collector|logstash|fluentd|fluent-bit|vector|"
       r"filebeat|metricbeat|heartbeat|promtail|pushgateway|victoria-?metrics|vmagent|"
       r"graphite|statsd|telegraf|netdata|cadvisor|node-exporter", "observability"),
    # service discovery, configuration and coordination
    _r(r"consul|hashicorp/consul", "coordination", "consul", "http"),
    _r(r"etcd|bitnami/etcd|coreos/etcd", "coordination", "etcd", "http"),
    _r(r"zookeeper|cp-zookeeper|zookeeper-.*", "coordination", "zookeeper", "tcp"),
    _r(r".*eureka.*|.*discovery(-server|-service)?|.*config-?server|.*config-service|nacos.*|"
       r"nacos-server|apollo-configservice|spring-cloud-config.*", "coordination", "", "http"),
    # relational and document databases
    _r(r"postgres|postgresql|postgis|timescaledb(-ha)?|pgvector|supabase/postgres|"
       r"postgresql-repmgr|crunchy-postgres|cloudnative-pg/postgresql", "database", "postgres",
       "sql"),
    _r(r"mysql|mysql-server|percona|percona-server|percona-xtradb-cluster", "database", "mysql",
       "sql"),
    _r(r"mariadb|mariadb-galera", "database", "mariadb", "sql"),
    _r(r"mongo|mongodb|mongodb-community-server|mongodb-enterprise-server", "database",
       "mongodb", "mongodb"),
    _r(r"mssql/server|mssql/rhel/server|mssql-server(-linux)?|azure-sql-edge", "database",
       "mssql", "sql"),
    _r(r"oracle-xe|oracle-free|database/(express|enterprise|free)", "database", "oracle", "sql"),
    _r(r"cassandra|scylla|scylladb", "database", "cassandra", "cql"),
    _r(r"cockroach|cockroachdb", "database", "cockroachdb", "sql"),
    _r(r"yugabyte|yugabytedb", "database", "yugabytedb", "sql"),
    _r(r"tidb|pd|tikv", "database", "tidb", "sql"),
    _r(r"clickhouse(-server)?", "database", "clickhouse", "sql"),
    _r(r"couchdb|couchbase(-server)?|arangodb|rethinkdb|ravendb|surrealdb|dynamodb-local|"
       r"orientdb|firebird", "database"),
    _r(r"neo4j|memgraph|janusgraph|dgraph|nebula-graphd", "database", "neo4j", "bolt"),
    _r(r"influxdb|questdb|timescale|druid|pinot", "database"),
    # caches
    _r(r"redis|redis-stack(-server)?|redis-cluster|redismod|redis-sentinel|keydb|"
       r"dragonfly|garnet", "cache", "redis", "redis"),
    _r(r"valkey", "cache", "valkey", "redis"),
    _r(r"memcached|memcache", "cache", "memcached", "memcached"),
    _r(r"varnish|hazelcast|ignite|infinispan-server|infinispan", "cache"),
    # queues and brokers
    _r(r"rabbitmq", "queue", "rabbitmq", "amqp"),
    _r(r"kafka|cp-kafka|cp-server|kafka-native|cp-enterprise-kafka", "queue", "kafka", "kafka"),
    _r(r"redpanda", "queue", "redpanda", "kafka"),
    _r(r"nats|nats-streaming|nats-server", "queue", "nats", "nats"),
    _r(r"activemq|activemq-artemis|artemis|artemis-.*", "queue", "activemq", "amqp"),
    _r(r"pulsar|pulsar-all", "queue", "pulsar", "pulsar"),
    _r(r"eclipse-mosquitto|mosquitto|emqx|vernemq|hivemq4?|hivemq-ce", "queue", "mqtt", "mqtt"),
    _r(r"nsq|nsqd|beanstalkd|gearmand|elasticmq|azure-service-bus-emulator", "queue"),
    # search
    _r(r"elasticsearch|elasticsearch-oss", "search", "elasticsearch", "http"),
    _r(r"opensearch", "search", "opensearch", "http"),
    _r(r"meilisearch", "search", "meilisearch", "http"),
    _r(r"typesense|solr|manticoresearch|zincsearch|zinc|quickwit|sonic|vespa|qdrant|weaviate|"
       r"milvus|chroma", "search"),
    # object storage
    _r(r"minio", "object_storage", "minio", "s3"),
    _r(r"seaweedfs|cloudserver|s3server|fake-gcs-server|azurite|garage|ceph", "object_storage",
       "", "s3"),
    # edges: proxies, load balancers, gateways, DNS
    _r(r"nginx|nginx-unprivileged|openresty|nginx-proxy|nginx-proxy-manager|angie", "load_balancer",
       "nginx", "http"),
    _r(r"haproxy", "load_balancer", "haproxy", "http"),
    _r(r"traefik", "load_balancer", "traefik", "http"),
    _r(r"caddy|pingora", "load_balancer", "", "http"),
    _r(r"envoy|envoy-alpine|envoy-distroless", "api_gateway", "envoy", "http"),
    _r(r"kong|kong-gateway|tyk-gateway|krakend|apisix|gravitee.*gateway|zuul|gloo|"
       r"emissary|ambassador|spring-cloud-gateway|.*[-_]api-?gateway|.*[-_]gateway|ocelot.*",
       "api_gateway", "", "http"),
    _r(r"coredns", "dns", "coredns", "dns"),
    _r(r"pihole|bind9?|unbound|dnsmasq|adguardhome|powerdns|pdns.*|cloudflared|"
       r"dnscrypt-proxy", "dns", "", "dns"),
    # outside systems run locally for development
    _r(r"localstack|mailhog|mailpit|maildev|smtp4dev|wiremock|mockserver|stripe-mock|"
       r"greenmail", "external"),
    # load generators: they stand for the users who call the system
    _r(r"locust.*|loadgenerator|load-generator|k6|jmeter|gatling|vegeta|artillery", "client",
       "", "http"),
    # background processing
    _r(r"celery|worker|.*[-_]worker|sidekiq|flower", "worker"),
    # well-known applications: plain services (prevents a guess from the service name)
    _r(r"wordpress|nextcloud|gitea|gitlab(-ce|-ee)?|jenkins|keycloak|sonarqube|drupal|joomla|"
       r"ghost|mattermost|rocket\.chat|redmine|odoo|superset|metabase|airflow|n8n|"
       r"jupyter.*|vault|plex|jellyfin|minecraft-server|wireguard|httpd|apache|lighttpd|"
       r"httpbin|tomcat|jetty|wildfly",
       "service"),
)  # fmt: skip

# A service-name token -> (kind, technology, protocol). Tried on the name's tokens from the
# last to the first (``basket-db`` -> ``db``; ``db-migrate`` -> ``migrate``).
NAME_TOKENS: dict[str, tuple[str, str, str]] = {
    **{t: ("database", "", "sql") for t in ("db", "database", "rdbms", "sql")},
    **{t: ("database", "postgres", "sql") for t in ("postgres", "postgresql", "pg", "pgsql")},
    "mysql": ("database", "mysql", "sql"),
    "mariadb": ("database", "mariadb", "sql"),
    "mssql": ("database", "mssql", "sql"),
    "sqlserver": ("database", "mssql", "sql"),
    **{t: ("database", "mongodb", "mongodb") for t in ("mongo", "mongodb")},
    "cassandra": ("database", "cassandra", "cql"),
    "neo4j": ("database", "neo4j", "bolt"),
    **{t: ("cache", "redis", "redis") for t in ("redis", "keydb", "valkey")},
    **{t: ("cache", "memcached", "memcached") for t in ("memcached", "memcache")},
    "cache": ("cache", "", ""),
    **{t: ("queue", "rabbitmq", "amqp") for t in ("rabbitmq", "rabbit", "amqp")},
    **{t: ("queue", "kafka", "kafka") for t in ("kafka",)},
    "redpanda": ("queue", "redpanda", "kafka"),
    "nats": ("queue", "nats", "nats"),
    **{t: ("queue", "", "") for t in ("mq", "queue", "broker", "bus", "eventbus", "mqtt")},
    **{t: ("search", "elasticsearch", "http") for t in ("elasticsearch", "elastic", "es")},
    "opensearch": ("search", "opensearch", "http"),
    **{t: ("search", "", "http") for t in ("search", "solr", "index")},
    "minio": ("object_storage", "minio", "s3"),
    **{t: ("object_storage", "", "s3") for t in ("s3", "blob", "blobs", "storage", "objects")},
    **{t: ("load_balancer", "", "http") for t in ("lb", "proxy", "balancer", "loadbalancer",
                                                   "ingress", "reverseproxy", "revproxy")},
    "nginx": ("load_balancer", "nginx", "http"),
    "haproxy": ("load_balancer", "haproxy", "http"),
    "traefik": ("load_balancer", "traefik", "http"),
    "envoy": ("api_gateway", "envoy", "http"),
    **{t: ("api_gateway", "", "http") for t in ("gateway", "gw", "apigateway", "apigw", "bff")},
    **{t: ("worker", "", "") for t in ("worker", "workers", "consumer", "consumers", "scheduler",
                                         "cron", "beat", "jobs", "job", "celery", "processor",
                                         "migrate", "migration", "migrations", "seed", "seeder",
                                         "init", "setup", "indexer", "sync", "etl")},
    "dns": ("dns", "", "dns"),
    **{t: ("observability", "", "http") for t in ("jaeger", "zipkin", "tracing", "prometheus",
                                                    "grafana", "loki", "tempo", "seq", "otel",
                                                    "kibana", "logstash", "fluentd", "metrics",
                                                    "monitoring", "logging", "telemetry")},
    **{t: ("coordination", "", "http") for t in ("consul", "etcd", "zookeeper", "zk", "eureka",
                                                   "discovery", "nacos", "registry")},
    **{t: ("client", "", "http") for t in ("loadgenerator", "loadgen", "locust", "k6",
                                             "loadtest", "usersim")},
}  # fmt: skip

#: Whole service names (words joined by ``-``) that say what a component is.
NAME_PHRASES: dict[str, tuple[str, str, str]] = {
    **{p: ("client", "", "http") for p in ("load-generator", "load-test", "user-sim",
                                           "load-tester", "traffic-generator")},
    **{p: ("coordination", "", "http") for p in ("config-server", "config-service",
                                                 "discovery-server", "service-registry")},
}  # fmt: skip

#: Last name words that say "this is an application" (``storage-service`` is a service).
APP_LAST_WORDS = frozenset({"service", "svc", "api", "app", "backend", "frontend", "web", "ui"})

#: Kinds of applications built in-house: the name may choose among them for an own image.
APP_KINDS = frozenset({"service", "worker", "client"})

#: Runtime and base images that say nothing about a component's role.
GENERIC_IMAGES = re.compile(
    r"(node|python|pypy|golang|go|openjdk|eclipse-temurin|amazoncorretto|adoptopenjdk|"
    r"ibm-semeru-runtimes|maven|gradle|ruby|php|php-fpm|perl|rust|elixir|erlang|julia|swift|"
    r"r-base|bun|oven/bun|denoland/deno|deno|alpine|ubuntu|debian|busybox|centos|fedora|"
    r"rockylinux|almalinux|amazonlinux|ubi\d*(-minimal)?|ubi\d*/.*|scratch|buildpack-deps|"
    r"gcc|dotnet/(sdk|aspnet|runtime|runtime-deps)|distroless/.*|static|base|"
    r"cc|java|jre|jdk|.*/(python|node|golang|openjdk|jre|jdk)|bitnami/(node|python|java))",
    re.IGNORECASE,
)  # fmt: skip

#: The protocol a client speaks to a kind when nothing more specific is known.
KIND_PROTOCOLS = {
    "database": "sql",
    "cache": "redis",
    "queue": "amqp",
    "search": "http",
    "object_storage": "s3",
    "load_balancer": "http",
    "api_gateway": "http",
    "service": "http",
    "function": "http",
    "cdn": "http",
    "dns": "dns",
    "external": "http",
    "observability": "http",
    "coordination": "http",
    "client": "http",
}

#: URL scheme -> protocol, for links found in ``redis://sessions:6379``-style values.
SCHEME_PROTOCOLS = {
    "http": "http", "https": "http", "ws": "websocket", "wss": "websocket", "grpc": "grpc",
    "postgres": "sql", "postgresql": "sql", "mysql": "sql", "mariadb": "sql", "sqlserver": "sql",
    "mssql": "sql", "jdbc": "sql", "oracle": "sql", "cockroachdb": "sql", "clickhouse": "sql",
    "mongodb": "mongodb", "mongodb+srv": "mongodb", "redis": "redis", "rediss": "redis",
    "memcached": "memcached", "amqp": "amqp", "amqps": "amqp", "kafka": "kafka",
    "plaintext": "kafka", "sasl_plaintext": "kafka", "sasl_ssl": "kafka", "nats": "nats",
    "mqtt": "mqtt", "mqtts": "mqtt", "tcp": "tcp", "udp": "udp", "bolt": "bolt", "neo4j": "bolt",
    "s3": "s3", "ldap": "ldap", "ldaps": "ldap", "smtp": "smtp", "ftp": "ftp",
}  # fmt: skip

#: Kinds that hold data: services are paired with datastores named after them.
DATASTORE_KINDS = catalog.DATASTORE

_plugin_rules: list[ImageRule] = []


def register_image_rule(rule: ImageRule) -> bool:
    """Adds a plugin rule (tried before the built-ins). Returns False when it is already there.
    Raises ``ValueError`` for an unknown kind."""
    if not catalog.is_known_kind(rule.kind):
        raise ValueError(f"image rule {rule.pattern!r} names unknown kind {rule.kind!r}")
    if rule in _plugin_rules:
        return False
    _plugin_rules.append(rule)
    _compiled.cache_clear()
    return True


def unregister_image_rules(source: str | None = None) -> None:
    """Removes plugin rules (of one source, or all): for tests and plugin reloads."""
    _plugin_rules[:] = [r for r in _plugin_rules if source is not None and r.source != source]
    _compiled.cache_clear()


def image_rules() -> list[ImageRule]:
    """Every rule in the order it is tried: plugin rules, then built-ins."""
    return [*_plugin_rules, *BUILTIN_IMAGE_RULES]


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[re.Pattern[str], ImageRule]]:
    return [(re.compile(r.pattern, re.IGNORECASE), r) for r in image_rules()]


@lru_cache(maxsize=4096)
def image_path(image: str) -> str:
    """``docker.io/library/postgres:16@sha256:..`` -> ``postgres``; registry, tag, digest off."""
    ref = image.strip().lower().split("@", 1)[0]
    parts = ref.split("/")
    last = parts[-1]
    if ":" in last:
        parts[-1] = last.split(":", 1)[0]
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "library":
        parts = parts[1:]
    return "/".join(p for p in parts if p)


def _protocol(kind: str, technology: str, explicit: str) -> str:
    if explicit:
        return explicit
    preset = catalog.technology(technology)
    if preset is not None and preset.scheme:
        return SCHEME_PROTOCOLS.get(preset.scheme, preset.scheme)
    return KIND_PROTOCOLS.get(kind, "")


def infer_from_image(image: str) -> Inference | None:
    path = image_path(image)
    if not path:
        return None
    last = path.rsplit("/", 1)[-1]
    for rx, rule in _compiled():
        if rx.fullmatch(last) or rx.fullmatch(path):
            return Inference(
                rule.kind,
                rule.technology,
                _protocol(rule.kind, rule.technology, rule.protocol),
                "image",
                f"image {image} (rule {rule.pattern[:40]!r}, {rule.source})",
            )
    # presets in the catalog (plugins add some): same image path, or the technology's name
    for preset in catalog.technologies():
        if not preset.kinds:
            continue
        preset_path = image_path(preset.image) if preset.image else ""
        if path == preset_path or last == preset.name.lower():
            kind = preset.kinds[0]
            return Inference(kind, preset.name, _protocol(kind, preset.name, ""), "preset",
                             f"image {image} (technology preset {preset.name})")  # fmt: skip
    return None


def generic_image(image: str) -> bool:
    """A runtime or base image (``python``, ``node``, ``eclipse-temurin``): says no role."""
    path = image_path(image)
    return bool(path) and GENERIC_IMAGES.fullmatch(path) is not None


def name_tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[-_.\s]+", name.lower()) if t]


def infer_from_name(name: str) -> Inference | None:
    tokens = name_tokens(name)
    joined = "-".join(tokens)
    for phrase, hit in NAME_PHRASES.items():
        if joined == phrase or joined.endswith("-" + phrase):
            kind, tech, proto = hit
            return Inference(kind, tech, _protocol(kind, tech, proto), "name",
                             f"name {name!r} ({phrase})")  # fmt: skip
    if tokens and tokens[-1] in APP_LAST_WORDS and len(tokens) > 1:
        return Inference("service", "", "http", "name", f"name {name!r} ends in {tokens[-1]!r}")
    for token in reversed(tokens):
        word = NAME_TOKENS.get(token)
        if word is not None:
            kind, tech, proto = word
            return Inference(kind, tech, _protocol(kind, tech, proto), "name",
                             f"name {name!r} (word {token!r})")  # fmt: skip
    return None


#: A command's first words -> (kind, technology). Data: extend it like the image rules.
COMMAND_RULES: tuple[tuple[str, str, str], ...] = (
    (r"nginx|openresty", "load_balancer", "nginx"),
    (r"haproxy", "load_balancer", "haproxy"),
    (r"traefik", "load_balancer", "traefik"),
    (r"caddy", "load_balancer", ""),
    (r"envoy", "api_gateway", "envoy"),
    (r"locust|k6|wrk|jmeter|vegeta|artillery", "client", ""),
    (r"celery(?!.*\bflower\b).*\bworker\b.*|celery", "worker", ""),
    (r"redis-server", "cache", "redis"),
    (r"memcached", "cache", "memcached"),
    (r"mongod", "database", "mongodb"),
    (r"postgres|mysqld", "database", ""),
    (r"consul|etcd|zkserver\.sh", "coordination", ""),
    (r"prometheus|otelcol.*|fluentd|fluent-bit|logstash", "observability", ""),
    (r"java .*-jar.*|gunicorn|uvicorn|puma|rails server|dotnet \S+\.dll", "service", ""),
)


def infer_from_command(command: str) -> Inference | None:
    """The kind a command or entrypoint runs: ``nginx -g ...``, ``envoy -c``, ``java -jar``."""
    words = command.replace("[", " ").replace("]", " ").replace(",", " ").split()
    words = [w.strip("\"'") for w in words]
    while words and words[0].rsplit("/", 1)[-1] in (
        "sh",
        "bash",
        "exec",
        "-c",
        "env",
        "tini",
        "dumb-init",
        "--",
        "/bin/sh",
        "gosu",
    ):
        words = words[1:]  # fmt: skip
    if not words:
        return None
    text = " ".join([words[0].rsplit("/", 1)[-1], *words[1:]])
    for pattern, kind, tech in COMMAND_RULES:
        if re.match(rf"(?:{pattern})(?:\s|$)", text, re.IGNORECASE):
            return Inference(kind, tech, _protocol(kind, tech, ""), "command",
                             f"command {' '.join(words[:4])!r}")  # fmt: skip
    return None


def infer(
    image: str,
    service_name: str,
    *,
    froms: Sequence[tuple[str, str]] = (),
    command: str = "",
) -> Inference:
    """Kind, technology and protocol of a component, with the evidence for them.

    In this order: a rule for the image; the ``FROM`` image of its Dockerfile (``froms``:
    ``(image, where)`` of the final stage); the command or entrypoint; then, only when no image
    says otherwise, the name. An image of the component's own (``acme/orders``, not a runtime
    such as ``node``) is a ``service`` whatever the component is called."""
    found = infer_from_image(image) if image else None
    if found is None:
        for base, where in froms:
            hit = infer_from_image(base) if not generic_image(base) else None
            if hit is not None:
                return Inference(hit.kind, hit.technology, hit.protocol, "dockerfile",
                                 f"{where} FROM {base}")  # fmt: skip
    if found is None and command:
        found = infer_from_command(command)
    if found is None and image and not generic_image(image):
        named = infer_from_name(service_name)
        if named is not None and named.kind in APP_KINDS and named.kind != "service":
            return named  # an application of its own: the name tells a worker from a service
        return Inference("service", "", "http", "own image", f"image {image} (its own)")
    if found is None:
        found = infer_from_name(service_name)
    return found if found is not None else Inference("service", "", "http", "default")


def protocol_for_scheme(scheme: str) -> str:
    return SCHEME_PROTOCOLS.get(scheme.lower(), "")
