"""Output formats of ``archdesigner lint``: human text, JSON (versioned) and SARIF 2.1.0."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archdesigner.lint.engine import LintReport

FORMATS = ("text", "json", "sarif")


@dataclass
class FileResult:
    """One linted file: its path as given, its text (to locate findings), the report, and
    the fixes applied (``--fix``) as (rule id, subject, description)."""

    path: str
    text: str
    report: LintReport
    fixed: list[tuple[str, str, str]] = field(default_factory=list)


def render(
    fmt: str, results: list[FileResult], *, color: bool = False, verbose: bool = False
) -> str:
    if fmt == "json":
        from archdesigner.lint.output.json_format import render_json

        return render_json(results)
    if fmt == "sarif":
        from archdesigner.lint.output.sarif import render_sarif

        return render_sarif(results)
    from archdesigner.lint.output.text import render_text

    return render_text(results, color=color, show_suppressed=verbose)


__all__ = ["FORMATS", "FileResult", "render"]
