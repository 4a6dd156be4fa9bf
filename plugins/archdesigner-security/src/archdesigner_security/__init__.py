"""archdesigner-security: an example rule pack for archdesigner (rule prefix ``SEC``).

It shows third parties how to write lint rules: each rule is a check function wrapped by
:func:`archdesigner.lint.rule`, it reads the design through the :class:`LintContext`, yields
findings made by ``ctx.finding(...)``, and may attach a :class:`Fix` (a pure model edit).
``RULES`` is what the ``archdesigner.rules`` entry point in pyproject.toml names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from archdesigner.lint import Finding, Fix, LintContext, Option, rule
from archdesigner.model.design import Node, group_ancestors
from archdesigner.model.edits import UpdateLink

__version__ = "0.1.0"
#: The archdesigner plugin API this package is written for (docs/plugins.md).
ARCHDESIGNER_PLUGIN_API = 1

#: Protocols that carry data unencrypted, and their encrypted counterparts where one exists.
PLAIN_TEXT = {
    "http": "https",
    "tcp": "",
    "amqp": "amqps",
    "redis": "rediss",
    "ftp": "sftp",
    "smtp": "smtps",
    "ws": "wss",
    "mqtt": "mqtts",
    "telnet": "ssh",
}
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY)", re.I)
REFERENCE = re.compile(r"^\$\{[^}]+\}$|^\$[A-Za-z_][A-Za-z0-9_]*$")


def _zone_of(ctx: LintContext) -> dict[str, str | None]:
    """Node id -> the innermost zone or region it sits in (None when in none)."""
    groups = ctx.design.group_map()
    ancestors = group_ancestors(ctx.design)
    out: dict[str, str | None] = {}
    for node in ctx.design.nodes:
        zone = None
        if node.group is not None:
            for gid in (node.group, *ancestors.get(node.group, [])):
                if groups[gid].kind in ("zone", "region"):
                    zone = gid
                    break
        out[node.id] = zone
    return out


@rule(
    "SEC001",
    "plain-text-across-zones",
    "warning",
    "A link with a plain-text protocol crosses a zone or region boundary.",
    options={"protocols": Option("", "extra plain-text protocols, comma-separated")},
    fixable=True,
)
def plain_text_across_zones(ctx: LintContext) -> Iterator[Finding]:
    plain = dict(PLAIN_TEXT)
    for extra in str(ctx.options["protocols"]).split(","):
        if extra.strip():
            plain.setdefault(extra.strip().lower(), "")
    zone = _zone_of(ctx)
    for link in ctx.design.links:
        proto = link.protocol.lower()
        if proto not in plain:
            continue
        a, b = zone[link.source], zone[link.target]
        if a == b:
            continue
        where = f"from {a or 'outside any zone'} to {b or 'outside any zone'}"
        secure = plain[proto]
        fix = None
        if secure:
            fix = Fix(
                f"Set the protocol of link {link.id} to {secure}",
                UpdateLink(link.id, {"protocol": secure}, f"Encrypt {link.id}"),
            )
        yield ctx.finding(
            link,
            f"Link {link.id} ({link.source} -> {link.target}) sends {proto} in plain text "
            f"{where}; traffic between zones crosses networks you may not control. "
            + (f"Use {secure}." if secure else "Encrypt it (TLS or a mesh)."),
            related=[link.source, link.target],
            evidence={"protocol": proto, "source_zone": a, "target_zone": b},
            fix=fix,
        )


def _secrets(node: Node) -> list[str]:
    return sorted(
        key
        for key, value in node.env.items()
        if SECRET_NAME.search(key) and value and not REFERENCE.match(value)
    )


@rule(
    "SEC002",
    "secret-in-design",
    "info",
    "A node's environment holds a literal password, token or key.",
)
def secret_in_design(ctx: LintContext) -> Iterator[Finding]:
    for node in ctx.design.nodes:
        keys = _secrets(node)
        if not keys:
            continue
        yield ctx.finding(
            node,
            f"{node.id} has {len(keys)} secret value(s) written into the design file "
            f"({', '.join(keys)}); they end up in git and in exported compose files. "
            "Reference them instead, e.g. ${" + keys[0] + "}.",
            evidence={"variables": keys},
        )


RULES = [plain_text_across_zones, secret_in_design]
