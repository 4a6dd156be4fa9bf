"""``archdesigner report --json``: the report's data for other tools (a stable structure
with a ``version`` field; docs/report.md describes it)."""

from __future__ import annotations

from typing import Any

from archdesigner.report.model import NumberedFinding, Review

JSON_VERSION = 1


def _r(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def finding_json(nf: NumberedFinding) -> dict[str, Any]:
    f = nf.finding
    return {
        "number": nf.number,
        "rule_id": f.rule_id,
        "name": f.name,
        "severity": f.severity,
        "subject": f.subject,
        "subject_type": f.subject_type,
        "message": f.message,
        "impact": round(nf.impact, 3),
        "fix": nf.fix or None,
    }


def review_json(review: Review) -> dict[str, Any]:
    s = review.summary
    g = review.growth
    return {
        "version": JSON_VERSION,
        "design": {
            "name": s.name,
            "description": s.description,
            "path": review.footer.path,
            "sha256": review.footer.sha256,
        },
        "archdesigner": review.footer.version,
        "lint_config": review.footer.lint_config,
        "summary": {
            "nodes": s.nodes,
            "links": s.links,
            "groups": s.groups,
            "kinds": dict(s.kinds),
            "entries": [{"id": e.id, "load_rps": e.load_rps} for e in s.entries],
            "counts": s.counts,
            "suppressed": s.suppressed,
            "top_risks": [nf.number for nf in s.top],
        },
        "failure_table": [
            {
                "scope": r.scope,
                "id": r.id,
                "kind": r.kind,
                "failing_components": r.failing,
                "entries": list(r.entries),
                "requests_share": round(r.share, 6),
                "single_point_of_failure": r.spf,
                "findings": list(r.findings),
            }
            for r in review.failures
        ],
        "saturation": {
            "utilization_target": g.target,
            "max_factor": g.max_factor,
            "components": [
                {
                    "id": x.id,
                    "offered_rps": _r(x.offered),
                    "capacity_rps": _r(x.capacity),
                    "utilization": _r(x.utilization),
                    "target_multiplier": _r(x.at_target),
                    "saturation_multiplier": _r(x.at_full),
                }
                for x in g.rows
            ],
            "capacity_unknown": g.unknown,
        },
        "findings": [finding_json(nf) for nf in review.findings],
        "notes": review.notes,
    }
