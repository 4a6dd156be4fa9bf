"""The links of a compose import, each with its evidence (docs/import.md, "Links").

``depends_on`` and ``links`` entries are declared: they stay links, marked
``properties.evidence: "depends_on"`` when nothing else confirms them (start-up order is not
proof of a runtime call). Values, command lines, configs and sources that name another service
give inferred links (``properties.inferred``, ``inferred_from`` and ``evidence``, a list of
``{kind, where, text}``). Health-check URLs are not runtime calls: they are collected apart.
Links to and from observability backends are asynchronous and not required.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from archdesigner.importers.image_rules import protocol_for_scheme
from archdesigner.importers.wiring import add_database, client_balanced, link_shape
from archdesigner.model.design import Link, Node

#: A health-check URL or key (``/hc``, ``/healthz``, ``IdentityUrlHC``, ``HealthChecks__...``).
HEALTH = re.compile(
    r"(/(hc|health|healthz|healthcheck|ready|readyz|readiness|live|livez|liveness|ping)\b|"
    r"health[-_ ]?checks?|actuator/health)",
    re.IGNORECASE,
)
_HC_KEY = re.compile(r"(HC|Hc|_hc)(\b|=|_|$)")
#: Images and names of health-check UIs: what they call is checked, not used.
HEALTH_UI = re.compile(r"health-?checks?-?ui|webstatus|uptime-?kuma|statping|gatus", re.I)


def is_health_check(text: str) -> bool:
    key = text.split("=", 1)[0] if "=" in text else ""
    return bool(HEALTH.search(text)) or bool(key and _HC_KEY.search(key))


def record(kind: str, where: str, text: str) -> dict[str, Any]:
    return {"kind": kind, "where": where, "text": text}


def _balanced(scheme: str, ev: Mapping[str, Any]) -> bool:
    """Whether the call ``ev`` shows is balanced by its caller: an ``lb://`` URI, or a URL
    by name through a client the caller's sources declare ``@LoadBalanced``
    (``balanced_by``, see :attr:`archdesigner.importers.scanning.Evidence.balanced`)."""
    return client_balanced(scheme, str(ev.get("text", ""))) or bool(ev.get("balanced_by"))


class LinkSet:
    """Links by (source id, target id), one per pair, in the order they were found."""

    def __init__(self, nodes: Mapping[str, Node], protocols: Mapping[str, str]) -> None:
        self.nodes = nodes  # node id -> node
        self.protocols = protocols  # node id -> the protocol its clients speak
        self.links: dict[tuple[str, str], Link] = {}
        self.declared: list[Link] = []  # x-archdesigner links, parallel ones included
        self.used_ids: set[str] = set()
        self.health: list[dict[str, str]] = []

    def keep(self, link: Link) -> None:
        self.links.setdefault((link.source, link.target), link)
        self.declared.append(link)
        self.used_ids.add(link.id)

    def add(
        self,
        s: str,
        t: str,
        declared: bool,
        ev: dict[str, Any],
        scheme: str = "",
        database: str = "",
    ) -> None:
        """A link from node ``s`` to node ``t`` with one piece of evidence (that names
        ``database`` on ``t``, when not "": see :func:`add_database`)."""
        if s == t:
            return
        existing = self.links.get((s, t))
        if existing is not None:
            self._more_evidence(existing, declared, ev)
            add_database(existing, database)
            return
        target = self.nodes[t]
        protocol = protocol_for_scheme(scheme) if scheme else ""
        protocol = protocol or self.protocols.get(t, "")
        lid, n = f"{s}->{t}", 2
        while lid in self.used_ids:
            lid, n = f"{s}->{t}#{n}", n + 1
        self.used_ids.add(lid)
        props: dict[str, Any]
        if declared:
            props = {"evidence": ev["kind"]}
        else:
            props = {"inferred": True, "inferred_from": [_why(ev)], "evidence": [ev]}
        mode, required = link_shape(self.nodes[s].kind, target.kind)
        self.links[(s, t)] = Link(
            id=lid, source=s, target=t, protocol=protocol, properties=props,
            mode=mode, required=required, discovery=_balanced(scheme, ev),
            circuit_breaker=bool(ev.get("circuit_breaker_by")),
        )  # fmt: skip
        add_database(self.links[(s, t)], database)

    def _more_evidence(self, link: Link, declared: bool, ev: dict[str, Any]) -> None:
        props = link.properties
        if "evidence" not in props:
            return  # an x-archdesigner link: as declared
        if _balanced("", ev):
            link.discovery = True
        if ev.get("circuit_breaker_by"):  # a call of the pair that a breaker guards
            link.circuit_breaker = True
        if declared:
            if props.get("inferred"):  # a value named it first; depends_on declares it too
                props.pop("inferred", None)
                props.pop("inferred_from", None)
                props["evidence"] = [record(ev["kind"], ev["where"], ev["text"]),
                                     *props["evidence"]]  # fmt: skip
            return
        if isinstance(props["evidence"], str):  # depends_on confirmed by other evidence
            first = props["evidence"]
            props["evidence"] = [record(first, f"{first} in the compose file", "")]
        if ev not in props["evidence"]:
            props["evidence"].append(ev)
        if props.get("inferred"):
            props["inferred_from"].append(_why(ev))

    def finish(self) -> list[Link]:
        kept = {id(link) for link in self.declared}
        return self.declared + [link for link in self.links.values() if id(link) not in kept]


def _why(ev: Mapping[str, Any]) -> str:
    """The one-line form of a piece of evidence (``inferred_from``, the report)."""
    kind, where, text = ev["kind"], ev.get("where", ""), ev.get("text", "")
    if kind in ("environment", "command", "entrypoint", "naming"):
        return f"{kind} {text}" if kind != "naming" else text
    return f"{where}: {text}" if text else where
