"""Entries: where requests come into an imported system (docs/import.md, "Entries").

Independent of compose: the Kubernetes importer uses it too. A component that publishes a
port to the host (or a Service of type LoadBalancer/NodePort) and is user-facing gets a link
from one ``client`` node, ``users``. Datastores, queues, observability and coordination
components, admin consoles and management ports are not user-facing, and neither is a component
that a user-facing edge (load balancer, gateway) already fronts. When nothing publishes a port,
the components that nothing calls are linked from ``users`` and the result says it guessed (the
same when only datastores or consoles publish ports).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from archdesigner.model import catalog
from archdesigner.model.design import Link, Node

#: Kinds that can take requests from users.
ENTRY_KINDS = frozenset({"service", "api_gateway", "load_balancer", "cdn", "function"})
#: Kinds in front of others: what they front is not an entry of its own.
EDGE_KINDS = frozenset({"api_gateway", "load_balancer", "cdn"})
#: Ports of management and monitoring consoles (RabbitMQ, Jaeger, Consul, Zipkin, ActiveMQ,
#: MinIO console, pgAdmin, Kibana, Prometheus, Grafana, Spring Boot Admin, Seq).
MANAGEMENT_PORTS = frozenset(
    {15672, 16686, 8500, 9411, 8161, 9001, 5050, 5601, 9090, 3000, 8025, 5341, 8761, 8888}
)
#: Images and names of admin consoles and dashboards (never entries).
ADMIN = re.compile(
    r"pgadmin|adminer|phpmyadmin|mongo-express|redis-commander|redisinsight|kafka-ui|kafdrop|"
    r"akhq|cerebro|portainer|(^|[-_/])admin([-_:]|$)|dashboard|webstatus|health-?checks?-?ui|"
    r"swagger|mailhog|maildev|mailpit",
    re.IGNORECASE,
)

USERS = "users"
#: What a load generator's calls skip: a test client, pointed at whatever address it is
#: given, needs no front door (EDG001), and the system need not shield itself from it.
TEST_CLIENT_IGNORE = "EDG001"


@dataclass
class Entries:
    """The entry links made, and whether they are a guess (nothing published a port)."""

    targets: list[str] = field(default_factory=list)
    guessed: bool = False
    clients: list[str] = field(default_factory=list)  # load generators: clients themselves
    why: dict[str, str] = field(default_factory=dict)  # target -> why it is an entry


def user_facing(node: Node, ports: Sequence[int]) -> bool:
    if node.kind not in ENTRY_KINDS:
        return False
    if ADMIN.search(node.image) or ADMIN.search(node.id):
        return False
    return any(p not in MANAGEMENT_PORTS for p in ports) if ports else False


def find_entries(
    nodes: Sequence[Node], links: Sequence[Link], published: Mapping[str, Sequence[int]]
) -> Entries:
    """Which nodes users call. ``published``: node id -> the container ports it publishes."""
    out = Entries(clients=[n.id for n in nodes if n.kind == "client"])
    by_id = {n.id: n for n in nodes}
    facing = [n.id for n in nodes if user_facing(n, published.get(n.id, ()))]
    fronted = {
        link.target for link in links
        if link.source in facing and by_id[link.source].kind in EDGE_KINDS
    }  # fmt: skip
    for nid in facing:
        if nid not in fronted:
            ports = ", ".join(str(p) for p in published[nid])
            out.targets.append(nid)
            out.why[nid] = f"publishes port {ports}"
    if out.targets:
        return out
    called = {link.target for link in links}
    for node in nodes:
        if node.id not in called and node.kind in ENTRY_KINDS and not ADMIN.search(node.id):
            out.targets.append(node.id)
            out.why[node.id] = "nothing calls it (guessed: no port is published)"
    out.guessed = bool(out.targets)
    return out


def entry_links(entries: Entries, nodes: Sequence[Node], protocols: Mapping[str, str]) -> tuple[
    Node | None, list[Link]
]:  # fmt: skip
    """The ``users`` client node and its links to the entries (none when there are none)."""
    if not entries.targets:
        return None, []
    taken = {n.id for n in nodes}
    uid, n = USERS, 2
    while uid in taken:
        uid, n = f"{USERS}-{n}", n + 1
    users = Node(id=uid, kind="client", name="Users", technology="browser",
                 properties={"import": {"entry": True, "guessed": entries.guessed}})  # fmt: skip
    links: list[Link] = []
    for target in entries.targets:
        props: dict[str, Any] = {"evidence": "entry", "entry": entries.why[target]}
        if entries.guessed:
            props["guessed"] = True
        links.append(Link(id=f"{uid}->{target}", source=uid, target=target,
                          protocol=protocols.get(target) or "http", properties=props))  # fmt: skip
    return users, links


def quiet_load_generators(
    generators: Collection[str], nodes: Mapping[str, Node], links: Sequence[Link], report: list[str]
) -> list[Link]:
    """``links`` with ``lint_ignore: ["EDG001"]`` on each call of a load generator (an
    imported ``client``: locust, k6, ...; ``generators`` are their ids) to a service-like
    node, each marked in ``report``. EDG001 (a client calls a service with no front door)
    is about the users' clients; online-boutique's loadgenerator calls ``frontend:80``
    inside the cluster on purpose, while users come in through its load balancer."""
    out: list[Link] = []
    for link in links:
        target = nodes.get(link.target)
        if (
            link.source in generators
            and target is not None
            and target.kind in catalog.SERVICE_LIKE
            and TEST_CLIENT_IGNORE not in link.lint_ignore
        ):
            ignore = [*link.lint_ignore, TEST_CLIENT_IGNORE]
            link = link.model_copy(update={"lint_ignore": ignore})
            report.append(
                f"link {link.id}: lint_ignore {TEST_CLIENT_IGNORE}: {link.source} is a load "
                "generator (a test client needs no front door)"
            )
        out.append(link)
    return out
