"""The hop budget of the fixes that add a sync hop (rules/_fixes.FixGuard): every fix the
run offers is applied in the same pass, so an offer must leave room for the hops of the
ones before it, on the chains they share and on no other."""

from __future__ import annotations

from typing import Any

from archdesigner.lint.fixing import apply_fixes
from archdesigner.model import Design

from .helpers import lint, make

T = {"timeout_ms": 100.0}


def chains(*paths: list[str]) -> Design:
    """web -> gw -> each path; the last node of every path runs one instance."""
    nodes: dict[str, Any] = {
        "web": ("client", {"load_rps": 10.0}),
        "gw": ("api_gateway", {"replicas": 2}),
    }
    links: list[Any] = [("web", "gw")]
    for path in paths:
        prev = "gw"
        for k, nid in enumerate(path):
            single = nid.startswith("single")
            nodes[nid] = ("service", {"replicas": 1 if single else 2})
            links.append((prev, nid, {**T, "discovery": not single and k > 0}))
            prev = nid
    return make(nodes, links)


def lb_fixes(design: Design) -> list[str]:
    return sorted(
        f.subject
        for f in lint(design, select=["SPF001"]).active
        if f.fix is not None and "load balancer" in f.fix.description
    )


def test_load_balancers_on_two_chains_of_one_entry_are_offered_in_one_run() -> None:
    # web -> gw -> s -> t -> single: 4 links, 5 with a load balancer (max_depth 5)
    design = chains(["s1", "t1", "single-a"], ["s2", "t2", "single-b"])
    assert lb_fixes(design) == ["single-a", "single-b"]
    report, applied = apply_fixes(design, lint, unsafe=True)
    assert sorted(f.subject for f in applied if f.rule_id == "SPF001") == [
        "single-a",
        "single-b",
    ]
    assert not [f for f in report.active if f.rule_id in ("SCL005", "SPF001")]


def test_two_load_balancers_that_would_make_one_chain_too_long_are_not_both_offered() -> None:
    # web -> gw -> s1 -> single-a -> single-c: 4 links; one balancer makes 5, two make 6
    design = chains(["s1", "single-a", "single-c"])
    assert len(lb_fixes(design)) == 1
    report, _ = apply_fixes(design, lint, unsafe=True)
    assert not [f for f in report.active if f.rule_id == "SCL005"]
    assert len([n for n in design.nodes if n.kind == "load_balancer"]) == 1


def test_a_finding_whose_balancer_would_break_the_chain_says_why_it_has_no_fix() -> None:
    # web -> gw -> s1 -> t1 -> u1 -> single: 5 links, a balancer would make 6 (max_depth 5)
    design = chains(["s1", "t1", "u1", "single-a"])
    (spf,) = [f for f in lint(design, select=["SPF001"]).active if f.subject == "single-a"]
    assert spf.fix is None
    assert spf.message.endswith(
        "No automatic fix: the load balancer its callers would need would make a chain of "
        "sync calls from an entry longer than 5 links (SCL005); give them client-side "
        "balancing (discovery) or shorten the chain."
    )
    (fixed,) = [f for f in lint(chains(["s1", "single-b"]), select=["SPF001"]).active]
    assert fixed.fix is not None and "No automatic fix" not in fixed.message
