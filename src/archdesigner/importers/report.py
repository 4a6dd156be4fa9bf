"""The import report: what an importer saw and guessed, for a person to check in a minute.

``archdesigner import`` prints :meth:`ImportReport.text`; ``--report FILE`` writes
:meth:`ImportReport.as_json`. Nodes by kind with the evidence for each kind, the entries (found
or guessed), links grouped by the kind of evidence, the health checks that were not taken as
links, and every other guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The order evidence kinds are listed in (docs/import.md, "Evidence kinds").
EVIDENCE_ORDER = (
    "depends_on", "links", "environment", "command", "proxy", "url", "host_port", "config",
    "literal", "naming", "entry",
)  # fmt: skip


@dataclass
class ImportReport:
    nodes: list[dict[str, str]] = field(default_factory=list)  # id, kind, technology, why, ...
    entries: list[dict[str, str]] = field(default_factory=list)  # target, why
    entries_guessed: bool = False
    clients: list[str] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)  # source, target, evidence kinds
    health_checks: list[dict[str, str]] = field(default_factory=list)  # not links
    guesses: list[str] = field(default_factory=list)
    scan: dict[str, Any] = field(default_factory=dict)

    def link(self, source: str, target: str, evidence: list[dict[str, Any]]) -> None:
        self.links.append({"source": source, "target": target, "evidence": evidence})

    def by_kind(self) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {}
        for node in self.nodes:
            out.setdefault(node["kind"], []).append(node)
        return dict(sorted(out.items()))

    def links_by_evidence(self) -> dict[str, list[dict[str, Any]]]:
        """Each link once, under the strongest kind of evidence it has."""
        out: dict[str, list[dict[str, Any]]] = {k: [] for k in EVIDENCE_ORDER}
        for link in self.links:
            kinds = [e.get("kind", "") for e in link["evidence"]]
            best = next((k for k in EVIDENCE_ORDER[2:] if k in kinds), kinds[0] if kinds else "")
            out.setdefault(best, []).append(link)
        return {k: v for k, v in out.items() if v}

    def as_json(self) -> dict[str, Any]:
        return {
            "nodes_by_kind": self.by_kind(),
            "entries": {
                "targets": self.entries,
                "guessed": self.entries_guessed,
                "clients": self.clients,
            },
            "links_by_evidence": self.links_by_evidence(),
            "health_checks_not_links": self.health_checks,
            "guesses": self.guesses,
            "scan": self.scan,
        }

    def text(self) -> list[str]:
        lines: list[str] = ["nodes by kind (and why):"]
        for kind, nodes in self.by_kind().items():
            lines.append(f"  {kind}: {len(nodes)}")
            lines.extend(f"    {n['id']}: {n['why']}" for n in nodes)
        lines.append("entries" + (" (GUESSED: no user-facing port is published):"
                                  if self.entries_guessed else ":"))  # fmt: skip
        if not self.entries and not self.clients:
            lines.append("  none: lint rules that start from entries cannot run (MOD004)")
        lines.extend(f"  users -> {e['target']}: {e['why']}" for e in self.entries)
        lines.extend(f"  {c}: a load generator (a client itself)" for c in self.clients)
        lines.append("links by evidence:")
        for kind, links in self.links_by_evidence().items():
            lines.append(f"  {kind}: {len(links)}")
            for link in links:
                first = next((e for e in link["evidence"] if e.get("kind") == kind),
                             link["evidence"][0])  # fmt: skip
                where = first.get("where", "")
                text = first.get("text", "")
                more = f" (+{len(link['evidence']) - 1} more)" if len(link["evidence"]) > 1 else ""
                detail = f"{where}: {text}" if where and text else where or text
                lines.append(f"    {link['source']} -> {link['target']}"
                             + (f"  [{detail}]" if detail else "") + more)  # fmt: skip
        if self.health_checks:
            lines.append("health checks (not links):")
            lines.extend(f"  {h['source']} -> {h['target']}: {h['where']}"
                         for h in self.health_checks)  # fmt: skip
        if self.scan:
            s = self.scan
            lines.append(f"scanned {s.get('files', 0)} files in {s.get('seconds', 0):.2f} s"
                         f" under {s.get('root', '')}"
                         + (f"; {len(s['shared'])} shared by several services (only lines"
                            " naming one count)" if s.get("shared") else ""))  # fmt: skip
        if self.guesses:
            lines.append("guesses:")
            lines.extend(f"  {g}" for g in self.guesses)
        return lines
