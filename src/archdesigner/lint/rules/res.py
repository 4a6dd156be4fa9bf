"""Resilience: RES001 to RES004."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from archdesigner.lint.analysis import path_nodes
from archdesigner.lint.api import Finding, Fix, LintContext, Option, label, names, rule
from archdesigner.lint.rules._common import SERVICE_LIKE, paths
from archdesigner.model.design import Link
from archdesigner.model.edits import Compound, UpdateLink


@rule(
    "RES001",
    "dependency-cycle",
    "error",
    "Components wait on each other in a cycle of sync links.",
)
def dependency_cycle(ctx: LintContext) -> Iterator[Finding]:
    sp = paths(ctx)
    cond = sp.cond
    ids = ctx.graph.ids
    for c in range(cond.count):
        if len(cond.members[c]) < 2:
            continue
        members = sorted(ids[i] for i in cond.members[c])
        links = sorted(link.id for link in sp.cycle_links[c])
        who = names([label(ctx.nodes[m]) for m in members], 8)
        yield ctx.finding(
            ctx.nodes[members[0]],
            f"{len(members)} components form a cycle of sync calls: {who} "
            f"(links {names(links, 8)}). A slow or failed member blocks the others and "
            "requests can loop. Make one link of the cycle async.",
            related=members,
            evidence={"members": members, "links": links},
            # no key: a node is in one cycle only, and a fix that puts a load balancer on a
            # link of the cycle must not make the same cycle look like a new finding
        )


@rule(
    "RES002",
    "unguarded-call",
    "info",
    "A sync call to a service or external API has neither a timeout nor a circuit breaker.",
    fixable=True,
)
def unguarded_call(ctx: LintContext) -> Iterator[Finding]:
    g = ctx.graph
    kinds, nodes = g.kinds, g.node_list
    callers = SERVICE_LIKE | {"api_gateway"}
    callees = SERVICE_LIKE | {"external"}
    for link, s, t in g.link_rows:
        if kinds[s] not in callers or kinds[t] not in callees:
            continue
        if link.mode != "sync" or link.timeout_ms is not None or link.circuit_breaker:
            continue
        u, v = nodes[s], nodes[t]
        yield ctx.finding(
            link,
            f"Link {link.id}: {label(u)} calls {label(v)} synchronously with no timeout and no "
            f"circuit breaker, so a hanging {label(v)} ties up {label(u)}. Set timeout_ms.",
            related=[u.id, v.id],
            evidence={"source": u.id, "target": v.id},
            fix=Fix(
                f"Set timeout_ms of link {link.id} to 1000",
                UpdateLink(link.id, {"timeout_ms": 1000}, f"Time out {link.id} after 1 s"),
            ),
        )


@rule(
    "RES003",
    "retry-amplification",
    "warning",
    "Retries multiply along a sync path: one request can become many at the far end.",
    options={
        "max_amplification": Option(
            10.0, "largest allowed product of (1 + retries) along a path", minimum=1
        )
    },
    fixable=True,
)
def retry_amplification(ctx: LintContext) -> Iterator[Finding]:
    limit = float(ctx.options["max_amplification"])
    sp = paths(ctx)
    g = ctx.graph
    cond = sp.cond
    for entry in g.entries:
        comp = cond.comp_of[g.index[entry]]
        amp = sp.amp[comp]
        if amp <= limit:
            continue
        steps = sp.walk(comp, "amp")
        route = path_nodes(entry, steps)
        retrying: list[Link] = []
        for step in steps:
            retrying.extend(
                sorted((x for x in sp.cycle_links[step.comp] if x.retries), key=lambda x: x.id)
            )
            if step.link is not None and step.link.retries:
                retrying.append(step.link)
        fix = None
        if retrying[1:]:
            keep = retrying[0]
            fix = Fix(
                f"Set retries to 0 on {names([x.id for x in retrying[1:]])} and every other "
                f"retrying sync call behind {entry} (keep retries on {keep.id} only)",
                _retry_once(ctx, entry, keep),
            )
        detail = " x ".join(f"{1 + x.retries} ({x.id})" for x in retrying)
        yield ctx.finding(
            ctx.nodes[entry],
            f"From entry {label(ctx.nodes[entry])}, retries multiply along "
            f"{' -> '.join(route)}: {detail} = {amp} calls at the far end for one request, "
            f"above {limit:g}. Retry at one level only: set retries to 0 on the inner links.",
            related=route,
            evidence={
                "amplification": amp,
                "max_amplification": limit,
                "path": route,
                "links": [s.link.id for s in steps if s.link is not None],
                "retrying_links": [x.id for x in retrying],
            },
            fix=fix,
        )


def _retry_once(ctx: LintContext, entry: str, keep: Link) -> Callable[[], Compound]:
    """Retries 0 on every sync link with retries that a sync path from ``entry`` reaches,
    except ``keep``: one pass leaves at most one retrying level on the entry's paths (fixing
    one worst path at a time took a pass per path). Built when the fix is applied, from the
    run's graph: the design as linted (other fixes of the pass may have changed the design
    by then; the graph is not theirs to change)."""

    def build() -> Compound:
        succ, retrying = _sync_out(ctx)
        start = ctx.graph.index[entry]
        seen = bytearray(len(succ))
        seen[start] = 1
        todo = [start]
        inner: list[Link] = []
        while todo:
            i = todo.pop()
            inner.extend(link for link in retrying[i] if link.id != keep.id)
            for t in succ[i]:
                if not seen[t]:
                    seen[t] = 1
                    todo.append(t)
        inner.sort(key=lambda x: x.id)
        # ``keep`` is set to the retries it has: a change of nothing that says this fix
        # relies on them (another fix of the same --fix pass that zeroes them interacts)
        return Compound(
            (
                *(UpdateLink(x.id, {"retries": 0}) for x in inner),
                UpdateLink(keep.id, {"retries": keep.retries}),
            ),
            "Retry only at the outermost call",
        )

    return build


def _sync_out(ctx: LintContext) -> tuple[list[list[int]], list[list[Link]]]:
    """Per node index: the targets of its sync links, and its sync links with retries
    (computed once per run)."""

    def compute() -> tuple[list[list[int]], list[list[Link]]]:
        n = len(ctx.graph.ids)
        succ: list[list[int]] = [[] for _ in range(n)]
        retrying: list[list[Link]] = [[] for _ in range(n)]
        for link, s, t in ctx.graph.link_rows:
            if link.mode == "sync":
                succ[s].append(t)
                if link.retries:
                    retrying[s].append(link)
        return succ, retrying

    result: tuple[list[list[int]], list[list[Link]]] = ctx.shared("res003_sync_out", compute)
    return result


@rule(
    "RES004",
    "fragile-external",
    "warning",
    "A required sync call to an external API has no circuit breaker.",
    fixable=True,
)
def fragile_external(ctx: LintContext) -> Iterator[Finding]:
    g = ctx.graph
    kinds, nodes = g.kinds, g.node_list
    for link, s, t in g.link_rows:
        if kinds[t] != "external":
            continue
        if link.mode != "sync" or not link.required or link.circuit_breaker:
            continue
        u, v = nodes[s], nodes[t]
        yield ctx.finding(
            link,
            f"Link {link.id}: {label(u)} needs the external {label(v)} synchronously "
            f"without a circuit breaker; when {label(v)} is down or slow, every call to "
            f"{label(u)} waits and fails with it. Set circuit_breaker on the link.",
            related=[link.source, v.id],
            evidence={"source": link.source, "target": v.id},
            fix=Fix(
                f"Set circuit_breaker of link {link.id} to true",
                UpdateLink(link.id, {"circuit_breaker": True}, f"Guard {link.id} with a breaker"),
            ),
        )


RULES = [dependency_cycle, unguarded_call, retry_amplification, fragile_external]
