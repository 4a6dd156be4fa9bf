"""Grouped text output, the default of ``archdesigner lint``: what a reviewer reads first.

Per file: a "Top risks" block (the five errors and warnings with the highest impact, one line
each), then one block per rule in the spec's order (severity, then impact). A rule that
fires once shows its finding in full; a rule that fires on many subjects is ONE entry: a
sentence with the count and the largest share of requests, then the subjects, each with
its impact ("14 components run as a single instance on the path of up to 100% of requests:
web 100%, user 100%, ..."). The summary line closes the output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from archdesigner.lint.api import Finding, plural
from archdesigner.lint.output import FileResult
from archdesigner.lint.output.text import percent, summary_line

_COLORS = {"error": "31", "warning": "33", "info": "36"}
#: findings of one rule and one impact in the "Top risks" block before other rules' turn
PER_RULE_ON_A_TIE = 3
#: findings in the "Top risks" block
TOP = 5
#: width the subject lists wrap at
WIDTH = 100
#: subjects listed in a group before "and N more"
MAX_SUBJECTS = 40

#: what a group of findings of one rule says, from their count and largest impact
_GROUP_TEXT: dict[str, Callable[[int, str], str]] = {
    "SPF001": lambda n, p: (
        f"{plural(n, 'component')} run as a single instance on the path of up to {p} of requests"
    ),
    "SPF002": lambda n, p: (
        f"{plural(n, 'zone')} take entries outside them down when they fail (up to {p} of requests)"
    ),
    "SCL001": lambda n, p: (
        f"{plural(n, 'call')} reach one replica of a scaled-out service, "
        f"with no load balancer (up to {p} of requests)"
    ),
    "SCL002": lambda n, p: (
        f"{plural(n, 'stateful service')} run several replicas that do "
        f"not share their state (up to {p} of requests)"
    ),
    "SCL003": lambda n, p: (
        f"{plural(n, 'scaled-out call')} need a component that cannot scale (up to {p} of requests)"
    ),
    "SCL004": lambda n, p: f"{plural(n, 'hot database')} have no cache (up to {p} of requests)",
    "SCL005": lambda n, p: (
        f"{plural(n, 'entry', 'entries')} start sync chains longer than "
        f"the limit (up to {p} of requests)"
    ),
    "CAP001": lambda n, p: f"{plural(n, 'component')} are overloaded (up to {p} of requests)",
    "CAP002": lambda n, p: (
        f"{plural(n, 'component')} run above the utilization target (up to {p} of requests)"
    ),
    "RES001": lambda n, p: f"{plural(n, 'dependency cycle')} of sync calls (up to {p} of requests)",
    "RES002": lambda n, p: (
        f"{plural(n, 'sync call')} have neither a timeout nor a circuit "
        f"breaker (up to {p} of requests)"
    ),
    "RES003": lambda n, p: (
        f"{plural(n, 'entry', 'entries')} see retries multiply along a path (up to {p} of requests)"
    ),
    "RES004": lambda n, p: (
        f"{plural(n, 'required call')} to external APIs have no circuit "
        f"breaker (up to {p} of requests)"
    ),
    "DAT001": lambda n, p: (
        f"{plural(n, 'datastore')} are shared by several services (up to {p} of requests)"
    ),
    "DAT002": lambda n, p: (
        f"{plural(n, 'call')} reach into another team's datastore (up to {p} of requests)"
    ),
    "EDG001": lambda n, p: (
        f"{plural(n, 'client call')} go straight to a service (up to {p} of requests)"
    ),
    "EDG002": lambda n, p: (
        f"{plural(n, 'client call')} go straight to a datastore (up to {p} of requests)"
    ),
    "MOD001": lambda n, p: f"{plural(n, 'component')} have no links",
    "MOD002": lambda n, p: f"{plural(n, 'component')} have a kind no catalog or plugin defines",
    "MOD003": lambda n, p: (
        f"{plural(n, 'lint_ignore entry', 'lint_ignore entries')} suppress nothing"
    ),
}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def _first_sentence(message: str, limit: int = 150) -> str:
    """The message up to its first full stop (a one-line summary), cut at ``limit``."""
    end = message.find(". ")
    text = message if end < 0 else message[: end + 1]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _name(subject: str, labels: Mapping[str, str]) -> str:
    """``Web shop (web)`` when the subject has a label other than its id, else ``web``."""
    label = labels.get(subject)
    return f"{label} ({subject})" if label and label != subject else subject


def _wrap(items: list[str], indent: str) -> list[str]:
    """``items`` joined by commas, wrapped at :data:`WIDTH`."""
    lines: list[str] = []
    line = indent
    for k, item in enumerate(items):
        piece = item + ("," if k < len(items) - 1 else "")
        if line.strip() and len(line) + 1 + len(piece) > WIDTH:
            lines.append(line)
            line = indent
        line += ("" if not line.strip() else " ") + piece
    if line.strip():
        lines.append(line)
    return lines


def _fix_line(findings: list[Finding]) -> str:
    """``fix: Set replicas of web to 2`` for one finding; for a group, how many fixes each
    flag applies, with the first one as an example."""
    fixes = [f.fix for f in findings if f.fix is not None]
    if not fixes:
        return ""
    if len(findings) == 1:
        how = "" if fixes[0].applicability == "safe" else " (with --fix --unsafe-fixes)"
        return f"fix: {fixes[0].description}{how}"
    safe = sum(1 for x in fixes if x.applicability == "safe")
    parts = []
    if safe:
        parts.append(f"{safe} with --fix")
    if len(fixes) - safe:
        parts.append(f"{len(fixes) - safe} with --fix --unsafe-fixes")
    return f"fix: {' and '.join(parts)} (for example: {fixes[0].description})"


def _failing(f: Finding) -> int:
    value = f.evidence.get("failing_components", 0)
    return value if isinstance(value, int) else 0


def top_risks(findings: list[Finding], count: int = TOP) -> list[Finding]:
    """The ``count`` errors and warnings with the highest impact: the "Top risks" of the
    grouped output and of the review report.

    On a tie of impact: errors first, then a front door (a single instance entries call
    directly: every request it carries stops with it), then the larger blast radius
    (SPF001's failing components). Among findings of one impact, a rule's fourth and later
    findings come after the other rules' findings, so that five single points of failure of
    equal weight do not hide a shared database or a missing gateway that weighs as much."""
    risky = [f for f in findings if f.severity in ("error", "warning")]
    return ranked(_highest_levels(risky, count), count)


def ranked(risky: list[Finding], count: int) -> list[Finding]:
    """The first ``count`` of ``risky`` in the order of :func:`top_risks` (sorted in place)."""
    risky.sort(
        key=lambda f: (
            -round(f.impact, 6),
            f.severity != "error",
            f.evidence.get("front_door") is not True,
            -_failing(f),
            f.rule_id,
            f.subject,
        )
    )
    seen: dict[tuple[float, str], int] = {}
    order: dict[int, tuple[float, bool, int]] = {}
    for pos, f in enumerate(risky):
        tie = (round(f.impact, 6), f.rule_id)
        seen[tie] = seen.get(tie, 0) + 1
        order[id(f)] = (-round(f.impact, 6), seen[tie] > PER_RULE_ON_A_TIE, pos)
    risky.sort(key=lambda f: order[id(f)])
    return risky[:count]


def _highest_levels(findings: list[Finding], count: int) -> list[Finding]:
    """The findings of the highest impacts (rounded as :func:`top_risks` ranks them), whole
    impact by impact, until there are ``count`` of them: the top ``count`` of
    :func:`top_risks` are among them, in the same order (its ties are counted within one
    impact), and only they need sorting."""
    per_level: dict[float, int] = {}
    for f in findings:
        level = round(f.impact, 6)
        per_level[level] = per_level.get(level, 0) + 1
    kept: set[float] = set()
    total = 0
    for level in sorted(per_level, reverse=True):
        if total >= count:
            break
        kept.add(level)
        total += per_level[level]
    if len(kept) == len(per_level):
        return findings
    return [f for f in findings if round(f.impact, 6) in kept]


def _top_risks(findings: list[Finding], color: bool) -> list[str]:
    risky = top_risks(findings)
    if not risky:
        return []
    lines = [_paint("Top risks", "1", color) + " (errors and warnings that touch most requests)"]
    for f in risky:
        sev = _paint(f"{f.severity:<7}", _COLORS[f.severity], color)
        lines.append(f"  {percent(f.impact):>4}  {sev} {f.rule_id}  {_first_sentence(f.message)}")
    return [*lines, ""]


def _subject(f: Finding, labels: tuple[Mapping[str, str], Mapping[str, str]]) -> str:
    """A finding's subject for people: a link as ``source → target``, a node or group by
    its label with the id in parentheses where they differ."""
    if f.subject_type == "link":
        return labels[1].get(f.subject, f.subject)
    return _name(f.subject, labels[0])


def _rule_block(
    findings: list[Finding],
    r_labels: tuple[Mapping[str, str], Mapping[str, str]],
    where: dict[tuple[str, str], int],
    r: str,
) -> list[str]:
    """The lines of one rule's block (without its coloured header)."""
    first = findings[0]
    if len(findings) == 1:
        line = where.get((first.subject_type, first.subject))
        at = f"{r}:{line}" if line else r
        lines = [
            f"  {_subject(first, r_labels)} · impact {percent(first.impact)} · {at}",
            f"  {first.message}",
        ]
    else:
        top = percent(max(f.impact for f in findings))
        text = _GROUP_TEXT.get(first.rule_id)
        head = (
            text(len(findings), top)
            if text
            else f"{len(findings)} findings (up to {top} of requests)"
        )
        if top == "0%":  # say it plainly: no request reaches these subjects
            head = head.replace("on the path of up to 0% of requests", "off every request path")
            head = head.replace("(up to 0% of requests)", "(no request reaches them)")
        subjects = [f"{_subject(f, r_labels)} {percent(f.impact)}" for f in findings[:MAX_SUBJECTS]]
        if len(findings) > MAX_SUBJECTS:
            rest = len(findings) - MAX_SUBJECTS
            subjects.append(f"and {rest} more (--output-format full)")
        lines = [f"  {head}:", *_wrap(subjects, "    ")]
    fix = _fix_line(findings)
    if fix:
        lines.append(f"  {fix}")
    return lines


def _file_lines(r: FileResult, color: bool, show_suppressed: bool) -> list[str]:
    report = r.report
    lines = [_paint(f"warning: {e}", "33", color) for e in report.errors]
    lines += [_paint(f"warning: {r.path}: {w}", "33", color) for w in report.warnings]
    active = report.active
    if not active and not (show_suppressed and report.suppressed):
        return lines
    labels = report.labels
    lines += [_paint(r.path, "1", color), ""]
    lines += _top_risks(active, color)
    by_rule: dict[str, list[Finding]] = {}
    for f in active:  # already in the spec's order: severity, impact, rule, subject
        by_rule.setdefault(f.rule_id, []).append(f)
    # source lines are shown only beside a rule's single finding: read them only then
    single = any(len(findings) == 1 for findings in by_rule.values())
    where = r.locations() if single else {}
    for findings in by_rule.values():
        first = findings[0]
        sev = _paint(f"{first.severity:<7}", _COLORS[first.severity], color)
        count = f" ({len(findings)})" if len(findings) > 1 else ""
        lines.append(f"{sev} {_paint(first.rule_id, '1', color)} {first.name}{count}")
        lines += _rule_block(findings, (labels, report.link_labels), where, r.path)
        lines.append("")
    if show_suppressed and report.suppressed:
        lines.append(_paint("Suppressed", "1", color))
        for f in report.suppressed:
            who = _subject(f, (labels, report.link_labels))
            lines.append(f"  {f.rule_id} {who}: {_first_sentence(f.message)} [suppressed]")
        lines.append("")
    return lines


def render_grouped(
    results: list[FileResult], *, color: bool = False, show_suppressed: bool = False
) -> str:
    lines: list[str] = []
    for r in results:
        lines += _file_lines(r, color, show_suppressed)
    lines.append(summary_line(results))
    return "\n".join(lines) + "\n"


__all__ = ["render_grouped", "top_risks"]
