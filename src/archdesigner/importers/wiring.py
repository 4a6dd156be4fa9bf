"""Finding the services that a service's configuration names.

Many compose files declare no ``depends_on`` and wire everything through values:
``DB_HOST: db``, ``CACHE_URL=redis://sessions:6379``, ``--bootstrap-server kafka:9092``.
A value names a service when it holds a URL whose host is the service, a ``host:port`` pair
with the service as host, or (for host-like keys and command-line flags only) the service's
bare name. Names are the service names, ``container_name``, ``hostname``, network aliases and
``links`` aliases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from archdesigner.importers.image_rules import DATASTORE_KINDS, name_tokens
from archdesigner.model.design import Link
from archdesigner.model.edits import unique_id

#: Key or flag words that say "the value is a host" (``DB_HOST``, ``--bootstrap-server``).
HOSTY = frozenset(
    {
        "host", "hosts", "hostname", "hostnames", "addr", "address", "addresses", "server",
        "servers", "url", "urls", "uri", "uris", "dsn", "endpoint", "endpoints", "broker",
        "brokers", "bootstrap", "upstream", "upstreams", "backend", "backends", "target",
        "nodes", "peers", "seeds", "connect", "connection", "conn", "service", "services",
        "origin", "remote", "master", "primary", "sentinel", "sentinels", "cluster", "collector",
        "agent", "gateway", "proxy", "api", "link", "location",
    }
)  # fmt: skip
#: The last word of keys whose value is a name of something else (``POSTGRES_DB: db``).
NOT_HOST_LAST = frozenset(
    {
        "name", "id", "user", "username", "password", "pass", "pwd", "db", "database", "dbname",
        "schema", "table", "topic", "topics", "queue", "bucket", "index", "version", "port",
        "realm", "mode", "level", "path", "dir", "file", "key", "secret", "token", "env", "type",
        "group", "prefix", "suffix", "tag", "label", "region", "zone", "timeout", "size",
    }
)  # fmt: skip

_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^\s/?#'\",;]+)")
_HOST_PORT = re.compile(r"(?<![\w.:/@-])([A-Za-z0-9][A-Za-z0-9_.-]*):(\d{1,5})(?![\d])")
_SPLIT = re.compile(r"[\s,;]+")
_PUNCT = "\"'{}[](),;"


@dataclass(frozen=True)
class Reference:
    target: str  # a service name
    evidence: str  # where it was found, for the report
    scheme: str = ""  # the URL scheme, when it was a URL
    database: str = ""  # the database on that server the value names (database_in)


#: ``database=orders``, ``Initial Catalog=orders``, ``dbname=orders``, ``databaseName=orders``
_DB_KEY = re.compile(
    r"(?i)(?:^|[;\s'\"?&])(?:database|initial[ _]catalog|dbname|databasename)\s*=\s*"
    r"([A-Za-z0-9_.$-]+)"
)
#: ``postgres://user@host:5432/orders``, ``jdbc:mysql://host/orders``, ``mongodb://host/orders``
_DB_URL = re.compile(
    r"(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|cockroachdb|sqlserver)"
    r"://([^/\s'\"?#]+)/([A-Za-z0-9_.$-]+)"
)


def database_in(text: str, host: str) -> str:
    """The database a connection string or database URL in ``text`` names on the server
    ``host`` ("" when it names none): ``server=sql;database=Orders`` -> ``Orders``,
    ``postgres://app@db:5432/orders?sslmode=off`` -> ``orders``. Several services that use
    one database server each with a database of its own share the server, not their data
    (DAT001 tells the two apart)."""
    low_host = host.lower()
    for m in _DB_URL.finditer(text):
        if _bare(m.group(1).rsplit("@", 1)[-1]).lower() == low_host:
            return m.group(2)
    if low_host in text.lower():
        key = _DB_KEY.search(text)
        if key is not None:
            return key.group(1)
    return ""


def _key_words(key: str) -> list[str]:
    words = [w for w in re.split(r"[^a-z0-9]+", key.lower()) if w]
    joined: list[str] = []
    for w in words:
        if w == "name" and joined and joined[-1] == "host":
            joined[-1] = "hostname"
        else:
            joined.append(w)
    return joined


def hosty_key(key: str) -> bool:
    words = _key_words(key)
    return bool(words) and bool(HOSTY.intersection(words)) and words[-1] not in NOT_HOST_LAST


def _bare(token: str) -> str:
    token = token.strip("'\"()[]{}<>")
    if token.startswith("[") or token.count(":") > 1:
        return ""
    return token.split(":", 1)[0]


#: A Spring Cloud LoadBalancer URI (``lb://customers-service``): the caller looks the
#: service up in its registry and spreads each request over the instances.
_CLIENT_BALANCED = re.compile(r"\blb://", re.IGNORECASE)


def link_shape(source_kind: str, target_kind: str) -> tuple[Literal["sync", "async"], bool]:
    """(mode, required) of an imported call: async to a queue; async and not required to or
    from an observability tool (logs, metrics and traces are sent and scraped on the side:
    when the tool is down, requests still succeed)."""
    observed = "observability" in (source_kind, target_kind)
    mode: Literal["sync", "async"] = "async" if observed or target_kind == "queue" else "sync"
    return mode, not observed


def client_balanced(scheme: str, text: str = "") -> bool:
    """Whether a call is balanced by its caller (``discovery``): a URL of scheme ``lb``,
    or a piece of evidence whose ``text`` holds one."""
    return scheme.lower() == "lb" or bool(_CLIENT_BALANCED.search(text))


def hosts_in(text: str) -> list[tuple[str, str]]:
    """``(host, scheme)`` for every URL host and every ``host:port`` in ``text``."""
    out: list[tuple[str, str]] = []
    if ":" not in text:
        return out
    for m in _URL.finditer(text):
        authority = m.group(2).rsplit("@", 1)[-1]
        host = _bare(authority)
        if host:
            out.append((host, m.group(1).lower()))
    for m in _HOST_PORT.finditer(text):
        out.append((m.group(1), ""))
    return out


class Resolver:
    """Maps names a value may use (service, container_name, hostname, alias) to services."""

    def __init__(self, services: Mapping[str, Mapping[str, Any]]) -> None:
        names: dict[str, str] = {}
        for name in services:
            names.setdefault(name.lower(), name)
        for name, svc in services.items():
            for key in ("container_name", "hostname"):
                value = svc.get(key)
                if isinstance(value, str) and value:
                    names.setdefault(value.lower(), name)
            for entry in svc.get("links") or []:
                target, colon, alias = str(entry).partition(":")
                if colon and alias and target in services:
                    names.setdefault(alias.lower(), target)
            nets = svc.get("networks")
            if isinstance(nets, dict):
                for net in nets.values():
                    if isinstance(net, dict):
                        for alias in net.get("aliases") or []:
                            names.setdefault(str(alias).lower(), name)
        self.names = names

    def lookup(self, host: str) -> str | None:
        host = host.lower().rstrip(".")
        hit = self.names.get(host)
        if hit is None and "." in host:  # db.backnet, db.example_default
            hit = self.names.get(host.split(".", 1)[0])
        return hit


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def reserve_id(wanted: str, taken: set[str], fallback: str = "service") -> str:
    """A valid node id made from ``wanted`` that is not in ``taken`` (``wanted-2``, ... on a
    clash; ``fallback`` when nothing of it is usable), added to ``taken``."""
    candidate = unique_id(wanted, taken, fallback=fallback)
    taken.add(candidate)
    return candidate


def add_database(link: Link, database: str) -> None:
    """Notes on ``link`` (``properties.databases``) that its source uses the database
    ``database`` on its target, a database server: services that each use a database of
    their own on one server share the server, not their data (DAT001 says which)."""
    if not database or link.source == link.target:
        return
    known = link.properties.setdefault("databases", [])
    if isinstance(known, list) and database not in known:
        known.append(database)


def _scan_value(
    text: str, hosty: bool, resolver: Resolver, evidence: str, found: list[Reference]
) -> None:
    for host, scheme in hosts_in(text):
        target = resolver.lookup(host)
        if target is not None:
            found.append(Reference(target, evidence, scheme, database_in(text, host)))
    if hosty:
        for token in _SPLIT.split(text):
            host = _bare(token)
            if host:
                target = resolver.lookup(host)
                if target is not None:
                    found.append(Reference(target, evidence, "", database_in(text, host)))


def _as_tokens(value: Any) -> list[str]:
    if isinstance(value, str):
        return [t for t in _SPLIT.split(value) if t] if " " in value else [value]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if item is not None:
                out.extend(t for t in str(item).split() if t)
        return out
    return []


def _scan_args(label: str, value: Any, resolver: Resolver, found: list[Reference]) -> None:
    tokens = _as_tokens(value)
    prev_hosty = False
    for token in tokens:
        evidence = f"{label} {_short(token.strip(_PUNCT))}"
        flag, eq, flag_value = token.partition("=")
        is_flag = token.startswith("-")
        if is_flag:
            words = [w for w in re.split(r"[^a-z0-9]+", flag.lower()) if w]
            hosty = flag in ("-h", "-H") or bool(HOSTY.intersection(words))
            if eq:
                _scan_value(flag_value, hosty, resolver, evidence, found)
                prev_hosty = False
            else:
                _scan_value(token, False, resolver, evidence, found)
                prev_hosty = hosty
            continue
        _scan_value(token, prev_hosty, resolver, evidence, found)
        prev_hosty = False


def scan_service(
    env: Mapping[str, str | None], svc: Mapping[str, Any], resolver: Resolver
) -> list[Reference]:
    """References found in the environment, ``command`` and ``entrypoint`` of one service."""
    found: list[Reference] = []
    for key, value in env.items():
        if value:
            evidence = f"environment {key}={_short(value, 60)}"
            _scan_value(value, hosty_key(key), resolver, evidence, found)
    for label in ("command", "entrypoint"):
        if svc.get(label):
            _scan_args(label, svc.get(label), resolver, found)
    unique = list(dict.fromkeys(found))
    return unique


# --- the naming convention: ``basket`` uses ``basket-db`` ------------------------------------

#: Name words that say "this is a datastore" (dropped to find whose datastore it is).
STORE_WORDS = frozenset(
    {
        "db", "database", "data", "store", "storage", "mongo", "mongodb", "postgres",
        "postgresql", "pg", "pgsql", "mysql", "mariadb", "sql", "mssql", "sqlserver", "redis",
        "cache", "memcached", "memcache", "keydb", "valkey", "elasticsearch", "elastic", "es",
        "search", "opensearch", "rabbitmq", "rabbit", "mq", "queue", "kafka", "minio", "s3",
        "cassandra", "neo4j", "couchdb", "dynamodb", "sqlite", "oracle", "index", "blob",
    }
)  # fmt: skip
#: Name words that say "this is the application" (dropped to find its stem).
APP_WORDS = frozenset(
    {
        "service", "svc", "api", "app", "server", "srv", "backend", "web", "worker", "ms",
        "microservice", "http", "grpc", "rest", "core", "main", "application",
    }
)  # fmt: skip


def _stem(tokens: list[str], drop: frozenset[str]) -> str:
    start, end = 0, len(tokens)
    while end > start and tokens[end - 1] in drop:
        end -= 1
    while start < end and tokens[start] in drop:
        start += 1
    if start == 0 and end == len(tokens):
        return ""  # nothing dropped: not named after anything
    return "-".join(tokens[start:end])


def app_stem(name: str) -> str:
    tokens = name_tokens(name)
    stem = _stem(tokens, APP_WORDS)
    return stem or "-".join(tokens)


def store_stem(name: str) -> str:
    """``basket-db`` -> ``basket``; ``db`` -> "" (named after nothing)."""
    return _stem(name_tokens(name), STORE_WORDS)


def pair_by_name(
    nodes: Iterable[tuple[str, str, str]],
) -> list[tuple[str, str]]:
    """``(service, datastore)`` pairs from ``(node id, service name, kind)``: a datastore whose
    name is another component's name plus a datastore word belongs to that component."""
    items = list(nodes)
    by_stem: dict[str, list[str]] = {}
    for nid, name, kind in items:
        if kind not in DATASTORE_KINDS:
            by_stem.setdefault(app_stem(name), []).append(nid)
    pairs: list[tuple[str, str]] = []
    for nid, name, kind in items:
        if kind not in DATASTORE_KINDS:
            continue
        stem = store_stem(name)
        if not stem:
            continue
        for owner in by_stem.get(stem, []):
            if owner != nid:
                pairs.append((owner, nid))
    return pairs
