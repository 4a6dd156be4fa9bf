"""Data ownership: DAT001, DAT002."""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.lint.api import Finding, LintContext, label, names, plural, rule
from archdesigner.lint.rules._common import DATASTORE, SERVICE_LIKE

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
        users = sorted(
            {
                link.source
                for link in ctx.graph.in_links[db.id]
                if nodes[link.source].kind in SERVICE_LIKE
            }
        )
        if len(users) < 2:
            continue
        what = "Database" if db.kind == "database" else "Cache"
        who = names([label(nodes[u]) for u in users])
        yield ctx.finding(
            db,
            f"{what} {label(db)} is used by {plural(len(users), 'service')} ({who}): "
            f"one schema change, overload or outage of it hits all of them, and none of them "
            f"can change or scale it alone. Give each service its own {db.kind}.",
            related=users,
            evidence={"services": users, "kind": db.kind},
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
