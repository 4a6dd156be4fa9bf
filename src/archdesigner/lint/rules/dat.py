"""Data ownership: DAT001, DAT002."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from archdesigner.lint.api import Finding, LintContext, label, names, plural, rule
from archdesigner.lint.rules._common import DATASTORE, SERVICE_LIKE
from archdesigner.model.design import Link, Node

_SHARED_KINDS = ("database", "cache")


@rule(
    "DAT001",
    "shared-database",
    "warning",
    "Several services use one database or cache: an overload, outage or change of it hits "
    "all of them.",
)
def shared_database(ctx: LintContext) -> Iterator[Finding]:
    nodes = ctx.nodes
    for db in ctx.design.nodes:
        if db.kind not in _SHARED_KINDS:
            continue
        calls = [
            link for link in ctx.graph.in_links[db.id] if nodes[link.source].kind in SERVICE_LIKE
        ]
        users = sorted({link.source for link in calls})
        if len(users) < 2:
            continue
        what = "Database" if db.kind == "database" else "Cache"
        who = names([label(nodes[u]) for u in users])
        evidence: dict[str, object] = {"services": users, "kind": db.kind}
        own = _own_databases(calls)
        if own is None:
            message = (
                f"{what} {label(db)} is used by {plural(len(users), 'service')} ({who}): "
                f"one schema change, overload or outage of it hits all of them, and none of "
                f"them can change or scale it alone. Give each service its own {db.kind}."
            )
        else:
            evidence["databases"] = own
            message = _server_message(what, label(db), users, who, own, nodes)
        yield ctx.finding(db, message, related=users, evidence=evidence)


def _own_databases(calls: list[Link]) -> dict[str, list[str]] | None:
    """Each service's databases on the server (``properties.databases``, which imports note
    from connection strings) when every call names the ones it uses, else None (then
    nothing says the services do not share their data)."""
    own: dict[str, set[str]] = {}
    for link in calls:
        named = link.properties.get("databases")
        if not isinstance(named, list) or not named:
            return None
        own.setdefault(link.source, set()).update(str(d) for d in named)
    return {service: sorted(dbs) for service, dbs in sorted(own.items())}


def _server_message(
    what: str,
    server: str,
    users: list[str],
    who: str,
    own: dict[str, list[str]],
    nodes: Mapping[str, Node],
) -> str:
    """DAT001 for a server whose services name their databases on it: shared data where two
    name the same database, else a shared server only."""
    holders: dict[str, list[str]] = {}
    for service, dbs in own.items():
        for name in dbs:
            holders.setdefault(name, []).append(service)
    shared = {name: who_ for name, who_ in holders.items() if len(who_) > 1}
    head = f"{what} {server} is used by {plural(len(users), 'service')} ({who})"
    if shared:
        parts = [
            f"{names([label(nodes[s]) for s in who_])} share its database {name}"
            for name, who_ in sorted(shared.items())
        ]
        return (
            f"{head}; {'; '.join(parts)}: a change to a shared schema hits every service "
            f"that uses it, and none of them can change it alone, while an overload or outage "
            f"of {server} hits all {len(users)}. Give each service its own database."
        )
    return (
        f"{head}, each with a database of its own on it ({names(sorted(holders))}): they do "
        f"not share data, but an overload or outage of the server hits all of them, and none "
        f"of them can scale it alone. Give each service its own server, or size and watch "
        f"this one as the single point it is."
    )


@rule(
    "DAT002",
    "foreign-data-access",
    "warning",
    "A service reaches into a datastore owned by another team.",
)
def foreign_data_access(ctx: LintContext) -> Iterator[Finding]:
    g = ctx.graph
    kinds, nodes = g.kinds, g.node_list
    for link, s, t in g.link_rows:
        if kinds[s] not in SERVICE_LIKE or kinds[t] not in DATASTORE:
            continue
        u, v = nodes[s], nodes[t]
        if not u.team or not v.team or u.team == v.team:
            continue
        yield ctx.finding(
            link,
            f"Link {link.id}: {label(u)} (team {u.team}) uses {label(v)}, which team "
            f"{v.team} owns. Route the access through a service of team {v.team} instead.",
            related=[u.id, v.id],
            evidence={"source_team": u.team, "target_team": v.team},
        )


RULES = [shared_database, foreign_data_access]
