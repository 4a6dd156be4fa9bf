"""What a pod template says about a component: containers, image, ports, environment (with
ConfigMap values resolved and Secret values never copied), probes, resources, spreading.

Used by the Kubernetes importer (:mod:`archdesigner.importers.kubernetes`); every function takes
plain manifest data and reports a malformed shape as an error on the object it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from archdesigner.importers.base import ImportInputError
from archdesigner.importers.kubernetes_read import Obj

#: Workload kinds -> where their pod template sits below ``spec``.
WORKLOAD_TEMPLATE: dict[str, tuple[str, ...]] = {
    "Deployment": ("template",),
    "StatefulSet": ("template",),
    "DaemonSet": ("template",),
    "ReplicaSet": ("template",),
    "ReplicationController": ("template",),
    "Job": ("template",),
    "CronJob": ("jobTemplate", "spec", "template"),
    "Pod": (),
}
ZONE_KEY = "topology.kubernetes.io/zone"
ZONE_KEYS = frozenset({ZONE_KEY, "failure-domain.beta.kubernetes.io/zone"})


def text(value: Any) -> str:
    """A scalar as Kubernetes turns it into a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _mapping(obj: Obj, value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise obj.error(f"{where} must be a mapping")
    return value


def _list(obj: Obj, value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise obj.error(f"{where} must be a list")
    return value


@dataclass
class Pod:
    """The pod template of a workload."""

    labels: dict[str, str]
    spec: dict[str, Any]
    containers: list[dict[str, Any]]
    init_containers: list[dict[str, Any]]
    annotations: dict[str, str] = field(default_factory=dict)

    @property
    def main(self) -> dict[str, Any]:
        return self.containers[0] if self.containers else {}


def pod_of(obj: Obj) -> Pod:
    """The pod template of a workload object (``spec.template``, a CronJob's job template,
    or the Pod itself)."""
    path = WORKLOAD_TEMPLATE[obj.kind]
    spec = _mapping(obj, obj.data.get("spec"), "spec")
    template: dict[str, Any] = obj.data if not path else spec
    where = "spec"
    for key in path:
        where += f".{key}"
        template = _mapping(obj, template.get(key), where)
    if path and not template:
        raise obj.error(f"has no pod template ({where})")
    meta = _mapping(obj, template.get("metadata"), f"{where}.metadata")
    labels = _mapping(obj, meta.get("labels"), f"{where}.metadata.labels")
    pod_spec = _mapping(obj, template.get("spec"), f"{where}.spec")
    containers = _list(obj, pod_spec.get("containers"), f"{where}.spec.containers")
    inits = _list(obj, pod_spec.get("initContainers"), f"{where}.spec.initContainers")
    for idx, c in enumerate([*containers, *inits]):
        if not isinstance(c, dict):
            raise obj.error(f"container {idx} must be a mapping")
    notes = meta.get("annotations")
    annotations = {str(k): text(v) for k, v in notes.items()} if isinstance(notes, dict) else {}
    return Pod(
        {str(k): text(v) for k, v in labels.items()}, pod_spec, containers, inits, annotations
    )


def replicas_of(obj: Obj) -> int:
    spec = obj.data.get("spec")
    value = spec.get("replicas") if isinstance(spec, dict) else None
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise obj.error(f"spec.replicas must be a whole number, got {value!r}")
    return value


def container_ports(obj: Obj, container: Mapping[str, Any]) -> list[tuple[int, str]]:
    """``(containerPort, name)`` of a container's ports."""
    out: list[tuple[int, str]] = []
    for idx, port in enumerate(_list(obj, container.get("ports"), "ports")):
        if not isinstance(port, dict):
            raise obj.error(f"ports[{idx}] must be a mapping")
        number = port.get("containerPort")
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
            raise obj.error(f"ports[{idx}].containerPort must be a port number, got {number!r}")
        out.append((number, str(port.get("name") or "")))
    return out


@dataclass
class Env:
    """A container's environment as the design keeps it."""

    values: dict[str, str] = field(default_factory=dict)
    secret_refs: dict[str, str] = field(default_factory=dict)  # NAME -> secret/key
    unresolved: list[str] = field(default_factory=list)  # NAME (from ConfigMap x)


def read_env(
    obj: Obj,
    container: Mapping[str, Any],
    config_maps: Mapping[tuple[str, str], Mapping[str, str]],
    secret_keys: Mapping[tuple[str, str], list[str]],
) -> Env:
    """The environment of one container: literal values, ConfigMap values (``valueFrom`` and
    ``envFrom``), and for Secret values a ``${NAME}`` reference (the value is never read)."""
    out = Env()
    ns = obj.namespace
    for idx, src in enumerate(_list(obj, container.get("envFrom"), "envFrom")):
        if not isinstance(src, dict):
            raise obj.error(f"envFrom[{idx}] must be a mapping")
        prefix = str(src.get("prefix") or "")
        cm, sec = src.get("configMapRef"), src.get("secretRef")
        if isinstance(cm, dict):
            data = config_maps.get((ns, str(cm.get("name"))))
            if data is None:
                out.unresolved.append(f"envFrom ConfigMap {cm.get('name')}")
            for key, value in (data or {}).items():
                out.values[prefix + key] = value
        elif isinstance(sec, dict):
            secret = str(sec.get("name"))
            for key in secret_keys.get((ns, secret), []):
                out.values[prefix + key] = "${" + prefix + key + "}"
                out.secret_refs[prefix + key] = f"{secret}/{key}"
    for idx, item in enumerate(_list(obj, container.get("env"), "env")):
        if not isinstance(item, dict) or not item.get("name"):
            raise obj.error(f"env[{idx}] must be a mapping with a name")
        _env_item(str(item["name"]), item, ns, config_maps, out)
    return out


def _env_item(
    name: str,
    item: Mapping[str, Any],
    ns: str,
    config_maps: Mapping[tuple[str, str], Mapping[str, str]],
    out: Env,
) -> None:
    source = item.get("valueFrom")
    if not isinstance(source, dict):
        value = item.get("value")
        out.values[name] = "" if value is None else text(value)
        return
    cm, sec = source.get("configMapKeyRef"), source.get("secretKeyRef")
    if isinstance(cm, dict):
        data = config_maps.get((ns, str(cm.get("name"))))
        key = str(cm.get("key"))
        if data is not None and key in data:
            out.values[name] = data[key]
        else:
            out.unresolved.append(f"{name} (ConfigMap {cm.get('name')} key {key})")
    elif isinstance(sec, dict):
        out.values[name] = "${" + name + "}"
        out.secret_refs[name] = f"{sec.get('name')}/{sec.get('key')}"
    else:
        out.unresolved.append(f"{name} (from {', '.join(sorted(source))})")


def spreading(pod: Pod) -> dict[str, Any]:
    """Topology spread constraints and pod anti-affinity, as ``properties.kubernetes`` keeps
    them: ``spread`` (the constraints), ``anti_affinity`` (topology keys) and ``zone_spread``
    (whether any of them spreads over ``topology.kubernetes.io/zone``)."""
    out: dict[str, Any] = {}
    spread = pod.spec.get("topologySpreadConstraints")
    if isinstance(spread, list) and spread:
        out["spread"] = [c for c in spread if isinstance(c, dict)]
    affinity = pod.spec.get("affinity")
    anti = affinity.get("podAntiAffinity") if isinstance(affinity, dict) else None
    keys: list[str] = []
    if isinstance(anti, dict):
        for mode in (
            "requiredDuringSchedulingIgnoredDuringExecution",
            "preferredDuringSchedulingIgnoredDuringExecution",
        ):
            terms = anti.get(mode)
            for term in terms if isinstance(terms, list) else []:
                if not isinstance(term, dict):
                    continue
                inner = term.get("podAffinityTerm", term)
                key = inner.get("topologyKey") if isinstance(inner, dict) else None
                if isinstance(key, str) and key not in keys:
                    keys.append(key)
    if keys:
        out["anti_affinity"] = keys
    zone = any(
        isinstance(c.get("topologyKey"), str) and c["topologyKey"] in ZONE_KEYS
        for c in out.get("spread", [])
    )
    if zone or ZONE_KEYS.intersection(keys):
        out["zone_spread"] = True
    return out


def probes_and_resources(container: Mapping[str, Any]) -> dict[str, Any]:
    """The main container's probes and resources, kept as written."""
    out: dict[str, Any] = {}
    for key, name in (("readinessProbe", "readiness"), ("livenessProbe", "liveness")):
        probe = container.get(key)
        if isinstance(probe, dict):
            out.setdefault("probes", {})[name] = probe
    resources = container.get("resources")
    if isinstance(resources, dict) and resources:
        out["resources"] = resources
    return out


def selects(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    """Whether a (non-empty) equality selector matches ``labels``."""
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def match_labels(obj: Obj, selector: Any) -> dict[str, str]:
    """A ``LabelSelector``'s ``matchLabels`` (or a plain Service selector)."""
    if not isinstance(selector, dict):
        return {}
    if "matchLabels" in selector or "matchExpressions" in selector:
        selector = selector.get("matchLabels") or {}
        if not isinstance(selector, dict):
            raise obj.error("selector.matchLabels must be a mapping")
    return {str(k): text(v) for k, v in selector.items() if not isinstance(v, dict | list)}


def config_map_data(obj: Obj) -> dict[str, str]:
    data = obj.data.get("data")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ImportInputError(obj.file, f"{obj.label()}: data must be a mapping", obj.line)
    return {str(k): text(v) for k, v in data.items() if v is not None}


def secret_keys(obj: Obj) -> list[str]:
    """The keys of a Secret (``data`` and ``stringData``); the values are never read."""
    keys: list[str] = []
    for field_name in ("data", "stringData"):
        data = obj.data.get(field_name)
        if isinstance(data, dict):
            keys.extend(str(k) for k in data if str(k) not in keys)
    return keys
