"""docker-compose export: a draft a team can start from (Compose Specification, no ``version``).

One service per deployable node (clients, CDNs, DNS and external systems are outside what
compose runs unless they have an image or compose settings of their own; the others are kept
in the top-level ``x-archdesigner.nodes`` and listed in the report). Images come from the node
or its technology preset; links become connection variables (``ORDERS_DB_HOST=orders-db``,
``_PORT``, ``_URL``) and, when required, ``depends_on`` (with ``condition: service_healthy``
when the target has a health check; cycles, which Compose rejects, are broken and reported).
Stateful nodes get named volumes, ``network`` and ``zone`` groups become networks. Every
service carries an ``x-archdesigner`` extension with the node, and the file carries the rest
of the design, so an import restores the design exactly (see docs/export.md for the contract).

A node imported from compose keeps its service's own settings in ``properties.compose``; the
export starts from them (build, command, volumes, ports as written, long-syntax
``depends_on`` conditions, networks, ...) and applies what the design says on top, so that
import -> export gives Docker Compose the same system. Links an import only inferred from
values (``properties.inferred``) wire variables but are no ``depends_on``.

Compose interpolates ``$`` in every string value, extensions included; the exporter writes a
literal ``$`` as ``$$`` (what Compose reads back as ``$``), except ``${NAME}`` and
``${NAME:-default}`` references in a node's environment, which stay references.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from archdesigner.compose_syntax import compose_value, container_ports, expose_ports
from archdesigner.export.base import BaseExporter, ExportError, ExportOption, ExportResult
from archdesigner.export.text import env_name
from archdesigner.export.yamlout import Verbatim, dump
from archdesigner.io import design_to_data
from archdesigner.io.load import gc_paused
from archdesigner.model import catalog
from archdesigner.model.design import FORMAT, Design, Node, group_ancestors

#: Kinds that stand for things outside the deployment; they get no service.
NOT_DEPLOYED = catalog.NOT_DEPLOYED
#: Kinds that face traffic from outside (the routing kinds); their ports are published on the
#: host.
ENTRY_KINDS = catalog.ROUTING
NETWORK_GROUP_KINDS = frozenset({"network", "zone"})
SERVICE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
#: What Docker Compose itself accepts: the name a service had in a file that was imported.
COMPOSE_NAME_RE = re.compile(r"^[a-zA-Z0-9._-]+$")
PLACEHOLDER_REGISTRY = "registry.example.invalid/replace-me"
MAX_REPORT_NAMES = 12
XARCH = "x-archdesigner"


def _derive(name: str) -> str:
    s = re.sub(r"[^a-z0-9_.-]+", "-", name.lower())
    s = re.sub(r"^[^a-z0-9]+", "", s).rstrip("-")
    return s or "service"


def service_names(
    nodes: Iterable[Node], preferred: dict[str, str] | None = None
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Compose service name per node id, and the (id, name) pairs that had to be changed.

    ``preferred``: the name a service had in an imported file, used when Docker Compose
    accepts it and it is free."""
    nodes = list(nodes)
    preferred = preferred or {}
    wanted = {n.id: preferred.get(n.id, n.id) for n in nodes}
    for nid, name in list(wanted.items()):
        if name != nid and not COMPOSE_NAME_RE.match(name):
            wanted[nid] = nid
    counts: dict[str, int] = {}
    for name in wanted.values():
        counts[name] = counts.get(name, 0) + 1
    taken = {
        name
        for nid, name in wanted.items()
        if counts[name] == 1
        and (SERVICE_RE.match(name) or (nid in preferred and COMPOSE_NAME_RE.match(name)))
    }
    out: dict[str, str] = {}
    renamed: list[tuple[str, str]] = []
    for node in nodes:
        name = wanted[node.id]
        if name in taken:
            out[node.id] = name
            continue
        base = _derive(node.id)
        name = base
        i = 2
        while name in taken:
            name = f"{base}-{i}"
            i += 1
        taken.add(name)
        out[node.id] = name
        if name != node.id:
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


def _compose_data(node: Node) -> dict[str, Any] | None:
    """The compose keys an import kept for the node (``properties.compose``), if any."""
    data = node.properties.get("compose")
    return data if isinstance(data, dict) else None


def is_exported(node: Node) -> bool:
    """Whether the node becomes a service: any deployable kind, and a client, CDN, DNS or
    external node that has an image or compose data of its own (pihole, mailhog, ...)."""
    return node.kind not in NOT_DEPLOYED or bool(node.image) or _compose_data(node) is not None


def _as_deps(value: Any) -> dict[str, Any]:
    """A ``depends_on`` as written (list or mapping) as a mapping: name -> long form or None."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        return {str(k): None for k in value}
    return {}


def _kept_ports(node: Node, data: dict[str, Any]) -> tuple[dict[str, list[Any]], set[int]]:
    """The ``ports`` and ``expose`` entries as written whose container ports are still the
    node's, and the ports they cover (the others are written from the design)."""
    wanted = set(node.ports)
    out: dict[str, list[Any]] = {}
    covered: set[int] = set()
    for key, parse in (("ports", container_ports), ("expose", expose_ports)):
        specs = data.get(key)
        if not isinstance(specs, list):
            continue
        for spec in specs:
            try:
                found = set(parse(spec))
            except (ValueError, TypeError, AttributeError):
                continue  # not a port entry this version understands: written from the design
            if found and found <= wanted:
                out.setdefault(key, []).append(spec)
                covered |= found
    return out, covered


#: Keys of ``properties.compose`` the importer adds about the service (not compose keys).
_META_KEYS = frozenset({"environment_passthrough", "replicas", "service"})
#: Keys the exporter works out from the design (the kept value is only a starting point).
_DERIVED_KEYS = frozenset(
    {"image", "environment", "deploy", "ports", "expose", "depends_on", "networks", "links"}
)
#: Top-level keys of the design's ``properties.compose`` that come back.
_TOP_KEYS = ("networks", "volumes", "secrets", "configs")


def build_compose(design: Design) -> tuple[dict[str, Any], list[str]]:
    """The compose document (a dict in output order) and the mapping report.

    String values are as in the design; writing them with ``$`` doubled is the YAML step's job
    (``dump(doc, escape_dollars=True)``); environment values from the design are
    :class:`Verbatim` already in Compose's form (see :func:`compose_value`)."""
    report: list[str] = []
    nodes = design.node_map()
    deployed = [n for n in design.nodes if is_exported(n)]
    exported = {n.id for n in deployed}
    kept = {n.id: _compose_data(n) for n in deployed}
    skipped: dict[str, list[str]] = {}
    for n in design.nodes:
        if n.id not in exported:
            skipped.setdefault(n.kind, []).append(n.id)
    for kind, ids in skipped.items():
        report.append(
            f"not exported ({kind}, outside what compose runs; kept in x-archdesigner): "
            + _names(ids)
        )
    preferred: dict[str, str] = {}  # the names services had in an imported file
    for n in deployed:
        data = kept[n.id]
        if data is not None:
            svc_name = data.get("service")
            preferred[n.id] = svc_name if isinstance(svc_name, str) else n.id
    names, renamed = service_names(deployed, preferred)
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

    def healthcheck(node: Node) -> dict[str, Any] | None:
        data = kept[node.id]
        if data is not None:
            check = data.get("healthcheck")
            if isinstance(check, dict) and not check.get("disable"):
                return check
            return None
        preset = presets[node.id]
        if preset is None or preset.healthcheck is None:
            return None
        hc = preset.healthcheck
        return {
            "test": list(hc.test),
            "interval": hc.interval,
            "timeout": hc.timeout,
            "retries": hc.retries,
        }

    checks = {n.id: healthcheck(n) for n in deployed}

    # networks
    groups = design.group_map()
    ancestors = group_ancestors(design)
    net_groups = [g for g in design.groups if g.kind in NETWORK_GROUP_KINDS]
    net_name: dict[str, str] = {"default": "default"}
    for g in net_groups:
        wanted = g.properties.get("network")
        net_name[g.id] = wanted if isinstance(wanted, str) and wanted else g.id
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
    kept_deps = {n.id: _as_deps((kept[n.id] or {}).get("depends_on")) for n in deployed}
    joined_nets: dict[str, list[str]] = {n.id: [] for n in deployed}
    for link in design.links:
        src = nodes[link.source]
        dst = nodes[link.target]
        if src.id not in exported and dst.id in exported:
            outside_callers.add(dst.id)
        if src.id not in exported or dst.id not in exported or src.id == dst.id:
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
        # an inferred link (an import found the name in a value) is no dependency unless
        # the service declared it
        if link.required and (not link.properties.get("inferred") or host in kept_deps[src.id]):
            depends[src.id].setdefault(dst.id, link.id)
        if net_groups:
            mine = own_nets[src.id]
            theirs = own_nets[dst.id] or ["default"]
            if not set(mine or ["default"]) & set(theirs) and theirs[0] not in joined_nets[src.id]:
                joined_nets[src.id].append(theirs[0])

    _break_cycles(deployed, depends, names, report)

    service_set = set(names.values())
    services: dict[str, Any] = {}
    volumes: dict[str, Any] = {}
    placeholders: list[str] = []
    no_name: list[str] = []
    no_data_path: list[str] = []
    unnamed: list[str] = []
    published: set[int] = set()
    port_clash: list[str] = []
    for n in deployed:
        name = names[n.id]
        preset = presets[n.id]
        data = kept[n.id]
        pres: dict[str, Any] = data or {}
        svc: dict[str, Any] = {}
        if n.image:
            svc["image"] = n.image
        elif "build" in pres:
            pass  # built from source, as the original service was
        elif preset is not None and preset.image:
            svc["image"] = preset.image
        else:
            svc["image"] = _image_ref(name)
            placeholders.append(n.id)
        for key, value in pres.items():
            if key not in _META_KEYS and key not in _DERIVED_KEYS and key != XARCH:
                svc[key] = value
        if "container_name" in svc and (n.replicas > 1 or n.autoscale is not None):
            del svc["container_name"]  # Compose refuses one container name for many replicas
            unnamed.append(n.id)
        legacy_links = pres.get("links")
        if isinstance(legacy_links, list):
            alive = [e for e in legacy_links if str(e).split(":", 1)[0] in service_set]
            if alive:
                svc["links"] = alive
        deploy = pres.get("deploy")
        deploy = (
            {k: v for k, v in deploy.items() if k != "replicas"} if isinstance(deploy, dict) else {}
        )
        if n.replicas > 1:
            deploy["replicas"] = n.replicas
        elif pres.get("replicas") == 0:
            deploy["replicas"] = 0  # the service was scaled to nothing; the design cannot say so
        if deploy:
            svc["deploy"] = deploy
        kept_ports, covered = _kept_ports(n, pres) if data is not None else ({}, set())
        svc.update(kept_ports)
        # a port listed twice is written once (Compose refuses it)
        unique_ports = [p for p in dict.fromkeys(n.ports) if p not in covered]
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
                svc["ports"] = [*svc.get("ports", []), *ports]
            else:
                svc["expose"] = [*svc.get("expose", []), *(str(p) for p in unique_ports)]
        env: dict[str, str | None] = {k: Verbatim(compose_value(v)) for k, v in n.env.items() if k}
        if len(env) != len(n.env):
            no_name.append(n.id)
        added: list[str] = []
        extra = dict(preset.env) if preset is not None and data is None else {}
        extra.update(generated[n.id])
        for key, value in extra.items():
            if key not in env:
                env[key] = value
                added.append(key)
        passthrough = pres.get("environment_passthrough")
        for key in passthrough if isinstance(passthrough, list) else []:
            if isinstance(key, str) and key and key not in env:
                env[key] = None  # taken from the environment of 'docker compose up'
                added.append(key)
        if env:
            svc["environment"] = env
        if depends[n.id]:
            deps: dict[str, Any] = {}
            for t in depends[n.id]:
                target = names[t]
                before = kept_deps[n.id].get(target, False)
                if isinstance(before, dict):
                    deps[target] = before  # the condition (and restart, required) as written
                elif before is None:
                    deps[target] = {"condition": "service_started"}  # short syntax
                else:
                    has_check = checks[t] is not None
                    deps[target] = {
                        "condition": "service_healthy" if has_check else "service_started"
                    }
            svc["depends_on"] = deps
        if data is None and checks[n.id] is not None:
            svc["healthcheck"] = checks[n.id]
        if data is None and n.is_stateful and (preset is None or preset.data_path):
            path = preset.data_path if preset is not None else "/data"
            if preset is None:
                no_data_path.append(n.id)
            vol = f"{name}-data"
            volumes[vol] = {}
            svc["volumes"] = [f"{vol}:{path}"]
        if "network_mode" not in pres:
            nets = _service_networks(
                pres.get("networks"),
                [net_name[g] for g in (own_nets.get(n.id) or ["default"]) + joined_nets[n.id]]
                if net_groups
                else [],
            )
            if nets:
                svc["networks"] = nets
        svc[XARCH] = {"node": node_data[n.id], "generated_env": sorted(added)}
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
    if unnamed:
        report.append(
            "container_name left out (several replicas cannot share one container name): "
            + _names(unnamed)
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
    top_kept = design.properties.get("compose")
    top_kept = top_kept if isinstance(top_kept, dict) else {}
    networks: dict[str, Any] = {}
    if isinstance(top_kept.get("networks"), dict):
        networks.update(top_kept["networks"])
    for g in net_groups:
        networks.setdefault(net_name[g.id], {})
    for svc in services.values():  # a kept service network whose definition is gone
        nets = svc.get("networks")
        for net in nets if isinstance(nets, list | dict) else []:
            if isinstance(net, str) and net != "default":
                networks.setdefault(net, {})
    if networks:
        doc["networks"] = networks
    if isinstance(top_kept.get("volumes"), dict):
        volumes = {**top_kept["volumes"], **volumes}
    for svc in services.values():  # a kept named volume whose definition is gone
        mounts = svc.get("volumes")
        for spec in mounts if isinstance(mounts, list) else []:
            source = _named_volume(spec)
            if source:
                volumes.setdefault(source, {})
    if volumes:
        doc["volumes"] = volumes
    for key in _TOP_KEYS[2:]:
        if isinstance(top_kept.get(key), dict) and top_kept[key]:
            doc[key] = top_kept[key]
    for key, value in top_kept.items():
        if isinstance(key, str) and key.startswith("x-") and key != XARCH:
            doc[key] = value
    top: dict[str, Any] = {"format": FORMAT, "version": design.version}
    top.update((k, v) for k, v in canonical.items() if k not in ("format", "version", "nodes"))
    if len(exported) != len(design.nodes):
        top["nodes"] = [d for d in canonical.get("nodes", []) if d["id"] not in exported]
        top["node_order"] = [n.id for n in design.nodes]
    doc[XARCH] = top
    return doc, report


def _named_volume(spec: Any) -> str:
    """The named volume a service ``volumes`` entry mounts ("" for bind mounts and tmpfs)."""
    if isinstance(spec, dict):
        source = spec.get("source")
        kind = spec.get("type", "volume")
        return source if kind == "volume" and isinstance(source, str) else ""
    if not isinstance(spec, str) or ":" not in spec:
        return ""
    source = spec.split(":", 1)[0]
    return source if re.match(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$", source) else ""


def _service_networks(written: Any, from_groups: list[str]) -> Any:
    """The networks a service joins: those it was written with, plus its groups' networks."""
    if isinstance(written, dict) and written:
        out = dict(written)
        for net in from_groups:
            if net != "default" or len(from_groups) > 1:
                out.setdefault(net, None)
        return out
    if isinstance(written, list) and written:
        extra = [net for net in from_groups if net != "default" or len(from_groups) > 1]
        return list(dict.fromkeys([*written, *extra]))
    return list(dict.fromkeys(from_groups))


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
