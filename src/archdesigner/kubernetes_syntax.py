"""Kubernetes syntax that both the Kubernetes exporter and the Kubernetes importer need: the
``archdesigner.io/...`` annotation contract and the way a node's environment is written as
container ``env`` (docs/kubernetes.md). Keeping it here (below both) lets each use it without
importing the other.
"""

from __future__ import annotations

import re
from typing import Any

from archdesigner.model.design import Node

ANNOTATION_PREFIX = "archdesigner.io/"
#: On a workload: its node, as canonical JSON.
NODE_ANNOTATION = "archdesigner.io/node"
#: On a workload: the env names the export added (link variables, Secret references).
GENERATED_ANNOTATION = "archdesigner.io/generated-env"
#: On the ConfigMap that carries the rest of the design: ``design``.
ROLE_ANNOTATION = "archdesigner.io/role"
DESIGN_ROLE = "design"
DESIGN_KEY = "design.json"
MANAGED_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY = "archdesigner"
#: Env keys whose literal value is a secret: never written, referenced from a Secret instead.
SECRET_KEY_RE = re.compile(r"PASSW|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL", re.IGNORECASE)
#: ... unless the value only says where the secret is (``MYSQL_ROOT_PASSWORD_FILE``).
NOT_SECRET_RE = re.compile(r"(?:FILE|PATH|DIR|LENGTH|POLICY|ENABLED|USER|NAME)$", re.IGNORECASE)
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^${}]*))?\}")


#: In a node's ``properties.kubernetes``: the front door of the platform it stands for.
FRONT_DOOR_KEY = "front_door"


def platform_front_door(node: Node) -> str:
    """What the platform runs in front of the workloads that ``node`` stands for ("Ingress
    shop", "Service web (LoadBalancer)", "Gateway public"), "" for a node of the design's
    own. The Kubernetes import adds such nodes (``properties.kubernetes.front_door``); no
    exporter deploys them: the cluster or the cloud provides them."""
    k8s = node.properties.get("kubernetes")
    door = k8s.get(FRONT_DOOR_KEY) if isinstance(k8s, dict) else None
    return door if isinstance(door, str) else ""


def is_secret_key(key: str) -> bool:
    return bool(SECRET_KEY_RE.search(key)) and not NOT_SECRET_RE.search(key)


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
