"""Text helpers shared by the exporters: make any user text safe for XML, DOT and YAML.

Names in a design are free text: quotes, backslashes, newlines, control characters, unpaired
surrogates (JSON allows ``"\\ud800"``), right-to-left text, HTML-like markup. Every exporter
passes user text through these helpers before it reaches a consumer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterator, Mapping

from archdesigner.model import catalog
from archdesigner.model.design import Node

# Characters XML 1.0 forbids (and so Graphviz's HTML-like labels, SVG and expat): C0 controls
# other than tab/newline/return, unpaired surrogates, U+FFFE and U+FFFF.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WS = re.compile(r"\s+")


def xml_safe(text: str) -> str:
    """``text`` with every character XML cannot carry replaced by U+FFFD."""
    return _XML_BAD.sub("\ufffd", text)


def one_line(text: str) -> str:
    """Whitespace runs (newlines, tabs) collapsed to one space, ends trimmed."""
    return _WS.sub(" ", xml_safe(text)).strip()


def html_escape(text: str) -> str:
    """Text for a Graphviz HTML-like label (one line).

    Graphviz expands ``\\N``, ``\\G`` and friends even inside HTML-like labels (after
    decoding entities), and reads ``\\\\`` as one backslash: so backslashes are doubled."""
    return (
        one_line(text)
        .replace("\\", "\\\\")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("]", "&#93;")  # a lone "]" is a syntax error in Graphviz 2.42's HTML lexer
    )


def dot_string(text: str) -> str:
    """A double-quoted DOT string whose escString value is exactly ``text``.

    Backslashes are doubled (so ``\\N`` and friends are not expanded), quotes escaped and
    newlines written as ``\\n``."""
    safe = xml_safe(text).replace("\\", "\\\\").replace('"', '\\"')
    safe = safe.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    return f'"{safe}"'


def _char_width(ch: str) -> float:
    """Approximate advance of one character in ems for a Helvetica-like sans font."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if unicodedata.combining(ch):
        return 0.0
    if ch in "iljI.,:;'|!`()[]{} ":
        return 0.3
    if ch in "mwMW@%":
        return 0.9
    if ch.isupper():
        return 0.72
    if not ch.isascii():
        return 0.7
    return 0.58


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width in points of ``text`` set at ``size`` points (errs on the wide side)."""
    w = sum(_char_width(c) for c in text) * size
    return w * (1.08 if bold else 1.0)


def truncate(text: str, max_width: float, size: float, bold: bool = False) -> str:
    """``text`` cut with an ellipsis so that it fits ``max_width`` points."""
    if text_width(text, size, bold) <= max_width:
        return text
    out = []
    budget = max_width - text_width("\u2026", size, bold)
    used = 0.0
    for ch in text:
        w = _char_width(ch) * size * (1.08 if bold else 1.0)
        if used + w > budget:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "\u2026"


_ENV_BAD = re.compile(r"[^A-Z0-9_]+")


def env_name(text: str) -> str:
    """An environment variable stem: ``orders-db`` -> ``ORDERS_DB``."""
    stem = _ENV_BAD.sub("_", text.upper()).strip("_") or "NODE"
    return "_" + stem if stem[0].isdigit() else stem


def walk_groups(
    children: Mapping[str | None, list[str]], keep: Container[str]
) -> Iterator[tuple[str, str, int]]:
    """``("open" | "close", group id, depth)`` events for the group tree, depth-first from the
    top-level groups (depth 1), skipping groups not in ``keep``. An explicit stack: no
    recursion limit on deeply nested groups."""
    work: list[tuple[str, str, int]] = [
        ("open", g, 1) for g in reversed(children.get(None, [])) if g in keep
    ]
    while work:
        action, gid, depth = work.pop()
        yield action, gid, depth
        if action == "open":
            work.append(("close", gid, depth))
            work.extend(
                ("open", c, depth + 1) for c in reversed(children.get(gid, [])) if c in keep
            )


def node_facts(node: Node) -> str:
    """A node's technology and instance count for a diagram: ``PostgreSQL · x3``,
    ``x2-6 auto``, or ``""`` when there is nothing to say."""
    parts = []
    if node.technology:
        preset = catalog.technology(node.technology)
        parts.append(preset.display_name if preset else node.technology)
    if node.autoscale is not None:
        parts.append(f"x{node.autoscale.min}-{node.autoscale.max} auto")
    elif node.replicas > 1:
        parts.append(f"x{node.replicas}")
    return " \u00b7 ".join(parts)
