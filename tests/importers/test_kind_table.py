"""Kind inference on real images, Dockerfiles and commands, traps included (issue 12):
image rule first, then the Dockerfile's FROM, then the command, then the name, and a name
never overrides an image that says otherwise."""

from __future__ import annotations

import pytest

from archdesigner.importers.image_rules import infer

# (image, service name, Dockerfile FROM or "", command or "", expected kind, expected why)
TABLE = [
    # datastores, caches, queues, search, storage: the image decides
    ("postgres:16-alpine", "db", "", "", "database", "image"),
    ("mysql:8.0", "mysql", "", "", "database", "image"),
    ("mcr.microsoft.com/mssql/server:2022-latest", "sqlserver", "", "", "database", "image"),
    ("mongo:7", "catalog-db", "", "", "database", "image"),
    ("redis:7-alpine", "sessions", "", "", "cache", "image"),
    ("memcached:1.6", "cache", "", "", "cache", "image"),
    ("rabbitmq:3-management-alpine", "rabbitmq", "", "", "queue", "image"),
    ("confluentinc/cp-kafka:7.6.0", "kafka", "", "", "queue", "image"),
    ("nats:2.10", "nats", "", "", "queue", "image"),
    ("docker.elastic.co/elasticsearch/elasticsearch:8.15.0", "es", "", "", "search", "image"),
    ("minio/minio:latest", "minio", "", "", "object_storage", "image"),
    # the traps: names that are not what the image says
    ("hashicorp/consul:1.19", "db-registry", "", "", "coordination", "image"),
    ("consul:1.15", "consul", "", "", "coordination", "image"),
    ("bitnami/etcd:3.5", "etcd", "", "", "coordination", "image"),
    ("zookeeper:3.9", "zookeeper", "", "", "coordination", "image"),
    ("confluentinc/cp-zookeeper:7.6.0", "zk", "", "", "coordination", "image"),
    ("springcommunity/spring-petclinic-discovery-server", "discovery-server", "", "",
     "coordination", "image"),
    ("springcommunity/spring-petclinic-config-server", "config-server", "", "", "coordination",
     "image"),
    ("steeltoeoss/eureka-server", "eureka", "", "", "coordination", "image"),
    ("nacos/nacos-server:v2.3.0", "nacos", "", "", "coordination", "image"),
    ("jaegertracing/all-in-one:1.57", "jaeger", "", "", "observability", "image"),
    ("openzipkin/zipkin", "tracing-server", "", "", "observability", "image"),
    ("datalust/seq:latest", "seq", "", "", "observability", "image"),
    ("datalust/seq:latest", "logserver", "", "", "observability", "image"),
    ("prom/prometheus:v2.53.0", "prometheus", "", "", "observability", "image"),
    ("grafana/grafana:11.0.0", "grafana", "", "", "observability", "image"),
    ("grafana/loki:3.0.0", "loki", "", "", "observability", "image"),
    ("grafana/tempo:2.5.0", "tempo", "", "", "observability", "image"),
    ("otel/opentelemetry-collector-contrib:0.103.0", "otel-collector", "", "", "observability",
     "image"),
    ("docker.elastic.co/kibana/kibana:8.15.0", "kibana", "", "", "observability", "image"),
    ("docker.elastic.co/logstash/logstash:8.15.0", "logstash", "", "", "observability", "image"),
    ("fluent/fluentd:v1.17", "fluentd", "", "", "observability", "image"),
    ("eshop/catalog.api:latest", "search", "", "", "service", "own image"),
    ("acme/platform:2.1", "search", "", "", "service", "own image"),  # shared by its siblings
    ("acme/media-storage-service:1", "media-storage-service", "", "", "service", "own image"),
    ("", "media-storage-service", "", "", "service", "name"),
    ("ghcr.io/acme/orders:1.2", "orders-db", "", "", "service", "own image"),
    ("pitstop/customermanagementapi:1.0", "customermanagementapi", "", "", "service",
     "own image"),
    # load generators are clients
    ("locustio/locust:2.29", "locust", "", "", "client", "image"),
    ("grafana/k6:0.52.0", "k6", "", "", "client", "image"),
    ("acme/loadgenerator:1", "loadgenerator", "", "", "client", "image"),
    ("", "load-generator", "python:3.12-slim", "", "client", "name"),
    ("", "user-sim", "", "", "client", "name"),
    ("", "load-test", "", "python locustfile.py", "client", "name"),
    ("", "traffic", "", "locust -f /mnt/locust/locustfile.py", "client", "command"),
    # custom front doors: the Dockerfile's FROM decides
    ("", "frontend", "nginx:1.27-alpine", "", "load_balancer", "dockerfile"),
    ("acme/web:1", "web", "nginx:alpine", "", "load_balancer", "dockerfile"),
    ("", "edge", "envoyproxy/envoy:v1.31-latest", "", "api_gateway", "dockerfile"),
    ("", "webapigw", "envoyproxy/envoy:v1.11.1", "", "api_gateway", "dockerfile"),
    ("", "proxy", "haproxy:3.0", "", "load_balancer", "dockerfile"),
    ("", "router", "traefik:v3.1", "", "load_balancer", "dockerfile"),
    ("", "grafana-server", "grafana/grafana:5.2.4", "", "observability", "dockerfile"),
    ("", "prometheus-server", "prom/prometheus:v2.4.2", "", "observability", "dockerfile"),
    ("", "api", "python:3.12-slim", "", "service", "default"),  # a runtime says nothing
    ("", "worker", "node:20-alpine", "", "worker", "name"),
    # commands
    ("", "gateway-x", "", "nginx -g 'daemon off;'", "load_balancer", "command"),
    ("", "mesh", "", "envoy -c /etc/envoy/envoy.yaml", "api_gateway", "command"),
    ("eclipse-temurin:21", "orders", "", "java -jar /app/orders.jar", "service", "command"),
    ("python:3.12", "tasks", "", "celery -A app worker -l info", "worker", "command"),
    ("redis:7", "queue-redis", "", "redis-server --appendonly yes", "cache", "image"),
    # front doors by image, admin consoles and other tools
    ("nginx:1.27", "app", "", "", "load_balancer", "image"),
    ("traefik:v3.1", "reverse-proxy", "", "", "load_balancer", "image"),
    ("envoyproxy/envoy:v1.31-latest", "front-envoy", "", "", "api_gateway", "image"),
    ("springcommunity/spring-petclinic-api-gateway", "api-gateway", "", "", "api_gateway",
     "image"),
    ("dpage/pgadmin4:8", "pgadmin", "", "", "service", "image"),
    ("springcommunity/spring-petclinic-admin-server", "admin-server", "", "", "service", "image"),
    ("maildev/maildev:1.1.0", "mailserver", "", "", "external", "image"),
    ("xabarilcoding/healthchecksui:5.0.0", "webstatus", "", "", "service", "image"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("image", "name", "base", "command", "kind", "why"),
    TABLE,
    ids=[f"{r[1]}:{r[0] or r[2] or r[3]}" for r in TABLE],
)
def test_kind_table(image: str, name: str, base: str, command: str, kind: str, why: str) -> None:
    froms = [(base, "x/Dockerfile:1")] if base else []
    guess = infer(image, name, froms=froms, command=command)
    assert (guess.kind, guess.why) == (kind, why), guess.evidence
    if why != "default":
        assert guess.evidence


def test_the_table_is_big_enough() -> None:
    assert len(TABLE) >= 60
