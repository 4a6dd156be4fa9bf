"""Hypothesis strategies for valid designs, shared by the core tests."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from archdesigner.model import Design

ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
KINDS = [
    "client",
    "cdn",
    "dns",
    "load_balancer",
    "api_gateway",
    "service",
    "worker",
    "function",
    "database",
    "cache",
    "queue",
    "object_storage",
    "search",
    "external",
    "x_plugin_kind",
]

ids = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789"),
    st.text(ID_CHARS, max_size=12),
)
texts = st.text(max_size=20)
numbers = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(float),
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.text(max_size=10),
    st.floats(allow_nan=False, allow_infinity=False),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
properties = st.dictionaries(st.text(max_size=8), json_values, max_size=3)


@st.composite
def designs(draw: st.DrawFn, max_nodes: int = 8) -> Design:
    node_ids = draw(st.lists(ids, min_size=0, max_size=max_nodes, unique=True))
    group_ids = draw(st.lists(ids, max_size=3, unique=True))
    groups: list[dict[str, Any]] = []
    for i, gid in enumerate(group_ids):
        g: dict[str, Any] = {"id": gid}
        if draw(st.booleans()):
            g["kind"] = draw(st.sampled_from(["region", "zone", "network", "cluster", "boundary"]))
        if i and draw(st.booleans()):
            g["parent"] = draw(st.sampled_from(group_ids[:i]))  # parents come first: no cycle
        if draw(st.booleans()):
            g["name"] = draw(texts)
        groups.append(g)
    nodes: list[dict[str, Any]] = []
    for nid in node_ids:
        n: dict[str, Any] = {"id": nid, "kind": draw(st.sampled_from(KINDS))}
        if draw(st.booleans()):
            n["name"] = draw(texts)
        if draw(st.booleans()):
            n["replicas"] = draw(st.integers(1, 20))
        if draw(st.booleans()):
            lo = draw(st.integers(1, 10))
            n["autoscale"] = {"min": lo, "max": draw(st.integers(lo, 50))}
        if draw(st.booleans()):
            n["stateful"] = draw(st.booleans())
        if group_ids and draw(st.booleans()):
            n["group"] = draw(st.sampled_from(group_ids))
        if draw(st.booleans()):
            n["ports"] = draw(st.lists(st.integers(1, 65535), max_size=3))
        if draw(st.booleans()):
            n["env"] = draw(st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3))
        if draw(st.booleans()):
            n["capacity_rps"] = draw(numbers.filter(lambda v: v > 0))
        if draw(st.booleans()):
            n["load_rps"] = draw(numbers)
        n["position"] = {"x": draw(numbers), "y": draw(numbers)}
        if draw(st.booleans()):
            n["lint_ignore"] = draw(st.lists(st.sampled_from(["SPF", "SCL001", "MOD"]), max_size=2))
        if draw(st.booleans()):
            n["properties"] = draw(properties)
        nodes.append(n)
    links: list[dict[str, Any]] = []
    if node_ids:
        for i in range(draw(st.integers(0, 2 * len(node_ids)))):
            link: dict[str, Any] = {
                "id": f"l{i}",
                "source": draw(st.sampled_from(node_ids)),
                "target": draw(st.sampled_from(node_ids)),
            }
            if draw(st.booleans()):
                link["mode"] = "async"
            if draw(st.booleans()):
                link["required"] = False
            if draw(st.booleans()):
                link["timeout_ms"] = draw(numbers.filter(lambda v: v > 0))
            if draw(st.booleans()):
                link["retries"] = draw(st.integers(0, 5))
            if draw(st.booleans()):
                link["label"] = draw(texts)
            links.append(link)
    data = {
        "format": "archdesigner.design",
        "version": 1,
        "name": draw(texts),
        "nodes": nodes,
        "links": links,
        "groups": groups,
        "properties": draw(properties),
    }
    return Design.model_validate(data)


def mutated_json(d: Design, data: st.DataObject, extra_key: str) -> str:
    """``d`` as a file's JSON with one field of the design, of a node or of a link (one of
    its keys, ``id``, ``kind``, ``replicas`` or ``extra_key``) replaced by arbitrary JSON."""
    from archdesigner.io import dumps_design

    raw = json.loads(dumps_design(d))
    target: dict[str, Any] = raw
    if raw.get("nodes") and data.draw(st.booleans()):
        target = data.draw(st.sampled_from(raw["nodes"]))
    elif raw.get("links") and data.draw(st.booleans()):
        target = data.draw(st.sampled_from(raw["links"]))
    key = data.draw(st.sampled_from([*target.keys(), "id", "kind", "replicas", extra_key]))
    target[key] = data.draw(json_values)
    return json.dumps(raw)
