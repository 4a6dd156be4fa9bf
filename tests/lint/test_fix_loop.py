"""The --fix loop: no pass cap while fixes apply, few whole lints, and a clear stop when
fixes undo each other."""

from __future__ import annotations

from typing import Any

from archdesigner.lint import LintReport
from archdesigner.lint.api import Finding, Fix
from archdesigner.lint.engine import _FOCUS
from archdesigner.lint.fixing import apply_fixes
from archdesigner.model import Design
from archdesigner.model.edits import Compound, UpdateNode

from .helpers import lint, make


def fan_of_long_chains(branches: int, depth: int = 8) -> Design:
    """One entry calling ``branches`` chains of ``depth`` sync hops each: SCL005 cuts the
    longest chain of an entry per finding, so the chains are cut one pass after another."""
    nodes: dict[str, Any] = {"web": ("client", {"load_rps": 10.0})}
    links: list[Any] = []
    for b in range(branches):
        prev = "web"
        for k in range(depth):
            nid = f"b{b}-{k}"
            nodes[nid] = ("service", {"replicas": 2, "position": {"x": 240 * k, "y": 110 * b}})
            links.append((prev, nid, {"timeout_ms": 100.0 + b}))
            prev = nid
    return make(nodes, links)


def test_more_passes_than_the_old_cap_run_until_no_fix_applies() -> None:
    d = fan_of_long_chains(14)
    seen: list[frozenset[str] | None] = []

    def counting(design: Design) -> LintReport:
        seen.append(_FOCUS.get())
        return lint(design, select=["SCL005"])

    report, applied = apply_fixes(d, counting, unsafe=True)
    assert len(applied) == 14 and len(seen) == 16  # 14 cuts, one pass each, then nothing
    assert not [f for f in report.active if f.rule_id == "SCL005"]
    assert not report.warnings
    assert seen[:4] == [None] * 4 and seen[-1] is None  # whole: first, after 3 passes, last
    assert all(focus == frozenset({"SCL005"}) for focus in seen[4:-1])  # between: SCL005 only
    again, more = apply_fixes(d, counting, unsafe=True)
    assert more == [] and not again.warnings


def test_the_result_of_a_focused_run_is_a_whole_lint_of_the_fixed_design() -> None:
    d = fan_of_long_chains(3)
    report, _ = apply_fixes(d, lint, unsafe=True)
    assert [f.fingerprint for f in report.findings] == [f.fingerprint for f in lint(d).findings]


def test_fixes_that_undo_each_other_stop_the_loop_with_a_warning() -> None:
    d = make({"api": ("service", {"replicas": 1})})

    def flip_flop(design: Design) -> LintReport:
        replicas = design.node_map()["api"].replicas
        want = 2 if replicas == 1 else 1
        fix = Fix(f"Set replicas of api to {want}", UpdateNode("api", {"replicas": want}))
        finding = Finding("X001", "flip", "warning", "flip", "api", "node", fix=fix)
        return LintReport(findings=[finding])

    report, applied = apply_fixes(d, flip_flop)
    assert [f.fix.description for f in applied if f.fix] == [
        "Set replicas of api to 2",
        "Set replicas of api to 1",
    ]
    (warning,) = report.warnings
    assert "X001 on api" in warning and "undo each other" in warning


def test_a_pass_cap_when_asked_for_says_so() -> None:
    d = fan_of_long_chains(4)
    report, applied = apply_fixes(
        d, lambda x: lint(x, select=["SCL005"]), max_passes=2, unsafe=True
    )
    assert len(applied) == 2
    assert report.warnings == ["--fix stopped after 2 passes, fixes still applying"]


def _finding(rule: str, subject: str, fix: Fix) -> Finding:
    return Finding(rule, "x", "warning", "x", subject, "node", fix=fix)


def test_fixes_that_set_the_same_fields_to_the_same_values_apply_in_one_pass() -> None:
    d = make({"a": ("service", {"replicas": 1}), "b": ("service", {"replicas": 1})})
    calls: list[int] = []

    def two_rules(design: Design) -> LintReport:
        calls.append(1)
        nodes = design.node_map()
        out = []
        if nodes["a"].replicas == 1:
            out += [
                _finding("X001", "a", Fix("a to 2", UpdateNode("a", {"replicas": 2}))),
                _finding("X002", "a", Fix("a to 2 again", UpdateNode("a", {"replicas": 2}))),
            ]
        if nodes["b"].replicas == 1:
            out.append(_finding("X001", "b", Fix("b to 3", UpdateNode("b", {"replicas": 3}))))
            out.append(_finding("X002", "b", Fix("b to 4", UpdateNode("b", {"replicas": 4}))))
        return LintReport(findings=out)

    _, applied = apply_fixes(d, two_rules)
    # a: both fixes agree and land in one pass; b: they disagree, the first one wins
    assert [f.fix.description for f in applied if f.fix] == ["a to 2", "a to 2 again", "b to 3"]
    assert d.node_map()["b"].replicas == 3
    assert len(calls) == 2  # the first lint, and the whole one after the pass


def test_retry_fixes_of_entries_sharing_inner_links_apply_in_one_pass() -> None:
    links: list[Any] = []
    nodes: dict[str, Any] = {}
    for c in ("web", "app"):
        nodes[c] = ("client", {"load_rps": 10.0})
        links.append((c, f"{c}-edge", {"retries": 2, "timeout_ms": 9.0}))
        nodes[f"{c}-edge"] = ("service", {"replicas": 2})
        links.append((f"{c}-edge", "core", {"retries": 2, "timeout_ms": 9.0, "discovery": True}))
    nodes["core"] = ("service", {"replicas": 2})
    nodes["deep"] = ("service", {"replicas": 2})
    links.append(("core", "deep", {"retries": 3, "timeout_ms": 9.0, "discovery": True}))
    d = make(nodes, links)
    seen: list[object] = []

    def counting(design: Design) -> LintReport:
        seen.append(_FOCUS.get())
        return lint(design, select=["RES003"])

    before = d.model_dump()
    inverses: list[Any] = []
    report, applied = apply_fixes(d, counting, inverses=inverses)
    assert sorted(f.subject for f in applied) == ["app", "web"]
    assert len(seen) == 2  # one pass: both fixes zero core -> deep, each keeps its own edge
    retries = {link.id: link.retries for link in d.links}
    assert retries == {
        "web-web-edge": 2, "web-edge-core": 0, "app-app-edge": 2, "app-edge-core": 0,
        "core-deep": 0,
    }  # fmt: skip
    assert not report.active
    undone = d.model_copy(deep=True)
    for inverse in reversed(inverses):  # the second fix zeroed core -> deep only once
        inverse.apply(undone)
    assert undone.model_dump() == before


def test_a_fix_that_keeps_what_another_fix_of_the_pass_changes_waits_for_the_next_pass() -> None:
    d = make({"a": ("service", {"replicas": 1}), "b": ("service", {"replicas": 1})})

    def keeper(design: Design) -> LintReport:
        nodes = design.node_map()
        out = []
        if nodes["a"].replicas == 1:  # relies on b keeping 1 replica
            keep = Compound((UpdateNode("a", {"replicas": 2}), UpdateNode("b", {"replicas": 1})))
            out.append(_finding("X001", "a", Fix("a to 2, b kept", keep)))
        if nodes["b"].replicas == 1:
            out.append(_finding("X002", "b", Fix("b to 2", UpdateNode("b", {"replicas": 2}))))
        return LintReport(findings=out)

    _, applied = apply_fixes(d, keeper)
    assert [f.fix.description for f in applied if f.fix] == ["a to 2, b kept", "b to 2"]


def test_a_fix_built_after_other_fixes_of_its_pass_sees_the_graph_as_linted() -> None:
    """A fix built lazily, after an earlier fix of the same pass added a node and a link,
    reads graph indexes no rule computed during the lint: they describe the design as
    linted (they were computed from the changed design and failed with a KeyError on the
    new node, seen as 'n11-queue' from the retry and queue fixes of random designs)."""
    from archdesigner.lint.api import LintContext, rule
    from archdesigner.lint.registry import BUILTIN, RegisteredRule, RuleSet
    from archdesigner.model import Link, Node
    from archdesigner.model.edits import AddLink, AddNode

    @rule("XGR001", "graph-as-linted", "warning", "test rule", fixable=True)
    def check(ctx: LintContext) -> Any:
        if "a-queue" in ctx.nodes:
            return
        add = Compound(
            (
                AddNode(Node(id="a-queue", kind="queue")),
                AddLink(Link(id="q", source="a-queue", target="b")),
            )
        )
        yield ctx.finding(ctx.nodes["a"], "first", fix=Fix("add a queue", add))

        def late() -> Compound:
            out = ctx.graph.out_links  # first read here, after the queue was added
            assert "a-queue" not in out and [x.id for x in out["a"]] == ["a-b"]
            return Compound((UpdateNode("b", {"replicas": 2}),))

        yield ctx.finding(ctx.nodes["b"], "second", fix=Fix("scale b", late))

    rules = RuleSet([RegisteredRule(check, BUILTIN)])
    d = make({"a": ("service", {"replicas": 2}), "b": "service"}, [("a", "b")])
    _, applied = apply_fixes(d, lambda x: lint(x, rules=rules))
    assert [f.fix.description for f in applied if f.fix] == ["add a queue", "scale b"]


def test_the_generated_benchmark_design_converges_in_two_passes() -> None:
    """The fixes of ``benchmarks.gen`` designs (1,000 nodes here: ~500 fixes) land in two
    passes and three whole lints: fixes that do not interact share a pass, and the hop
    budget of one pass does not hold back balancers on other chains."""
    from benchmarks.gen import generate

    d = generate(1000, seed=1)
    seen: list[frozenset[str] | None] = []

    def counting(design: Design) -> LintReport:
        seen.append(_FOCUS.get())
        return lint(design)

    report, applied = apply_fixes(d, counting, unsafe=True)
    assert len(applied) > 400 and not report.warnings
    assert seen == [None, None, None]
    _, again = apply_fixes(d, lint, unsafe=True)
    assert again == []


def test_the_fixed_design_is_checked_ahead_in_a_worker_with_the_same_answer(
    monkeypatch: Any,
) -> None:
    """CheckAhead starts a worker after each pass that changes the design (from the first
    pass on here): its answer is the text check_fixed returns, read from the worker that
    saw the last change, without checking again in this process."""
    import pytest

    from archdesigner.lint import fixing
    from archdesigner.lint.isolation import process_isolation_available

    if not process_isolation_available():
        pytest.skip("no fork")

    def cuts(design: Design) -> LintReport:  # one SCL005 cut per pass
        return lint(design, select=["SCL005"])

    d = fan_of_long_chains(3)
    expected_design = fan_of_long_chains(3)
    _, expected_applied = apply_fixes(expected_design, cuts, unsafe=True)
    expected = fixing.check_fixed(expected_design, 1, expected_applied)
    ahead = fixing.CheckAhead(first_pass=1)
    changes: list[int] = []

    def on_change(design: Design) -> None:
        changes.append(len(design.nodes))
        ahead(design)

    _, applied = apply_fixes(d, cuts, unsafe=True, on_change=on_change)
    assert len(changes) == 3 and ahead.passes == len(changes)

    def not_here(*args: object) -> str:
        raise AssertionError("checked in this process, not by the worker")

    monkeypatch.setattr(fixing, "check_fixed", not_here)
    assert ahead.result(d, 1, applied) == expected
    ahead.close()


def test_a_design_the_worker_finds_invalid_fails_as_check_fixed_says() -> None:
    import pytest

    from archdesigner.lint import fixing
    from archdesigner.lint.fixing import CheckAhead, FixFailed, check_fixed
    from archdesigner.model import Link

    d = make({"a": "service", "b": "service"}, [("a", "b")])
    d.links.append(Link(id="dangling", source="a", target="nowhere"))  # not valid on read
    found = [Finding("SCL001", "x", "warning", "m", "a", "node")]
    with pytest.raises(FixFailed) as here:
        check_fixed(d, 2, found)
    ahead = CheckAhead(first_pass=1)
    ahead(d)
    with pytest.raises(FixFailed) as worker:
        ahead.result(d, 2, found)
    assert str(worker.value) == str(here.value) and "not valid" in str(here.value)
    assert worker.value.finding.message == here.value.finding.message
    ahead.close()
    d.nodes.clear()  # emptied: said before any worker is asked
    ahead(d)
    with pytest.raises(FixFailed, match="removed every component"):
        ahead.result(d, 2, found)
    ahead.close()
    assert fixing.AHEAD_TIME_LIMIT > 0
