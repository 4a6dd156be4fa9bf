"""Pieces of the Kubernetes export (docs/kubernetes.md): names, labels, probes from the
catalog's health checks and resource requests from capacity. The environment (Secrets
referenced, never filled) is written by :func:`archdesigner.kubernetes_syntax.render_env`,
which the importer uses too.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Mapping
from typing import Any

from archdesigner.model import catalog
from archdesigner.model.design import Node

NAME_LABEL = "app.kubernetes.io/name"
PART_OF_LABEL = "app.kubernetes.io/part-of"
ZONE_KEY = "topology.kubernetes.io/zone"
HOST_KEY = "kubernetes.io/hostname"
#: CPU request per request/s of capacity, and its bounds (millicores).
CPU_PER_RPS_M = 1
CPU_MIN_M = 100
CPU_MAX_M = 4000
MEMORY_STATELESS = "256Mi"
MEMORY_STATEFUL = "1Gi"


def dns_label(text: str, limit: int = 63) -> str:
    """A DNS-1035 label (what a Service name must be): lower-case letters, digits and ``-``,
    starting with a letter, ending with a letter or digit."""
    s = re.sub(r"[^a-z0-9-]+", "-", text.lower())
    s = re.sub(r"^[^a-z]+", "", s)[:limit].rstrip("-")
    return s or "component"


def label_value(text: str) -> str:
    """A label value: up to 63 of ``[A-Za-z0-9-_.]``, alphanumeric at both ends."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", text)[:63]
    return re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", s)


def unique_names(nodes: list[Node]) -> dict[str, str]:
    """One Service and workload name per node id: a name the node had in imported manifests
    when it is still free and valid, else one derived from the id."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for node in nodes:
        k8s = node.properties.get("kubernetes")
        services = k8s.get("services") if isinstance(k8s, dict) else None
        wanted = ""
        if isinstance(services, list) and services and isinstance(services[0], dict):
            wanted = str(services[0].get("name") or "")
        if not wanted or dns_label(wanted) != wanted:
            wanted = dns_label(
                node.name if node.name and dns_label(node.name) == node.name else node.id
            )
        name, n = wanted, 2
        while name in taken:
            suffix = f"-{n}"
            name, n = wanted[: 63 - len(suffix)] + suffix, n + 1
        taken.add(name)
        out[node.id] = name
    return out


def _seconds(text: str, default: int) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", text or "")
    if m is None:
        return default
    factor = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[m.group(2) or "s"]
    return max(1, math.ceil(float(m.group(1)) * factor))


def probes(node: Node, kept: Mapping[str, Any]) -> dict[str, Any]:
    """Readiness and liveness probes: those kept from imported manifests, else the health check
    of an imported compose service, else the catalog's health check of the node's technology,
    as an ``exec`` probe."""
    written = kept.get("probes")
    if isinstance(written, dict) and written:
        out = {}
        for name, key in (("readiness", "readinessProbe"), ("liveness", "livenessProbe")):
            if isinstance(written.get(name), dict):
                out[key] = written[name]
        return out
    preset = catalog.technology(node.technology)
    check = preset.healthcheck if preset is not None else None
    compose = node.properties.get("compose")
    written_check = compose.get("healthcheck") if isinstance(compose, dict) else None
    if isinstance(written_check, dict) and isinstance(written_check.get("test"), list):
        check = _compose_check(written_check)
    if check is None or not check.test:
        return {}
    mode, *rest = check.test
    if mode == "CMD-SHELL":
        command = ["sh", "-c", " ".join(rest)]
    elif mode == "CMD":
        command = list(rest)
    else:
        command = list(check.test)
    probe: dict[str, Any] = {
        "exec": {"command": command},
        "periodSeconds": _seconds(check.interval, 10),
        "timeoutSeconds": _seconds(check.timeout, 5),
        "failureThreshold": max(1, check.retries),
    }
    return {"readinessProbe": probe, "livenessProbe": {**probe, "initialDelaySeconds": 30}}


def _compose_check(written: Mapping[str, Any]) -> catalog.Healthcheck | None:
    """An imported compose health check (``properties.compose.healthcheck``) as the catalog's."""
    if written.get("disable"):
        return None
    test = tuple(str(t) for t in written["test"])
    if not test or test[0] == "NONE":
        return None
    retries = written.get("retries")
    return catalog.Healthcheck(
        test=test,
        interval=str(written.get("interval") or "10s"),
        timeout=str(written.get("timeout") or "5s"),
        retries=retries if isinstance(retries, int) and retries > 0 else 3,
    )


def resources(node: Node, kept: Mapping[str, Any]) -> dict[str, Any] | None:
    """Resource requests: ``properties.kubernetes.resources`` as given, else derived from
    ``capacity_rps`` (1 millicore per request/s, 100m to 4000m; memory 256Mi, 1Gi when
    stateful); nothing when the design gives neither."""
    given = kept.get("resources")
    if isinstance(given, dict) and given:
        return given
    if node.capacity_rps is None:
        return None
    cpu = min(max(math.ceil(node.capacity_rps * CPU_PER_RPS_M), CPU_MIN_M), CPU_MAX_M)
    memory = MEMORY_STATEFUL if node.is_stateful else MEMORY_STATELESS
    return {"requests": {"cpu": f"{cpu}m", "memory": memory}}


def command_and_args(node: Node, kept: Mapping[str, Any]) -> dict[str, list[str]]:
    """The container's ``command`` and ``args``: as imported from manifests, else from an
    imported compose service (``entrypoint`` replaces the image's entrypoint as ``command``
    does, compose's ``command`` is Kubernetes' ``args``)."""
    out: dict[str, list[str]] = {}
    compose = node.properties.get("compose")
    compose = compose if isinstance(compose, dict) else {}
    for key, compose_key in (("command", "entrypoint"), ("args", "command")):
        value = kept.get(key, compose.get(compose_key))
        if isinstance(value, str):
            try:
                value = shlex.split(value)
            except ValueError:
                value = value.split()
        if isinstance(value, list) and value and all(isinstance(v, str | int) for v in value):
            out[key] = [str(v) for v in value]
    return out
