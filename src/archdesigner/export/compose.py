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
from archdesigner.graph import back_edges
from archdesigner.io import design_to_data
from archdesigner.io.load import gc_paused
from archdesigner.kubernetes_syntax import platform_front_door
from archdesigner.model import catalog
from archdesigner.model.design import FORMAT, Design, Link, Node, group_ancestors
from archdesigner.model.edits import numbered
from archdesigner.wording import names

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
    """Compose service name per node id, and the (wanted, given) names that had to change.

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
    # Names wanted by exactly one node and valid keep their node; every other node gets a
    # derived name that collides with none of them nor with names handed out before it.
    kept = {
        name
        for nid, name in wanted.items()
        if counts[name] == 1
        and (SERVICE_RE.match(name) or (nid in preferred and COMPOSE_NAME_RE.match(name)))
    }
    taken = set(kept)
    out: dict[str, str] = {}
    renamed: list[tuple[str, str]] = []
    for node in nodes:
        name = wanted[node.id]
        if name in kept:
            out[node.id] = name
            continue
        name = numbered(_derive(node.id), taken)
        taken.add(name)
        out[node.id] = name
        if name != wanted[node.id]:
            renamed.append((wanted[node.id], name))
    return out, renamed


def _names(items: list[str]) -> str:
    return names(items, MAX_REPORT_NAMES, and_last=False)


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
    external node that has an image or compose data of its own (pihole, mailhog, ...); not
    a front door the platform runs (``properties.kubernetes.front_door``: the cloud load
    balancer of a LoadBalancer Service, an ingress controller, a Gateway), which the
    Kubernetes import adds without an image."""
    if not node.image and platform_front_door(node):
        return False
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
    return _ComposeBuild(design).run()


class _ComposeBuild:
    """The steps of :func:`build_compose`, sharing what earlier steps worked out."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.report: list[str] = []
        self.nodes = design.node_map()
        self.deployed = [n for n in design.nodes if is_exported(n)]
        self.exported = {n.id for n in self.deployed}
        self.kept = {n.id: _compose_data(n) for n in self.deployed}
        self.canonical = design_to_data(design)
        self.node_data = {d["id"]: d for d in self.canonical.get("nodes", [])}
        self.presets = {n.id: catalog.technology(n.technology) for n in self.deployed}
        # filled by the per-service step, reported at the end
        self.volumes: dict[str, Any] = {}
        self.published: set[int] = set()
        self.placeholders: list[str] = []
        self.no_name: list[str] = []
        self.no_data_path: list[str] = []
        self.unnamed: list[str] = []
        self.port_clash: list[str] = []

    def run(self) -> tuple[dict[str, Any], list[str]]:
        self.report_skipped()
        self.choose_names()
        self.checks = {n.id: self.healthcheck(n) for n in self.deployed}
        self.plan_networks()
        self.wire_links()
        _break_cycles(self.deployed, self.depends, self.names, self.report)
        self.service_set = set(self.names.values())
        services = {self.names[n.id]: self.service(n) for n in self.deployed}
        self.report_services()
        return self.document(services), self.report

    # --- which nodes become which services -------------------------------------------------

    def report_skipped(self) -> None:
        skipped: dict[str, list[str]] = {}
        for n in self.design.nodes:
            if n.id not in self.exported:
                skipped.setdefault(n.kind, []).append(n.id)
        for kind, ids in skipped.items():
            self.report.append(
                f"not exported ({kind}, outside what compose runs; kept in x-archdesigner): "
                + _names(ids)
            )

    def choose_names(self) -> None:
        preferred: dict[str, str] = {}  # the names services had in an imported file
        for n in self.deployed:
            data = self.kept[n.id]
            if data is not None:
                svc_name = data.get("service")
                preferred[n.id] = svc_name if isinstance(svc_name, str) else n.id
        self.names, renamed = service_names(self.deployed, preferred)
        if renamed:
            self.report.append(
                "renamed (not a valid compose service name, or taken by another node): "
                + _names([f"{old!r} -> {new!r}" for old, new in renamed])
            )

    def target_port(self, node: Node) -> int | None:
        if node.ports:
            return node.ports[0]
        preset = self.presets.get(node.id)
        return preset.ports[0] if preset is not None and preset.ports else None

    def healthcheck(self, node: Node) -> dict[str, Any] | None:
        data = self.kept[node.id]
        if data is not None:
            check = data.get("healthcheck")
            if isinstance(check, dict) and not check.get("disable"):
                return check
            return None
        preset = self.presets[node.id]
        if preset is None or preset.healthcheck is None:
            return None
        hc = preset.healthcheck
        return {
            "test": list(hc.test),
            "interval": hc.interval,
            "timeout": hc.timeout,
            "retries": hc.retries,
        }

    # --- networks and links ----------------------------------------------------------------

    def plan_networks(self) -> None:
        """Network and zone groups become networks; each service joins its groups' ones."""
        design = self.design
        groups = design.group_map()
        ancestors = group_ancestors(design)
        self.net_groups = [g for g in design.groups if g.kind in NETWORK_GROUP_KINDS]
        self.net_name: dict[str, str] = {"default": "default"}
        for g in self.net_groups:
            wanted = g.properties.get("network")
            self.net_name[g.id] = wanted if isinstance(wanted, str) and wanted else g.id
        self.own_nets: dict[str, list[str]] = {}
        if self.net_groups:
            for n in self.deployed:
                chain = [n.group, *ancestors.get(n.group, [])] if n.group in groups else []
                self.own_nets[n.id] = [
                    gid
                    for gid in chain
                    if gid is not None and groups[gid].kind in NETWORK_GROUP_KINDS
                ]

    def wire_links(self) -> None:
        """Entry-facing nodes, connection variables, depends_on candidates, extra networks."""
        self.outside_callers: set[str] = set()
        self.env_stems: dict[str, str] = {}
        self.used_stems: set[str] = set()
        self.generated: dict[str, dict[str, str]] = {n.id: {} for n in self.deployed}
        # source -> target -> link
        self.depends: dict[str, dict[str, str]] = {n.id: {} for n in self.deployed}
        self.kept_deps = {
            n.id: _as_deps((self.kept[n.id] or {}).get("depends_on")) for n in self.deployed
        }
        self.joined_nets: dict[str, list[str]] = {n.id: [] for n in self.deployed}
        for link in self.design.links:
            src = self.nodes[link.source]
            dst = self.nodes[link.target]
            entry = link.properties.get("evidence") == "entry"  # an import's entry: as published
            if src.id not in self.exported and dst.id in self.exported and not entry:
                self.outside_callers.add(dst.id)
            if src.id not in self.exported or dst.id not in self.exported or src.id == dst.id:
                continue
            self.wire(link, src, dst)

    def env_stem(self, node_id: str) -> str:
        """The prefix of the connection variables of ``node_id``, unique in the document."""
        stem = self.env_stems.get(node_id)
        if stem is None:
            base = env_name(node_id)
            stem = base
            i = 2
            while stem in self.used_stems:
                stem = f"{base}_{i}"
                i += 1
            self.used_stems.add(stem)
            self.env_stems[node_id] = stem
        return stem

    def wire(self, link: Link, src: Node, dst: Node) -> None:
        stem = self.env_stem(dst.id)
        host = self.names[dst.id]
        conn = self.generated[src.id]
        conn[f"{stem}_HOST"] = host
        port = self.target_port(dst)
        if port is not None:
            conn[f"{stem}_PORT"] = str(port)
            preset = self.presets.get(dst.id)
            if preset is not None and preset.scheme:
                conn[f"{stem}_URL"] = f"{preset.scheme}://{host}:{port}"
        # an inferred link (an import found the name in a value) is no dependency unless
        # the service declared it
        declared = host in self.kept_deps[src.id]  # (optional observability links included)
        if (link.required or declared) and (not link.properties.get("inferred") or declared):
            self.depends[src.id].setdefault(dst.id, link.id)
        if self.net_groups:
            mine = self.own_nets[src.id]
            theirs = self.own_nets[dst.id] or ["default"]
            joined = self.joined_nets[src.id]
            if not set(mine or ["default"]) & set(theirs) and theirs[0] not in joined:
                joined.append(theirs[0])

    # --- one service -----------------------------------------------------------------------

    def service(self, n: Node) -> dict[str, Any]:
        name = self.names[n.id]
        data = self.kept[n.id]
        pres: dict[str, Any] = data or {}
        svc: dict[str, Any] = {}
        self.set_image(svc, n, pres)
        for key, value in pres.items():
            if key not in _META_KEYS and key not in _DERIVED_KEYS and key != XARCH:
                svc[key] = value
        if "container_name" in svc and (n.replicas > 1 or n.autoscale is not None):
            del svc["container_name"]  # Compose refuses one container name for many replicas
            self.unnamed.append(n.id)
        legacy_links = pres.get("links")
        if isinstance(legacy_links, list):
            alive = [e for e in legacy_links if str(e).split(":", 1)[0] in self.service_set]
            if alive:
                svc["links"] = alive
        deploy = _deploy(n, pres)
        if deploy:
            svc["deploy"] = deploy
        self.set_ports(svc, n, pres, data is not None)
        added = self.set_environment(svc, n, pres, data is None)
        if self.depends[n.id]:
            svc["depends_on"] = self.depends_on(n)
        if data is None and self.checks[n.id] is not None:
            svc["healthcheck"] = self.checks[n.id]
        if data is None and n.is_stateful:
            self.set_data_volume(svc, n, name)
        if "network_mode" not in pres:
            own = self.own_nets.get(n.id) or ["default"]
            from_groups = (
                [self.net_name[g] for g in own + self.joined_nets[n.id]] if self.net_groups else []
            )
            nets = _service_networks(pres.get("networks"), from_groups)
            if nets:
                svc["networks"] = nets
        svc[XARCH] = {"node": self.node_data[n.id], "generated_env": sorted(added)}
        return svc

    def set_image(self, svc: dict[str, Any], n: Node, pres: dict[str, Any]) -> None:
        preset = self.presets[n.id]
        if n.image:
            svc["image"] = n.image
        elif "build" in pres:
            pass  # built from source, as the original service was
        elif preset is not None and preset.image:
            svc["image"] = preset.image
        else:
            svc["image"] = _image_ref(self.names[n.id])
            self.placeholders.append(n.id)

    def set_ports(self, svc: dict[str, Any], n: Node, pres: dict[str, Any], kept: bool) -> None:
        """Ports of entry-facing services are published on the host (each host port once);
        the others are only exposed to the other services."""
        kept_ports, covered = _kept_ports(n, pres) if kept else ({}, set())
        svc.update(kept_ports)
        # a port listed twice is written once (Compose refuses it)
        unique_ports = [p for p in dict.fromkeys(n.ports) if p not in covered]
        if not unique_ports:
            return
        if n.kind in ENTRY_KINDS or n.id in self.outside_callers:
            single = n.replicas == 1 and n.autoscale is None
            ports = []
            for p in unique_ports:
                if single and p not in self.published:
                    self.published.add(p)
                    ports.append(f"{p}:{p}")
                else:
                    if single:
                        self.port_clash.append(f"{n.id}:{p}")
                    ports.append(str(p))
            svc["ports"] = [*svc.get("ports", []), *ports]
        else:
            svc["expose"] = [*svc.get("expose", []), *(str(p) for p in unique_ports)]

    def set_environment(
        self, svc: dict[str, Any], n: Node, pres: dict[str, Any], fresh: bool
    ) -> list[str]:
        """The node's variables, then the preset's and the connection variables it lacks;
        returns the names of the added ones."""
        env: dict[str, str | None] = {k: Verbatim(compose_value(v)) for k, v in n.env.items() if k}
        if len(env) != len(n.env):
            self.no_name.append(n.id)
        added: list[str] = []
        preset = self.presets[n.id]
        extra = dict(preset.env) if preset is not None and fresh else {}
        extra.update(self.generated[n.id])
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
        return added

    def depends_on(self, n: Node) -> dict[str, Any]:
        deps: dict[str, Any] = {}
        for t in self.depends[n.id]:
            target = self.names[t]
            before = self.kept_deps[n.id].get(target, False)
            if isinstance(before, dict):
                deps[target] = before  # the condition (and restart, required) as written
            elif before is None:
                deps[target] = {"condition": "service_started"}  # short syntax
            else:
                has_check = self.checks[t] is not None
                deps[target] = {"condition": "service_healthy" if has_check else "service_started"}
        return deps

    def set_data_volume(self, svc: dict[str, Any], n: Node, name: str) -> None:
        """A named volume at the technology's data folder (``/data`` when none is known)."""
        preset = self.presets[n.id]
        if preset is not None and not preset.data_path:
            return
        path = preset.data_path if preset is not None else "/data"
        if preset is None:
            self.no_data_path.append(n.id)
        vol = f"{name}-data"
        self.volumes[vol] = {}
        svc["volumes"] = [f"{vol}:{path}"]

    # --- the report and the document -------------------------------------------------------

    def report_services(self) -> None:
        notes = (
            (
                self.placeholders,
                "no image and no technology preset with an image; a placeholder image "
                f"({PLACEHOLDER_REGISTRY}/...) was written for: ",
            ),
            (
                self.no_name,
                "an environment variable with an empty name cannot be written to compose; "
                "left out for: ",
            ),
            (
                self.no_data_path,
                "stateful without a known data folder; a volume is mounted at /data for: ",
            ),
            (
                self.unnamed,
                "container_name left out (several replicas cannot share one container name): ",
            ),
            (
                self.port_clash,
                "host port already published by another service, so only the container port "
                "is given (Docker picks a host port): ",
            ),
        )
        for ids, text in notes:
            if ids:
                self.report.append(text + _names(ids))

    def document(self, services: dict[str, Any]) -> dict[str, Any]:
        design = self.design
        doc: dict[str, Any] = {}
        slug = _slug(design.name)
        if slug and re.match(r"^[a-z0-9]", slug):
            doc["name"] = slug
        doc["services"] = services
        top_kept = design.properties.get("compose")
        top_kept = top_kept if isinstance(top_kept, dict) else {}
        networks = self.networks(services, top_kept)
        if networks:
            doc["networks"] = networks
        volumes = self.all_volumes(services, top_kept)
        if volumes:
            doc["volumes"] = volumes
        for key in _TOP_KEYS[2:]:
            if isinstance(top_kept.get(key), dict) and top_kept[key]:
                doc[key] = top_kept[key]
        for key, value in top_kept.items():
            if isinstance(key, str) and key.startswith("x-") and key != XARCH:
                doc[key] = value
        top: dict[str, Any] = {"format": FORMAT, "version": design.version}
        canonical = self.canonical
        top.update((k, v) for k, v in canonical.items() if k not in ("format", "version", "nodes"))
        if len(self.exported) != len(design.nodes):
            top["nodes"] = [d for d in canonical.get("nodes", []) if d["id"] not in self.exported]
            top["node_order"] = [n.id for n in design.nodes]
        doc[XARCH] = top
        return doc

    def networks(self, services: dict[str, Any], top_kept: dict[str, Any]) -> dict[str, Any]:
        networks: dict[str, Any] = {}
        if isinstance(top_kept.get("networks"), dict):
            networks.update(top_kept["networks"])
        for g in self.net_groups:
            networks.setdefault(self.net_name[g.id], {})
        for svc in services.values():  # a kept service network whose definition is gone
            nets = svc.get("networks")
            for net in nets if isinstance(nets, list | dict) else []:
                if isinstance(net, str) and net != "default":
                    networks.setdefault(net, {})
        return networks

    def all_volumes(self, services: dict[str, Any], top_kept: dict[str, Any]) -> dict[str, Any]:
        volumes = self.volumes
        if isinstance(top_kept.get("volumes"), dict):
            volumes = {**top_kept["volumes"], **volumes}
        for svc in services.values():  # a kept named volume whose definition is gone
            mounts = svc.get("volumes")
            for spec in mounts if isinstance(mounts, list) else []:
                source = _named_volume(spec)
                if source:
                    volumes.setdefault(source, {})
        return volumes


def _deploy(n: Node, pres: dict[str, Any]) -> dict[str, Any]:
    """The ``deploy`` section as written, with the design's replica count."""
    deploy = pres.get("deploy")
    out = {k: v for k, v in deploy.items() if k != "replicas"} if isinstance(deploy, dict) else {}
    if n.replicas > 1:
        out["replicas"] = n.replicas
    elif pres.get("replicas") == 0:
        out["replicas"] = 0  # the service was scaled to nothing; the design cannot say so
    return out


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
    dropped: list[str] = []
    for nid, nxt in back_edges((n.id for n in deployed), depends.__getitem__):
        link = depends[nid].pop(nxt)
        dropped.append(f"{names[nid]} -> {names[nxt]} (link {link})")
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
    name: str = "Docker Compose draft"
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
