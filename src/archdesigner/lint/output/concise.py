"""Concise text output (``--output-format concise``): one line per finding,
``FILE:LINE: RULE message``, in the spec's order, for editors and grep; the summary line
last."""

from __future__ import annotations

from archdesigner.lint.output import FileResult
from archdesigner.lint.output.locate import id_lines
from archdesigner.lint.output.text import summary_line


def render_concise(results: list[FileResult]) -> str:
    lines: list[str] = []
    for r in results:
        for e in r.report.errors:
            lines.append(f"warning: {e}")
        for w in r.report.warnings:
            lines.append(f"warning: {r.path}: {w}")
        where = id_lines(r.source())
        for f in r.report.active:
            line = where.get((f.subject_type, f.subject), 1)
            lines.append(f"{r.path}:{line}: {f.rule_id} {f.message}")
    lines.append(summary_line(results))
    return "\n".join(lines) + "\n"
