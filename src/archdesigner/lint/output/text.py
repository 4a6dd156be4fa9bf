"""Full text output (``--output-format full``): by file, one entry per finding in the
spec's order, a summary line at the end. :func:`summary_line` is shared by every text
style."""

from __future__ import annotations

from collections.abc import Iterator

from archdesigner.lint.api import plural
from archdesigner.lint.output import FileResult

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def text_chunks(
    results: list[FileResult], *, color: bool = False, show_suppressed: bool = False
) -> Iterator[str]:
    """The full output line by line (each with its newline), for writing as they come:
    at 50,000 nodes the output is 28 MB, and its lines in a list take as much again."""
    for r in results:
        report = r.report
        shown = report.findings if show_suppressed else report.active
        for e in report.errors:
            yield _paint(f"warning: {e}", "33", color) + "\n"
        for w in report.warnings:
            yield _paint(f"warning: {r.path}: {w}", "33", color) + "\n"
        if not shown:
            continue
        where = r.locations()
        yield _paint(r.path, "1", color) + "\n"
        for f in shown:
            line = where.get((f.subject_type, f.subject))
            at = f":{line}" if line else ""
            sev = _paint(f"{f.severity:<7}", _COLORS[f.severity], color)
            head = f"  {sev} {_paint(f.rule_id, '1', color)} {f.name}  {f.subject_type} {f.subject}"
            head += f"  impact {percent(f.impact)}"
            head += _paint(f"  ({r.path}{at})", "2", color)
            if f.suppressed:
                head += " [suppressed]"
            yield head + "\n"
            yield f"          {f.message}\n"
            if f.fix is not None and not f.suppressed:
                how = "" if f.fix.applicability == "safe" else " (unsafe: --unsafe-fixes)"
                yield _paint(f"          fix: {f.fix.description}{how}", "32", color) + "\n"
        yield "\n"
    yield summary_line(results) + "\n"


def percent(impact: float) -> str:
    """An impact for people: ``100%``, ``31%``, ``<1%`` (some requests), ``0%`` (none)."""
    if 0 < impact < 0.005:
        return "<1%"
    return f"{impact:.0%}"


def summary_line(results: list[FileResult]) -> str:
    """``Found 24 findings in 1 file: 6 errors, 13 warnings, 5 info (1 suppressed; 12 in the
    baseline; 17 fixable with --fix; 3 more with --fix --unsafe-fixes).``"""
    totals = {"error": 0, "warning": 0, "info": 0}
    suppressed = baselined = safe = unsafe = 0
    for r in results:
        suppressed += len(r.report.suppressed)
        baselined += r.baselined
        for f in r.report.active:
            totals[f.severity] += 1
            if f.fix is not None:
                if f.fix.applicability == "safe":
                    safe += 1
                else:
                    unsafe += 1
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
    if baselined:
        extra.append(f"{baselined} in the baseline")
    if safe:
        extra.append(f"{safe} fixable with --fix")
    if unsafe:
        extra.append(f"{unsafe} {'more ' if safe else ''}with --fix --unsafe-fixes")
    if extra:
        summary += f" ({'; '.join(extra)})"
    return summary + "."
