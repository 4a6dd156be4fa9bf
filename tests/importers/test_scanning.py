"""Scanning configs and sources for other components' names (importers/scanning.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archdesigner.importers.scanning import (
    NameMatcher,
    classify,
    folder_matches,
    folders_named_like,
    scan_sources,
)
from archdesigner.importers.wiring import database_in

NAMES = {n: n for n in ("order-service", "db", "rabbitmq", "web", "webapp", "sqlserver")}


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ('url = "http://order-service:8080/api/orders"', "url"),
        ("    proxy_pass http://order-service:8080;", "proxy"),
        ("    server order-service:8080 max_fails=3;", "proxy"),
        ("reverse_proxy order-service:8080", "proxy"),
        ('String u = "http://order-service/api/orders";', "url"),
        ("uri: lb://order-service", "url"),
        ("DATABASE_URL=postgres://app:pw@db/app", "url"),
        ("- targets: ['order-service:8080']", "host_port"),
        ('"Host": "rabbitmq",', "config"),
        ('"Cn": "server=sqlserver;user id=sa;database=x"', "config"),
        ("  host: db", "config"),
        ("<host>db</host>", "config"),
        ('client.getInstances("order-service")', "literal"),
        # not evidence: prose, comments, keys, identifiers, names that are not hosts
        ("# proxy_pass http://order-service:8080;", ""),
        ("// call http://order-service later", ""),
        ("The order-service keeps the orders.", ""),
        ('"order-service": {', ""),
        ("  name: db", ""),
        ("  database: db", ""),
        ("order-service:", ""),
    ],
)
def test_classify(line: str, kind: str) -> None:
    matcher = NameMatcher(NAMES)
    hits = matcher.scan_text(line, "f")
    got = hits[0][1].kind if hits else ""
    assert got == kind, (line, hits)


def test_whole_names_only() -> None:
    matcher = NameMatcher(NAMES)
    text = 'a = "http://webapp:80"\nb = "http://web:80"\nc = "http://webapps:80"\n'
    hits = matcher.scan_text(text, "f")
    assert [(t, e.line) for t, e in hits] == [("webapp", 1), ("web", 2)]


def test_classify_positions() -> None:
    assert classify("proxy_pass http://x:80;", 18, 19) == "proxy"
    assert classify("see x", 4, 5) == ""


@pytest.mark.parametrize(
    ("folder", "component", "match"),
    [
        ("OrderService", "order-service", True),
        ("order_service", "order-service", True),
        ("spring-petclinic-order-service", "order-service", True),
        ("svc-orders", "orders", True),
        ("orders", "order-service", False),
        ("OrderService.UnitTests", "order-service", False),
        ("CustomerManagementAPI", "customermanagementapi", True),
        ("docker", "order-service", False),
    ],
)
def test_folder_matches(folder: str, component: str, match: bool) -> None:
    assert folder_matches(folder, component) is match


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_scan_sources_evidence_and_skips(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "src/OrderService/appsettings.json": '{"Db": {"Host": "db"}}\n',
            "src/OrderService/Client.cs": 'var u = "http://webapp:80/";\n',
            "src/OrderService/tests/T.cs": 'var u = "http://rabbitmq:5672/";\n',
            "src/OrderService/README.md": "calls http://rabbitmq:5672\n",
            "src/OrderService/big.json": '"http://rabbitmq:5672"' + " " * 1_000_001,
            "src/OrderService/bin.dat": "\0http://rabbitmq:5672",
            "src/OrderService/ignored/x.yml": "url: http://rabbitmq:5672\n",
            "src/OrderService/.gitignore": "ignored/\n",
        },
    )
    owners = folders_named_like(tmp_path, ["order-service", "db", "webapp"])
    assert owners == {"order-service": [tmp_path.resolve() / "src" / "OrderService"]}
    result = scan_sources(owners, NAMES, tmp_path)
    got = {(f.source, f.target, f.evidence.kind, f.evidence.where) for f in result.links}
    assert got == {
        ("order-service", "db", "config", "src/OrderService/appsettings.json:1"),
        ("order-service", "webapp", "url", "src/OrderService/Client.cs:1"),
    }
    assert result.skipped == 2  # the binary and the big file


def test_urls_by_name_through_a_load_balanced_client(tmp_path: Path) -> None:
    """Spring's ``@LoadBalanced`` client looks ``http://web/`` up in the registry and spreads
    the requests: such a URL (no port) from a component that declares one is ``balanced``,
    naming the annotation; a URL with a port, or from a component without one, is not."""
    _tree(
        tmp_path,
        {
            "order-service/src/App.java": (
                "class App {\n  @Bean @LoadBalanced\n  WebClient.Builder b() { return null; }\n}\n"
            ),
            "order-service/src/Client.java": (
                'String a = "http://webapp/items";\nString b = "http://rabbitmq:15672/api";\n'
            ),
            "db/src/Client.java": 'String a = "http://webapp/items";\n',
        },
    )
    owners = {
        "order-service": [tmp_path / "order-service"],
        "db": [tmp_path / "db"],
    }
    result = scan_sources(owners, NAMES, tmp_path)
    got = {(f.source, f.target): f.evidence for f in result.links}
    assert got[("order-service", "webapp")].by_name
    assert got[("order-service", "webapp")].balanced == "order-service/src/App.java:2"
    assert not got[("order-service", "rabbitmq")].by_name
    assert got[("order-service", "rabbitmq")].balanced == ""
    assert got[("db", "webapp")].by_name and got[("db", "webapp")].balanced == ""


def test_shared_file_counts_only_on_specific_lines(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "conf/nginx.conf": (
                "upstream app { server order-service:8080; }\n"
                "# webapp\nlocation /web { proxy_pass http://db:1; } # for web\n"
            ),
        },
    )
    conf = tmp_path / "conf"
    result = scan_sources({"web": [conf], "webapp": [conf]}, NAMES, tmp_path)
    assert result.shared == ["conf/nginx.conf"]
    assert {(f.source, f.target) for f in result.links} == {("web", "db")}


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_symlinks_out_of_the_root_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _tree(outside, {"secret.yml": "host: db\n"})
    project = tmp_path / "project"
    _tree(project, {"web/app.yml": "host: rabbitmq\n"})
    (project / "web" / "link.yml").symlink_to(outside / "secret.yml")
    (project / "web" / "dir").symlink_to(outside)
    result = scan_sources({"web": [project / "web"]}, NAMES, project)
    assert {f.target for f in result.links} == {"rabbitmq"}


@pytest.mark.parametrize(
    ("text", "host", "database"),
    [
        (
            '"OrdersCN": "server=sqlserver;user id=sa;database=Orders;trust=true"',
            "sqlserver",
            "Orders",
        ),
        ("Data Source=sql;Initial Catalog=Billing;Integrated Security=SSPI", "sql", "Billing"),
        ("DATABASE_URL=postgres://app:secret@db:5432/shop?sslmode=disable", "db", "shop"),
        (
            "spring.datasource.url=jdbc:mysql://mysql-server:3306/petclinic",
            "mysql-server",
            "petclinic",
        ),
        ("MONGO_URI=mongodb://mongo:27017/catalog", "mongo", "catalog"),
        ("host=pg port=5432 dbname=reports", "pg", "reports"),
        # no database: an HTTP path is not one, a bare server is not one, another host's is not
        ("API_URL=http://api:8080/v1", "api", ""),
        ("DB_HOST=db", "db", ""),
        ("postgres://a@other:5432/shop and db:5432", "db", ""),
    ],
)
def test_the_database_a_connection_string_names(text: str, host: str, database: str) -> None:
    assert database_in(text, host) == database
