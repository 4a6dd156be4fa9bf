"""Kubernetes export: a deployable draft that carries the design's resilience
(docs/kubernetes.md).

One Deployment per stateless component (a StatefulSet with ``volumeClaimTemplates`` per
stateful one, a DaemonSet, Job or CronJob when imported manifests said so), a Service with its
ports, the environment from the design plus one ``<TARGET>_HOST``/``_PORT``/``_URL`` set per
link naming the target's Service (as the compose draft does), ``replicas``, a
HorizontalPodAutoscaler from ``autoscale``, a PodDisruptionBudget (``maxUnavailable: 1``) and
topology spread constraints (over zones when the design has zone groups, else over hosts) for
every component with 2 or more replicas, probes from the catalog's health checks, resource
requests from capacity, an Ingress for the components that entries call, Secrets referenced
and never filled. Clients, CDNs, DNS and external systems without an image are not deployed.

Every object is labelled (``app.kubernetes.io/name``, ``part-of``, ``managed-by:
archdesigner``); each workload carries its node in the ``archdesigner.io/node`` annotation and
the ``archdesigner-design`` ConfigMap carries the rest of the design, so that importing the
manifests restores the design.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from archdesigner.export.base import BaseExporter, ExportError, ExportOption, ExportResult
from archdesigner.export.compose import is_exported
from archdesigner.export.kubernetes_parts import (
    HOST_KEY,
    NAME_LABEL,
    PART_OF_LABEL,
    ZONE_KEY,
    command_and_args,
    dns_label,
    label_value,
    probes,
    resources,
    unique_names,
)
from archdesigner.export.text import env_name
from archdesigner.export.yamlout import dump, dump_each
from archdesigner.io import design_to_data
from archdesigner.io.load import gc_paused
from archdesigner.kubernetes_syntax import (
    DESIGN_KEY,
    DESIGN_ROLE,
    GENERATED_ANNOTATION,
    MANAGED_BY,
    MANAGED_LABEL,
    NODE_ANNOTATION,
    ROLE_ANNOTATION,
    render_env,
)
from archdesigner.model import catalog
from archdesigner.model.design import Design, Node, group_ancestors

DESIGN_CONFIGMAP = "archdesigner-design"
PLACEHOLDER_REGISTRY = "registry.example.invalid/replace-me"
DEFAULT_STORAGE = "1Gi"
CPU_TARGET = 70
KUBERNETES_VERSION = "1.30"


def _props(node: Node) -> dict[str, Any]:
    k8s = node.properties.get("kubernetes")
    return k8s if isinstance(k8s, dict) else {}


def _workload_kind(node: Node) -> str:
    kept = _props(node).get("workload")
    if kept == "DaemonSet" or (kept == "CronJob" and _props(node).get("schedule")):
        return str(kept)
    if kept == "Job":
        return "Job"
    return "StatefulSet" if node.is_stateful else "Deployment"


class _Build:
    """One export: the objects of each file, in order, and the report."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.report: list[str] = []
        self.deployed = [n for n in design.nodes if is_exported(n)]
        self.exported = {n.id for n in self.deployed}
        self.names = unique_names(self.deployed)
        self.part_of = label_value(design.name) or "archdesigner-design"
        self.secret = dns_label(f"{self.part_of}-secrets")
        self.secret_keys: list[str] = []
        self.presets = {n.id: catalog.technology(n.technology) for n in self.deployed}
        self.zones = any(g.kind == "zone" for g in design.groups)
        self.namespaces = self._namespaces()
        self.files: dict[str, list[dict[str, Any]]] = {}
        self.canonical = design_to_data(design)
        self.node_data = {d["id"]: d for d in self.canonical.get("nodes", [])}
        self.placeholders: list[str] = []
        self.dropped: list[str] = []
        self.no_ingress: list[str] = []

    # --- helpers ------------------------------------------------------------------------------
    def _namespaces(self) -> dict[str, str]:
        """node id -> namespace, from the nearest group with ``properties.kubernetes.namespace``."""
        groups = self.design.group_map()
        ancestors = group_ancestors(self.design)
        own: dict[str, str] = {}
        for g in self.design.groups:
            k8s = g.properties.get("kubernetes")
            ns = k8s.get("namespace") if isinstance(k8s, dict) else None
            if isinstance(ns, str) and dns_label(ns) == ns:
                own[g.id] = ns
        out: dict[str, str] = {}
        for n in self.deployed:
            if n.group is None or n.group not in groups:
                continue
            for gid in [n.group, *ancestors.get(n.group, [])]:
                if gid in own:
                    out[n.id] = own[gid]
                    break
        return out

    def meta(self, name: str, nid: str | None = None, **extra: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": name}
        ns = self.namespaces.get(nid or "")
        if ns:
            meta["namespace"] = ns
        meta["labels"] = {
            NAME_LABEL: name,
            PART_OF_LABEL: self.part_of,
            MANAGED_LABEL: MANAGED_BY,
        }
        meta.update(extra)
        return meta

    def selector(self, name: str) -> dict[str, str]:
        return {NAME_LABEL: name, PART_OF_LABEL: self.part_of}

    def ports(self, node: Node) -> list[int]:
        if node.ports:
            return list(dict.fromkeys(node.ports))
        preset = self.presets.get(node.id)
        return list(preset.ports) if preset is not None else []

    def service_ports(self, node: Node) -> list[dict[str, Any]]:
        """The Service's ports: as imported when they still point at the node's ports, else
        one per container port."""
        ports = self.ports(node)
        services = _props(node).get("services")
        kept = services[0].get("ports") if isinstance(services, list) and services else None
        out: list[dict[str, Any]] = []
        if isinstance(kept, list) and kept:
            for p in kept:
                port, target = p.get("port"), p.get("targetPort", p.get("port"))
                if isinstance(port, int) and isinstance(target, int) and target in ports:
                    name = p.get("name")
                    ok = isinstance(name, str) and dns_label(name, 15) == name
                    out.append(
                        {"name": name if ok else f"port-{port}", "port": port, "targetPort": target}
                    )
            if len(out) == len(kept):
                return out
        return [{"name": f"port-{p}", "port": p, "targetPort": p} for p in ports]

    def host(self, src: Node, dst: Node) -> str:
        name = self.names[dst.id]
        theirs = self.namespaces.get(dst.id, "")
        return f"{name}.{theirs}" if theirs != self.namespaces.get(src.id, "") and theirs else name

    # --- the whole export -----------------------------------------------------------------
    def build(self) -> dict[str, list[dict[str, Any]]]:
        generated = self._link_env()
        for ns in dict.fromkeys(self.namespaces.values()):
            self.files.setdefault("namespaces.yaml", []).append(
                {"apiVersion": "v1", "kind": "Namespace", "metadata": self.meta(ns)}
            )
        for node in self.deployed:
            self.files[f"{self.names[node.id]}.yaml"] = self._component(node, generated[node.id])
        ingress = self._ingress()
        if ingress is not None:
            self.files["ingress.yaml"] = [ingress]
        self.files[f"{DESIGN_CONFIGMAP}.yaml"] = [self._design_map()]
        self._notes()
        return self.files

    def _link_env(self) -> dict[str, dict[str, str]]:
        """Connection variables per source: ``<TARGET>_HOST``, ``_PORT`` and ``_URL``."""
        nodes = self.design.node_map()
        stems: dict[str, str] = {}
        used: set[str] = set()
        out: dict[str, dict[str, str]] = {n.id: {} for n in self.deployed}
        for link in self.design.links:
            src, dst = nodes[link.source], nodes[link.target]
            if src.id not in self.exported or dst.id not in self.exported or src.id == dst.id:
                continue
            stem = stems.get(dst.id)
            if stem is None:
                base = stem = env_name(dst.id)
                i = 2
                while stem in used:
                    stem, i = f"{base}_{i}", i + 1
                used.add(stem)
                stems[dst.id] = stem
            host = self.host(src, dst)
            conn = out[src.id]
            conn[f"{stem}_HOST"] = host
            ports = self.service_ports(dst)
            if ports:
                port = ports[0]["port"]
                conn[f"{stem}_PORT"] = str(port)
                preset = self.presets.get(dst.id)
                if preset is not None and preset.scheme:
                    conn[f"{stem}_URL"] = f"{preset.scheme}://{host}:{port}"
        return out

    def _component(self, node: Node, generated: dict[str, str]) -> list[dict[str, Any]]:
        name = self.names[node.id]
        kind = _workload_kind(node)
        objects = [self._workload(node, kind, generated)]
        sports = self.service_ports(node)
        if sports:
            spec: dict[str, Any] = {"selector": self.selector(name), "ports": sports}
            objects.append(
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": self.meta(name, node.id),
                    "spec": spec,
                }
            )
        elif kind == "StatefulSet":
            objects.append(
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": self.meta(name, node.id),
                    "spec": {"clusterIP": "None", "selector": self.selector(name)},
                }
            )
        scalable = kind in ("Deployment", "StatefulSet")
        if node.autoscale is not None and scalable:
            objects.append(self._hpa(node, kind))
        if node.redundant and scalable:
            budget = {"maxUnavailable": 1, "selector": {"matchLabels": self.selector(name)}}
            objects.append(
                {
                    "apiVersion": "policy/v1",
                    "kind": "PodDisruptionBudget",
                    "metadata": self.meta(name, node.id),
                    "spec": budget,
                }
            )
        return objects

    def _hpa(self, node: Node, kind: str) -> dict[str, Any]:
        assert node.autoscale is not None
        name = self.names[node.id]
        metric = {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": CPU_TARGET},
            },
        }
        spec = {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": name},
            "minReplicas": node.autoscale.min,
            "maxReplicas": node.autoscale.max,
            "metrics": [metric],
        }
        return {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": self.meta(name, node.id),
            "spec": spec,
        }

    def _container(self, node: Node, generated: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
        name = self.names[node.id]
        preset = self.presets.get(node.id)
        image = node.image or (preset.image if preset is not None else "")
        if not image:
            image = f"{PLACEHOLDER_REGISTRY}/{name}:latest"
            self.placeholders.append(node.id)
        container: dict[str, Any] = {"name": name, "image": image}
        container.update(command_and_args(node, _props(node)))
        ports = self.ports(node)
        if ports:
            container["ports"] = [{"containerPort": p} for p in ports]
        env, keys, dropped = render_env(node, self.secret)
        self.secret_keys.extend(k for k in keys if k not in self.secret_keys)
        if dropped:
            self.dropped.append(f"{node.id} ({', '.join(dropped)})")
        added = [k for k in generated if k not in node.env]
        env.extend({"name": k, "value": generated[k]} for k in added)
        added.extend(e["name"] for e in env if e["name"] not in node.env and e["name"] not in added)
        if env:
            container["env"] = env
        container.update(probes(node, _props(node)))
        res = resources(node, _props(node))
        if res is not None:
            container["resources"] = res
        return container, added

    def _workload(self, node: Node, kind: str, generated: dict[str, str]) -> dict[str, Any]:
        name = self.names[node.id]
        container, added = self._container(node, generated)
        pod: dict[str, Any] = {"containers": [container]}
        if node.scaled_out and kind in ("Deployment", "StatefulSet"):
            key = ZONE_KEY if self.zones or _props(node).get("zone_spread") else HOST_KEY
            pod["topologySpreadConstraints"] = [
                {
                    "maxSkew": 1,
                    "topologyKey": key,
                    "whenUnsatisfiable": "ScheduleAnyway",
                    "labelSelector": {"matchLabels": self.selector(name)},
                }
            ]
        template = {"metadata": {"labels": self.meta(name)["labels"]}, "spec": pod}
        spec: dict[str, Any] = {}
        if kind in ("Deployment", "StatefulSet") and node.autoscale is None:
            spec["replicas"] = node.replicas
        if kind in ("Deployment", "StatefulSet", "DaemonSet"):
            spec["selector"] = {"matchLabels": self.selector(name)}
        if kind == "StatefulSet":
            spec["serviceName"] = name
            self._volume(node, container, spec)
        if kind in ("Job", "CronJob"):
            pod["restartPolicy"] = "OnFailure"
        spec["template"] = template
        if kind == "CronJob":
            spec = {"schedule": str(_props(node)["schedule"]), "jobTemplate": {"spec": spec}}
        data = self.canonical_node(node)
        annotations = {NODE_ANNOTATION: json.dumps(data, ensure_ascii=False, separators=(",", ":"))}
        if added:
            annotations[GENERATED_ANNOTATION] = ",".join(sorted(added))
        api = "batch/v1" if kind in ("Job", "CronJob") else "apps/v1"
        return {
            "apiVersion": api,
            "kind": kind,
            "metadata": self.meta(name, node.id, annotations=annotations),
            "spec": spec,
        }

    def canonical_node(self, node: Node) -> dict[str, Any]:
        """The node as the annotation carries it: secret literals replaced by references."""
        data = dict(self.node_data[node.id])
        env = data.get("env")
        if isinstance(env, dict):
            _, _, dropped = render_env(node, self.secret)
            if dropped:
                data["env"] = {k: ("${" + k + "}" if k in dropped else v) for k, v in env.items()}
        return data

    def _volume(self, node: Node, container: dict[str, Any], spec: dict[str, Any]) -> None:
        preset = self.presets.get(node.id)
        path = preset.data_path if preset is not None and preset.data_path else "/data"
        storage = _props(node).get("storage")
        size = storage if isinstance(storage, str) and storage else DEFAULT_STORAGE
        container["volumeMounts"] = [{"name": "data", "mountPath": path}]
        spec["volumeClaimTemplates"] = [
            {
                "metadata": {"name": "data"},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": size}},
                },
            }
        ]

    # --- entries and the design -------------------------------------------------------------
    def _entry_targets(self) -> list[Node]:
        """What the Ingress routes to: the components that nodes outside the cluster call,
        else the front doors (load balancers, gateways) that nothing in the cluster calls."""
        nodes = self.design.node_map()
        outside = [
            nodes[link.target]
            for link in self.design.links
            if link.source not in self.exported and link.target in self.exported
        ]
        if not outside:
            called = {link.target for link in self.design.links if link.source in self.exported}
            outside = [
                n for n in self.deployed
                if catalog.role_of(n.kind) == "front_door" and n.id not in called
            ]  # fmt: skip
        targets: list[Node] = []
        for dst in outside:
            if dst in targets or dst.id in self.no_ingress:
                continue
            if self.service_ports(dst) and dst.id not in self.namespaces:
                targets.append(dst)
            else:
                self.no_ingress.append(dst.id)
        return targets

    def _ingress(self) -> dict[str, Any] | None:
        targets = self._entry_targets()
        if not targets:
            return None
        paths = []
        for i, dst in enumerate(targets):
            name = self.names[dst.id]
            backend = {
                "service": {"name": name, "port": {"number": self.service_ports(dst)[0]["port"]}}
            }
            path = "/" if i == 0 else f"/{name}"
            paths.append({"path": path, "pathType": "Prefix", "backend": backend})
        paths = [*paths[1:], paths[0]]  # the catch-all last, for readers
        name = dns_label(self.part_of)
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": self.meta(name),
            "spec": {"rules": [{"http": {"paths": paths}}]},
        }

    def _design_map(self) -> dict[str, Any]:
        top = {k: v for k, v in self.canonical.items() if k != "nodes"}
        top["nodes"] = [d for d in self.canonical.get("nodes", []) if d["id"] not in self.exported]
        top["node_order"] = [n.id for n in self.design.nodes]
        text = json.dumps(top, ensure_ascii=False, separators=(",", ":"))
        meta = self.meta(DESIGN_CONFIGMAP, annotations={ROLE_ANNOTATION: DESIGN_ROLE})
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": meta,
            "data": {DESIGN_KEY: text},
        }

    def _notes(self) -> None:
        skipped = [n.id for n in self.design.nodes if n.id not in self.exported]
        if skipped:
            self.report.append(
                "not deployed (outside the cluster; kept in the archdesigner-design ConfigMap): "
                + ", ".join(skipped)
            )
        if self.placeholders:
            self.report.append(
                f"no image: a placeholder ({PLACEHOLDER_REGISTRY}/...) was written for: "
                + ", ".join(self.placeholders)
            )
        if self.secret_keys:
            self.report.append(
                f"Secret {self.secret!r} is referenced, not written; create it with keys: "
                + ", ".join(self.secret_keys)
            )
        if self.dropped:
            self.report.append(
                "secret values left out (taken from the Secret instead): " + "; ".join(self.dropped)
            )
        if self.no_ingress:
            self.report.append(
                "called from outside but no Ingress route (no port, or in a namespace): "
                + ", ".join(dict.fromkeys(self.no_ingress))
            )
        stores = [
            n.id for n in self.deployed if n.kind in catalog.DATASTORE and n.max_instances > 1
        ]
        if stores:
            self.report.append(
                "2+ replicas of a datastore are separate servers until its replication is set "
                "up (an operator, a chart, the image's own settings): " + ", ".join(stores)
            )


@dataclass
class Manifests:
    """The objects of each file of an export, in order; the report; the Secret referenced."""

    files: dict[str, list[dict[str, Any]]]
    report: list[str]
    secret: str
    secret_keys: list[str]


def build_manifests(design: Design) -> Manifests:
    build = _Build(design)
    files = build.build()
    return Manifests(files, build.report, build.secret, build.secret_keys)


def kustomization(files: list[str], secret: str, keys: list[str]) -> str:
    header = "# Kustomization written by archdesigner: kubectl apply -k <this folder>\n"
    if keys:
        header += (
            f"# First create the Secret the manifests reference (values are never written):\n"
            f"#   kubectl create secret generic {secret} "
            + " ".join(f"--from-literal={k}=..." for k in keys)
            + "\n"
        )
    body = dump(
        {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": files,
        }
    )
    return header + body


HEADER = (
    "# Kubernetes draft written by archdesigner from the design {name}.\n"
    "# Review before use: images, resource requests, the Ingress and the referenced Secret.\n"
    "# The archdesigner.io annotations let 'archdesigner import' restore the design.\n"
)


class KubernetesExporter(BaseExporter):
    id: str = "kubernetes"
    name: str = "Kubernetes manifests (draft)"
    suffixes: tuple[str, ...] = (".k8s.yaml", ".k8s.yml")
    options: tuple[ExportOption, ...] = ()

    def export(self, design: Design, **options: Any) -> ExportResult:
        with gc_paused():
            made = build_manifests(design)
            try:
                texts = _texts(made.files)
            except ValueError as exc:
                raise ExportError(str(exc)) from None
        header = HEADER.format(name=ascii(design.name) if design.name else "(unnamed)")
        files = {name: header + text for name, text in texts.items()}
        files["kustomization.yaml"] = kustomization(list(texts), made.secret, made.secret_keys)
        stream = header + "---\n".join(texts.values())
        return ExportResult(stream, made.report, files=files)


def _texts(files: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Each file's objects as one YAML stream."""
    order = [(name, len(objs)) for name, objs in files.items()]
    written = iter(dump_each([obj for objs in files.values() for obj in objs]))
    return {name: "---\n".join(next(written) for _ in range(count)) for name, count in order}
