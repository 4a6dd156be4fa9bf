"""What the built-in fixes share so that a fix never makes a mess (lint-rules.md v2).

A fix must never add what the linter would flag at warning or error, never insert a
component in front of a routing node, queue or datastore, and the SCL001 fix puts ONE load
balancer in front of a service, shared by every flagged caller. The checks here let a rule
decide, before it offers a fix, that the fix keeps those promises:

* :meth:`FixGuard.scale_out_problem`: running 2+ instances of a node would make it a
  stateful scale-out (SCL002) or a scaled-out caller of a component that cannot scale
  (SCL003);
* :meth:`FixGuard.direct_callers`: the sync callers that would talk to one replica of a
  scaled-out service (SCL001), which the fix routes through one load balancer
  (:func:`front_with_balancer`);
* :meth:`FixGuard.hops_ok`: one more sync hop on a link (an inserted load balancer or
  gateway, a new cache link) keeps every chain from an entry that SCL005 does not already
  report within ``max_depth``;
* :meth:`FixGuard.inside_load_cycle`: a link whose ends are in one cycle of the design's
  links (sync or async). A hop put on it can change the breadth-first order in which the
  load walk takes that cycle once (lint-rules.md: impact), so the cycle's links that carry
  load, and with them the load of everything behind the cycle, can change and overload a
  component (CAP001): SCL005's queue is never put there. (A load balancer on a caller link
  inside a cycle keeps the order when the caller reached the service first, the common
  case, e.g. the conformance design's cart and ledger; it is still offered.)
"""

from __future__ import annotations

from archdesigner.lint.api import Fix, LintContext, names
from archdesigner.lint.flow import ROUTING
from archdesigner.lint.rules._common import (
    DATASTORE,
    FRONT_DOOR,
    SERVICE_LIKE,
    midpoint,
    new_id,
    new_link_id,
    paths,
    placed,
)
from archdesigner.model.design import Link, Node
from archdesigner.model.edits import (
    AddLink,
    AddNode,
    Compound,
    Edit,
    UpdateLink,
    UpdateNode,
)

#: a component is never inserted in front of these kinds
NO_INSERT_BEFORE = ROUTING | DATASTORE
#: timeout of a call a fix adds (an inserted call has a timeout)
INSERTED_TIMEOUT_MS = 1000


class FixGuard:
    """Per-run facts for the fixes' promises (see the module docstring). Get it with
    :func:`guard`; it is computed once per lint run."""

    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx
        opts = ctx.design.lint.options.get("SCL005", {})
        depth = opts.get("max_depth", 5)
        self.max_depth = depth if isinstance(depth, int) and not isinstance(depth, bool) else 5
        self._hops_index()
        #: the answer of :meth:`balancer_ok` per service (its hops are reserved once)
        self._balanced: dict[str, bool] = {}
        #: load balancers whose every link goes to one node -> that node (when first asked)
        self._fronting: dict[str, str] | None = None

    def _hops_index(self) -> None:
        """The chains of sync links, per component of the sync graph, with the hops the
        fixes offered in this run add (:meth:`reserve`): ``_pre[c]``, the longest chain from
        an entry that SCL005 does not report yet to the end of ``c`` (-1 when no such entry
        reaches ``c``); ``_suf[c]``, the longest chain from the start of ``c`` on. Every
        value only grows, and a chain from such an entry never grows past max_depth, so
        keeping them up to date after each offer costs O(max_depth) visits per component
        over the whole run."""
        sp = paths(self.ctx)
        cond, g = sp.cond, self.ctx.graph
        comp_of = cond.comp_of
        self._comp_of, self._index = comp_of, g.index
        count = cond.count
        # the sync links between two components, once per pair (every value below is a
        # longest chain: the order in which the pairs are visited does not matter)
        out, inn = cond.succ, cond.pred()
        cycle = list(sp.cycle_weight)
        start = [-1] * count
        for i in g.entry_indexes:
            c = comp_of[i]
            if sp.depth[c] <= self.max_depth:
                start[c] = 0
        pre = [-1] * count
        for c in reversed(range(count)):  # sources first
            if start[c] < 0:
                continue
            pre[c] = start[c] + cycle[c]
            for t in out[c]:
                start[t] = max(start[t], pre[c] + 1)
        self._out, self._inn, self._cycle = out, inn, cycle
        self._pre, self._suf = pre, list(sp.depth)
        #: hops reserved on the links between two components (0 when not in the dict)
        self._added: dict[tuple[int, int], int] = {}

    def _comps(self, source: str, target: str | None) -> tuple[int, int | None]:
        comp_of, index = self._comp_of, self._index
        return comp_of[index[source]], None if target is None else comp_of[index[target]]

    def hops_ok(self, source: str, target: str | None, extra: int) -> bool:
        """True when making the sync link ``source`` -> ``target`` ``extra`` links longer
        (``target`` None: a new sync link from ``source`` to a new sink, ``extra`` long)
        keeps every chain from an entry not yet reported by SCL005 within max_depth, with
        the hops of the fixes offered before in this run (:meth:`reserve`): those fixes are
        applied in the same pass."""
        cs, ct = self._comps(source, target)
        pre = self._pre[cs]
        if pre < 0:
            return True
        if ct is None:
            tail = 0
        elif ct == cs:  # a link inside a cycle: counted as if it left the cycle
            tail = 1 + self._suf[cs]
        else:
            tail = 1 + self._added.get((cs, ct), 0) + self._suf[ct]
        return pre + extra + tail <= self.max_depth

    def inside_load_cycle(self, source: str, target: str) -> bool:
        """True when ``source`` and ``target`` are in one cycle of the links (sync or
        async): SCL005's queue is not put between them (see the module docstring)."""
        graph = self.ctx.graph
        cond, index = graph.all_cond, graph.index
        c = cond.comp_of[index[source]]
        return c == cond.comp_of[index[target]] and cond.cyclic[c]

    def reserve(self, pairs: list[tuple[str, str | None]], extra: int) -> None:
        """Adds ``extra`` sync hops on each (source, target) link of ``pairs`` to the chains
        that pass it (``target`` None: a new link from ``source`` to a new sink), so that a
        later offer leaves room for them (checked by :meth:`hops_ok`)."""
        pre, suf, cycle = self._pre, self._suf, self._cycle
        for source, target in pairs:
            cs, ct = self._comps(source, target)
            if pre[cs] < 0:
                continue  # no entry that counts reaches it
            if ct is None:
                if cycle[cs] + extra > suf[cs]:
                    suf[cs] = cycle[cs] + extra
                    self._back(cs)
            elif ct == cs:
                cycle[cs] += extra
                pre[cs] += extra
                suf[cs] += extra
                self._forward(cs)
                self._back(cs)
            else:
                added = self._added.get((cs, ct), 0) + extra
                self._added[(cs, ct)] = added
                if pre[cs] + 1 + added + cycle[ct] > pre[ct]:
                    pre[ct] = pre[cs] + 1 + added + cycle[ct]
                    self._forward(ct)
                if cycle[cs] + 1 + added + suf[ct] > suf[cs]:
                    suf[cs] = cycle[cs] + 1 + added + suf[ct]
                    self._back(cs)

    def _forward(self, c: int) -> None:
        pre, cycle, added, out = self._pre, self._cycle, self._added, self._out
        todo = [c]
        while todo:
            x = todo.pop()
            for y in out[x]:
                longer = pre[x] + 1 + added.get((x, y), 0) + cycle[y]
                if longer > pre[y]:
                    pre[y] = longer
                    todo.append(y)

    def _back(self, c: int) -> None:
        pre, suf, cycle, added, inn = self._pre, self._suf, self._cycle, self._added, self._inn
        todo = [c]
        while todo:
            x = todo.pop()
            for p in inn[x]:
                if pre[p] < 0:
                    continue  # only chains from an entry that counts are checked
                longer = cycle[p] + 1 + added.get((p, x), 0) + suf[x]
                if longer > suf[p]:
                    suf[p] = longer
                    todo.append(p)

    def take_hops(self, pairs: list[tuple[str, str | None]], extra: int = 1) -> bool:
        """:meth:`hops_ok` for every (source, target) pair of one fix and, when all are
        fine, :meth:`reserve` their hops; False (nothing reserved) otherwise."""
        if not all(self.hops_ok(s, t, extra) for s, t in pairs):
            return False
        self.reserve(pairs, extra)
        return True

    def scale_out_problem(self, node: Node) -> str:
        """Why running 2+ instances of ``node`` would add a finding ("" when it would not,
        or when ``node`` runs several already)."""
        if node.scaled_out:
            return ""
        if node.kind in SERVICE_LIKE and node.is_stateful:
            return f"{node.id} is stateful: move its state out first (SCL002)"
        nodes = self.ctx.nodes
        for link in self.ctx.graph.out_links[node.id]:
            v = nodes[link.target]
            stuck = v.kind != "external" and v.scaling_mode == "none"
            if stuck and link.mode == "sync" and link.required:
                return f"{v.id}, which {node.id} needs, cannot scale (SCL003)"
        return ""

    def direct_callers(self, node: Node) -> list[Link]:
        """Sync links into the service ``node`` that would reach one replica of it when it
        is scaled out: not from a front door, without client-side discovery (SCL001)."""
        if node.kind != "service":
            return []
        nodes = self.ctx.nodes
        return [
            link
            for link in self.ctx.graph.in_links[node.id]
            if link.mode == "sync"
            and not link.discovery
            and nodes[link.source].kind not in FRONT_DOOR
            and link.source != node.id
        ]

    def balancer_ok(self, node: Node, callers: list[Link]) -> bool:
        """True when one load balancer in front of ``node`` for ``callers`` keeps the
        promises: ``node`` can scale and no chain grows past max_depth (its hop is then
        reserved, see :meth:`take_hops`)."""
        if node.id in self._balanced:  # SPF001, CAP001 and SCL001 share one balancer
            return self._balanced[node.id]
        ok = node.scaling_mode != "none" and self.take_hops(
            [(link.source, node.id) for link in callers]
        )
        self._balanced[node.id] = ok
        return ok

    def refusal(self, node: Node) -> str:
        """Why no fix runs 2+ instances of ``node`` ("" when one does, or was not asked
        for): the words after "No automatic fix: " in a finding that offers none."""
        if node.scaling_mode == "none":
            return f"{node.id} is set not to scale (scaling: none)"
        problem = self.scale_out_problem(node)
        if problem:
            return problem
        if self._balanced.get(node.id) is False:
            return (
                f"the load balancer its callers would need would make a chain of sync calls "
                f"from an entry longer than {self.max_depth} links (SCL005); give them "
                f"client-side balancing (discovery) or shorten the chain"
            )
        return ""

    def existing_balancer(self, node: Node) -> Node | None:
        """A load balancer that already fronts ``node``: its every link goes to ``node``."""
        fronting = self._fronting
        if fronting is None:
            fronting = self._fronting = self._single_target_balancers()
        nodes = self.ctx.nodes
        for link in self.ctx.graph.in_links[node.id]:
            if fronting.get(link.source) == node.id:
                return nodes[link.source]
        return None

    def _single_target_balancers(self) -> dict[str, str]:
        """Each load balancer whose every link goes to one node -> that node."""
        g = self.ctx.graph
        out_links, ids = g.out_links, g.ids
        fronting: dict[str, str] = {}
        for i, kind in enumerate(g.kinds):
            if kind == "load_balancer":
                targets = {link.target for link in out_links[ids[i]]}
                if len(targets) == 1:
                    fronting[ids[i]] = targets.pop()
        return fronting


def guard(ctx: LintContext) -> FixGuard:
    """The run's :class:`FixGuard`, computed once per lint run."""
    result: FixGuard = ctx.shared("fix_guard", lambda: FixGuard(ctx))
    return result


def no_fix_note(ctx: LintContext, node: Node, fix: Fix | None) -> str:
    """ " No automatic fix: <why>." for a scale-out finding whose fix was withheld
    (:meth:`FixGuard.refusal`), "" when it has one."""
    if fix is not None:
        return ""
    why = guard(ctx).refusal(node)
    return f" No automatic fix: {why}." if why else ""


def balancer_id(ctx: LintContext, node: Node) -> str:
    """The id of the load balancer that fronts ``node``: an existing one, else a new id
    reserved once per run (every finding about ``node`` names the same balancer)."""
    existing = guard(ctx).existing_balancer(node)
    if existing is not None:
        return existing.id
    ids: dict[str, str] = ctx.shared("balancer_ids", dict)
    if node.id not in ids:
        ids[node.id] = new_id(ctx, f"{node.id}-lb")
    return ids[node.id]


def front_with_balancer(ctx: LintContext, node: Node, callers: list[Link]) -> list[Edit]:
    """Edits that route every link of ``callers`` through ONE load balancer in front of
    ``node``: the one that already fronts it (raised to 2 replicas if it runs one), else a
    new one with 2 replicas and a timeout on its call to ``node``."""
    existing = guard(ctx).existing_balancer(node)
    edits: list[Edit] = []
    if existing is not None:
        lb_id = existing.id
        if not existing.redundant:
            edits.append(UpdateNode(lb_id, {"replicas": 2}))
    else:
        lb_id = balancer_id(ctx, node)
        lb = Node(id=lb_id, kind="load_balancer", replicas=2)
        near = ctx.nodes[callers[0].source].position if callers else node.position
        lb = placed(ctx, lb, midpoint(near, node.position), [c.source for c in callers] + [node.id])
        link_id = new_link_id(ctx, f"{lb_id}-{node.id}")
        out = Link(
            id=link_id,
            source=lb_id,
            target=node.id,
            required=any(c.required for c in callers),
            protocol=callers[0].protocol if callers else "",
            timeout_ms=INSERTED_TIMEOUT_MS,
        )
        edits += [AddNode(lb), AddLink(out)]
    edits += [UpdateLink(c.id, {"target": lb_id}) for c in callers]
    return edits


def scale_fix(ctx: LintContext, node: Node, scale: Edit, description: str) -> Fix | None:
    """A fix that makes ``node`` run 2+ instances with ``scale`` (an edit of its fields),
    or None when no fix keeps the promises (stateful, needs a component that cannot scale,
    or the load balancer it needs would make a chain too long). Safe when nothing calls
    ``node`` directly; otherwise unsafe, with ONE load balancer in front of ``node`` for
    all its direct callers (built when the fix is applied)."""
    g = guard(ctx)
    if g.scale_out_problem(node):
        return None
    callers = [] if node.scaled_out else g.direct_callers(node)
    if not callers:
        return Fix(description, scale)
    if not g.balancer_ok(node, callers):
        return None
    lb_id = balancer_id(ctx, node)

    def build() -> Edit:
        return Compound(
            (scale, *front_with_balancer(ctx, node, callers)),
            f"{scale.text}; route its callers through {lb_id}",
        )

    return Fix(
        f"{description}, and route {names([c.source for c in callers])} to it through the "
        f"load balancer {lb_id}",
        build,
        applicability="unsafe",
    )


__all__ = [
    "INSERTED_TIMEOUT_MS",
    "NO_INSERT_BEFORE",
    "FixGuard",
    "balancer_id",
    "front_with_balancer",
    "guard",
    "no_fix_note",
    "scale_fix",
]
