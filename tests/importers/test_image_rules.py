"""The image -> kind/technology table and the service-name fallback."""

from __future__ import annotations

import pytest

from archdesigner.importers.image_rules import image_path, infer
from archdesigner.model import catalog

IMAGES = [
    ("postgres:16-alpine", "database", "postgres"),
    ("docker.io/library/postgres@sha256:abcd", "database", "postgres"),
    ("bitnami/postgresql:16", "database", "postgres"),
    ("mysql:8", "database", "mysql"),
    ("mariadb:11", "database", "mariadb"),
    ("mongo", "database", "mongodb"),
    ("mcr.microsoft.com/mssql/server:2022-latest", "database", "mssql"),
    ("mcr.microsoft.com/azure-sql-edge:1.0.4", "database", "mssql"),
    ("cassandra:5", "database", "cassandra"),
    ("redis:7-alpine", "cache", "redis"),
    ("redis/redis-stack-server", "cache", "redis"),
    ("valkey/valkey:8", "cache", "valkey"),
    ("memcached:1.6", "cache", "memcached"),
    ("rabbitmq:3-management", "queue", "rabbitmq"),
    ("confluentinc/cp-kafka:7.6.0", "queue", "kafka"),
    ("bitnami/kafka", "queue", "kafka"),
    ("docker.redpanda.com/vectorized/redpanda:v22.2.2", "queue", "redpanda"),
    ("nats:2", "queue", "nats"),
    ("eclipse-mosquitto:2", "queue", "mqtt"),
    ("nginx:alpine", "load_balancer", "nginx"),
    ("haproxy:3.0", "load_balancer", "haproxy"),
    ("traefik:v3", "load_balancer", "traefik"),
    ("envoyproxy/envoy:v1.31-latest", "api_gateway", "envoy"),
    ("kong:3", "api_gateway", ""),
    ("docker.elastic.co/elasticsearch/elasticsearch:8.15.0", "search", "elasticsearch"),
    ("opensearchproject/opensearch:2", "search", "opensearch"),
    ("minio/minio", "object_storage", "minio"),
    ("quay.io/minio/minio:latest", "object_storage", "minio"),
    ("coredns/coredns:1.11.3", "dns", "coredns"),
    # tools that talk to a datastore are not datastores
    ("dpage/pgadmin4", "service", ""),
    ("adminer", "service", ""),
    ("mongo-express", "service", ""),
    ("oliver006/redis_exporter", "service", ""),
    ("prom/prometheus", "observability", "prometheus"),
    ("grafana/grafana", "observability", "grafana"),
    ("localstack/localstack", "external", ""),
]


@pytest.mark.parametrize(("image", "kind", "technology"), IMAGES, ids=[i[0] for i in IMAGES])
def test_image_table(image: str, kind: str, technology: str) -> None:
    guess = infer(image, "anything")
    assert (guess.kind, guess.technology) == (kind, technology)
    assert catalog.is_known_kind(guess.kind)


@pytest.mark.parametrize(
    ("image", "name", "kind"),
    [
        ("", "db", "database"),  # build-only services: the name decides
        ("", "basket-db", "database"),
        ("", "profile-memcached", "cache"),
        ("", "api", "service"),
        ("", "backend", "service"),
        ("", "proxy", "load_balancer"),
        ("", "db-migrate", "worker"),
        ("node:20", "worker", "worker"),  # a runtime image says nothing about the role
        ("ghcr.io/acme/orders:1.2", "orders", "service"),
        ("adminer", "db-admin", "service"),  # but a known image does
    ],
)
def test_service_name_when_the_image_says_nothing(image: str, name: str, kind: str) -> None:
    assert infer(image, name).kind == kind


def test_image_path() -> None:
    assert image_path("localhost:5000/team/app:1") == "team/app"
    assert image_path("ghcr.io/acme/api@sha256:00") == "acme/api"
    assert image_path("Library/Redis") == "redis"
    assert image_path("") == ""
