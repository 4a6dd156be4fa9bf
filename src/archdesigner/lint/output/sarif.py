"""SARIF 2.1.0 output for code scanning (GitHub shows the results on pull requests).

Each result is located on the line of its subject's ``"id"`` in the design file and carries a
``partialFingerprints`` entry that depends on the rule, the subject and the finding's key
only, so moving nodes on the canvas does not make old alerts look new.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

from archdesigner import __version__
from archdesigner.lint.output import FileResult, Streamed
from archdesigner.lint.output.jsonenc import iterencode

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "archdesignerFinding/v1"


def _uri(path: str) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return p.resolve().as_uri()
    return PurePath(p).as_posix()


def sarif_chunks(results: list[FileResult]) -> Iterator[str]:
    """The SARIF output in pieces, for writing as they come (see
    :func:`archdesigner.lint.output.json_format.json_chunks`)."""
    rules: dict[str, dict[str, Any]] = {}
    for r in results:
        for reg in r.report.rules:
            rule = reg.rule
            rules.setdefault(
                rule.id,
                {
                    "id": rule.id,
                    "name": rule.name,
                    "shortDescription": {"text": rule.summary},
                    "help": {
                        "text": f"{rule.summary} See docs/rules/{rule.id}.md."
                        if reg.builtin
                        else rule.summary
                    },
                    "defaultConfiguration": {"level": LEVELS[rule.severity]},
                    "properties": {"source": reg.source},
                },
            )
        for f in r.report.findings:  # engine findings of rules that were not selected
            rules.setdefault(
                f.rule_id,
                {
                    "id": f.rule_id,
                    "name": f.name,
                    "shortDescription": {"text": f.name},
                    "defaultConfiguration": {"level": LEVELS[f.severity]},
                    "properties": {"source": f.source},
                },
            )
    ordered = [rules[k] for k in sorted(rules)]
    index = {rule["id"]: i for i, rule in enumerate(ordered)}
    artifacts = [{"location": {"uri": _uri(r.path)}} for r in results]
    count = sum(len(r.report.findings) for r in results)
    out_results = Streamed(count, lambda: _results(results, index))
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archdesigner",
                        "version": __version__,
                        "informationUri": "https://example.invalid/archdesigner/docs",
                        "rules": ordered,
                    }
                },
                "artifacts": artifacts,
                "results": out_results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    yield from iterencode(doc)
    yield "\n"


def _results(results: list[FileResult], index: dict[str, int]) -> Iterator[dict[str, Any]]:
    """The SARIF result of each finding, file after file (each file's text is located
    when its turn comes)."""
    for a, r in enumerate(results):
        uri = _uri(r.path)
        lines = r.locations()
        for f in r.report.findings:
            line = lines.get((f.subject_type, f.subject), 1)
            result: dict[str, Any] = {
                "ruleId": f.rule_id,
                "ruleIndex": index[f.rule_id],
                "level": LEVELS[f.severity],
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri, "index": a},
                            "region": {"startLine": line},
                        },
                        "logicalLocations": [{"name": f.subject, "kind": f.subject_type}],
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
                "rank": round(100 * f.impact),
                "properties": {
                    "subject": f.subject,
                    "subjectType": f.subject_type,
                    "impact": round(f.impact, 3),
                    "related": list(f.related),
                    "evidence": f.evidence,
                    "fix": f.fix.description if f.fix is not None else None,
                    "fixApplicability": f.fix.applicability if f.fix is not None else None,
                },
            }
            if f.suppressed:
                result["suppressions"] = [
                    {"kind": "inSource", "justification": "lint_ignore in the design file"}
                ]
            yield result
