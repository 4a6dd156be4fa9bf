"""Edges of the system: EDG001, EDG002."""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.lint.api import Finding, Fix, LintContext, rule
from archdesigner.lint.rules._common import SERVICE_LIKE, midpoint, new_node, placed
from archdesigner.model.design import Link, Node
from archdesigner.model.edits import AddLink, Compound, Edit, UpdateLink, insert_between


@rule(
    "EDG001",
    "no-front-door",
    "warning",
    "A client calls a service directly, with no gateway or load balancer in front.",
    fixable=True,
)
def no_front_door(ctx: LintContext) -> Iterator[Finding]:
    g = ctx.graph
    kinds, nodes = g.kinds, g.node_list
    for link, s, t in g.link_rows:
        if kinds[s] != "client" or kinds[t] not in SERVICE_LIKE:
            continue
        u, v = nodes[s], nodes[t]
        gw = new_node(
            ctx, f"{v.id}-gateway", "api_gateway", midpoint(u.position, v.position), replicas=2
        )

        def insert_gateway(link: Link = link, gw: Node = gw, u: Node = u, v: Node = v) -> Edit:
            gw = placed(ctx, gw, gw.position, (u.id, v.id))
            insert = insert_between(ctx.design, link.id, gw)
            out = [e.link.id for e in insert.edits if isinstance(e, AddLink)][-1]
            return Compound(
                (insert, UpdateLink(out, {"timeout_ms": 1000})),
                f"Put API gateway {gw.id} in front of {v.id}",
            )

        yield ctx.finding(
            link,
            f"Link {link.id}: client {u.id} calls {v.kind} {v.id} directly, with no API "
            f"gateway or load balancer in front: {v.id} is exposed and cannot be moved, "
            "scaled or protected without changing the client. Put an API gateway between.",
            related=[u.id, v.id],
            evidence={"client": u.id, "target": v.id, "target_kind": v.kind},
            fix=Fix(f"Insert an API gateway {gw.id} between {u.id} and {v.id}", insert_gateway),
        )


@rule(
    "EDG002",
    "client-to-datastore",
    "error",
    "A client talks straight to a database, cache, queue or search index.",
)
def client_to_datastore(ctx: LintContext) -> Iterator[Finding]:
    g = ctx.graph
    kinds, nodes = g.kinds, g.node_list
    for link, s, t in g.link_rows:
        if kinds[s] != "client" or kinds[t] not in ("database", "cache", "queue", "search"):
            continue
        u, v = nodes[s], nodes[t]
        yield ctx.finding(
            link,
            f"Link {link.id}: client {u.id} talks straight to the {v.kind} {v.id}: clients "
            f"then hold its credentials and its schema can never change. Put a service "
            "between them.",
            related=[u.id, v.id],
            evidence={"client": u.id, "target": v.id, "target_kind": v.kind},
        )


RULES = [no_front_door, client_to_datastore]
