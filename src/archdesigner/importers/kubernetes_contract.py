"""Reading back what the Kubernetes exporter wrote (docs/kubernetes.md, "The annotation
contract"): a workload's ``archdesigner.io/node`` annotation is its node; what the manifest
says on top wins when someone changed it after the export (image, replicas, ports,
environment), the way the compose importer treats ``x-archdesigner``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from archdesigner.importers.kubernetes_pods import container_ports, read_env, text
from archdesigner.importers.kubernetes_wire import Workload
from archdesigner.io.load import problems_from_validation
from archdesigner.kubernetes_syntax import GENERATED_ANNOTATION, NODE_ANNOTATION, render_env
from archdesigner.model import catalog
from archdesigner.model.design import Node


def node_from_annotation(
    w: Workload,
    raw: str,
    config_maps: Mapping[tuple[str, str], Mapping[str, str]],
    secrets: Mapping[tuple[str, str], list[str]],
    report: list[str],
) -> Node:
    obj = w.obj
    try:
        data = json.loads(raw)
        node = Node.model_validate(data)
    except json.JSONDecodeError as exc:
        raise obj.error(f"annotation {NODE_ANNOTATION} is not JSON: {exc.msg}") from None
    except ValidationError as exc:
        problem = problems_from_validation(exc)[0]
        raise obj.error(f"annotation {NODE_ANNOTATION} is not a node: {problem}") from None
    generated = set(filter(None, obj.annotations.get(GENERATED_ANNOTATION, "").split(",")))
    main = w.pod.main
    preset = catalog.technology(node.technology)
    image = text(main.get("image") or "")
    written = node.image or (preset.image if preset is not None else "")
    if image and image != written and not image.split("/", 1)[0].endswith(".invalid"):
        node.image = image
    scaled_by_hand = node.autoscale is None and obj.kind in ("Deployment", "StatefulSet")
    if scaled_by_hand and max(w.replicas, 1) != node.replicas:
        node.replicas = max(w.replicas, 1)
    ports = [p for p, _name in container_ports(obj, main)]
    mine = node.ports or list(preset.ports if preset is not None else ())
    if set(ports) != set(mine):
        node.ports = ports
    _env_back(node, w, main, generated, config_maps, secrets, report)
    return node


def _env_back(
    node: Node,
    w: Workload,
    main: Mapping[str, Any],
    generated: set[str],
    config_maps: Mapping[tuple[str, str], Mapping[str, str]],
    secrets: Mapping[tuple[str, str], list[str]],
    report: list[str],
) -> None:
    """The node's env stays as the annotation says while the manifest's env is what the export
    wrote for it; else the manifest's env (without the generated link variables) is taken."""
    written = main.get("env") if isinstance(main.get("env"), list) else []
    own = [e for e in written or [] if isinstance(e, dict) and e.get("name") not in generated]
    secret = _secret_name(written or [])
    expected, _keys, _dropped = render_env(node, secret)
    expected = [e for e in expected if e["name"] not in generated]
    if own == expected:
        return
    env = read_env(w.obj, main, config_maps, secrets)
    node.env = {k: v for k, v in env.values.items() if k not in generated}
    report.append(f"node {node.id}: environment taken from the manifest (changed since export)")


def _secret_name(env: list[Any]) -> str:
    for item in env:
        ref = item.get("valueFrom", {}).get("secretKeyRef") if isinstance(item, dict) else None
        if isinstance(ref, dict) and ref.get("name"):
            return str(ref["name"])
    return ""
