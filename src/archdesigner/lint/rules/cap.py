"""Capacity: CAP001, CAP002 (only where capacities are given)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from archdesigner.lint.api import Finding, Fix, LintContext, Option, label, number, plural, rule
from archdesigner.lint.rules._common import flow, target_utilization
from archdesigner.lint.rules._fixes import no_fix_note, scale_fix
from archdesigner.model.design import Node
from archdesigner.model.edits import UpdateNode

_EPS = 1e-9


def _needed(offered: float, per_replica: float) -> int:
    return max(1, math.ceil(offered / per_replica - _EPS))


def _scale_fix(ctx: LintContext, node: Node, needed: int, why: str) -> Fix | None:
    """Raise the instances of ``node`` to ``needed``. None for a node that scales vertically
    or not at all (more replicas of a database are not more capacity: a larger instance, a
    cache or read replicas are), and when scaling out would add a finding."""
    if node.scaling_mode in ("vertical", "none"):
        return None
    if node.autoscale is not None:
        scale = {"min": min(node.autoscale.min, needed), "max": needed}
        return Fix(
            f"Set autoscale.max of {node.id} to {needed}{why}",
            UpdateNode(node.id, {"autoscale": scale}, f"Autoscale {node.id} up to {needed}"),
        )
    edit = UpdateNode(node.id, {"replicas": needed}, f"Run {needed} replicas of {node.id}")
    return scale_fix(ctx, node, edit, f"Set replicas of {node.id} to {needed}{why}")


def _advice(node: Node, needed: int, target: float, comfortable: int) -> str:
    """What the message tells to do: more replicas, or (vertical / no scaling) a larger
    instance, a cache or read replicas."""
    if node.scaling_mode in ("vertical", "none"):
        how = "vertically" if node.scaling_mode == "vertical" else "not at all"
        return (
            f"It scales {how}, so more replicas do not help: give it a larger instance, put "
            f"a cache in front of it, or add read replicas."
        )
    text = f"It needs {plural(needed, 'replica')}"
    if comfortable != needed:
        return text + f" ({comfortable} to stay under {target:.0%} utilization)."
    return text + f", which also keeps it under {target:.0%} utilization."


def _no_fix(ctx: LintContext, node: Node, fix: Fix | None) -> str:
    """Why a node that scales out gets no fix (a node that does not: see :func:`_advice`)."""
    return "" if node.scaling_mode in ("vertical", "none") else no_fix_note(ctx, node, fix)


def _instances(node: Node) -> str:
    if node.autoscale is not None:
        return f"autoscale.max {node.autoscale.max}"
    return plural(node.replicas, "replica")


@rule(
    "CAP001",
    "overloaded",
    "error",
    "The offered load is above the capacity of the component.",
    fixable=True,
)
def overloaded(ctx: LintContext) -> Iterator[Finding]:
    lf = flow(ctx)
    target = target_utilization(ctx)
    for i, node in enumerate(ctx.graph.node_list):
        cap = lf.capacity[i]
        offered = lf.offered[i]
        if cap is None or node.capacity_rps is None or offered <= cap * (1 + _EPS):
            continue
        needed = _needed(offered, node.capacity_rps)
        comfortable = _needed(offered, node.capacity_rps * target)
        factor = f" (load factor {ctx.load_factor:g})" if ctx.load_factor != 1 else ""
        # the fix goes to the count that also keeps the utilization target: the count the
        # overload alone needs would leave a CAP002 warning behind (a fix never leaves what
        # the linter flags at warning or error), and a second pass of --fix to clear it
        why = f" (under {target:.0%} utilization)" if comfortable != needed else ""
        fix = _scale_fix(ctx, node, comfortable, why)
        yield ctx.finding(
            node,
            f"{label(node)} is overloaded: it is offered {number(offered)} requests/s{factor} but "
            f"{_instances(node)} x {number(node.capacity_rps)} requests/s sustain only "
            f"{number(cap)}. {_advice(node, needed, target, comfortable)}"
            + _no_fix(ctx, node, fix),
            evidence={
                "offered_rps": round(offered, 6),
                "capacity_rps": round(cap, 6),
                "utilization": round(offered / cap, 6),
                "replicas_needed": needed,
                "replicas_for_target": comfortable,
            },
            fix=fix,
        )


@rule(
    "CAP002",
    "low-headroom",
    "warning",
    "The offered load is above max_utilization of the capacity: no room for peaks.",
    options={
        "max_utilization": Option(
            0.8, "highest comfortable share of capacity in use", minimum=0.01, maximum=1.0
        )
    },
    fixable=True,
)
def low_headroom(ctx: LintContext) -> Iterator[Finding]:
    lf = flow(ctx)
    target = float(ctx.options["max_utilization"])
    for i, node in enumerate(ctx.graph.node_list):
        cap = lf.capacity[i]
        offered = lf.offered[i]
        if cap is None or node.capacity_rps is None:
            continue
        if offered > cap * (1 + _EPS) or offered <= target * cap * (1 + _EPS):
            continue
        needed = _needed(offered, node.capacity_rps * target)
        factor = f" (load factor {ctx.load_factor:g})" if ctx.load_factor != 1 else ""
        fix = _scale_fix(ctx, node, needed, f" (under {target:.0%} utilization)")
        yield ctx.finding(
            node,
            f"{label(node)} runs at {offered / cap:.0%} of its capacity: offered "
            f"{number(offered)} requests/s{factor}, capacity {number(cap)} "
            f"({_instances(node)} x {number(node.capacity_rps)}), above the {target:.0%} "
            f"target, so a peak overloads it. "
            + (
                _advice(node, needed, target, needed)
                if node.scaling_mode in ("vertical", "none")
                else f"{plural(needed, 'replica')} keep it under {target:.0%}."
            )
            + _no_fix(ctx, node, fix),
            evidence={
                "offered_rps": round(offered, 6),
                "capacity_rps": round(cap, 6),
                "utilization": round(offered / cap, 6),
                "max_utilization": target,
                "replicas_needed": needed,
            },
            fix=fix,
        )


RULES = [overloaded, low_headroom]
