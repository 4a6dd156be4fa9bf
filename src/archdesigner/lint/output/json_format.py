"""The JSON format of ``archdesigner lint --format json`` (documented in docs/lint.md).

Version 1. Stable: the same input gives the same bytes (sorted findings, fixed key order,
no timestamps, no absolute paths that the caller did not give).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from archdesigner import __version__
from archdesigner.lint.api import Finding
from archdesigner.lint.output import FileResult, Streamed
from archdesigner.lint.output.jsonenc import iterencode

JSON_VERSION = 1


def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule_id,
        "name": f.name,
        "severity": f.severity,
        "subject": f.subject,
        "subject_type": f.subject_type,
        "message": f.message,
        "impact": round(f.impact, 3),
        "related": list(f.related),
        "evidence": f.evidence,
        "fix": {"description": f.fix.description, "applicability": f.fix.applicability}
        if f.fix is not None
        else None,
        "fingerprint": f.fingerprint,
        "suppressed": f.suppressed,
        "source": f.source,
    }


def json_chunks(results: list[FileResult]) -> Iterator[str]:
    """The JSON output in pieces, for writing as they come: the output of a 50,000-node
    design is 75 MB, and its pieces as one list take four times that."""
    files = []
    errors: dict[str, dict[str, str]] = {}
    warnings: list[str] = []
    for r in results:
        counts = r.report.counts()
        files.append(
            {
                "file": r.path,
                "summary": {
                    "error": counts["error"],
                    "warning": counts["warning"],
                    "info": counts["info"],
                    "suppressed": len(r.report.suppressed),
                    "fixable": sum(1 for f in r.report.active if f.fix is not None),
                },
                "findings": Streamed(
                    len(r.report.findings), partial(map, finding_to_dict, r.report.findings)
                ),
                "fixed": [{"of": rid, "on": subj, "description": d} for rid, subj, d in r.fixed],
            }
        )
        for e in r.report.errors:
            errors.setdefault(str(e), {"plugin": e.plugin, "group": e.group, "message": e.message})
        for w in r.report.warnings:
            if w not in warnings:
                warnings.append(w)
    doc = {
        "version": JSON_VERSION,
        "tool": {"name": "archdesigner", "version": __version__},
        "files": files,
        "plugin_errors": list(errors.values()),
        "warnings": warnings,
    }
    yield from iterencode(doc)
    yield "\n"
