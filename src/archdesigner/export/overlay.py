"""The lint findings overlay for design reviews: what to outline, in which colour, and a legend.

Findings are read by duck typing (``rule_id``, ``severity``, ``subject``, ``subject_type``,
``message``, ``suppressed``), so a caller that already has findings (the desktop app) can
pass them in; :func:`run_lint` runs the lint engine, imported only when the overlay is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archdesigner.export.base import ExportError
from archdesigner.export.text import html_escape, one_line, truncate
from archdesigner.model.design import Design

SEVERITY_ORDER = ("error", "warning", "info")
OUTLINE = {"error": "#d32f2f", "warning": "#f0a000"}
TEXT = {"error": "#c62828", "warning": "#b26a00", "info": "#2b6cb0"}
LEGEND_TEXT = {
    "error": "error: outlined red",
    "warning": "warning: outlined amber",
    "info": "info: listed on the node",
}


@dataclass
class NodeMarks:
    """How one node, link or group is marked."""

    severity: str = "info"
    rules: str = ""
    messages: list[str] = field(default_factory=list)
    #: the findings' numbers when the caller numbered them (the review report)
    numbers: list[int] = field(default_factory=list)

    @property
    def tag(self) -> str:
        """The numbers as drawn beside a link or a group's name: ``#2 #5``."""
        return " ".join(f"#{n}" for n in self.numbers)

    @property
    def outline(self) -> str:
        return OUTLINE.get(self.severity, "")

    @property
    def text_color(self) -> str:
        return TEXT.get(self.severity, TEXT["info"])


@dataclass
class Marks:
    nodes: dict[str, NodeMarks] = field(default_factory=dict)
    links: dict[str, NodeMarks] = field(default_factory=dict)
    groups: dict[str, NodeMarks] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITY_ORDER, 0))
    elsewhere: int = 0  # findings about the design as a whole or an unknown subject
    elsewhere_numbers: list[int] = field(default_factory=list)


def _rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def marks(design: Design, findings: Sequence[Any]) -> Marks:
    """Groups unsuppressed findings by subject; the worst severity decides the colour.

    Findings that carry a ``number`` (the review report numbers its list) are drawn with it:
    a card lists ``#1 SPF001 #4 CAP002``, a link or a group shows ``#2``."""
    out = Marks()
    tables = {
        "node": (out.nodes, {n.id for n in design.nodes}),
        "link": (out.links, {lk.id for lk in design.links}),
        "group": (out.groups, {g.id for g in design.groups}),
    }
    rule_lists: dict[tuple[str, str], list[str]] = {}
    for f in findings:
        if getattr(f, "suppressed", False):
            continue
        severity = str(getattr(f, "severity", "info"))
        if severity not in out.counts:
            severity = "info"
        out.counts[severity] += 1
        subject_type = str(getattr(f, "subject_type", ""))
        subject = str(getattr(f, "subject", ""))
        table = tables.get(subject_type)
        number = getattr(f, "number", None)
        if table is None or subject not in table[1]:
            out.elsewhere += 1
            if isinstance(number, int):
                out.elsewhere_numbers.append(number)
            continue
        mark = table[0].setdefault(subject, NodeMarks(severity=severity))
        if _rank(severity) < _rank(mark.severity):
            mark.severity = severity
        rule = one_line(str(getattr(f, "rule_id", "")))
        rules = rule_lists.setdefault((subject_type, subject), [])
        if isinstance(number, int):
            mark.numbers.append(number)
            rules.append(f"#{number} {rule}".strip())
        elif rule and rule not in rules:
            rules.append(rule)
        mark.messages.append(f"{severity} {rule}: {one_line(str(getattr(f, 'message', '')))}")
    for (subject_type, subject), rules in rule_lists.items():
        tables[subject_type][0][subject].rules = " ".join(rules)
    return out


def fit_rules(mark: NodeMarks, room: float, point_size: float) -> str:
    """The rules line of a card, cut to ``room`` points; numbered findings are never cut
    off: when ``#1 SPF001 #4 CAP002`` is too wide the line becomes ``#1 #4``."""
    fitted = truncate(mark.rules, room, point_size)
    if not mark.numbers or fitted == mark.rules:
        return fitted
    return mark.tag


def legend_rows(m: Marks) -> str:
    """HTML-like table rows for the legend under the diagram's title."""
    rows = []
    for severity in SEVERITY_ORDER:
        swatch_color = OUTLINE.get(severity, TEXT["info"])
        rows.append(
            f'<TR><TD WIDTH="14" HEIGHT="10" FIXEDSIZE="TRUE" BGCOLOR="{swatch_color}"></TD>'
            f'<TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="#2d3748">'
            f"{html_escape(LEGEND_TEXT[severity])} ({m.counts[severity]})</FONT></TD></TR>"
        )
    if m.elsewhere:
        numbers = " ".join(f"#{n}" for n in m.elsewhere_numbers)
        rows.append(
            f'<TR><TD></TD><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="#2d3748">'
            f"{m.elsewhere} finding(s) about the design as a whole"
            f"{': ' + numbers if numbers else ''}</FONT></TD></TR>"
        )
    return "".join(rows)


def run_lint(
    design: Design, *, plugin_dirs: Sequence[str | Path] = (), load_factor: float = 1.0
) -> list[Any]:
    """Runs the lint engine (imported here, only when the overlay is wanted)."""
    try:
        from archdesigner.lint import lint_design
    except ImportError as exc:
        raise ExportError(
            f"the findings overlay needs the lint engine, which is not available ({exc})"
        ) from None
    report = lint_design(design, plugin_dirs=tuple(plugin_dirs), load_factor=load_factor)
    return list(report.findings)
