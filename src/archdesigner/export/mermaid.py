"""Mermaid flowchart export: text that GitHub and GitLab render inside Markdown.

Groups become subgraphs, async links are dashed, each kind gets a shape (databases and caches
are cylinders, clients stadiums, ...) and a colour class. All user text is written as quoted
strings with Mermaid entity codes (``#35;``) for anything but letters, digits and plain
punctuation, so no name can break the syntax.
"""

from __future__ import annotations

import re
from typing import Any

from archdesigner.export.base import BaseExporter, ExportOption, ExportResult
from archdesigner.export.text import node_facts, one_line, truncate, walk_groups
from archdesigner.export.yamlout import quote
from archdesigner.model import catalog
from archdesigner.model.design import Design, Node
from archdesigner.model.edits import numbered

#: Mermaid's own default limit on links per diagram (``maxEdges``); GitHub uses it.
MERMAID_MAX_EDGES = 500

_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:/_()+-")
SHAPES = {
    "client": ('(["', '"])'),
    "cdn": ('(["', '"])'),
    "dns": ('(["', '"])'),
    "load_balancer": ('{{"', '"}}'),
    "api_gateway": ('{{"', '"}}'),
    "database": ('[("', '")]'),
    "cache": ('[("', '")]'),
    "search": ('[("', '")]'),
    "object_storage": ('[("', '")]'),
    "queue": ('[/"', '"/]'),
    "external": ('>"', '"]'),
}
DEFAULT_SHAPE = ('["', '"]')
CLASS_DEFS = {
    "edge": "fill:#ebf4ff,stroke:#2b6cb0,color:#1a202c",
    "compute": "fill:#f0fff4,stroke:#2f855a,color:#1a202c",
    "data": "fill:#fffaf0,stroke:#c05621,color:#1a202c",
    "messaging": "fill:#faf5ff,stroke:#6b46c1,color:#1a202c",
    "platform": "fill:#e6fffa,stroke:#2c7a7b,color:#1a202c",
    "external": "fill:#f7fafc,stroke:#4a5568,color:#1a202c,stroke-dasharray:4 3",
}


def mermaid_text(text: str) -> str:
    """``text`` for the inside of a quoted Mermaid string: entity codes for anything risky."""
    out = []
    for ch in one_line(text):
        if ch in _SAFE or (ch.isalnum() and not ch.isascii()):
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def _ids(values: list[str], prefix: str) -> dict[str, str]:
    out: dict[str, str] = {}
    taken: set[str] = set()
    for value in values:
        ident = numbered(prefix + re.sub(r"[^A-Za-z0-9_]", "_", value), taken, "_")
        taken.add(ident)
        out[value] = ident
    return out


def _node_text(node: Node) -> str:
    title = mermaid_text(truncate(one_line(node.label) or node.id, 260, 11, True))
    facts = node_facts(node)
    if not facts:
        return title
    sub = mermaid_text(truncate(facts, 260, 9))
    return f"{title}<br/><small>{sub}</small>"


def build_mermaid(design: Design, direction: str = "LR") -> tuple[str, list[str]]:
    report: list[str] = []
    node_ids = _ids([n.id for n in design.nodes], "n_")
    group_ids = _ids([g.id for g in design.groups], "g_")
    groups = design.group_map()
    children: dict[str | None, list[str]] = {}
    for g in design.groups:
        children.setdefault(g.parent if g.parent in groups else None, []).append(g.id)
    members: dict[str | None, list[Node]] = {}
    for n in design.nodes:
        members.setdefault(n.group if n.group in groups else None, []).append(n)

    out: list[str] = []
    w = out.append
    if design.name:
        w(f"---\ntitle: {quote(one_line(design.name))}\n---")  # YAML front matter
    w(f"flowchart {direction}")
    used_classes: set[str] = set()

    def emit_node(n: Node, indent: str) -> None:
        left, right = SHAPES.get(n.kind, DEFAULT_SHAPE)
        cls = catalog.category_of(n.kind)
        used_classes.add(cls)
        w(f"{indent}{node_ids[n.id]}{left}{_node_text(n)}{right}:::{cls}")

    # groups with no node anywhere inside are left out (as in the Graphviz diagrams)
    nonempty: set[str] = set()
    for n in design.nodes:
        gid = n.group if n.group in groups else None
        while gid is not None and gid not in nonempty:
            nonempty.add(gid)
            parent = groups[gid].parent
            gid = parent if parent in groups else None

    for action, gid, depth in walk_groups(children, nonempty):
        indent = "    " * depth
        if action == "close":
            w(f"{indent}end")
            continue
        g = groups[gid]
        w(f'{indent}subgraph {group_ids[gid]}["{mermaid_text(one_line(g.label) or gid)}"]')
        for n in members.get(gid, []):
            emit_node(n, indent + "    ")
    for n in members.get(None, []):
        emit_node(n, "    ")
    for link in design.links:
        arrow = "-.->" if link.mode == "async" else "-->"
        text = mermaid_text(truncate(one_line(link.label or link.protocol), 200, 9))
        label = f'|"{text}"|' if text else ""
        w(f"    {node_ids[link.source]} {arrow}{label} {node_ids[link.target]}")
    for cls in sorted(used_classes):
        w(f"    classDef {cls} {CLASS_DEFS.get(cls, CLASS_DEFS['compute'])}")
    if len(design.links) > MERMAID_MAX_EDGES:
        report.append(
            f"{len(design.links)} links: Mermaid renders at most {MERMAID_MAX_EDGES} by default "
            "(GitHub and GitLab use that limit); use SVG for a design this large"
        )
    return "\n".join(out) + "\n", report


class MermaidExporter(BaseExporter):
    id: str = "mermaid"
    name: str = "Mermaid flowchart"
    suffixes: tuple[str, ...] = (".mmd", ".mermaid")
    options: tuple[ExportOption, ...] = (
        ExportOption("direction", "flow direction", "LR", ("LR", "TB", "RL", "BT")),
    )

    def export(self, design: Design, **options: Any) -> ExportResult:
        direction = str(options.get("direction", "LR"))
        if direction not in ("LR", "TB", "RL", "BT"):
            direction = "LR"
        text, report = build_mermaid(design, direction)
        return ExportResult(text, report)
