"""The data of a review report: what every output (HTML, PDF, JSON, the app's preview) shows.

Plain dataclasses, filled by :func:`archdesigner.report.data.build_review`; no figure is
computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archdesigner.lint.api import Finding


@dataclass(frozen=True)
class NumberedFinding:
    """A lint finding and its number in the report (1 = the first in lint v2 order).

    Exposes the attributes the diagram overlay reads (:mod:`archdesigner.export.overlay`),
    so the numbered list can be drawn as it is."""

    number: int
    finding: Finding
    label: str = ""  # the subject for people: a node's name, a link's "source → target"

    @property
    def rule_id(self) -> str:
        return self.finding.rule_id

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def subject(self) -> str:
        return self.finding.subject

    @property
    def subject_type(self) -> str:
        return self.finding.subject_type

    @property
    def message(self) -> str:
        return self.finding.message

    @property
    def suppressed(self) -> bool:
        return self.finding.suppressed

    @property
    def impact(self) -> float:
        return float(getattr(self.finding, "impact", 0.0))

    @property
    def fix(self) -> str:
        return self.finding.fix.description if self.finding.fix is not None else ""


@dataclass(frozen=True)
class EntryLoad:
    id: str
    label: str
    load_rps: float | None


@dataclass(frozen=True)
class Summary:
    name: str
    description: str
    nodes: int
    links: int
    groups: int
    kinds: list[tuple[str, int]]  # kind -> count, most frequent first
    entries: list[EntryLoad]
    counts: dict[str, int]  # severity -> active findings
    suppressed: int
    top: list[NumberedFinding]  # the five top risks


@dataclass(frozen=True)
class FailureRow:
    """What fails with one component (``scope`` "node") or one zone or region (``scope``
    "group"): ``failing`` components in all (itself or its members included), the entries
    that stop, and ``share``, the share of the entries' requests that stop (lint v2
    impact). ``spf``: lint reports it as a single point of failure (SPF001 / SPF002);
    ``findings``: the numbers of those findings."""

    scope: str
    id: str
    label: str
    kind: str
    failing: int
    entries: tuple[str, ...]
    share: float
    spf: bool
    findings: tuple[int, ...] = ()


@dataclass(frozen=True)
class Saturation:
    """A component with a capacity: ``offered`` requests/s at 1x traffic, ``capacity``
    requests/s, and the traffic multipliers at which it reaches the utilization target
    (``at_target``) and its full capacity (``at_full``); None when no load reaches it."""

    id: str
    label: str
    offered: float
    capacity: float
    at_target: float | None
    at_full: float | None

    @property
    def utilization(self) -> float:
        return self.offered / self.capacity


@dataclass(frozen=True)
class Growth:
    target: float  # the utilization target (CAP002's max_utilization)
    max_factor: float
    rows: list[Saturation]  # first to saturate first; never-loaded ones last
    unknown: list[str]  # ids of components without a capacity


@dataclass(frozen=True)
class RuleGroup:
    rule_id: str
    name: str
    severity: str
    summary: str
    explanation: str  # the rule page's "why it matters" paragraph
    how_to_fix: str  # the rule page's "how to fix it" paragraph
    findings: list[NumberedFinding]


@dataclass(frozen=True)
class Footer:
    version: str
    path: str
    sha256: str
    lint_config: dict[str, Any]


@dataclass
class Review:
    """Everything one report shows."""

    summary: Summary
    findings: list[NumberedFinding]
    groups: list[RuleGroup]
    failures: list[FailureRow]
    growth: Growth
    footer: Footer
    notes: list[str] = field(default_factory=list)  # lint warnings, plugin problems
