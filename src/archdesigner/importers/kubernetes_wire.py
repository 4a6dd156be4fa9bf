"""Wiring Kubernetes workloads: Services to the workloads they select, references in
environment values, arguments and mounted ConfigMaps (the compose importer's wiring module,
:mod:`archdesigner.importers.wiring`), entries from Ingress, HTTPRoute and LoadBalancer or
NodePort Services, and HorizontalPodAutoscalers and PodDisruptionBudgets on their workloads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from archdesigner.importers.entries import user_facing
from archdesigner.importers.image_rules import protocol_for_scheme
from archdesigner.importers.kubernetes_pods import (
    Pod,
    match_labels,
    read_env,
    selects,
    text,
)
from archdesigner.importers.kubernetes_read import Obj, Stream
from archdesigner.importers.wiring import (
    Reference,
    Resolver,
    add_database,
    client_balanced,
    database_in,
    hosts_in,
    link_shape,
    pair_by_name,
    reserve_id,
    scan_service,
)
from archdesigner.kubernetes_syntax import FRONT_DOOR_KEY
from archdesigner.model.design import Link, Node

ENTRY_SERVICE_TYPES = frozenset({"LoadBalancer", "NodePort"})


@dataclass
class Workload:
    obj: Obj
    pod: Pod
    replicas: int
    node: Node | None = None
    protocol: str = ""
    from_contract: bool = False


@dataclass
class KService:
    """A Service and the workloads it selects."""

    obj: Obj
    type: str
    targets: list[Workload]
    ports: list[dict[str, Any]]

    @property
    def cluster_ip(self) -> bool:
        """Whether the Service has a virtual IP that kube-proxy balances over its pods (not
        headless, not an ExternalName)."""
        spec = self.obj.data.get("spec")
        ip = spec.get("clusterIP") if isinstance(spec, dict) else None
        return self.type != "ExternalName" and str(ip or "").lower() != "none"


def services_of(stream: Stream, workloads: list[Workload]) -> list[KService]:
    """Every Service and the workloads its selector matches (same namespace), found through an
    index of the workloads' pod labels."""
    index: dict[tuple[str, str, str], list[int]] = {}
    for i, w in enumerate(workloads):
        ns = w.obj.namespace
        for key, value in w.pod.labels.items():
            index.setdefault((ns, key, value), []).append(i)
    out: list[KService] = []
    for obj in stream.objects:
        if obj.kind != "Service":
            continue
        spec = obj.data.get("spec")
        spec = spec if isinstance(spec, dict) else {}
        selector = match_labels(obj, spec.get("selector"))
        found: set[int] | None = None
        for key, value in selector.items():
            hits = set(index.get((obj.namespace, key, value), ()))
            found = hits if found is None else found & hits
        targets = [workloads[i] for i in sorted(found or ())]
        ports = [p for p in _items(spec.get("ports")) if isinstance(p, dict)]
        out.append(KService(obj, text(spec.get("type") or "ClusterIP"), targets, ports))
    return out


@dataclass(frozen=True)
class Door:
    """The front door the platform runs for an entry: the cloud load balancer of a
    LoadBalancer Service, the ingress controller behind an Ingress, the Gateway of an
    HTTPRoute. It is not in the manifests, yet users reach the workloads through it."""

    name: str  # the object it stands for (its node's id when free)
    kind: str  # load_balancer or api_gateway
    label: str  # "Service frontend-external (LoadBalancer)", "Ingress shop", "Gateway web"
    technology: str  # what runs it, for the card: "LoadBalancer Service", "Ingress", ...


@dataclass
class Wiring:
    links: list[Link] = field(default_factory=list)
    entries: dict[str, str] = field(default_factory=dict)  # node id -> why
    doors: dict[str, Door | None] = field(default_factory=dict)  # node id -> its front door
    pairs: dict[tuple[str, str], Link] = field(default_factory=dict)
    #: NodePort / LoadBalancer Services that expose no user-facing workload (a database,
    #: a queue, a console): "Service x (NodePort) -> node (kind)", not entries
    operator_access: list[str] = field(default_factory=list)

    def add(
        self,
        src: Node,
        dst: Node,
        why: str,
        protocol: str,
        inferred: bool = True,
        database: str = "",
        balanced: bool = False,
        guarded: bool = False,
    ) -> None:
        """A link ``src`` -> ``dst`` for ``why`` (more evidence for one that exists).
        ``balanced``: the platform spreads the calls over ``dst``'s replicas (HTTP through a
        Service's virtual IP), which the link records as ``discovery`` (SCL001 then holds
        no balancer missing). ``guarded``: a circuit breaker guards the call
        (``circuit_breaker``)."""
        if src.id == dst.id:
            return
        existing = self.pairs.get((src.id, dst.id))
        if existing is not None:
            found = existing.properties.get("inferred_from")
            if inferred and isinstance(found, list) and why not in found:
                found.append(why)
            add_database(existing, database)
            if balanced:  # any call of the pair that its caller balances: all are
                existing.discovery = True
            if guarded:
                existing.circuit_breaker = True
            return
        props: dict[str, Any] = {"inferred": True, "inferred_from": [why]} if inferred else {}
        mode, required = link_shape(src.kind, dst.kind)
        link = Link(
            id=f"{src.id}->{dst.id}",
            source=src.id,
            target=dst.id,
            mode=mode,
            required=required,
            protocol=protocol,
            discovery=balanced,
            circuit_breaker=guarded,
            properties=props,
        )
        add_database(link, database)
        self.pairs[(src.id, dst.id)] = link
        self.links.append(link)

    def entry_nodes(self, taken: set[str], report: list[str]) -> list[Node]:
        """The ``users`` client that calls the entries and the front doors it calls them
        through (:class:`Door`, one node per door, 2 replicas: the platform runs them
        redundantly), with their links, added here. A NodePort Service has no door."""
        if not self.entries:
            return []
        users = Node(
            id=reserve_id("users", taken),
            kind="client",
            name="Users",
            properties={"kubernetes": {"entry": True}},
        )
        made: list[Node] = [users]
        door_ids: dict[Door, str] = {}
        for target, why in self.entries.items():
            door = self.doors.get(target)
            if door is None:
                report.append(f"entry: {users.id} -> {target} (from {why})")
                self._entry_link(users.id, target, why)
                continue
            if door not in door_ids:
                node = Node(
                    id=reserve_id(door.name, taken, fallback="front-door"),
                    kind=door.kind,
                    technology=door.technology,
                    replicas=2,
                    properties={"kubernetes": {FRONT_DOOR_KEY: door.label}},
                )
                made.append(node)
                door_ids[door] = node.id
                self._entry_link(users.id, node.id, why)
            via = door_ids[door]
            report.append(f"entry: {users.id} -> {via} -> {target} (from {why})")
            self._entry_link(via, target, why)
        return made

    def _entry_link(self, source: str, target: str, why: str) -> None:
        self.links.append(
            Link(
                id=f"{source}->{target}",
                source=source,
                target=target,
                protocol="http",
                properties={"kubernetes": {"via": why}},
            )
        )


#: Folders that hold manifests rather than a project: the sources are one level up.
DEPLOY_DIRS = frozenset(
    {
        "k8s", "kubernetes", "manifests", "kubernetes-manifests", "deploy", "deployment",
        "deployments", "release", "releases", "kustomize", "base", "overlays", "helm", "charts",
    }
)  # fmt: skip


def source_root(files: Sequence[Path]) -> Path | None:
    """The project folder of the manifests (the folder of the first file, or its parent when
    that is a manifests folder such as ``k8s/``); None for standard input."""
    named = [f for f in files if str(f) != "-"]
    if not named:
        return None
    folder = named[0].resolve().parent
    return folder.parent if folder.name.lower() in DEPLOY_DIRS else folder


def wire(
    stream: Stream,
    workloads: list[Workload],
    config_maps: Mapping[tuple[str, str], Mapping[str, str]],
    report: list[str],
    files: Sequence[Path] = (),
) -> Wiring:
    """The links the manifests (and, where their folder holds them, the sources) show
    between workloads not restored from the contract."""
    services = services_of(stream, workloads)
    by_name: dict[str, list[KService]] = {}
    for s in services:
        by_name.setdefault(s.obj.name, []).append(s)
    for s in services:
        for w in s.targets:
            if w.node is not None and not w.from_contract:
                k8s: dict[str, Any] = w.node.properties.setdefault("kubernetes", {})
                k8s.setdefault("services", []).append(_service_record(s))
    resolver = Resolver({name: {} for name in by_name})
    out = Wiring()
    fresh = [w for w in workloads if w.node is not None and not w.from_contract]
    mesh = _mesh(stream)
    if mesh:
        report.append(
            f"service mesh ({mesh}): the sidecars balance each HTTP and gRPC call between "
            "workloads in it (their links get discovery)"
        )
    for w in fresh:
        for ref in _references(w, resolver, config_maps):
            found = _same_namespace(by_name.get(ref.target, []), w.obj.namespace)
            served = _service_protocol(found)
            for dst in _workloads_of(found):
                assert w.node is not None and dst.node is not None
                proto = protocol_for_scheme(ref.scheme) if ref.scheme else ""
                proto = proto or served or dst.protocol
                balanced = (
                    (proto == "http" and all(s.cluster_ip for s in found))
                    or (proto in MESH_BALANCED and _in_mesh(w, mesh))
                    or client_balanced(ref.scheme)
                )
                out.add(w.node, dst.node, ref.evidence, proto, True, ref.database, balanced)
    _pair_by_name(fresh, out)
    root = source_root(files)
    if root is not None and fresh:
        _scan_sources(root, fresh, by_name, out, report)
    _entries(stream, services, by_name, out)
    for what in out.operator_access:
        report.append(f"not an entry (operator access, not users' traffic): {what}")
    for link in out.links:
        why = "; ".join(link.properties.get("inferred_from") or [])
        report.append(f"inferred link {link.source} -> {link.target} from {why}")
    return out


#: API groups of Istio's objects: with them in the manifests, the workloads run in its mesh.
ISTIO_APIS = ("networking.istio.io/", "security.istio.io/")
#: Protocols a mesh's sidecar proxy balances call by call (not connection by connection).
MESH_BALANCED = frozenset({"http", "grpc", "http2"})


def _mesh(stream: Stream) -> str:
    """What says that the workloads run in a service mesh, "" when nothing does: Istio's
    routing or security objects, or a Namespace labelled for Istio's or annotated for
    Linkerd's sidecar injection."""
    for obj in stream.objects:
        if obj.api_version.startswith(ISTIO_APIS):
            return f"Istio: {obj.kind} {obj.name}"
        if obj.kind == "Namespace":
            labels = obj.meta.get("labels")
            labels = labels if isinstance(labels, dict) else {}
            if labels.get("istio-injection") == "enabled" or "istio.io/rev" in labels:
                return f"Istio: Namespace {obj.name} is labelled for injection"
            if obj.annotations.get("linkerd.io/inject") == "enabled":
                return f"Linkerd: Namespace {obj.name} is annotated for injection"
    return ""


def _in_mesh(w: Workload, mesh: str) -> bool:
    """Whether ``w``'s calls go through a mesh sidecar: its pod template asks for one (or
    refuses it), else whether the manifests say there is a mesh (``mesh``)."""
    asked = {**w.pod.labels, **w.pod.annotations}
    istio, linkerd = asked.get("sidecar.istio.io/inject"), asked.get("linkerd.io/inject")
    if istio == "false" or linkerd == "disabled":
        return False
    return istio == "true" or linkerd == "enabled" or bool(mesh)


def _service_record(s: KService) -> dict[str, Any]:
    rec: dict[str, Any] = {"name": s.obj.name}
    if s.type != "ClusterIP":
        rec["type"] = s.type
    ports = []
    for p in s.ports:
        port: dict[str, Any] = {"port": p.get("port")}
        if p.get("targetPort") is not None:
            port["targetPort"] = p.get("targetPort")
        if p.get("name"):
            port["name"] = p.get("name")
        ports.append(port)
    if ports:
        rec["ports"] = ports
    return rec


def _same_namespace(found: list[KService], namespace: str) -> list[KService]:
    """The Services of one name that a workload of ``namespace`` reaches by that name."""
    return [s for s in found if s.obj.namespace == namespace] or found[:1]


def _workloads_of(services: list[KService]) -> list[Workload]:
    return [w for s in services for w in s.targets if w.node is not None]


def _targets(found: list[KService], namespace: str) -> list[Workload]:
    return _workloads_of(_same_namespace(found, namespace))


#: What a Service port's ``appProtocol`` or name (``grpc``, ``http-web``: the convention
#: Istio and others read) says the workloads speak, beyond the URL schemes' words
#: (:func:`protocol_for_scheme`: ``http``, ``grpc``, ``redis``, ``mysql``, ...).
PORT_PROTOCOLS = {
    "grpc-web": "grpc", "kubernetes.io/h2c": "grpc", "http2": "http2", "h2c": "http2",
    "kubernetes.io/ws": "websocket", "kubernetes.io/wss": "websocket", "mongo": "mongodb",
}  # fmt: skip
#: Port words that name a transport, not what the workload speaks (``tcp-redis``).
TRANSPORTS = frozenset({"tcp", "udp", "tls", "sctp"})


def _port_protocol(word: str) -> str:
    if not word or word in TRANSPORTS:
        return ""
    return PORT_PROTOCOLS.get(word) or protocol_for_scheme(word)


def _service_protocol(found: list[KService]) -> str:
    """The protocol the Services' ports say, when they say one ("" when they do not, or
    disagree)."""
    said: set[str] = set()
    for s in found:
        for port in s.ports:
            app = str(port.get("appProtocol") or "").lower()
            name = str(port.get("name") or "").lower()
            proto = _port_protocol(app) or _port_protocol(name.split("-", 1)[0])
            if proto:
                said.add(proto)
    return said.pop() if len(said) == 1 else ""


def _references(
    w: Workload, resolver: Resolver, config_maps: Mapping[tuple[str, str], Mapping[str, str]]
) -> list[Reference]:
    """A :class:`Reference` (its evidence worded for manifests) for every Service a
    workload's config names."""
    out: list[Reference] = []
    for c in [*w.pod.containers, *w.pod.init_containers]:
        env = read_env(w.obj, c, config_maps, {}).values
        # Kubernetes' command replaces the image's entrypoint, args its command
        svc = {"entrypoint": c.get("command"), "command": c.get("args")}
        for ref in scan_service(dict(env), svc, resolver):
            why = ref.evidence.replace("environment ", "env ", 1)
            if why.startswith(("command ", "entrypoint ")):
                label, _sp, rest = why.partition(" ")
                why = ("args " if label == "command" else "command ") + rest
            out.append(Reference(ref.target, why, ref.scheme, ref.database))
    for volume in _items(w.pod.spec.get("volumes")):
        cm = volume.get("configMap") if isinstance(volume, dict) else None
        name = str(cm.get("name")) if isinstance(cm, dict) else ""
        for key, value in (config_maps.get((w.obj.namespace, name)) or {}).items():
            for host, scheme in hosts_in(value):
                target = resolver.lookup(host)
                if target is not None:
                    why = f"ConfigMap {name} {key}"
                    out.append(Reference(target, why, scheme, database_in(value, host)))
    return out


def _scan_sources(
    root: Path,
    fresh: list[Workload],
    by_name: Mapping[str, list[KService]],
    out: Wiring,
    report: list[str],
) -> None:
    """Links that the sources in folders named like the workloads show (the compose import's
    scan, :mod:`archdesigner.importers.scanning`): names of Services used as hosts."""
    from archdesigner.importers.scanning import folders_named_like, scan_sources

    nodes = {w.node.id: w.node for w in fresh if w.node is not None}
    owners = folders_named_like(root, list(nodes))
    if not owners:
        return
    names: dict[str, str] = {}
    for name, services in by_name.items():
        for w in _targets(services, services[0].obj.namespace):
            if w.node is not None and w.node.id in nodes:
                names.setdefault(name, w.node.id)
    found = scan_sources(owners, names, root)
    for link in found.links:
        ev = link.evidence
        why = f"source {ev.where} ({ev.kind})"
        if ev.balanced:
            why += f", balanced by its caller (@LoadBalanced at {ev.balanced})"
        if ev.breaker:
            why += f", behind a circuit breaker (CircuitBreaker filter at {ev.breaker})"
        out.add(
            nodes[link.source],
            nodes[link.target],
            why,
            "",
            database=ev.database,
            balanced=bool(ev.balanced),
            guarded=bool(ev.breaker),
        )
    report.append(f"scanned {found.files} source files under {root} for names of Services")


def _pair_by_name(fresh: list[Workload], out: Wiring) -> None:
    nodes = {w.node.id: w.node for w in fresh if w.node is not None}
    triples = [(n.id, n.name or n.id, n.kind) for n in nodes.values()]
    for owner, store in pair_by_name(triples):
        dst = nodes[store]
        out.add(nodes[owner], dst, f"named after it ({dst.id})", "")


def _entries(
    stream: Stream, services: list[KService], by_name: Mapping[str, list[KService]], out: Wiring
) -> None:
    def enter(s: KService, door: Door | None, why: str, exposed: bool = False) -> None:
        for w in s.targets:
            if w.node is None or w.from_contract or w.node.id in out.entries:
                continue
            if exposed and not user_facing(w.node, _port_numbers(s)):
                # a datastore, queue, console or dashboard published for its operators
                # (the compose import's rule for published ports: docs/import.md)
                out.operator_access.append(f"{why} -> {w.node.id} ({w.node.kind})")
                continue
            out.entries[w.node.id] = why
            out.doors[w.node.id] = door

    for s in services:
        if s.type in ENTRY_SERVICE_TYPES:
            why = f"Service {s.obj.name} ({s.type})"
            door = (
                Door(s.obj.name, "load_balancer", why, "LoadBalancer Service")
                if s.type == "LoadBalancer"
                else None
            )
            enter(s, door, why, exposed=True)
    for obj in stream.objects:
        if managed(obj):
            continue
        why = f"{obj.kind} {obj.name}"
        gateway = _gateway_of(obj)
        if gateway and obj.kind == "VirtualService":
            door = Door(gateway, "api_gateway", f"Istio Gateway {gateway}", "Istio ingress")
        elif gateway:
            door = Door(gateway, "api_gateway", f"Gateway {gateway}", "Gateway API")
        else:
            kind = "load_balancer" if obj.kind == "Ingress" else "api_gateway"
            door = Door(obj.name, kind, why, f"{obj.kind} controller")
        for name in _backends(obj):
            for s in by_name.get(name, []):
                if s.obj.namespace == obj.namespace:
                    enter(s, door, why)


def _port_numbers(s: KService) -> list[int]:
    """The container ports a Service sends to (its ``targetPort``, else its ``port``; a
    named port counts as not a management console's)."""
    out: list[int] = []
    for port in s.ports:
        value = port.get("targetPort", port.get("port"))
        out.append(value if _whole(value) else 0)
    return out or [0]


def _gateway_of(obj: Obj) -> str:
    """The Gateway an HTTPRoute is attached to (its first parentRef), or an Istio
    VirtualService (its first gateway other than ``mesh``, the sidecars), "" for none."""
    spec = obj.data.get("spec")
    if _istio_route(obj) and isinstance(spec, dict):
        for name in _items(spec.get("gateways")):
            if isinstance(name, str) and name and name != "mesh":
                return name.rpartition("/")[2]  # "namespace/name"
        return ""
    refs = spec.get("parentRefs") if obj.kind == "HTTPRoute" and isinstance(spec, dict) else None
    for ref in _items(refs):
        if isinstance(ref, dict) and ref.get("kind", "Gateway") == "Gateway" and ref.get("name"):
            return str(ref["name"])
    return ""


def managed(obj: Obj) -> bool:
    """Whether the object was written by the Kubernetes exporter."""
    labels = obj.meta.get("labels")
    return isinstance(labels, dict) and labels.get("app.kubernetes.io/managed-by") == (
        "archdesigner"
    )


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _items(value: Any) -> list[Any]:
    """A list as written, or nothing when the manifest has something else there."""
    return value if isinstance(value, list) else []


def _backends(obj: Obj) -> list[str]:
    """The Service names an Ingress, HTTPRoute or Istio VirtualService (one attached to
    an ingress Gateway) sends traffic to."""
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return []
    names: list[str] = []
    if obj.kind == "Ingress":
        backends = [spec.get("defaultBackend"), spec.get("backend")]
        for rule in _items(spec.get("rules")):
            http = rule.get("http") if isinstance(rule, dict) else None
            paths = http.get("paths") if isinstance(http, dict) else None
            for path in paths if isinstance(paths, list) else []:
                if isinstance(path, dict):
                    backends.append(path.get("backend"))
        for b in backends:
            if isinstance(b, dict):
                svc = b.get("service")
                name = svc.get("name") if isinstance(svc, dict) else b.get("serviceName")
                if name:
                    names.append(str(name))
    elif obj.kind == "HTTPRoute":
        for rule in _items(spec.get("rules")):
            for ref in _items(rule.get("backendRefs") if isinstance(rule, dict) else None):
                if isinstance(ref, dict) and ref.get("kind", "Service") == "Service":
                    names.append(str(ref.get("name")))
    elif _istio_route(obj) and _gateway_of(obj):  # routes of the mesh itself enter nothing
        for section in ("http", "tcp", "tls"):
            for rule in _items(spec.get(section)):
                for route in _items(rule.get("route") if isinstance(rule, dict) else None):
                    dest = route.get("destination") if isinstance(route, dict) else None
                    host = dest.get("host") if isinstance(dest, dict) else None
                    if isinstance(host, str) and host:
                        names.append(host.split(".")[0])  # name.namespace.svc...: the name
    return list(dict.fromkeys(names))


def _istio_route(obj: Obj) -> bool:
    return obj.kind == "VirtualService" and obj.api_version.startswith(ISTIO_APIS)


def apply_hpas_and_pdbs(stream: Stream, workloads: list[Workload], report: list[str]) -> None:
    """``autoscale`` from HorizontalPodAutoscalers; PodDisruptionBudgets kept in
    ``properties.kubernetes.pdb`` of the workloads they select."""
    from archdesigner.model.design import Autoscale

    by_key = {(w.obj.kind, w.obj.namespace, w.obj.name): w for w in workloads}
    for obj in stream.objects:
        spec = obj.data.get("spec")
        if not isinstance(spec, dict):
            continue
        if obj.kind == "HorizontalPodAutoscaler":
            ref = spec.get("scaleTargetRef")
            ref = ref if isinstance(ref, dict) else {}
            w = by_key.get((str(ref.get("kind")), obj.namespace, str(ref.get("name"))))
            if w is None or w.node is None:
                report.append(f"{obj.label()}: its target {ref.get('name')!r} is not imported")
                continue
            low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
            if not _whole(low) or not _whole(high) or not 1 <= low <= high:
                raise obj.error("minReplicas/maxReplicas must be whole numbers, min <= max")
            w.node.autoscale = Autoscale(min=low, max=high)
        elif obj.kind == "PodDisruptionBudget" and not managed(obj):
            selector = match_labels(obj, spec.get("selector"))
            budget = {k: spec[k] for k in ("minAvailable", "maxUnavailable") if k in spec}
            for w in workloads:
                if (
                    w.node is not None
                    and w.obj.namespace == obj.namespace
                    and selects(selector, w.pod.labels)
                ):
                    w.node.properties.setdefault("kubernetes", {})["pdb"] = budget
