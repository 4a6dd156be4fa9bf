"""The docker-compose importer: compose files -> a design (docs/import.md).

Each service becomes a node (kind and technology from the image, else the name), networks
become groups, ``depends_on`` and ``links`` become links, and so do references found in
environment values and command lines (marked ``inferred``). What the design has no field for
is kept in ``properties["compose"]`` so that an export gives the same services back. A file
written by the compose exporter carries ``x-archdesigner`` and imports back to its design.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from archdesigner.compose_syntax import PortError, compose_value, container_ports, expose_ports
from archdesigner.compose_syntax import scalar_text as _text
from archdesigner.importers.base import BaseImporter, ImportInputError, ImportResult
from archdesigner.importers.compose_links import HEALTH_UI, LinkSet, is_health_check, record
from archdesigner.importers.compose_merge import as_mapping
from archdesigner.importers.compose_project import ComposeProject, load_project
from archdesigner.importers.compose_sources import service_froms, service_roots
from archdesigner.importers.compose_yaml import read_env_file
from archdesigner.importers.entries import entry_links, find_entries, quiet_load_generators
from archdesigner.importers.image_rules import infer
from archdesigner.importers.report import ImportReport
from archdesigner.importers.scanning import scan_sources
from archdesigner.importers.wiring import Resolver, pair_by_name, reserve_id, scan_service
from archdesigner.io.load import gc_paused, problems_from_validation
from archdesigner.model import catalog
from archdesigner.model.design import (
    ID_RE,
    Design,
    Group,
    Link,
    Node,
    Position,
    reference_problems,
)

XARCH = "x-archdesigner"


def published_ports(specs: Any) -> list[int]:
    """The container ports of the ``ports`` entries that name a host port (``8080:80``, long
    syntax with ``published``); ``"5000"`` alone publishes to a random port: not counted."""
    out: list[int] = []
    for spec in specs if isinstance(specs, list) else []:
        try:
            if isinstance(spec, dict):
                if spec.get("published") not in (None, ""):
                    out.extend(container_ports(spec))
                continue
            text = _text(spec).strip().split("/", 1)[0]
            if ":" in text.replace("[::", "["):
                out.extend(container_ports(spec))
        except PortError:
            continue
    return out


class ComposeImporter(BaseImporter):
    """Imports docker-compose files (Compose Specification, versions 2 and 3, version 1)."""

    id = "compose"
    name = "Docker Compose"
    patterns = (
        "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml",
        "*compose*.yaml", "*compose*.yml",
    )  # fmt: skip

    def __init__(self, *, scan: bool = True, scan_root: Path | None = None) -> None:
        self.scan = scan
        self.scan_root = scan_root

    def with_options(self, *, scan: bool = True, scan_root: Path | None = None) -> ComposeImporter:
        """A copy that scans (or not) the project's configs and sources (``--no-scan``,
        ``--scan DIR``)."""
        return ComposeImporter(scan=scan, scan_root=scan_root)

    def import_files(
        self, paths: Sequence[Path], *, env: Mapping[str, str] | None = None
    ) -> ImportResult:
        files = [Path(p) for p in paths]
        report: list[str] = []
        if env is None:
            env = dict(os.environ)
            dotenv = files[0].parent / ".env" if files else None
            if dotenv is not None and dotenv.is_file() and _outside(dotenv, files[0].parent):
                report.append(
                    f"did not read {dotenv}: it is a link to a file outside the project "
                    "folder; give it with --env-file to use it"
                )
            elif dotenv is not None and dotenv.is_file():
                env = {**read_env_file(dotenv, env), **env}
                report.append(f"read variables from {dotenv}")
        try:
            project = load_project(files, env)
            report.extend(project.notes)
            for var in project.missing_vars:
                report.append(f"variable {var} is not set; substituted an empty string")
            if project.host_vars:
                report.append(
                    "substituted host variables: " + ", ".join(project.host_vars)
                    + " (in service environments they stay ${VAR} references)"
                )  # fmt: skip
            builder = _Builder(project, env, report)
            if self.scan and files:
                builder.scan_root = (self.scan_root or files[0].parent).resolve()
            design = builder.build()
        except RecursionError:
            where = files[0] if files else "<compose>"
            raise ImportInputError(where, "the YAML is nested too deeply to import") from None
        return ImportResult(design, report, builder.rep)


class _Builder:
    def __init__(self, project: ComposeProject, env: Mapping[str, str], report: list[str]) -> None:
        self.p = project
        self.env = env
        self.report = report
        self.ids: dict[str, str] = {}  # service name -> node id
        self.nodes: dict[str, Node] = {}  # service name -> node
        self.node_env: dict[str, dict[str, str | None]] = {}
        self.protocols: dict[str, str] = {}  # service name -> protocol clients speak
        self.extra_nodes: list[Node] = []  # nodes without a service (x-archdesigner.nodes)
        self.scan_root: Path | None = None  # scan configs and sources under it (None: no)
        self.roots: dict[str, list[Path]] = {}  # service -> its files and folders
        self.base = project.files[0].parent if project.files else Path()
        self.rep = ImportReport()
        xa = project.top.get(XARCH)
        self.xarch: dict[str, Any] | None = (
            xa if isinstance(xa, dict) and xa.get("format") == "archdesigner.design" else None
        )

    # --- the whole design ------------------------------------------------------------------
    def build(self) -> Design:
        with gc_paused():
            taken: set[str] = set()
            from_xarch: set[str] = set()
            if self.scan_root is not None:
                fresh = {
                    n: s for n, s in self.p.services.items() if not isinstance(s.get(XARCH), dict)
                }
                self.roots = service_roots(self.base, self.scan_root, fresh, self.p.top)
            for name, svc in self.p.services.items():
                node = self._node_from_xarch(name, svc, taken)
                if node is not None:
                    from_xarch.add(name)
                else:
                    node = self._node_from_service(name, svc, taken)
                self.nodes[name] = node
                self.ids[name] = node.id
            self.extra_nodes = self._serviceless_nodes(taken)
            groups = self._groups(from_xarch)
            links = self._links(from_xarch)
            if self.xarch is None:
                links = self._entries(links)
            generators = {
                node.id
                for name, node in self.nodes.items()
                if name not in from_xarch and node.kind == "client"
            }
            every = {n.id: n for n in [*self.nodes.values(), *self.extra_nodes]}
            links = quiet_load_generators(generators, every, links, self.report)
            design = self._design(groups, links)
        self._place(design, from_xarch)
        return design

    def _design(self, groups: list[Group], links: list[Link]) -> Design:
        xa = self.xarch or {}
        top = {k: v for k, v in self.p.top.items() if k != XARCH}
        if self.xarch is not None:
            name = xa.get("name", "")
        else:
            name = top.get("name") or _title(self.p.files[0])
        properties: dict[str, Any] = dict(xa.get("properties") or {}) if self.xarch else {}
        if not self.xarch and top:
            properties["compose"] = top
        data: dict[str, Any] = {
            "format": "archdesigner.design",
            "version": 1,
            "name": name if isinstance(name, str) else str(name),
            "description": xa.get("description", ""),
            "lint": xa.get("lint", {}),
            "properties": properties,
        }
        try:
            shell = Design.model_validate(data, context={"skip_reference_check": True})
        except ValidationError as exc:
            problem = problems_from_validation(exc)[0]
            raise self.p.error([XARCH], f"x-archdesigner: {problem}") from None
        nodes = [*self.nodes.values(), *self.extra_nodes]
        order = xa.get("node_order")
        if isinstance(order, list):
            rank = {str(nid): i for i, nid in enumerate(order)}
            nodes.sort(key=lambda n: rank.get(n.id, len(rank)))
        shell.nodes = nodes
        shell.links = links
        shell.groups = groups
        problems = reference_problems(shell)
        if problems:
            raise self.p.error([XARCH], f"x-archdesigner: {problems[0]}")
        return shell

    # --- nodes -----------------------------------------------------------------------------
    def _environment(self, name: str, svc: Mapping[str, Any]) -> dict[str, str | None]:
        raw = as_mapping("environment", svc.get("environment"))
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise self.p.error(["services", name, "environment"],
                               "'environment' must be a list or a mapping")  # fmt: skip
        out: dict[str, str | None] = {}
        for key, value in raw.items():
            if value is None:  # passed through from the host: never its value (a secret?)
                out[str(key)] = None
            elif isinstance(value, dict | list):
                raise self.p.error(["services", name, "environment", key],
                                   f"environment value of {key} must be a string")  # fmt: skip
            else:
                out[str(key)] = _text(value)
        return out

    def _replicas(self, name: str, svc: Mapping[str, Any]) -> int | None:
        deploy = svc.get("deploy")
        value: Any = None
        where: list[str | int] = ["services", name]
        if isinstance(deploy, dict) and deploy.get("replicas") is not None:
            value, where = deploy["replicas"], [*where, "deploy", "replicas"]
        elif svc.get("scale") is not None:
            value, where = svc["scale"], [*where, "scale"]
        if value is None:
            return None
        text = _text(value).strip()
        if not text.isdigit():
            raise self.p.error(where, f"replicas of {name!r} must be a whole number, got {text!r}")
        return int(text)

    def _ports(self, name: str, svc: Mapping[str, Any]) -> list[int] | None:
        if svc.get("ports") is None and svc.get("expose") is None:
            return None
        out: list[int] = []
        for key, parse in (("ports", container_ports), ("expose", expose_ports)):
            specs = svc.get(key) or []
            if not isinstance(specs, list):
                raise self.p.error(["services", name, key], f"'{key}' must be a list")
            for idx, spec in enumerate(specs):
                try:
                    numbers = parse(spec)
                except PortError as exc:
                    raise self.p.error(["services", name, key, idx], f"bad port: {exc}") from None
                out.extend(p for p in numbers if p not in out)
        return out

    def _node_from_service(self, name: str, svc: dict[str, Any], taken: set[str]) -> Node:
        nid = reserve_id(name, taken) if not ID_RE.match(name) or name in taken else name
        taken.add(nid)
        if nid != name:
            self.report.append(f"service {name!r} became node {nid!r} (not a valid node id)")
        image = svc.get("image")
        image = _text(image) if image is not None else ""
        froms: list[tuple[str, str]] = []
        if self.scan_root is not None:
            froms = service_froms(self.base, self.scan_root, name, svc, self.roots)
        guess = infer(image, name, froms=froms, command=_command_text(svc))
        self.protocols[name] = guess.protocol
        if guess.why == "name":
            self.report.append(f"node {nid}: kind {guess.kind} guessed from the service name")
            if guess.kind != "service":
                self.rep.guesses.append(f"{nid}: kind {guess.kind} from its name")
        why = guess.evidence or guess.why
        self.rep.nodes.append({"id": nid, "kind": guess.kind, "technology": guess.technology,
                               "why": why, "evidence": guess.why})  # fmt: skip
        env = self._environment(name, svc)
        self.node_env[name] = env
        replicas = self._replicas(name, svc)
        keep = {k: v for k, v in svc.items() if k not in ("image", "environment", "scale", XARCH)}
        if isinstance(keep.get("deploy"), dict) and "replicas" in keep["deploy"]:
            keep["deploy"] = {k: v for k, v in keep["deploy"].items() if k != "replicas"}
            if not keep["deploy"]:
                del keep["deploy"]
        passthrough = sorted(k for k, v in env.items() if v is None)
        if passthrough:
            keep["environment_passthrough"] = passthrough
        if replicas == 0:
            keep["replicas"] = 0
            self.report.append(f"node {nid}: 0 replicas in compose, imported as 1")
        if nid != name:
            keep["service"] = name
        ports = self._ports(name, svc)
        return Node(
            id=nid,
            name=name if nid != name else "",
            kind=guess.kind,
            technology=guess.technology,
            replicas=max(replicas or 1, 1),
            image=image,
            ports=ports or [],
            env={k: v for k, v in env.items() if v is not None},
            properties={"compose": keep} if keep else {},
        )

    def _node_from_xarch(self, name: str, svc: dict[str, Any], taken: set[str]) -> Node | None:
        meta = svc.get(XARCH)
        if not isinstance(meta, dict) or not isinstance(meta.get("node"), dict):
            return None
        data = dict(meta["node"])
        where = ["services", name, XARCH, "node"]
        generated = set(meta.get("generated_env") or [])
        preset = catalog.technology(str(data.get("technology", "")))
        if "image" in svc:
            image = _text(svc["image"]) if svc["image"] is not None else ""
            made_up = not data.get("image") and (
                (preset is not None and image == preset.image) or _placeholder(image)
            )
            if not made_up and image != data.get("image", ""):
                data["image"] = image
        replicas = self._replicas(name, svc)
        if replicas is not None and replicas != data.get("replicas", 1):
            data["replicas"] = max(replicas, 1)
        ports = self._ports(name, svc)
        if ports is not None:
            mine = list(data.get("ports") or [])
            from_preset = not mine and preset is not None and ports == list(preset.ports)
            if set(ports) != set(mine) and not from_preset:
                data["ports"] = ports
        if "environment" in svc:
            env = {k: v for k, v in self._environment(name, svc).items() if k not in generated}
            env_clean = {k: v for k, v in env.items() if v is not None}
            env_clean = _references_kept(env_clean, data.get("env") or {}, self.env)
            if env_clean != (data.get("env") or {}):
                data["env"] = env_clean
        try:
            node = Node.model_validate(data)
        except ValidationError as exc:
            problem = problems_from_validation(exc)[0]
            raise self.p.error(where, f"x-archdesigner node is not valid: {problem}") from None
        if node.id in taken:
            new_id = reserve_id(node.id, taken)
            self.report.append(f"service {name!r}: node id {node.id!r} is taken, used {new_id!r}")
            node.id = new_id
        taken.add(node.id)
        image = node.image or (preset.image if preset else "")
        self.protocols[name] = infer(image, name).protocol
        self.node_env[name] = dict(node.env)
        return node

    def _serviceless_nodes(self, taken: set[str]) -> list[Node]:
        """Nodes that have no service (clients, external systems) from the top-level
        ``x-archdesigner.nodes``, an extension of the contract for what compose cannot run."""
        out: list[Node] = []
        raw = (self.xarch or {}).get("nodes")
        for idx, data in enumerate(raw if isinstance(raw, list) else []):
            try:
                node = Node.model_validate(data)
            except ValidationError as exc:
                problem = problems_from_validation(exc)[0]
                message = f"x-archdesigner node is not valid: {problem}"
                raise self.p.error([XARCH, "nodes", idx], message) from None
            if node.id in taken:
                continue  # a service stands for it
            taken.add(node.id)
            out.append(node)
        return out

    # --- groups ----------------------------------------------------------------------------
    def _groups(self, from_xarch: set[str]) -> list[Group]:
        groups: dict[str, Group] = {}
        if self.xarch is not None:
            for idx, g in enumerate(self.xarch.get("groups") or []):
                try:
                    group = Group.model_validate(g)
                except ValidationError as exc:
                    problem = problems_from_validation(exc)[0]
                    message = f"x-archdesigner group: {problem}"
                    raise self.p.error([XARCH, "groups", idx], message) from None
                groups[group.id] = group
        taken = set(groups)
        by_network: dict[str, str] = {g.properties.get("network", g.id): g.id
                                      for g in groups.values()}  # fmt: skip
        networks = self.p.top.get("networks") or {}
        for name, svc in self.p.services.items():
            if name in from_xarch:
                continue
            nets = svc.get("networks")
            names = list(nets) if isinstance(nets, dict | list) else []
            names = [str(n) for n in names]
            if not names:
                continue
            first = names[0]
            if first not in by_network:
                gid = first if ID_RE.match(first) and first not in taken else reserve_id(
                    first, taken)  # fmt: skip
                taken.add(gid)
                props: dict[str, Any] = {}
                if gid != first:
                    props["network"] = first
                    self.report.append(f"network {first!r} became group {gid!r}")
                spec = networks.get(first) if isinstance(networks, dict) else None
                display = spec.get("name") if isinstance(spec, dict) else None
                groups[gid] = Group(
                    id=gid, kind="network", name=display if isinstance(display, str) else "",
                    properties=props,
                )  # fmt: skip
                by_network[first] = gid
            self.nodes[name].group = by_network[first]
            if len(names) > 1:
                self.report.append(
                    f"node {self.ids[name]}: on networks {', '.join(names)}; placed in group "
                    f"{by_network[first]} (all kept in properties)"
                )
        return list(groups.values())

    # --- links -----------------------------------------------------------------------------
    def _links(self, from_xarch: set[str]) -> list[Link]:
        by_id = {n.id: n for n in [*self.nodes.values(), *self.extra_nodes]}
        protocols = {self.ids[name]: proto for name, proto in self.protocols.items()}
        links = LinkSet(by_id, protocols)
        declared_pairs: set[tuple[str, str]] = set()
        if self.xarch is not None:
            for idx, raw in enumerate(self.xarch.get("links") or []):
                try:
                    link = Link.model_validate(raw)
                except ValidationError as exc:
                    problem = problems_from_validation(exc)[0]
                    message = f"x-archdesigner link: {problem}"
                    raise self.p.error([XARCH, "links", idx], message) from None
                if link.source not in by_id or link.target not in by_id:
                    self.report.append(f"link {link.id} dropped: its service is gone")
                    continue
                links.keep(link)
            declared_pairs = set(links.links)
        self._declared_links(links, from_xarch, declared_pairs)
        fresh = [n for n in self.p.services if n not in from_xarch or self.xarch is None]
        self._inferred_links(links, fresh)
        out = links.finish()
        for link in out:
            if link.properties.get("inferred"):
                why = "; ".join(link.properties["inferred_from"])
                self.report.append(f"inferred link {link.source} -> {link.target} from {why}")
            evidence = link.properties.get("evidence")
            if evidence is not None:
                records = evidence if isinstance(evidence, list) else [record(evidence, "", "")]
                self.rep.link(link.source, link.target, records)
        self.rep.health_checks = links.health
        return out

    def _declared_links(
        self, links: LinkSet, from_xarch: set[str], declared_pairs: set[tuple[str, str]]
    ) -> None:
        for name, svc in self.p.services.items():
            deps = as_mapping("depends_on", svc.get("depends_on")) or {}
            for dep in deps:
                if dep not in self.p.services:
                    continue  # optional dependency on a missing service (required: false)
                pair = (self.ids[name], self.ids[dep])
                if name in from_xarch and self.xarch is not None and pair in declared_pairs:
                    continue
                where = f"services.{name}.depends_on"
                links.add(*pair, True, record("depends_on", where, dep))
            for entry in svc.get("links") or []:
                target = str(entry).split(":", 1)[0]
                ev = record("links", f"services.{name}.links", str(entry))
                links.add(self.ids[name], self.ids[target], True, ev)

    def _inferred_links(self, links: LinkSet, fresh: list[str]) -> None:
        resolver = Resolver(self.p.services)
        for name in fresh:
            health_ui = bool(HEALTH_UI.search(name) or HEALTH_UI.search(self.nodes[name].image))
            for ref in scan_service(self.node_env.get(name, {}), self.p.services[name], resolver):
                kind, _, text = ref.evidence.partition(" ")
                ev = record(kind, f"services.{name}.{kind}", text)
                if health_ui or is_health_check(text):
                    links.health.append({"source": self.ids[name], "target": self.ids[ref.target],
                                         "where": f"{kind} {text}"})  # fmt: skip
                    continue
                links.add(self.ids[name], self.ids[ref.target], False, ev, ref.scheme, ref.database)
        self._scanned_links(links, fresh)
        by_id = {self.ids[n]: n for n in self.p.services}
        fresh_ids = {self.ids[n] for n in fresh}
        triples = [(self.ids[n], n, self.nodes[n].kind) for n in self.p.services]
        for owner, store in pair_by_name(triples):
            if owner in fresh_ids:
                ev = record("naming", "service names", f"named after it ({by_id[store]})")
                links.add(owner, store, False, ev)

    def _scanned_links(self, links: LinkSet, fresh: list[str]) -> None:
        if self.scan_root is None or not self.roots:
            return
        fresh_set = set(fresh)
        owners = {n: paths for n, paths in self.roots.items() if n in fresh_set}
        result = scan_sources(owners, Resolver(self.p.services).names, self.scan_root)
        self.rep.scan = {"root": str(self.scan_root), "files": result.files,
                         "skipped": result.skipped, "shared": result.shared,
                         "seconds": round(result.seconds, 3)}  # fmt: skip
        for found in result.links:
            source, target = self.ids[found.source], self.ids[found.target]
            ev = found.evidence
            health_ui = HEALTH_UI.search(found.source) or HEALTH_UI.search(
                self.nodes[found.source].image
            )
            if health_ui or is_health_check(ev.text):
                links.health.append({"source": source, "target": target,
                                     "where": f"{ev.where}: {ev.text}"})  # fmt: skip
                continue
            rec = record(ev.kind, ev.where, ev.text)
            if ev.balanced:
                rec["balanced_by"] = f"@LoadBalanced at {ev.balanced}"
            if ev.breaker:
                rec["circuit_breaker_by"] = f"CircuitBreaker filter at {ev.breaker}"
            links.add(source, target, False, rec, "", ev.database)

    def _entries(self, links: list[Link]) -> list[Link]:
        """``users`` and its links to the entries (docs/import.md, "Entries")."""
        nodes = [*self.nodes.values(), *self.extra_nodes]
        if any(n.kind == "client" and n.id == "users" for n in nodes):
            return links
        published = {self.ids[name]: ports for name, svc in self.p.services.items()
                     if (ports := published_ports(svc.get("ports")))}  # fmt: skip
        entries = find_entries(nodes, links, published)
        protocols = {self.ids[name]: proto for name, proto in self.protocols.items()}
        users, made = entry_links(entries, nodes, protocols)
        self.rep.entries = [{"target": t, "why": entries.why[t]} for t in entries.targets]
        self.rep.entries_guessed = entries.guessed
        self.rep.clients = entries.clients
        if users is None:
            return links
        self.extra_nodes.append(users)
        if entries.guessed:
            names = ", ".join(entries.targets)
            self.rep.guesses.append(f"entries: {names} (nothing calls them; no port published)")
        return [*links, *made]

    # --- positions -------------------------------------------------------------------------
    def _place(self, design: Design, from_xarch: set[str]) -> None:
        from archdesigner.layout import auto_layout

        fresh = [self.ids[n] for n in self.p.services if n not in from_xarch]
        if not fresh:
            return
        placed = [self.ids[n] for n in from_xarch] + [n.id for n in self.extra_nodes]
        positions, _how = auto_layout(design, fresh if placed else None)
        dy = 0.0
        if placed:
            node_map = design.node_map()
            bottom = max(node_map[i].position.y for i in placed)
            top = min(positions[i][1] for i in fresh)
            dy = bottom + 160.0 - top
        for node in design.nodes:
            if node.id in positions:
                x, y = positions[node.id]
                node.position = Position(x=x, y=y + dy)


def _command_text(svc: Mapping[str, Any]) -> str:
    """The entrypoint and command of a service as one line (for kind inference)."""
    parts: list[str] = []
    for key in ("entrypoint", "command"):
        value = svc.get(key)
        if isinstance(value, list):
            parts.extend(str(v) for v in value if v is not None)
        elif value is not None:
            parts.append(str(value))
    return " ".join(parts)


def _references_kept(
    env: dict[str, str], node_env: Mapping[str, Any], variables: Mapping[str, str]
) -> dict[str, str]:
    """The exporter writes ``${VAR}`` references of the node's env as references (docs/
    export.md): a value that is what the node's reference gives is that reference."""
    from archdesigner.importers.compose_yaml import InterpolationError, Interpolator

    out = dict(env)
    for key, value in env.items():
        mine = node_env.get(key)
        if isinstance(mine, str) and "${" in mine and mine != value:
            try:
                if Interpolator(variables).string(compose_value(mine)) == value:
                    out[key] = mine
            except InterpolationError:
                pass
    return out


def _outside(link: Path, folder: Path) -> bool:
    """A symlink whose target is not inside ``folder`` (a .env borrowed from elsewhere)."""
    if not link.is_symlink():
        return False
    return not link.resolve().is_relative_to(folder.resolve())


def _placeholder(image: str) -> bool:
    """An image an exporter made up for a node without one (``.invalid`` is never real)."""
    return image.split("/", 1)[0].endswith(".invalid")


def _title(path: Path) -> str:
    stem = path.name
    for suffix in (".yaml", ".yml"):
        stem = stem.removesuffix(suffix)
    if stem in ("compose", "docker-compose") or stem.startswith(("compose.", "docker-compose.")):
        parent = path.resolve().parent.name
        return parent or stem
    return stem
