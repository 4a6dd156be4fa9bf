"""Merging compose files the way Docker Compose merges ``-f base.yaml -f override.yaml`` and
``extends``: mappings merge key by key, list-shaped mappings (``environment``, ``labels``,
``depends_on``, ``networks``) merge by name, mounts merge by target, ports and a few other
lists are concatenated, anything else is replaced. ``!reset`` removes, ``!override`` replaces.
"""

from __future__ import annotations

import copy
from typing import Any

from archdesigner.importers.compose_yaml import RESET, Override, Reset

#: Service keys whose list form (``["A=1", "B"]``) is a mapping in disguise.
MAP_LIKE = frozenset(
    {"environment", "labels", "annotations", "sysctls", "depends_on", "networks", "args"}
)
#: Lists merged by a key of their entries.
KEYED = {"volumes": "target", "secrets": "source", "configs": "source", "devices": "target"}
#: Lists that are concatenated (duplicates dropped).
CONCAT = frozenset(
    {
        "ports", "expose", "external_links", "links", "dns", "dns_search", "dns_opt", "tmpfs",
        "cap_add", "cap_drop", "security_opt", "volumes_from", "group_add", "env_file",
        "extra_hosts", "device_cgroup_rules", "profiles",
    }
)  # fmt: skip


def as_mapping(key: str, value: Any) -> Any:
    """The mapping form of a list-shaped mapping value; other values unchanged."""
    if not isinstance(value, list):
        return value
    out: dict[str, Any] = {}
    for item in value:
        if isinstance(item, dict):  # not expected, but keep it
            out.update(item)
            continue
        text = str(item)
        if key in ("environment", "labels", "annotations", "sysctls", "args"):
            name, eq, val = text.partition("=")
            out[name] = val if eq else None
        elif key == "depends_on":
            out[text] = {"condition": "service_started"}
        else:  # networks
            out[text] = None
    return out


def _mount_key(key: str, item: Any) -> str:
    field = KEYED[key]
    if isinstance(item, dict):
        return str(item.get(field, item))
    text = str(item)
    if key in ("secrets", "configs"):
        return text
    parts = text.split(":")
    if key == "devices":
        return parts[1] if len(parts) > 1 else parts[0]
    return parts[1] if len(parts) > 1 else parts[0]


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def merge_value(key: str, base: Any, over: Any) -> Any:
    if isinstance(over, Reset):
        return RESET
    if isinstance(over, Override):
        return copy.deepcopy(over.value)
    if key in MAP_LIKE:
        base, over = as_mapping(key, base), as_mapping(key, over)
    if isinstance(base, dict) and isinstance(over, dict):
        return merge_mappings(base, over)
    if isinstance(base, list) and isinstance(over, list):
        if key in KEYED:
            merged = {_mount_key(key, item): item for item in base}
            for item in over:
                merged[_mount_key(key, item)] = copy.deepcopy(item)
            return list(merged.values())
        if key in CONCAT:
            seen = {_freeze(item) for item in base}
            out = list(base)
            for item in over:
                if _freeze(item) not in seen:
                    seen.add(_freeze(item))
                    out.append(copy.deepcopy(item))
            return out
    return copy.deepcopy(over)


def merge_mappings(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` merged onto ``base`` (neither is changed)."""
    out = dict(base)
    for key, value in over.items():
        if key in out:
            merged = merge_value(key, out[key], value)
        else:
            merged = (
                merge_value(key, None, value)
                if isinstance(value, Reset | Override)
                else (copy.deepcopy(value))
            )
        if isinstance(merged, Reset):
            out.pop(key, None)
        else:
            out[key] = merged
    return out


def strip_tags(value: Any) -> Any:
    """Removes ``!reset`` keys and unwraps ``!override`` values left after merging."""
    if isinstance(value, Override):
        return strip_tags(value.value)
    if isinstance(value, dict):
        return {k: strip_tags(v) for k, v in value.items() if not isinstance(v, Reset)}
    if isinstance(value, list):
        return [strip_tags(v) for v in value if not isinstance(v, Reset)]
    return value


def has_tags(value: Any) -> bool:
    if isinstance(value, Reset | Override):
        return True
    if isinstance(value, dict):
        return any(has_tags(v) for v in value.values())
    if isinstance(value, list):
        return any(has_tags(v) for v in value)
    return False
