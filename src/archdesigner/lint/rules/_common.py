"""Terms of docs/lint-rules.md and helpers the built-in rules share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from archdesigner.lint.analysis import SyncPaths, sync_paths
from archdesigner.lint.api import LintContext
from archdesigner.lint.flow import (
    ROUTING,
    LoadFlow,
    RequestFlow,
    flows,
    utilization_target,
)
from archdesigner.lint.placement import Placer
from archdesigner.model import catalog
from archdesigner.model.design import Node, Position
from archdesigner.model.edits import unique_id

# The terms of docs/lint-rules.md are roles in the catalog (KindInfo.role), so plugin kinds
# take part in them.
SERVICE_LIKE = catalog.SERVICE_LIKE
DATASTORE = catalog.DATASTORE
FRONT_DOOR = catalog.FRONT_DOOR
OUTSIDE = catalog.OUTSIDE
ROUTING_NODE = ROUTING


def entry_set(ctx: LintContext) -> frozenset[str]:
    """The ids of the entries, as a set, computed once per run."""
    result: frozenset[str] = ctx.shared("entry_set", lambda: frozenset(ctx.graph.entries))
    return result


def both_flows(ctx: LintContext) -> tuple[LoadFlow, RequestFlow]:
    """The load and request flows of the run (one walk, computed once per run; the engine
    reads the same ones for impacts and utilization)."""
    result: tuple[LoadFlow, RequestFlow] = ctx.shared(
        f"flows:{ctx.load_factor!r}", lambda: flows(ctx.graph, ctx.load_factor)
    )
    return result


def flow(ctx: LintContext) -> LoadFlow:
    """Offered load per node, computed once per run."""
    return both_flows(ctx)[0]


def requests(ctx: LintContext) -> RequestFlow:
    """Where the entries' requests go (impact), computed once per run."""
    return both_flows(ctx)[1]


def target_utilization(ctx: LintContext) -> float:
    """The design's utilization target (CAP002's ``max_utilization``, see
    :func:`archdesigner.lint.flow.utilization_target`)."""
    return utilization_target(ctx.design)


def paths(ctx: LintContext) -> SyncPaths:
    """Worst sync paths, computed once per run."""
    result: SyncPaths = ctx.shared("sync_paths", lambda: sync_paths(ctx.graph))
    return result


def new_node(
    ctx: LintContext,
    base: str,
    kind: str,
    near: Position,
    dx: float = 0,
    dy: float = 0,
    **fields: Any,
) -> Node:
    """A node for a fix, with an id not taken yet, placed near ``near``."""
    node_id = new_id(ctx, base)
    return Node(
        id=node_id,
        kind=kind,
        position=Position(x=float(near.x) + dx, y=float(near.y) + dy),
        **fields,
    )


def placed(ctx: LintContext, node: Node, near: Position, serves: Iterable[str]) -> Node:
    """``node`` moved to a free spot near ``near`` (see :mod:`archdesigner.lint.placement`),
    in the innermost group that holds all of ``serves`` (or none). Call it when the fix's
    edit is built: the run's placer remembers every spot it gave out."""
    placer: Placer = ctx.shared("placer", lambda: Placer(ctx.design))
    spot = placer.place((float(near.x), float(near.y)), placer.common_group(serves))
    return node.model_copy(update={"position": Position(x=spot.x, y=spot.y), "group": spot.group})


def midpoint(a: Position, b: Position) -> Position:
    return Position(x=(float(a.x) + float(b.x)) / 2, y=(float(a.y) + float(b.y)) / 2)


def new_id(ctx: LintContext, base: str) -> str:
    """An unused node id made from ``base`` (cheap: the id set is built once per run).
    The id is reserved: two fixes of one run never name their new nodes alike."""
    taken: set[str] = ctx.shared("node_ids", lambda: set(ctx.graph.nodes))
    return _reserve(base, taken)


def new_link_id(ctx: LintContext, base: str) -> str:
    """An unused link id made from ``base``, reserved like :func:`new_id`: two fixes of one
    run never name their new links alike."""
    taken: set[str] = ctx.shared("link_ids", lambda: set(ctx.graph.links))
    return _reserve(base, taken)


#: an id that :func:`unique_id` keeps as it is when it is free
_CLEAN_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?")


def _reserve(base: str, taken: set[str]) -> str:
    """``unique_id(base, taken)``, added to ``taken``; a free id that is already clean (most
    of them: ids made of ids) is taken as it is."""
    if base in taken or not _CLEAN_ID.fullmatch(base):
        base = unique_id(base, taken)
    taken.add(base)
    return base
