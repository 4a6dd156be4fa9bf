"""Concise text output (``--output-format concise``): one line per finding,
``FILE:LINE: RULE message``, in the spec's order, for editors and grep; the summary line
last."""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.lint.output import FileResult
from archdesigner.lint.output.text import summary_line


def concise_chunks(results: list[FileResult]) -> Iterator[str]:
    """The concise output line by line (each with its newline), for writing as they
    come."""
    for r in results:
        for e in r.report.errors:
            yield f"warning: {e}\n"
        for w in r.report.warnings:
            yield f"warning: {r.path}: {w}\n"
        where = r.locations()
        for f in r.report.active:
            line = where.get((f.subject_type, f.subject), 1)
            yield f"{r.path}:{line}: {f.rule_id} {f.message}\n"
    yield summary_line(results) + "\n"
