"""Edges of the system: EDG001, EDG002."""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.lint.api import Finding, Fix, LintContext, label, names, rule
from archdesigner.lint.rules._common import SERVICE_LIKE, midpoint, new_id, placed
from archdesigner.lint.rules._fixes import INSERTED_TIMEOUT_MS, guard
from archdesigner.model.design import Link, Node
from archdesigner.model.edits import AddLink, AddNode, Compound, Edit, RemoveLink, unique_id


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
        yield ctx.finding(
            link,
            f"Link {link.id}: client {label(u)} calls {v.kind} {label(v)} directly, with no API "
            f"gateway or load balancer in front: {label(v)} is exposed and cannot be moved, "
            "scaled or protected without changing the client. Put an API gateway between.",
            related=[u.id, v.id],
            evidence={"client": u.id, "target": v.id, "target_kind": v.kind},
            fix=_gateway_fix(ctx, u),
        )


def _gateway_fix(ctx: LintContext, client: Node) -> Fix | None:
    """ONE new API gateway for all the services ``client`` calls directly: the client calls
    the gateway as often as it called them together, and the gateway routes each call on
    (split by their ``calls_per_request``, so each service keeps its load). Services that
    cannot scale are left out (a scaled-out gateway in front of them is SCL003), and so is
    every link whose chain would grow past SCL005's max_depth."""
    fixes: dict[str, Fix | None] = ctx.shared("edg001_fixes", dict)
    if client.id in fixes:
        return fixes[client.id]
    nodes = ctx.nodes
    guard_ = guard(ctx)
    direct = [
        link
        for link in ctx.graph.out_links[client.id]
        if nodes[link.target].kind in SERVICE_LIKE
        and nodes[link.target].scaling_mode != "none"
        and guard_.hops_ok(client.id, link.target, 1)
    ]
    fix = None
    if direct and guard_.take_hops([(client.id, link.target) for link in direct]):
        gw_id = new_id(ctx, f"{client.id}-gateway")
        fix = Fix(
            f"Put a new API gateway {gw_id} between {client.id} and "
            f"{names([link.target for link in direct])}",
            lambda: _insert_gateway(ctx, client, gw_id, direct),
            applicability="unsafe",
        )
    fixes[client.id] = fix
    return fix


def _insert_gateway(ctx: LintContext, client: Node, gw_id: str, direct: list[Link]) -> Edit:
    targets = [ctx.nodes[link.target] for link in direct]
    gw = Node(id=gw_id, kind="api_gateway", replicas=2)
    near = midpoint(client.position, targets[0].position)
    gw = placed(ctx, gw, near, (client.id, *(t.id for t in targets)))
    taken = set(ctx.links.keys())
    into_id = unique_id(f"{client.id}-{gw_id}", taken)
    taken.add(into_id)
    into = Link(
        id=into_id,
        source=client.id,
        target=gw_id,
        protocol=direct[0].protocol,
        required=any(link.required for link in direct),
        calls_per_request=sum(float(link.calls_per_request) for link in direct),
    )
    # each new link takes the place of the link it replaces in the file (link order decides
    # where load enters a cycle, so the fix must not move it)
    where = {x.id: k for k, x in enumerate(ctx.design.links) if x.id in {d.id for d in direct}}
    edits: list[Edit] = [AddNode(gw)]
    for link in direct:
        edits.append(RemoveLink(link.id))
        out_id = unique_id(f"{gw_id}-{link.target}", taken)
        taken.add(out_id)
        out = link.model_copy(
            update={
                "id": out_id,
                "source": gw_id,
                "timeout_ms": link.timeout_ms or INSERTED_TIMEOUT_MS,
                "lint_ignore": [],
            }
        )
        edits.append(AddLink(out, where.get(link.id)))
    edits.append(AddLink(into, min(where.values(), default=None)))
    return Compound(tuple(edits), f"Put API gateway {gw_id} in front of the services")


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
            f"Link {link.id}: client {label(u)} talks straight to the {v.kind} {label(v)}: clients "
            f"then hold its credentials and its schema can never change. Put a service "
            "between them.",
            related=[u.id, v.id],
            evidence={"client": u.id, "target": v.id, "target_kind": v.kind},
        )


RULES = [no_front_door, client_to_datastore]
