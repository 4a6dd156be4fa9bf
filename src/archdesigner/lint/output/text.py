"""Human text output: grouped by file, sorted as the spec says, a summary line at the end."""

from __future__ import annotations

from archdesigner.lint.api import plural
from archdesigner.lint.output import FileResult
from archdesigner.lint.output.locate import id_lines

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def render_text(
    results: list[FileResult], *, color: bool = False, show_suppressed: bool = False
) -> str:
    lines: list[str] = []
    totals = {"error": 0, "warning": 0, "info": 0}
    suppressed = fixable = 0
    for r in results:
        report = r.report
        shown = report.findings if show_suppressed else report.active
        suppressed += len(report.suppressed)
        for e in report.errors:
            lines.append(_paint(f"warning: {e}", "33", color))
        for w in report.warnings:
            lines.append(_paint(f"warning: {r.path}: {w}", "33", color))
        for rid, subject, desc in r.fixed:
            lines.append(f"{r.path}: fixed {rid} on {subject}: {desc}")
        if not shown:
            continue
        where = id_lines(r.text)
        lines.append(_paint(r.path, "1", color))
        for f in shown:
            if not f.suppressed:
                totals[f.severity] += 1
                fixable += f.fix is not None
            line = where.get((f.subject_type, f.subject))
            at = f":{line}" if line else ""
            sev = _paint(f"{f.severity:<7}", _COLORS[f.severity], color)
            head = f"  {sev} {_paint(f.rule_id, '1', color)} {f.name}  {f.subject_type} {f.subject}"
            head += _paint(f"  ({r.path}{at})", "2", color)
            if f.suppressed:
                head += " [suppressed]"
            lines.append(head)
            lines.append(f"          {f.message}")
            if f.fix is not None and not f.suppressed:
                lines.append(_paint(f"          fix: {f.fix.description}", "32", color))
        lines.append("")
    total = sum(totals.values())
    files = plural(len(results), "file")
    if total:
        parts = [plural(totals["error"], "error"), plural(totals["warning"], "warning")]
        parts.append(f"{totals['info']} info")
        summary = f"Found {plural(total, 'finding')} in {files}: {', '.join(parts)}"
    else:
        summary = f"No findings in {files}"
    extra = []
    if suppressed:
        extra.append(f"{suppressed} suppressed")
    if fixable:
        extra.append(f"{fixable} fixable with --fix")
    if extra:
        summary += f" ({'; '.join(extra)})"
    lines.append(summary + ".")
    return "\n".join(lines) + "\n"
