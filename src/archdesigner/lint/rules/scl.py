"""Non-scalable links and components: SCL001 to SCL005."""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.lint.analysis import PathStep, SyncPaths, path_nodes
from archdesigner.lint.api import Finding, Fix, LintContext, Option, label, names, plural, rule
from archdesigner.lint.flow import ROUTING
from archdesigner.lint.rules._common import (
    FRONT_DOOR,
    SERVICE_LIKE,
    midpoint,
    new_id,
    new_link_id,
    new_node,
    paths,
    placed,
)
from archdesigner.lint.rules._fixes import (
    INSERTED_TIMEOUT_MS,
    NO_INSERT_BEFORE,
    balancer_id,
    front_with_balancer,
    guard,
)
from archdesigner.model.design import Link, Node
from archdesigner.model.edits import (
    AddLink,
    AddNode,
    Compound,
    Edit,
    UpdateLink,
    UpdateNode,
    insert_between,
)


@rule(
    "SCL001",
    "unbalanced-replicas",
    "warning",
    "A caller talks to one replica of a scaled-out service: nothing balances the load.",
    fixable=True,
)
def unbalanced_replicas(ctx: LintContext) -> Iterator[Finding]:
    g = ctx.graph
    kinds, nodes = g.kinds, g.node_list
    for link, s, t in g.link_rows:
        if kinds[t] != "service" or kinds[s] in FRONT_DOOR:
            continue
        if link.mode != "sync" or link.discovery:
            continue
        u, v = nodes[s], nodes[t]
        if not v.scaled_out:
            continue
        count = f"{v.replicas} replicas" if v.autoscale is None else "autoscaled replicas"
        lu, lv = label(u), label(v)
        yield ctx.finding(
            link,
            f"Link {link.id}: {lu} calls {lv}, which runs {count}, without a load "
            f"balancer or client-side discovery, so {lu} talks to one replica of {lv}. "
            f"Put a load balancer between them or set discovery on the link.",
            related=[u.id, v.id],
            evidence={"source": u.id, "target": v.id, "target_replicas": v.replicas},
            fix=_balancer_fix(ctx, v),
        )


def _balancer_fix(ctx: LintContext, v: Node) -> Fix | None:
    """ONE load balancer in front of ``v`` for every caller SCL001 flags (the one that
    already fronts ``v`` when there is one): the same fix on each of those findings."""
    fixes: dict[str, Fix | None] = ctx.shared("scl001_fixes", dict)
    if v.id in fixes:
        return fixes[v.id]
    g = guard(ctx)
    callers = g.direct_callers(v)
    fix = None
    if callers and g.balancer_ok(v, callers):
        lb_id = balancer_id(ctx, v)
        fix = Fix(
            f"Route {names([c.source for c in callers])} to {v.id} through the load "
            f"balancer {lb_id}",
            lambda: Compound(
                tuple(front_with_balancer(ctx, v, callers)), f"Balance the calls to {v.id}"
            ),
            applicability="unsafe",
        )
    fixes[v.id] = fix
    return fix


@rule(
    "SCL002",
    "stateful-scale-out",
    "error",
    "A stateful service runs several replicas that do not share their state.",
    fixable=True,
)
def stateful_scale_out(ctx: LintContext) -> Iterator[Finding]:
    for node in ctx.design.nodes:
        if node.kind not in SERVICE_LIKE or not node.is_stateful or not node.scaled_out:
            continue
        count = f"{node.replicas} replicas" if node.autoscale is None else "autoscaled replicas"
        cache_id = new_id(ctx, f"{node.id}-state")  # reserved even when no fix is offered

        def move_state(node: Node = node, cache_id: str = cache_id) -> Edit:
            cache = Node(id=cache_id, kind="cache", replicas=2, technology="redis")
            cache = placed(ctx, cache, node.position, (node.id,))
            link_id = new_link_id(ctx, f"{node.id}-{cache.id}")
            call = Link(id=link_id, source=node.id, target=cache.id, timeout_ms=INSERTED_TIMEOUT_MS)
            return Compound(
                (
                    AddNode(cache),
                    AddLink(call),
                    UpdateNode(node.id, {"stateful": False}),
                ),
                f"Move the state of {node.id} to {cache.id}",
            )

        yield ctx.finding(
            node,
            f"{label(node)} is stateful and runs {count}: each replica keeps its own state, so "
            f"a request that reaches another replica does not see it. Move the state to a "
            f"cache or database and make {label(node)} stateless.",
            evidence={"replicas": node.replicas, "autoscale": node.autoscale is not None},
            fix=Fix(
                f"Move the state of {node.id} to a new cache {cache_id} and set stateful to false",
                move_state,
                applicability="unsafe",
            )
            if guard(ctx).take_hops([(node.id, None)])
            else None,
        )


@rule(
    "SCL003",
    "unscalable-dependency",
    "warning",
    "A scaled-out caller depends synchronously on a component that cannot scale.",
    fixable=True,
)
def unscalable_dependency(ctx: LintContext) -> Iterator[Finding]:
    g = ctx.graph
    nodes = g.node_list
    stuck = [n.scaling_mode == "none" and n.kind != "external" for n in nodes]
    for link, s, t in g.link_rows:
        if not stuck[t] or link.mode != "sync" or not link.required:
            continue
        u, v = nodes[s], nodes[t]
        if not u.scaled_out:
            continue
        count = f"{u.replicas} replicas" if u.autoscale is None else "autoscaled replicas"
        yield ctx.finding(
            link,
            f"Link {link.id}: {label(u)} runs {count} and needs {label(v)} synchronously, but "
            f"{label(v)} cannot scale (scaling is none), so it caps the throughput of every "
            f"replica of {label(u)}. Let {label(v)} scale horizontally, or put a queue "
            "between them.",
            related=[u.id, v.id],
            evidence={"source": u.id, "target": v.id, "target_scaling": "none"},
            fix=Fix(
                f"Set scaling of {v.id} to horizontal",
                UpdateNode(v.id, {"scaling": "horizontal"}, f"Let {v.id} scale horizontally"),
            ),
        )


@rule(
    "SCL004",
    "uncached-hot-database",
    "warning",
    "Many components read a database directly and none of them uses a cache.",
    options={
        "min_callers": Option(3, "callers (distinct nodes with a sync link) that make it hot", 1)
    },
    fixable=True,
)
def uncached_hot_database(ctx: LintContext) -> Iterator[Finding]:
    minimum = int(ctx.options["min_callers"])
    nodes = ctx.nodes
    g = ctx.graph
    kinds = g.kinds
    uses_cache = {link.source for link, _, t in g.link_rows if kinds[t] == "cache"}
    for db in ctx.design.nodes:
        if db.kind != "database":
            continue
        callers = sorted(
            {link.source for link in g.in_links[db.id] if link.mode == "sync"} - {db.id}
        )
        if len(callers) < minimum or any(c in uses_cache for c in callers):
            continue
        who = names([label(nodes[c]) for c in callers])
        yield ctx.finding(
            db,
            f"Database {label(db)} is called synchronously by "
            f"{plural(len(callers), 'component')} ({who}) and none of them uses a cache, so "
            f"every read hits the database. Give each of them a cache for its reads.",
            related=callers,
            evidence={"callers": callers, "min_callers": minimum},
            fix=_cache_fix(ctx, db, callers),
        )


def _cache_fix(ctx: LintContext, db: Node, callers: list[str]) -> Fix | None:
    """One cache per calling component (not per database: a cache shared by several
    services is a shared datastore, DAT001), next to the database. Clients get none (a
    client must not reach a cache either, EDG002). None when a new call would make a sync
    chain too long."""
    nodes = ctx.nodes
    users = [c for c in callers if nodes[c].kind != "client"]
    g = guard(ctx)
    if not users or not g.take_hops([(c, None) for c in users]):
        return None
    cache_ids = {c: new_id(ctx, f"{c}-cache") for c in users}

    def add_caches() -> Edit:
        edits: list[AddNode | AddLink] = []
        for caller, cache_id in cache_ids.items():
            cache = Node(id=cache_id, kind="cache", replicas=2, technology="redis")
            # next to the database it stands in front of, in the group it shares with callers
            edits.append(AddNode(placed(ctx, cache, db.position, (db.id, caller))))
            lid = new_link_id(ctx, f"{caller}-{cache_id}")
            call = Link(
                id=lid,
                source=caller,
                target=cache_id,
                timeout_ms=INSERTED_TIMEOUT_MS,
            )
            edits.append(AddLink(call))
        return Compound(tuple(edits), f"Add caches for the readers of {db.id}")

    return Fix(
        f"Add a cache for each of {names(users)} ({names(list(cache_ids.values()))})",
        add_caches,
        applicability="unsafe",
    )


@rule(
    "SCL005",
    "long-sync-chain",
    "warning",
    "A chain of synchronous calls from an entry is longer than max_depth links.",
    options={"max_depth": Option(5, "longest allowed chain of sync links from an entry", 1)},
    fixable=True,
)
def long_sync_chain(ctx: LintContext) -> Iterator[Finding]:
    max_depth = int(ctx.options["max_depth"])
    sp = paths(ctx)
    g = ctx.graph
    cond = sp.cond
    for entry in g.entries:
        comp = cond.comp_of[g.index[entry]]
        length = sp.depth[comp]
        if length <= max_depth:
            continue
        steps = sp.walk(comp, "depth")
        route = path_nodes(entry, steps)
        cycles = [[g.ids[i] for i in cond.members[s.comp]] for s in steps if cond.cyclic[s.comp]]
        fix = _queue_fix(ctx, _cut_link(ctx, sp, steps, max_depth))
        via = f" (through the cycle {', '.join(cycles[0])})" if cycles else ""
        yield ctx.finding(
            ctx.nodes[entry],
            f"From entry {label(ctx.nodes[entry])}, a chain of {length} synchronous calls runs "
            f"{' -> '.join(route)}{via}; more than {max_depth} links. Every hop adds "
            f"latency and a way to fail. Make the tail async through a queue.",
            related=route,
            evidence={
                "length": length,
                "max_depth": max_depth,
                "path": route,
                "links": [s.link.id for s in steps if s.link is not None],
                "cycles": cycles,
            },
            fix=fix,
        )


#: a queue is never put right after these kinds
NO_QUEUE_AFTER = ROUTING | {"client"}


def _cut_link(
    ctx: LintContext, sp: SyncPaths, steps: list[PathStep], max_depth: int
) -> Link | None:
    """The link of a too-long chain to make async: the last one that still leaves at most
    ``max_depth`` sync links before it and does not lead to a routing node, queue or
    datastore (a queue in front of those would make a mess), nor leaves a routing node (a
    load balancer or gateway hands requests to services, not to a queue) or a client (a
    client that talks to a queue is EDG002), nor lies inside a cycle of the links (the queue
    would change how the cycle's load is counted: FixGuard.inside_load_cycle)."""
    kinds = ctx.graph.kinds
    index = ctx.graph.index
    inside = guard(ctx).inside_load_cycle
    cut: Link | None = None
    pos = 0
    for step in steps:
        pos += sp.cycle_weight[step.comp]
        if step.link is None:
            break
        ends = kinds[index[step.link.source]], kinds[index[step.link.target]]
        if (
            pos <= max_depth
            and ends[1] not in NO_INSERT_BEFORE
            and ends[0] not in NO_QUEUE_AFTER
            and not inside(step.link.source, step.link.target)
        ):
            cut = step.link
        pos += 1
    return cut


def _queue_fix(ctx: LintContext, cut: Link | None) -> Fix | None:
    """Put a new queue on ``cut`` and make both of its links async."""
    if cut is None:
        return None
    src, dst = ctx.nodes[cut.source], ctx.nodes[cut.target]
    queue = new_node(
        ctx, f"{dst.id}-queue", "queue", midpoint(src.position, dst.position), replicas=2
    )

    def through_queue() -> Edit:
        spot = placed(ctx, queue, queue.position, (cut.source, cut.target))
        insert = insert_between(ctx.design, cut.id, spot)
        new_links = [e.link.id for e in insert.edits if isinstance(e, AddLink)]
        return Compound(
            (insert, *(UpdateLink(lid, {"mode": "async"}) for lid in new_links)),
            f"Make {cut.source} -> {cut.target} async through {queue.id}",
        )

    return Fix(
        f"Put a queue {queue.id} between {cut.source} and {cut.target} and make both links async",
        through_queue,
        applicability="unsafe",
    )


RULES = [
    unbalanced_replicas,
    stateful_scale_out,
    unscalable_dependency,
    uncached_hot_database,
    long_sync_chain,
]
