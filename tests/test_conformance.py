"""The conformance designs give exactly the expected findings and impacts of the rule spec,
version 2 (tests/data/conformance, MOD004's no-entry design included), and a well-built
design gives no error and no warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archdesigner.cli import main
from archdesigner.io import loads_design
from archdesigner.lint import lint_design

CONF = Path(__file__).resolve().parent / "data" / "conformance"
EXPECTED = json.loads((CONF / "expected.json").read_text())


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_conformance_findings_match_exactly(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    spec = EXPECTED[case]
    design = CONF / case.split()[0]
    code = main(["lint", str(design), "--format", "json", *spec["args"]])
    out = json.loads(capsys.readouterr().out)
    active = [f for f in out["files"][0]["findings"] if not f["suppressed"]]
    got = sorted([f["rule"], f["subject"]] for f in active)
    assert got == sorted(spec["findings"])
    impacts = {f"{f['rule']} {f['subject']}": f["impact"] for f in active}
    assert impacts == pytest.approx(spec["impacts"], abs=0.0015)
    # one-of-each has errors; no-entry has only warnings
    assert code == (1 if any(f["severity"] == "error" for f in active) else 0)
    assert any(f["severity"] == "error" for f in active) == ("no-entry" not in case)


def test_conformance_covers_every_builtin_rule_and_the_no_entry_design() -> None:
    seen = {rule for spec in EXPECTED.values() for rule, _ in spec["findings"]}
    assert "MOD004" in seen
    assert "no-entry.arch.json" in EXPECTED
    from archdesigner.lint import builtin_rules

    # a crash cannot be drawn, and the spec's designs keep to catalog kinds
    not_in_designs = {"MOD900", "MOD002"}
    assert {r.rule.id for r in builtin_rules().rules} - not_in_designs <= seen


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_findings_are_ordered_by_severity_then_impact(
    case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = EXPECTED[case]
    main(["lint", str(CONF / case.split()[0]), "--format", "json", *spec["args"]])
    found = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    rank = {"error": 0, "warning": 1, "info": 2}
    keys = [(rank[f["severity"]], -f["impact"], f["rule"], f["subject"]) for f in found]
    assert keys == sorted(keys)


WELL_BUILT = """{
  "format": "archdesigner.design", "version": 1, "name": "Well built",
  "nodes": [
    {"id": "web", "kind": "client", "load_rps": 900},
    {"id": "cdn", "kind": "cdn", "replicas": 2},
    {"id": "gw", "kind": "api_gateway", "replicas": 2, "capacity_rps": 2000},
    {"id": "orders", "kind": "service", "replicas": 3, "capacity_rps": 500, "team": "orders"},
    {"id": "catalog", "kind": "service", "autoscale": {"min": 2, "max": 6},
     "capacity_rps": 400, "team": "catalog"},
    {"id": "orders-db", "kind": "database", "replicas": 2, "team": "orders"},
    {"id": "catalog-db", "kind": "database", "replicas": 2, "team": "catalog"},
    {"id": "cache", "kind": "cache", "replicas": 2},
    {"id": "events", "kind": "queue", "replicas": 3},
    {"id": "mailer", "kind": "worker", "replicas": 2, "team": "orders"},
    {"id": "mail-api", "kind": "external"}
  ],
  "links": [
    {"id": "l1", "source": "web", "target": "cdn"},
    {"id": "l2", "source": "cdn", "target": "gw", "timeout_ms": 2000},
    {"id": "l3", "source": "gw", "target": "orders", "timeout_ms": 1000, "retries": 1},
    {"id": "l4", "source": "gw", "target": "catalog", "timeout_ms": 1000, "retries": 1},
    {"id": "l5", "source": "orders", "target": "orders-db", "calls_per_request": 0.2},
    {"id": "l6", "source": "catalog", "target": "cache"},
    {"id": "l7", "source": "catalog", "target": "catalog-db", "calls_per_request": 0.1},
    {"id": "l8", "source": "orders", "target": "events", "mode": "async",
     "calls_per_request": 0.2},
    {"id": "l9", "source": "mailer", "target": "events", "mode": "async"},
    {"id": "l10", "source": "mailer", "target": "mail-api", "timeout_ms": 3000,
     "circuit_breaker": true, "retries": 2}
  ]
}
"""


def test_a_well_built_design_has_no_error_and_no_warning() -> None:
    report = lint_design(loads_design(WELL_BUILT))
    assert [(f.rule_id, f.subject) for f in report.active if f.severity != "info"] == []
