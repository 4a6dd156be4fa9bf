"""docker-compose export: a draft a team can start from (Compose Specification, no ``version``).

One service per deployable node (clients, CDNs, DNS and external systems are outside what
compose runs and go into the report). Images come from the node or its technology preset;
links become connection variables (``ORDERS_DB_HOST=orders-db``, ``_PORT``, ``_URL``) and,
when required, ``depends_on`` (with ``condition: service_healthy`` when the target has a
health check; cycles, which Compose rejects, are broken and reported). Stateful nodes get named
volumes, ``network`` and ``zone`` groups become networks. Every service carries an
``x-archdesigner`` extension with the node, and the file carries the rest of the design, so an
import restores the design exactly (see docs/export.md for the contract).

Compose interpolates ``$`` in every string value, extensions included; the exporter writes a
literal ``$`` as ``$$`` (what Compose reads back as ``$``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from archdesigner.export.base import BaseExporter, ExportError, ExportOption, ExportResult
from archdesigner.export.text import env_name
from archdesigner.export.yamlout import dump
from archdesigner.io import design_to_data
from archdesigner.io.load import gc_paused
from archdesigner.model import catalog
from archdesigner.model.design import FORMAT, Design, Node, group_ancestors

#: Kinds that stand for things outside the deployment; they get no service.
NOT_DEPLOYED = frozenset({"client", "cdn", "dns", "external"})
#: Kinds that face traffic from outside; their ports are published on the host.
ENTRY_KINDS = frozenset({"load_balancer", "api_gateway"})
NETWORK_GROUP_KINDS = frozenset({"network", "zone"})
SERVICE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
PLACEHOLDER_REGISTRY = "registry.example.invalid/replace-me"
MAX_REPORT_NAMES = 12


def _derive(name: str) -> str:
    s = re.sub(r"[^a-z0-9_.-]+", "-", name.lower())
    s = re.sub(r"^[^a-z0-9]+", "", s).rstrip("-")
    return s or "service"


def service_names(nodes: Iterable[Node]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Compose service name per node id, and the (id, name) pairs that had to be changed."""
    nodes = list(nodes)
    taken = {n.id for n in nodes if SERVICE_RE.match(n.id)}
    out: dict[str, str] = {}
    renamed: list[tuple[str, str]] = []
    for node in nodes:
        if SERVICE_RE.match(node.id):
            out[node.id] = node.id
            continue
        base = _derive(node.id)
        name = base
        i = 2
        while name in taken:
            name = f"{base}-{i}"
            i += 1
        taken.add(name)
        out[node.id] = name
        renamed.append((node.id, name))
    return out, renamed


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_REPORT_NAMES])
    more = len(items) - MAX_REPORT_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def _image_ref(service: str) -> str:
    repo = re.sub(r"[^a-z0-9]+", "-", service).strip("-") or "service"
    return f"{PLACEHOLDER_REGISTRY}/{repo}:latest"


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return s[:63].rstrip("-_")


def build_compose(design: Design) -> tuple[dict[str, Any], list[str]]:
    """The compose document (a dict in output order) and the mapping report.

    String values are as in the design; writing them with ``$`` doubled is the YAML step's job
    (``dump(doc, escape_dollars=True)``)."""
    report: list[str] = []
    nodes = design.node_map()
    deployed = [n for n in design.nodes if n.kind not in NOT_DEPLOYED]
    skipped: dict[str, list[str]] = {}
    for n in design.nodes:
        if n.kind in NOT_DEPLOYED:
            skipped.setdefault(n.kind, []).append(n.id)
    for kind, ids in skipped.items():
        report.append(f"not exported ({kind}, outside what compose runs): {_names(ids)}")
    names, renamed = service_names(deployed)
    if renamed:
        report.append(
            "renamed to valid compose service names: "
            + _names([f"{old!r} -> {new!r}" for old, new in renamed])
        )
    canonical = design_to_data(design)
    node_data = {d["id"]: d for d in canonical.get("nodes", [])}
    presets = {n.id: catalog.technology(n.technology) for n in deployed}

    def target_port(node: Node) -> int | None:
        if node.ports:
            return node.ports[0]
        preset = presets.get(node.id)
        return preset.ports[0] if preset is not None and preset.ports else None

    # networks
    groups = design.group_map()
    ancestors = group_ancestors(design)
    net_groups = [g for g in design.groups if g.kind in NETWORK_GROUP_KINDS]
    own_nets: dict[str, list[str]] = {}
    if net_groups:
        for n in deployed:
            chain = [n.group, *ancestors.get(n.group, [])] if n.group in groups else []
            own_nets[n.id] = [
                gid for gid in chain if gid is not None and groups[gid].kind in NETWORK_GROUP_KINDS
            ]

    # links: entry-facing nodes, connection variables, depends_on candidates
    outside_callers: set[str] = set()
    env_stems: dict[str, str] = {}
    used_stems: set[str] = set()
    generated: dict[str, dict[str, str]] = {n.id: {} for n in deployed}
    depends: dict[str, dict[str, str]] = {n.id: {} for n in deployed}  # source -> target -> link
    joined_nets: dict[str, list[str]] = {n.id: [] for n in deployed}
    for link in design.links:
        src = nodes[link.source]
        dst = nodes[link.target]
        if src.kind in NOT_DEPLOYED and dst.kind not in NOT_DEPLOYED:
            outside_callers.add(dst.id)
        if src.kind in NOT_DEPLOYED or dst.kind in NOT_DEPLOYED or src.id == dst.id:
            continue
        stem = env_stems.get(dst.id)
        if stem is None:
            base = env_name(dst.id)
            stem = base
            i = 2
            while stem in used_stems:
                stem = f"{base}_{i}"
                i += 1
            used_stems.add(stem)
            env_stems[dst.id] = stem
        host = names[dst.id]
        conn = generated[src.id]
        conn[f"{stem}_HOST"] = host
        port = target_port(dst)
        if port is not None:
            conn[f"{stem}_PORT"] = str(port)
            preset = presets.get(dst.id)
            if preset is not None and preset.scheme:
                conn[f"{stem}_URL"] = f"{preset.scheme}://{host}:{port}"
        if link.required:
            depends[src.id].setdefault(dst.id, link.id)
        if net_groups:
            mine = own_nets[src.id]
            theirs = own_nets[dst.id] or ["default"]
            if not set(mine or ["default"]) & set(theirs) and theirs[0] not in joined_nets[src.id]:
                joined_nets[src.id].append(theirs[0])

    _break_cycles(deployed, depends, names, report)

    services: dict[str, Any] = {}
    volumes: dict[str, Any] = {}
    placeholders: list[str] = []
    no_name: list[str] = []
    no_data_path: list[str] = []
    published: set[int] = set()
    port_clash: list[str] = []
    for n in deployed:
        name = names[n.id]
        preset = presets[n.id]
        svc: dict[str, Any] = {}
        if n.image:
            svc["image"] = n.image
        elif preset is not None and preset.image:
            svc["image"] = preset.image
        else:
            svc["image"] = _image_ref(name)
            placeholders.append(n.id)
        if n.replicas > 1:
            svc["deploy"] = {"replicas": n.replicas}
        unique_ports = list(dict.fromkeys(n.ports))  # Compose refuses a port listed twice
        if unique_ports:
            if n.kind in ENTRY_KINDS or n.id in outside_callers:
                single = n.replicas == 1 and n.autoscale is None
                ports = []
                for p in unique_ports:
                    if single and p not in published:
                        published.add(p)
                        ports.append(f"{p}:{p}")
                    else:
                        if single:
                            port_clash.append(f"{n.id}:{p}")
                        ports.append(str(p))
                svc["ports"] = ports
            else:
                svc["expose"] = [str(p) for p in unique_ports]
        env: dict[str, str] = {k: v for k, v in n.env.items() if k}
        if len(env) != len(n.env):
            no_name.append(n.id)
        added: list[str] = []
        extra = dict(preset.env) if preset is not None else {}
        extra.update(generated[n.id])
        for key, value in extra.items():
            if key not in env:
                env[key] = value
                added.append(key)
        if env:
            svc["environment"] = env
        if depends[n.id]:
            svc["depends_on"] = {
                names[t]: {"condition": _condition(presets[t])} for t in depends[n.id]
            }
        if preset is not None and preset.healthcheck is not None:
            hc = preset.healthcheck
            svc["healthcheck"] = {
                "test": list(hc.test),
                "interval": hc.interval,
                "timeout": hc.timeout,
                "retries": hc.retries,
            }
        if n.is_stateful and (preset is None or preset.data_path):
            path = preset.data_path if preset is not None else "/data"
            if preset is None:
                no_data_path.append(n.id)
            vol = f"{name}-data"
            volumes[vol] = {}
            svc["volumes"] = [f"{vol}:{path}"]
        if net_groups:
            nets = own_nets[n.id] or ["default"]
            svc["networks"] = list(dict.fromkeys([*nets, *joined_nets[n.id]]))
        svc["x-archdesigner"] = {"node": node_data[n.id], "generated_env": sorted(added)}
        services[name] = svc

    if placeholders:
        report.append(
            "no image and no technology preset with an image; a placeholder image "
            f"({PLACEHOLDER_REGISTRY}/...) was written for: {_names(placeholders)}"
        )
    if no_name:
        report.append(
            "an environment variable with an empty name cannot be written to compose; left "
            f"out for: {_names(no_name)}"
        )
    if no_data_path:
        report.append(
            "stateful without a known data folder; a volume is mounted at /data for: "
            + _names(no_data_path)
        )
    if port_clash:
        report.append(
            "host port already published by another service, so only the container port is "
            f"given (Docker picks a host port): {_names(port_clash)}"
        )

    doc: dict[str, Any] = {}
    slug = _slug(design.name)
    if slug and re.match(r"^[a-z0-9]", slug):
        doc["name"] = slug
    doc["services"] = services
    if net_groups:
        doc["networks"] = {g.id: {} for g in net_groups}
    if volumes:
        doc["volumes"] = volumes
    top: dict[str, Any] = {"format": FORMAT, "version": design.version}
    top.update((k, v) for k, v in canonical.items() if k not in ("format", "version", "nodes"))
    doc["x-archdesigner"] = top
    return doc, report


def _condition(preset: catalog.TechnologyPreset | None) -> str:
    has_check = preset is not None and preset.healthcheck is not None
    return "service_healthy" if has_check else "service_started"


def _break_cycles(
    deployed: list[Node],
    depends: dict[str, dict[str, str]],
    names: dict[str, str],
    report: list[str],
) -> None:
    """Drops the back edges of a depth-first search so that ``depends_on`` has no cycle."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    dropped: list[str] = []
    for start in deployed:
        if state.get(start.id):
            continue
        state[start.id] = 1
        stack: list[tuple[str, list[str]]] = [(start.id, list(depends[start.id]))]
        while stack:
            nid, todo = stack[-1]
            if not todo:
                state[nid] = 2
                stack.pop()
                continue
            nxt = todo.pop(0)
            st = state.get(nxt, 0)
            if st == 1:
                link = depends[nid].pop(nxt)
                dropped.append(f"{names[nid]} -> {names[nxt]} (link {link})")
            elif st == 0:
                state[nxt] = 1
                stack.append((nxt, list(depends[nxt])))
    if dropped:
        report.append(
            "depends_on cycle broken (Compose refuses cycles), dropped: " + _names(dropped)
        )


HEADER = (
    "# docker-compose draft written by archdesigner from the design {name}.\n"
    "# Review before use: placeholder images, passwords (change-me) and published ports.\n"
    "# The x-archdesigner keys let 'archdesigner import' restore the design; keep them.\n"
)


class ComposeExporter(BaseExporter):
    id: str = "compose"
    name: str = "docker-compose draft"
    suffixes: tuple[str, ...] = (
        "compose.yaml",
        "compose.yml",
        "docker-compose.yaml",
        "docker-compose.yml",
        ".compose.yaml",
        ".compose.yml",
    )
    options: tuple[ExportOption, ...] = ()

    def export(self, design: Design, **options: Any) -> ExportResult:
        with gc_paused():  # many small dicts and strings: the collector only slows this down
            doc, report = build_compose(design)
            try:
                body = dump(doc, escape_dollars=True)
            except ValueError as exc:
                raise ExportError(str(exc)) from None
        header = HEADER.format(name=ascii(design.name) if design.name else "(unnamed)")
        return ExportResult(header + body, report)
