"""The compose features the corpus does not show, each on its own fixture."""

from __future__ import annotations

from pathlib import Path

from archdesigner.importers.compose_yaml import read_env_file

from .helpers import FIXTURES, import_compose, link_pairs, service_nodes


def test_anchors_and_merge_keys() -> None:
    result = import_compose(FIXTURES / "anchors.yaml")
    nodes = result.design.node_map()
    assert nodes["api"].replicas == 3  # from <<: [*app, *replicated]
    assert nodes["api"].env == {"LOG_LEVEL": "info", "DB_HOST": "db"}
    assert nodes["worker"].env == {
        "LOG_LEVEL": "info", "DB_HOST": "db", "QUEUE_URL": "amqp://guest:guest@rabbit:5672/",
    }  # fmt: skip
    assert nodes["worker"].kind == "worker"
    assert nodes["rabbit"].kind == "queue"
    assert {n.group for n in service_nodes(result)} == {"backend"}
    assert link_pairs(result, inferred=True) == {
        ("api", "db"), ("worker", "db"), ("worker", "rabbit"),
    }  # fmt: skip
    links = {(link.source, link.target): link for link in result.design.links}
    assert links[("worker", "rabbit")].mode == "async"
    assert links[("worker", "rabbit")].protocol == "amqp"
    assert links[("api", "db")].protocol == "sql"


def test_profiles_import_every_service_and_record_the_profile() -> None:
    result = import_compose(FIXTURES / "profiles.yaml")
    nodes = result.design.node_map()
    assert {n.id for n in service_nodes(result)} == {"web", "app", "debug-ui", "db", "load-test"}
    assert nodes["debug-ui"].properties["compose"]["profiles"] == ["debug"]
    assert nodes["load-test"].properties["compose"]["profiles"] == ["test", "debug"]
    assert "profiles" not in nodes["web"].properties.get("compose", {})
    assert nodes["debug-ui"].kind == "service"  # adminer talks to a database; it is not one
    assert link_pairs(result) == {("web", "app"), ("debug-ui", "db")}


def test_interpolation_from_env_file() -> None:
    env = read_env_file(FIXTURES / "interpolation.env")
    assert env == {
        "DB_PASSWORD": "s3cret", "TAG": "2.1", "PG_VERSION": "16-alpine", "EMPTY_VAR": "",
        "APP_REPLICAS": "4",
    }  # fmt: skip
    result = import_compose(FIXTURES / "interpolation.yaml", env=env)
    nodes = result.design.node_map()
    app = nodes["app"]
    assert app.image == "docker.io/acme/app:2.1"  # ${REGISTRY:-docker.io} and ${TAG-latest}
    assert app.env == {
        "DATABASE_URL": "postgres://app:s3cret@pg:5432/app",
        "GREETING": "costs $5",  # $$ is a literal $
        "UNSET_HERE": "[]",
        "EMPTY_DEFAULT": "fallback",  # :- also replaces an empty value
        "EMPTY_DASH": "",  # - only replaces an unset one
        "ALT": "tagged",
    }
    assert app.properties["compose"]["environment_passthrough"] == ["PASSTHROUGH"]
    assert app.replicas == 4
    assert app.ports == [8080]
    assert nodes["pg"].image == "postgres:16-alpine"
    assert "variable NOT_DEFINED is not set; substituted an empty string" in result.report
    assert link_pairs(result, inferred=True) == {("app", "pg")}


def test_interpolation_defaults_without_env() -> None:
    result = import_compose(FIXTURES / "interpolation.yaml", env={"DB_PASSWORD": "x"})
    app = result.design.node_map()["app"]
    assert app.image == "docker.io/acme/app:latest"
    assert app.replicas == 2
    assert app.env["EMPTY_DASH"] == "kept-empty"
    assert app.env["ALT"] == ""
    assert app.properties["compose"]["ports"] == ["8080:8080"]


def test_passthrough_variables_stay_passthrough_never_the_hosts_value() -> None:
    result = import_compose(
        FIXTURES / "interpolation.yaml", env={"DB_PASSWORD": "x", "PASSTHROUGH": "s3cret"}
    )
    app = result.design.node_map()["app"]
    assert "PASSTHROUGH" not in app.env
    assert app.properties["compose"]["environment_passthrough"] == ["PASSTHROUGH"]
    assert "s3cret" not in result.design.model_dump_json()


def test_extends_within_a_file_and_from_another_file() -> None:
    result = import_compose(FIXTURES / "extends.yaml")
    nodes = result.design.node_map()
    assert nodes["orders"].image == "ghcr.io/acme/base:1"
    assert nodes["orders"].env == {"LOG_LEVEL": "debug", "CACHE_HOST": "cache"}
    assert nodes["orders"].properties["compose"]["restart"] == "always"
    assert nodes["payments"].image == "ghcr.io/acme/payments:2"  # extends a service that extends
    assert nodes["payments"].ports == [8080]
    assert nodes["shipping"].image == "ghcr.io/acme/common:3"
    assert nodes["shipping"].replicas == 2
    assert nodes["shipping"].env == {"COMMON": "yes"}
    assert "extends" not in nodes["payments"].properties["compose"]
    assert ("payments", "cache") in link_pairs(result, inferred=True)


def test_override_files_merge_in_order() -> None:
    result = import_compose(FIXTURES / "override-base.yaml", FIXTURES / "override-dev.yaml")
    design = result.design
    nodes = design.node_map()
    assert [n.id for n in service_nodes(result)] == ["web", "api", "db", "mailhog"]
    assert nodes["web"].image == "ghcr.io/acme/web:dev"
    assert nodes["web"].env == {"MODE": "development", "API_URL": "http://api:9000"}
    assert nodes["web"].properties["compose"]["ports"] == ["80:8080", "9229:9229"]  # appended
    assert nodes["web"].ports == [8080, 9229]
    assert nodes["api"].replicas == 1  # the override wins
    assert nodes["api"].properties["compose"]["depends_on"] == {
        "db": {"condition": "service_healthy"}
    }
    assert nodes["db"].env == {"POSTGRES_PASSWORD": "dev"}  # !override
    assert nodes["mailhog"].kind == "external"
    assert link_pairs(result, inferred=False) == {("web", "api"), ("api", "db")}
    assert design.name == "override-base"


def test_reset_removes_a_value_from_the_base_file(tmp_path: Path) -> None:
    base = tmp_path / "a.yaml"
    base.write_text("services:\n  db:\n    image: postgres\n    ports: ['5432:5432']\n")
    over = tmp_path / "b.yaml"
    over.write_text("services:\n  db:\n    ports: !reset []\n")
    node = import_compose(base, over).design.nodes[0]
    assert node.ports == []
    assert "ports" not in node.properties.get("compose", {})


def test_replicas_and_scale() -> None:
    result = import_compose(FIXTURES / "replicas.yaml")
    nodes = result.design.node_map()
    assert nodes["app"].replicas == 3  # scale (version 2.x)
    assert nodes["jobs"].replicas == 5  # deploy.replicas as a string
    assert nodes["stopped"].replicas == 1
    assert nodes["stopped"].properties["compose"]["replicas"] == 0
    assert "node stopped: 0 replicas in compose, imported as 1" in result.report
    assert nodes["front"].ports == [443, 80]
    assert link_pairs(result, inferred=False) == {("front", "app")}  # links: ["app:application"]
    assert link_pairs(result, inferred=True) == {("jobs", "queue")}  # --broker redis://queue


def test_env_only_wiring() -> None:
    result = import_compose(FIXTURES / "env-wiring.yaml")
    assert link_pairs(result, inferred=False) == set()
    assert link_pairs(result, inferred=True) == {
        ("gateway", "basket"),  # address: basket:8080 in the command
        ("basket", "basket-db"),  # basket-db:6379 (and the naming convention)
        ("basket", "rabbitmq"),  # EventBus__Host: rabbitmq
        ("catalog", "catalog-db"),  # DB_HOST=catalog-db
        ("catalog", "search"),  # SEARCH_URL=http://search:9200
        ("auth-service", "auth-mongo"),  # naming convention only
        ("profile-service", "profile-memcached"),  # naming convention only
        ("profile-service", "sessions"),  # CACHE_URL=redis://sessions:6379
        ("billing", "kafka"),  # KAFKA_BOOTSTRAP_SERVERS, --broker=kafka
        ("billing", "billing-pg"),  # --db-host billing-pg
        ("kafka", "zookeeper"),  # KAFKA_ZOOKEEPER_CONNECT
        ("ordering", "rabbitmq"),  # amqp://rabbitmq
    }
    # never a link to itself (HOST_NAME: billing inside billing, HOST_NAME: basket in basket);
    # names that are not hosts do not count (POSTGRES_DB: catalog, a path /data/sessions)
    links = {(link.source, link.target): link for link in result.design.links}
    assert links[("basket", "basket-db")].protocol == "redis"
    assert links[("catalog", "catalog-db")].protocol == "sql"
    assert links[("auth-service", "auth-mongo")].protocol == "mongodb"
    assert links[("profile-service", "profile-memcached")].protocol == "memcached"
    assert links[("billing", "kafka")].mode == "async"
    assert links[("ordering", "rabbitmq")].protocol == "amqp"
    assert links[("basket", "basket-db")].properties["inferred_from"] == [
        "environment ConnectionStrings__Redis=basket-db:6379,abortConnect=false",
        "named after it (basket-db)",
    ]
    assert [link.id for link in result.design.links] == [
        f"{s}->{t}" for s, t in ((link.source, link.target) for link in result.design.links)
    ]
    assert "inferred link gateway -> basket from command basket:8080" in result.report
    reported = [line for line in result.report if line.startswith("inferred link")]
    assert len(reported) == len(link_pairs(result))


def test_declared_link_is_not_marked_inferred_even_when_a_value_names_it() -> None:
    path = FIXTURES.parent / "compose" / "react-rust-postgres.yaml"  # PG_HOST=db and depends_on
    result = import_compose(path)
    assert ("backend", "db") in link_pairs(result, inferred=False)
    assert link_pairs(result, inferred=True) == set()


def test_version_2_links_and_extensions_are_kept() -> None:
    result = import_compose(FIXTURES / "legacy-v2.yaml")
    design = result.design
    nodes = design.node_map()
    assert link_pairs(result, inferred=False) == {("lb", "web"), ("web", "redis")}
    assert nodes["web"].properties["compose"]["x-team"] == "storefront"
    assert nodes["web"].properties["compose"]["mem_limit"] == "512m"
    assert design.properties["compose"]["x-owner"] == "platform-team"
    assert design.properties["compose"]["volumes"] == {"redisdata": {"driver": "local"}}
    assert design.properties["compose"]["version"] == "2"


def test_version_1_file() -> None:
    result = import_compose(FIXTURES / "legacy-v1.yaml")
    assert [n.id for n in service_nodes(result)] == ["web", "db"]
    assert link_pairs(result) == {("web", "db")}
    assert any("version 1 compose file" in line for line in result.report)


def test_service_names_that_are_not_node_ids() -> None:
    result = import_compose(FIXTURES / "names.yaml")
    design = result.design
    long_name = next(n for n in design.nodes if n.id.startswith("this-is"))
    assert len(long_name.id) == 63
    assert long_name.properties["compose"]["service"].endswith("because-it-is-long")
    assert long_name.name == long_name.properties["compose"]["service"]  # the label keeps it
    assert any(line.startswith("service 'this-is-a-very-long") for line in result.report)
    assert link_pairs(result) == {(long_name.id, "Web.API")}
    web = design.node_map()["Web.API"]
    assert web.ports == [8080, 9000, 9001, 9002, 7000]  # long syntax, a range, expose


def test_yaml_is_read_as_compose_reads_it() -> None:
    node = import_compose(FIXTURES / "yaml12.yaml").design.nodes[0]
    assert node.ports == [22]  # 22:22 is not a base-60 number
    assert node.env == {"FEATURE": "on", "ENABLED": "true", "RATIO": "0.5", "COUNT": "8"}


def test_layout_is_layered_from_entries_to_datastores() -> None:
    design = import_compose(FIXTURES / "override-base.yaml").design
    x = {n.id: n.position.x for n in design.nodes}
    assert x["web"] < x["api"]
    positions = {(n.position.x, n.position.y) for n in design.nodes}
    assert len(positions) == len(design.nodes)


def test_include_adds_the_services_of_other_files(tmp_path: Path) -> None:
    (tmp_path / "infra.yaml").write_text(
        "services:\n  db:\n    image: postgres:16\nvolumes:\n  pgdata:\n"
    )
    main = tmp_path / "compose.yaml"
    main.write_text(
        "include:\n  - infra.yaml\nservices:\n  app:\n    image: acme/app\n    depends_on: [db]\n"
    )
    result = import_compose(main)
    assert [n.id for n in service_nodes(result)] == ["app", "db"]
    assert link_pairs(result) == {("app", "db")}
    assert result.design.name == tmp_path.name  # compose.yaml: named after its folder
    assert result.design.properties["compose"]["volumes"] == {"pgdata": None}


def test_names_a_value_may_use(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(
        "services:\n"
        "  app:\n    image: acme/app\n    links: ['pg:database']\n"
        "    environment:\n      DB_HOST: database\n      SEARCH: http://es01:9200\n"
        "      QUEUE_HOST: bus.internal\n"
        "  pg:\n    image: postgres\n"
        "  search:\n    image: elasticsearch:8.15.0\n    container_name: es01\n"
        "  rabbit:\n    image: rabbitmq\n    networks:\n      back:\n        aliases: [bus]\n"
        "networks:\n  back:\n"
    )
    result = import_compose(path)
    assert link_pairs(result, inferred=False) == {("app", "pg")}
    assert link_pairs(result, inferred=True) == {("app", "search"), ("app", "rabbit")}
