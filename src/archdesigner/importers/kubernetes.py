"""The Kubernetes importer: manifests -> a design (docs/kubernetes.md).

Every workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) becomes a
node: kind and technology from its image (else its name, as for compose), replicas, ports,
environment (ConfigMap values resolved; Secret values never copied, only ``${NAME}``
references). A Service resolves to the workloads its selector matches, so that
``http://cartservice:7070`` in an environment value, an argument or a mounted ConfigMap wires
to the Deployment behind Service ``cartservice`` (the same wiring as compose:
:mod:`archdesigner.importers.wiring`). Ingress and HTTPRoute backends and Services of type
LoadBalancer or NodePort are called by a ``users`` client. HorizontalPodAutoscalers give
``autoscale``; PodDisruptionBudgets, probes, resources, topology spread constraints and pod
anti-affinity are kept in ``properties.kubernetes``; namespaces become groups; any other object
(CRDs included) is kept in the design's ``properties.kubernetes.resources`` and listed in the
report.

Manifests written by the Kubernetes exporter carry ``archdesigner.io/...`` annotations (and a
``archdesigner-design`` ConfigMap) that import back to the exported design.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from archdesigner.importers.base import BaseImporter, ImportInputError, ImportResult
from archdesigner.importers.entries import quiet_load_generators
from archdesigner.importers.kubernetes_pods import (
    WORKLOAD_TEMPLATE,
    config_map_data,
    container_ports,
    pod_of,
    probes_and_resources,
    read_env,
    replicas_of,
    secret_keys,
    spreading,
    text,
)
from archdesigner.importers.kubernetes_read import Obj, Stream, manifest_files, read_sources
from archdesigner.importers.kubernetes_wire import Workload, apply_hpas_and_pdbs, managed, wire
from archdesigner.importers.wiring import reserve_id
from archdesigner.io.load import gc_paused, problems_from_validation
from archdesigner.kubernetes_syntax import DESIGN_KEY, DESIGN_ROLE, NODE_ANNOTATION, ROLE_ANNOTATION
from archdesigner.model.design import ID_RE, Design, Group, Link, Node, Position

#: Objects the importer reads for what they say about workloads (not kept as resources).
READ_KINDS = frozenset(
    {
        *WORKLOAD_TEMPLATE, "Service", "Ingress", "HTTPRoute", "HorizontalPodAutoscaler",
        "PodDisruptionBudget", "ConfigMap", "Secret", "Namespace", "Kustomization",
    }
)  # fmt: skip
#: Objects every cluster has around workloads: kept, but not called unknown in the report.
PLAIN_KINDS = frozenset(
    {
        "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
        "NetworkPolicy", "PersistentVolumeClaim", "PersistentVolume", "StorageClass",
        "LimitRange", "ResourceQuota", "PriorityClass", "CustomResourceDefinition",
    }
)  # fmt: skip


class KubernetesImporter(BaseImporter):
    """Imports Kubernetes manifests (files, folders, ``-`` for standard input)."""

    id = "kubernetes"
    name = "Kubernetes manifests"
    patterns = ("*.k8s.yaml", "*.k8s.yml", "kustomization.yaml", "kustomization.yml")

    def import_files(
        self,
        paths: Sequence[Path],
        *,
        env: Mapping[str, str] | None = None,
        stdin: str | None = None,
    ) -> ImportResult:
        """``paths``: files, folders (every ``*.yaml``/``*.yml`` inside) and ``-`` for standard
        input (``stdin`` when the caller has read it already). ``env`` is not used: manifests
        are not interpolated."""
        files = manifest_files(Path(p) for p in paths)
        if stdin is None and any(str(p) == "-" for p in files):
            stdin = sys.stdin.read()
        return self.import_stream(read_sources(files, stdin), files)

    def import_stream(self, stream: Stream, files: Sequence[Path] = ()) -> ImportResult:
        if not stream.objects:
            names = ["<stdin>" if str(f) == "-" else str(f) for f in files]
            where = ", ".join(names) if names else "<kubernetes>"
            raise ImportInputError(where, "no Kubernetes object (apiVersion and kind)")
        report = list(stream.skipped)
        try:
            with gc_paused():
                design = _Builder(stream, report, files).build()
        except RecursionError:
            deep = str(files[0]) if files else "<kubernetes>"
            raise ImportInputError(deep, "the YAML is nested too deeply to import") from None
        return ImportResult(design, report)


def _design_contract(stream: Stream) -> tuple[Obj, dict[str, Any]] | None:
    for obj in stream.objects:
        if obj.kind == "ConfigMap" and obj.annotations.get(ROLE_ANNOTATION) == DESIGN_ROLE:
            data = obj.data.get("data")
            raw = data.get(DESIGN_KEY) if isinstance(data, dict) else None
            try:
                contract = json.loads(raw) if isinstance(raw, str) else None
            except json.JSONDecodeError as exc:
                raise obj.error(f"{DESIGN_KEY} is not JSON: {exc.msg}") from None
            if not isinstance(contract, dict) or contract.get("format") != "archdesigner.design":
                raise obj.error(f"{DESIGN_KEY} is not an archdesigner design")
            return obj, contract
    return None


class _Builder:
    def __init__(self, stream: Stream, report: list[str], files: Sequence[Path]) -> None:
        self.stream = stream
        self.report = report
        self.files = files
        found = _design_contract(stream)
        self.contract_obj = found[0] if found else None
        self.contract: dict[str, Any] = found[1] if found else {}
        self.config_maps: dict[tuple[str, str], dict[str, str]] = {}
        self.secrets: dict[tuple[str, str], list[str]] = {}
        self.workloads: list[Workload] = []
        self.kept: list[dict[str, Any]] = []
        self.namespaces: list[str] = []
        self.fresh_ids: set[str] = set()

    def build(self) -> Design:
        self._sort_objects()
        taken: set[str] = set()
        for w in self.workloads:
            w.node = self._node_from_contract(w, taken) or self._fresh_node(w, taken)
        extra = self._contract_nodes(taken)
        groups = self._groups()
        links = self._contract_links(extra)
        fresh_links = wire(self.stream, self.workloads, self.config_maps, self.report, self.files)
        nodes = [w.node for w in self.workloads if w.node is not None]
        entry = fresh_links.entry_nodes(taken, self.report)
        self.fresh_ids = {w.node.id for w in self.workloads if w.node and not w.from_contract}
        self.fresh_ids.update(n.id for n in entry)
        all_nodes = [*nodes, *extra, *entry]
        links = _merge_links(links, fresh_links.links)
        generators = {
            w.node.id
            for w in self.workloads
            if w.node is not None and not w.from_contract and w.node.kind == "client"
        }
        every = {n.id: n for n in all_nodes}
        links = quiet_load_generators(generators, every, links, self.report)
        design = self._design(all_nodes, groups, links)
        apply_hpas_and_pdbs(self.stream, self.workloads, self.report)
        self._place(design)
        return design

    # --- objects -----------------------------------------------------------------------------
    def _sort_objects(self) -> None:
        unknown: dict[str, int] = {}
        for obj in self.stream.objects:
            kind = obj.kind
            if kind == "ConfigMap":
                self.config_maps[(obj.namespace, obj.name)] = config_map_data(obj)
            elif kind == "Secret":
                self.secrets[(obj.namespace, obj.name)] = secret_keys(obj)
            elif kind == "Namespace" and obj.name and obj.name not in self.namespaces:
                self.namespaces.append(obj.name)
            if obj.namespace and obj.namespace not in self.namespaces:
                self.namespaces.append(obj.namespace)
            if kind in WORKLOAD_TEMPLATE:
                if not obj.name:
                    raise obj.error("has no metadata.name")
                self.workloads.append(Workload(obj, pod_of(obj), replicas_of(obj)))
            elif kind not in READ_KINDS:
                if not managed(obj):
                    self.kept.append(obj.data)
                if kind not in PLAIN_KINDS:
                    unknown[kind] = unknown.get(kind, 0) + 1
        if self.kept:
            self.report.append(
                f"kept {len(self.kept)} other objects in properties.kubernetes.resources"
            )
        if unknown:
            kinds = ", ".join(f"{k} x{n}" if n > 1 else k for k, n in sorted(unknown.items()))
            self.report.append(f"unknown kinds kept (not part of the design): {kinds}")

    # --- nodes -------------------------------------------------------------------------------
    def _fresh_node(self, w: Workload, taken: set[str]) -> Node:
        from archdesigner.importers.image_rules import infer

        obj = w.obj
        wanted = (
            obj.name
            if not obj.namespace or obj.name not in taken
            else (f"{obj.namespace}-{obj.name}")
        )
        nid = wanted if ID_RE.match(wanted) and wanted not in taken else reserve_id(wanted, taken)
        taken.add(nid)
        main = w.pod.main
        image = text(main.get("image") or "")
        guess = infer(image, obj.name)
        kind = guess.kind
        if obj.kind in ("Job", "CronJob") and kind != "client":
            kind = "worker"
        elif guess.why == "name":
            self.report.append(f"node {nid}: kind {kind} guessed from the name")
        w.protocol = guess.protocol
        env = read_env(obj, main, self.config_maps, self.secrets)
        for miss in env.unresolved:
            self.report.append(f"node {nid}: environment {miss} not found in the manifests")
        props = self._fresh_properties(w, env.secret_refs)
        ports: list[int] = []
        for c in w.pod.containers:
            ports.extend(p for p, _name in container_ports(obj, c) if p not in ports)
        if w.replicas == 0:
            self.report.append(f"node {nid}: 0 replicas in the manifest, imported as 1")
        stateful = True if obj.kind == "StatefulSet" else None
        from archdesigner.model import catalog

        if stateful and catalog.default_stateful(kind):
            stateful = None
        return Node(
            id=nid, name=obj.name if nid != obj.name else "", kind=kind,
            technology=guess.technology, replicas=max(w.replicas, 1), image=image, ports=ports,
            env=env.values, stateful=stateful,
            group=obj.namespace if ID_RE.match(obj.namespace) else None,
            properties={"kubernetes": props},
        )  # fmt: skip

    def _fresh_properties(self, w: Workload, secret_refs: dict[str, str]) -> dict[str, Any]:
        obj = w.obj
        props: dict[str, Any] = {"workload": obj.kind}
        if obj.namespace:
            props["namespace"] = obj.namespace
        if secret_refs:
            props["secret_env"] = secret_refs
        props.update(probes_and_resources(w.pod.main))
        for key in ("command", "args"):
            value = w.pod.main.get(key)
            if isinstance(value, list) and value:
                props[key] = [text(v) for v in value]
        props.update(spreading(w.pod))
        if len(w.pod.containers) > 1:
            props["sidecars"] = [str(c.get("name") or "") for c in w.pod.containers[1:]]
        if obj.kind == "CronJob":
            spec = obj.data.get("spec") or {}
            props["schedule"] = text(spec.get("schedule") or "")
        if obj.kind == "DaemonSet":
            props["daemon"] = True
        return props

    def _node_from_contract(self, w: Workload, taken: set[str]) -> Node | None:
        from archdesigner.importers.kubernetes_contract import node_from_annotation

        raw = w.obj.annotations.get(NODE_ANNOTATION)
        if raw is None:
            return None
        node = node_from_annotation(w, raw, self.config_maps, self.secrets, self.report)
        if node.id in taken:
            new_id = reserve_id(node.id, taken)
            self.report.append(f"{w.obj.label()}: node id {node.id!r} is taken, used {new_id!r}")
            node.id = new_id
        taken.add(node.id)
        w.from_contract = True
        return node

    def _contract_nodes(self, taken: set[str]) -> list[Node]:
        out: list[Node] = []
        for idx, data in enumerate(self.contract.get("nodes") or []):
            try:
                node = Node.model_validate(data)
            except ValidationError as exc:
                raise self._contract_error(f"nodes[{idx}]", exc) from None
            if node.id not in taken:
                taken.add(node.id)
                out.append(node)
        return out

    def _contract_error(self, where: str, exc: ValidationError) -> ImportInputError:
        assert self.contract_obj is not None
        problem = problems_from_validation(exc)[0]
        return self.contract_obj.error(f"{DESIGN_KEY} {where}: {problem}")

    # --- groups and links -----------------------------------------------------------------------
    def _groups(self) -> list[Group]:
        groups: dict[str, Group] = {}
        for idx, data in enumerate(self.contract.get("groups") or []):
            try:
                group = Group.model_validate(data)
            except ValidationError as exc:
                raise self._contract_error(f"groups[{idx}]", exc) from None
            groups[group.id] = group
        used = {w.node.group for w in self.workloads if w.node is not None and not w.from_contract}
        for ns in self.namespaces:
            if ns in groups or (ns not in used and self.contract):
                continue
            if not ID_RE.match(ns):
                continue
            groups[ns] = Group(id=ns, kind="boundary", properties={"kubernetes": {"namespace": ns}})
        return list(groups.values())

    def _contract_links(self, extra: list[Node]) -> list[Link]:
        ids = {w.node.id for w in self.workloads if w.node is not None} | {n.id for n in extra}
        out: list[Link] = []
        for idx, data in enumerate(self.contract.get("links") or []):
            try:
                link = Link.model_validate(data)
            except ValidationError as exc:
                raise self._contract_error(f"links[{idx}]", exc) from None
            if link.source in ids and link.target in ids:
                out.append(link)
            else:
                self.report.append(f"link {link.id} dropped: its workload is gone")
        return out

    # --- the design ------------------------------------------------------------------------------
    def _design(self, nodes: list[Node], groups: list[Group], links: list[Link]) -> Design:
        c = self.contract
        properties: dict[str, Any] = dict(c.get("properties") or {})
        if self.kept:
            k8s = dict(properties.get("kubernetes") or {})
            k8s["resources"] = self.kept
            properties["kubernetes"] = k8s
        data = {
            "format": "archdesigner.design",
            "version": c.get("version", 1),
            "name": c.get("name", self._title()),
            "description": c.get("description", ""),
            "lint": c.get("lint", {}),
            "properties": properties,
        }
        try:
            design = Design.model_validate(data, context={"skip_reference_check": True})
        except ValidationError as exc:
            raise self._contract_error("", exc) from None
        order = c.get("node_order")
        if isinstance(order, list):
            rank = {str(nid): i for i, nid in enumerate(order)}
            nodes.sort(key=lambda n: rank.get(n.id, len(rank)))
        design.nodes, design.links, design.groups = nodes, links, groups
        from archdesigner.model.design import reference_problems

        problems = reference_problems(design)
        if problems:
            where = self.contract_obj or self.stream.objects[0]
            raise where.error(f"the design does not hold together: {problems[0]}")
        return design

    def _title(self) -> str:
        if not self.files:
            return "kubernetes"
        first = self.files[0]
        if str(first) == "-":
            return "kubernetes"
        stem = first.name.removesuffix(".yaml").removesuffix(".yml")
        return stem if first.is_file() and len(self.files) == 1 else first.parent.name or stem

    def _place(self, design: Design) -> None:
        from archdesigner.layout import auto_layout

        fresh = self.fresh_ids
        if not fresh:
            return
        placed = [n.id for n in design.nodes if n.id not in fresh]
        positions, _how = auto_layout(design, list(fresh) if placed else None)
        dy = 0.0
        if placed:
            node_map = design.node_map()
            dy = (
                max(node_map[i].position.y for i in placed)
                + 160.0
                - min(positions[i][1] for i in fresh if i in positions)
            )
        for node in design.nodes:
            if node.id in positions and node.id in fresh:
                x, y = positions[node.id]
                node.position = Position(x=x, y=y + dy)


def _merge_links(declared: list[Link], found: list[Link]) -> list[Link]:
    pairs = {(link.source, link.target) for link in declared}
    ids = {link.id for link in declared}
    out = list(declared)
    for link in found:
        if (link.source, link.target) in pairs:
            continue
        while link.id in ids:
            link.id += "#2"
        ids.add(link.id)
        pairs.add((link.source, link.target))
        out.append(link)
    return out


__all__ = ["KubernetesImporter"]
