"""The paragraphs of a rule's documentation page that the report quotes.

A rule page (docs/rules/<ID>.md) has the sections "What it detects", "Why it matters" and
"How to fix it"; the report shows the first paragraph of the last two. A rule without a page
(a plugin's) falls back to its one-line summary.
"""

from __future__ import annotations

import html
import re

from archdesigner.resources import rule_page

_HEADING = re.compile(r"^##\s+(.*?)\s*$")


def sections(markdown: str) -> dict[str, str]:
    """Section title (lower case) -> the first paragraph under it, lines joined."""
    out: dict[str, str] = {}
    title: str | None = None
    para: list[str] = []
    for line in [*markdown.splitlines(), "## end"]:
        m = _HEADING.match(line)
        if m:
            if title is not None and title not in out:
                out[title] = " ".join(para)
            title, para = m.group(1).strip().lower(), []
            continue
        if title is None or title in out:
            continue
        text = line.strip()
        if not text:
            if para:
                out[title] = " ".join(para)
            continue
        if text.startswith(("```", "|")) and not para:
            continue
        para.append(text)
    return out


def rule_paragraphs(rule_id: str) -> tuple[str, str]:
    """("why it matters", "how to fix it") of the rule's page, empty when there is none."""
    page = rule_page(rule_id)
    if page is None:
        return "", ""
    found = sections(page)
    return found.get("why it matters", ""), found.get("how to fix it", "")


_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_EM = re.compile(r"(?<![*\w])\*([^*]+)\*(?![*\w])")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def inline_html(markdown: str) -> str:
    """A paragraph's inline Markdown (code, bold, emphasis, links as plain text) as HTML."""
    text = html.escape(_LINK.sub(r"\1", markdown), quote=False)
    text = _CODE.sub(r"<code>\1</code>", text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _EM.sub(r"<em>\1</em>", text)
