"""The --fix loop: no pass cap while fixes apply, few whole lints, and a clear stop when
fixes undo each other."""

from __future__ import annotations

from typing import Any

from archdesigner.lint import LintReport
from archdesigner.lint.api import Finding, Fix
from archdesigner.lint.engine import _FOCUS
from archdesigner.lint.fixing import apply_fixes
from archdesigner.model import Design
from archdesigner.model.edits import UpdateNode

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
    assert seen[0] is None and seen[-1] is None  # whole lints first and last
    assert all(focus == frozenset({"SCL005"}) for focus in seen[1:-1])  # between: SCL005 only
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
