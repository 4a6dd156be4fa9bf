"""Pieces of the Kubernetes export (docs/kubernetes.md): names, labels, the environment (with
Secrets referenced, never filled), probes from the catalog's health checks and resource
requests from capacity. The importer uses :func:`render_env` too, to tell whether a manifest's
environment is still what the export wrote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from archdesigner.model import catalog
from archdesigner.model.design import Node

MANAGED_BY = "archdesigner"
NAME_LABEL = "app.kubernetes.io/name"
PART_OF_LABEL = "app.kubernetes.io/part-of"
MANAGED_LABEL = "app.kubernetes.io/managed-by"
ZONE_KEY = "topology.kubernetes.io/zone"
HOST_KEY = "kubernetes.io/hostname"
#: Env keys whose literal value is a secret: never written, referenced from a Secret instead.
SECRET_KEY_RE = re.compile(r"PASSW|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL", re.IGNORECASE)
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^${}]*))?\}")
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


def is_secret_key(key: str) -> bool:
    return bool(SECRET_KEY_RE.search(key))


def secret_key(key: str) -> str:
    """A Secret data key for an env name (``[-._a-zA-Z0-9]+``)."""
    return re.sub(r"[^-._a-zA-Z0-9]+", "_", key) or "value"


def _from_secret(name: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": secret_key(key)}}}


def render_env(node: Node, secret: str) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """The node's environment as container ``env`` entries, the Secret keys it references and
    the env names whose literal (secret) value was left out.

    ``${NAME}`` is taken from key ``NAME`` of Secret ``secret``; ``${NAME:-default}`` is the
    default; a secret-looking key (``*PASSWORD*``, ``*TOKEN*``, ...) with a literal value is
    taken from the Secret too (the value is never written); references inside a longer value
    become Kubernetes' ``$(NAME)`` with ``NAME`` defined from the Secret first. A literal
    ``$(`` is written ``$$(`` so that Kubernetes does not expand it."""
    env: list[dict[str, Any]] = []
    defined: list[dict[str, Any]] = []
    keys: list[str] = []
    dropped: list[str] = []
    for key, value in node.env.items():
        if not key:
            continue
        whole = _REFERENCE.fullmatch(value)
        if whole is not None:
            if whole.group(2) is not None:
                env.append({"name": key, "value": whole.group(2).replace("$(", "$$(")})
            else:
                env.append(_from_secret(key, secret, whole.group(1)))
                keys.append(secret_key(whole.group(1)))
        elif is_secret_key(key) and value and "${" not in value:
            env.append(_from_secret(key, secret, key))
            keys.append(secret_key(key))
            dropped.append(key)
        elif _REFERENCE.search(value):
            env.append({"name": key, "value": _inner_refs(value, secret, defined, keys, node)})
        else:
            env.append({"name": key, "value": value.replace("$(", "$$(")})
    return [*defined, *env], list(dict.fromkeys(keys)), dropped


def _inner_refs(
    value: str, secret: str, defined: list[dict[str, Any]], keys: list[str], node: Node
) -> str:
    out: list[str] = []
    pos = 0
    for m in _REFERENCE.finditer(value):
        out.append(value[pos : m.start()].replace("$(", "$$("))
        name = m.group(1)
        if name not in node.env and all(d["name"] != name for d in defined):
            defined.append(_from_secret(name, secret, name))
            keys.append(secret_key(name))
        out.append(f"$({name})")
        pos = m.end()
    out.append(value[pos:].replace("$(", "$$("))
    return "".join(out)


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
