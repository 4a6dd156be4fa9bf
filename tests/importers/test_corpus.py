"""Every file of the awesome-compose corpus imports: services, dependencies, inferred links."""

from __future__ import annotations

from pathlib import Path

import pytest

from archdesigner.io import dumps_design, loads_design

from .helpers import (
    CORPUS_FILES,
    depends_on_pairs,
    import_compose,
    link_pairs,
    manifest,
    raw_compose,
    service_nodes,
)

MANIFEST = manifest()

#: Samples that wire services through environment values (no depends_on for these pairs):
#: the links the importer must infer, and no others. Every other sample infers nothing.
INFERRED = {
    "gitea-postgres.yaml": {("gitea", "db")},  # DB_HOST=db:5432
    "nextcloud-postgres.yaml": {("nc", "db")},  # POSTGRES_HOST=db
    "nextcloud-redis-mariadb.yaml": {("nc", "redis"), ("nc", "db")},  # REDIS_HOST, MYSQL_HOST
    "wasmedge-kafka-mysql.yaml": {("etl", "db"), ("etl", "redpanda")},  # mysql://, kafka://
    "wasmedge-mysql-nginx.yaml": {("backend", "db")},  # DATABASE_URL: mysql://...@db:3306
    "wordpress-mysql.yaml": {("wordpress", "db")},  # WORDPRESS_DB_HOST=db
}


def test_the_corpus_is_complete() -> None:
    assert len(CORPUS_FILES) == 39
    assert {f.name for f in CORPUS_FILES} == set(MANIFEST)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_file_imports(path: Path) -> None:
    result = import_compose(path)
    design = result.design
    row = MANIFEST[path.name]
    nodes = service_nodes(result)
    assert len(nodes) == int(row["services"])
    data = raw_compose(path)
    assert [n.id for n in nodes] == list(data["services"])
    # every depends_on is a declared (not inferred) link
    declared = link_pairs(result, inferred=False)
    assert depends_on_pairs(data) <= declared
    assert sum(len(s.get("depends_on") or []) for s in data["services"].values()) == int(
        row["depends_on"]
    )
    assert link_pairs(result, inferred=True) == INFERRED.get(path.name, set())
    # images, replicas and environment carry over
    for node in nodes:
        svc = data["services"][node.id]
        assert node.image == str(svc.get("image", ""))
        assert node.replicas == 1
        assert node.kind
    # the result is a valid design that saves and loads unchanged
    assert loads_design(dumps_design(design)).model_dump() == design.model_dump()
    # link ids are unique and deterministic
    assert len({link.id for link in design.links}) == len(design.links)
    assert import_compose(path).design.model_dump() == design.model_dump()


def test_inferred_links_are_reported_with_their_evidence() -> None:
    path = next(p for p in CORPUS_FILES if p.name == "wasmedge-kafka-mysql.yaml")
    result = import_compose(path)
    lines = [line for line in result.report if line.startswith("inferred link")]
    assert lines == [
        "inferred link etl -> db from environment DATABASE_URL=mysql://root:whalehello@db:3306/mysql",
        "inferred link etl -> redpanda from environment KAFKA_URL=kafka://redpanda:9092/order",
    ]
    links = {(link.source, link.target): link for link in result.design.links}
    assert links[("etl", "db")].protocol == "sql"
    assert links[("etl", "db")].mode == "sync"
    assert links[("etl", "redpanda")].protocol == "kafka"
    assert links[("etl", "redpanda")].mode == "async"
    assert links[("etl", "db")].properties["inferred"] is True


KINDS = {
    "nginx-flask-mysql.yaml": {"db": ("database", "mariadb"), "backend": ("service", ""),
                               "proxy": ("load_balancer", "")},
    "aspnet-mssql.yaml": {"db": ("database", "mssql"), "web": ("service", "")},
    "elasticsearch-logstash-kibana.yaml": {"elasticsearch": ("search", "elasticsearch"),
                                           "logstash": ("observability", ""),
                                           "kibana": ("observability", "kibana")},
    "wasmedge-kafka-mysql.yaml": {"redpanda": ("queue", "redpanda"), "db": ("database", "mariadb"),
                                  "etl": ("worker", "")},
    "nginx-nodejs-redis.yaml": {"redis": ("cache", "redis"), "nginx": ("load_balancer", "nginx")},
    "traefik-golang.yaml": {"frontend": ("load_balancer", "traefik")},
    "postgresql-pgadmin.yaml": {"postgres": ("database", "postgres"), "pgadmin": ("service", "")},
    "react-express-mongodb.yaml": {"mongo": ("database", "mongodb")},
    "pihole-cloudflared-DoH.yaml": {"pihole": ("dns", ""), "cloudflared": ("dns", "")},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(KINDS))
def test_kinds_and_technologies_from_images_and_names(name: str) -> None:
    design = import_compose(next(p for p in CORPUS_FILES if p.name == name)).design
    got = {n.id: (n.kind, n.technology) for n in design.nodes}
    for nid, expected in KINDS[name].items():
        assert got[nid] == expected, nid


def test_networks_become_groups_and_the_rest_is_kept_in_properties() -> None:
    path = next(p for p in CORPUS_FILES if p.name == "nginx-flask-mysql.yaml")
    design = import_compose(path).design
    assert [(g.id, g.kind) for g in design.groups] == [
        ("backnet", "network"),
        ("frontnet", "network"),
    ]
    nodes = design.node_map()
    assert nodes["db"].group == "backnet"
    assert nodes["proxy"].group == "frontnet"
    assert nodes["backend"].properties["compose"]["networks"] == ["backnet", "frontnet"]
    assert nodes["backend"].properties["compose"]["build"] == {
        "context": "backend", "target": "builder"
    }  # fmt: skip
    assert nodes["db"].ports == [3306, 33060]
    assert nodes["backend"].ports == [8000]
    assert nodes["db"].properties["compose"]["secrets"] == ["db-password"]
    assert design.properties["compose"]["secrets"] == {"db-password": {"file": "db/password.txt"}}
    assert design.properties["compose"]["volumes"] == {"db-data": None}
