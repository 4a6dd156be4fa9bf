"""The engine: selection, severities, options, suppressions (MOD003), order, fingerprints."""

from __future__ import annotations

import pytest

from archdesigner.lint import Finding, LintConfigError, is_selected
from archdesigner.model.edits import MoveNodes

from .helpers import lint, make


def sample() -> object:
    return make(
        {
            "web": "client",
            "api": ("service", {"replicas": 2}),
            "db": "database",
            "pay": "external",
            "spare": "service",
        },
        [("web", "api"), ("api", "db"), ("api", "pay")],
    )


def ids(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule_id, f.subject) for f in findings]


def test_findings_sorted_by_severity_impact_rule_and_subject() -> None:
    report = lint(sample())
    assert ids(report.active) == [
        ("SPF001", "db"),
        ("EDG001", "web-api"),
        ("RES004", "api-pay"),
        ("SCL001", "web-api"),
        ("RES002", "api-pay"),  # every request crosses api-pay: impact 1
        ("MOD001", "spare"),  # nothing reaches spare: impact 0
    ]
    assert [f.impact for f in report.active] == [1, 1, 1, 1, 1, 0]


def test_prefix_selection_is_ruff_like() -> None:
    assert is_selected("SCL001", None, [])
    assert not is_selected("SCL001", None, ["SCL"])
    assert is_selected("SCL001", ["SCL001"], ["SCL"])  # the more specific selector wins
    assert not is_selected("SCL002", ["SCL"], ["SCL002"])
    assert not is_selected("SCL001", ["SCL"], ["SCL"])  # a tie: ignore wins
    assert is_selected("RES001", ["ALL"], [])
    assert not is_selected("RES001", ["SPF"], [])


def test_design_lint_block_and_arguments_combine() -> None:
    design = sample()
    design.lint.ignore = ["RES"]
    assert {f.rule_id for f in lint(design).active} == {"SPF001", "EDG001", "SCL001", "MOD001"}
    design.lint.select = ["SPF", "RES"]
    assert {f.rule_id for f in lint(design).active} == {"SPF001"}
    # an explicit select replaces the design's; ignore adds to it
    assert {f.rule_id for f in lint(design, select=["RES004"]).active} == {"RES004"}
    assert {f.rule_id for f in lint(design, select=["ALL"], ignore=["SPF"]).active} == {
        "EDG001",
        "SCL001",
        "MOD001",
    }


def test_severity_overrides_by_id_or_prefix() -> None:
    design = sample()
    design.lint.severity = {"RES": "error", "RES002": "warning"}
    found = {f.rule_id: f.severity for f in lint(design).active}
    assert found["RES004"] == "error" and found["RES002"] == "warning"
    found = {
        f.rule_id: f.severity for f in lint(design, severity_overrides={"MOD": "error"}).active
    }
    assert found["MOD001"] == "error"


def test_bad_options_are_refused_with_their_path() -> None:
    design = sample()
    design.lint.options = {"SCL005": {"max_depth": "five"}}
    with pytest.raises(LintConfigError) as err:
        lint(design)
    assert err.value.path == "lint.options.SCL005.max_depth"
    assert "expected a whole number >= 1, got 'five'" in str(err.value)
    design.lint.options = {"SCL005": {"depth": 3}}
    with pytest.raises(LintConfigError, match="SCL005 has no option 'depth'"):
        lint(design)
    design.lint.options = {"XYZ001": {"a": 1}}
    assert any("XYZ001" in w for w in lint(design).warnings)


def test_lint_ignore_suppresses_findings_on_its_subject_only() -> None:
    design = sample()
    design.nodes[2].lint_ignore = ["SPF"]
    design.links[2].lint_ignore = ["RES004", "RES002"]
    report = lint(design)
    suppressed = ids(report.suppressed)
    assert suppressed == [("SPF001", "db"), ("RES004", "api-pay"), ("RES002", "api-pay")]
    assert ("SPF001", "db") not in ids(report.active)
    assert not [f for f in report.active if f.rule_id == "MOD003"]


def test_mod003_reports_each_entry_that_suppressed_nothing() -> None:
    design = sample()
    design.nodes[1].lint_ignore = ["SPF001", "RES002"]  # api: neither fires on api
    design.links[0].lint_ignore = ["SCL001", "NOPE"]  # SCL001 fires on web-api
    report = lint(design)
    unused = [f for f in report.active if f.rule_id == "MOD003"]
    assert [(f.subject, f.evidence["entry"]) for f in unused] == [
        ("api", "SPF001"),  # one subject's entries in the order they are written
        ("api", "RES002"),
        ("web-api", "NOPE"),
    ]
    nope = unused[2]
    assert nope.subject_type == "link" and "no installed rule id starts with NOPE" in nope.message
    nope.fix.edit.apply(design)
    assert design.links[0].lint_ignore == ["SCL001"]


def test_mod003_for_rules_that_did_not_run_has_no_fix() -> None:
    design = sample()
    design.nodes[1].lint_ignore = ["RES002"]
    f = next(f for f in lint(design, ignore=["RES002"]).active if f.rule_id == "MOD003")
    assert "did not run" in f.message and f.fix is None
    assert not [f for f in lint(design, ignore=["MOD003"]).findings if f.rule_id == "MOD003"]


def test_mod003_can_itself_be_suppressed() -> None:
    design = sample()
    design.nodes[1].lint_ignore = ["RES002", "MOD003"]
    report = lint(design)
    assert not [f for f in report.active if f.rule_id == "MOD003"]
    assert [f.subject for f in report.suppressed if f.rule_id == "MOD003"] == ["api"]


def test_fingerprints_are_stable_and_ignore_layout() -> None:
    design = sample()
    before = {(f.rule_id, f.subject): f.fingerprint for f in lint(design).findings}
    MoveNodes({n.id: (500.0, 300.0) for n in design.nodes}).apply(design)
    after = {(f.rule_id, f.subject): f.fingerprint for f in lint(design).findings}
    assert before == after
    assert len(set(before.values())) == len(before)


def test_lint_never_changes_the_design() -> None:
    design = sample()
    dump = design.model_dump()
    lint(design, load_factor=3)
    assert design.model_dump() == dump


def test_load_factor_must_be_a_non_negative_number() -> None:
    with pytest.raises(LintConfigError):
        lint(sample(), load_factor=-1)


def test_findings_and_fixes_pickle_field_for_field_subclasses_included() -> None:
    """Plugin workers send findings back pickled (as constructor calls, for speed)."""
    import dataclasses
    import pickle

    from archdesigner.lint.api import Finding, Fix
    from archdesigner.model.edits import UpdateLink

    edit = UpdateLink("l", {"protocol": "https"})
    fix = Fix("d", edit, applicability="unsafe")
    f = Finding("A001", "n", "warning", "m", "s", "link", ["x"], {"a": 1}, fix, "fp", True, "k")
    f.source, f.impact = "plugin", 0.5
    back = pickle.loads(pickle.dumps(f))
    assert type(back) is Finding and type(back.fix) is Fix
    for fld in dataclasses.fields(Finding):
        if fld.name != "fix":
            assert getattr(back, fld.name) == getattr(f, fld.name), fld.name
    assert back.fix is not None and back.fix.edit == edit and back.fix.edit is not edit
    assert (back.fix.description, back.fix.applicability) == ("d", "unsafe")

    @dataclasses.dataclass(slots=True)
    class Sub(Finding):
        extra: int = 3

    globals()["Sub"] = Sub  # picklable by name
    Sub.__qualname__ = "Sub"
    sub = pickle.loads(pickle.dumps(Sub("A001", "n", "warning", "m", "s", "link", extra=7)))
    assert type(sub) is Sub and sub.extra == 7
