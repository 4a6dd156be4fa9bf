"""Spring configuration that tells how a service calls others, read from its YAML files
(``application*.yml``, ``bootstrap*.yml``): the routes of a Spring Cloud Gateway whose
requests pass a ``CircuitBreaker`` filter.

A gateway's ``default-filters`` apply to every route, a route's ``filters`` to itself. A
filter is written as a name with shortcut arguments (``CircuitBreaker=name=cb,fallbackUri=
/fallback``) or as a map (``name: CircuitBreaker``). The gateway's settings sit under
``spring.cloud.gateway`` (older releases) or ``spring.cloud.gateway.server.webflux`` /
``.webmvc`` (4.3 and later), in any document of the file.
"""

from __future__ import annotations

import re

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: The files of a service whose Spring settings are read.
CONFIG_FILE = re.compile(r"^(?:application|bootstrap)(?:-[\w.-]+)?\.ya?ml$")

#: Where a gateway's settings sit, below ``spring.cloud.gateway``.
_GATEWAY_PLACES = ((), ("server", "webflux"), ("server", "webmvc"), ("mvc",))


def is_config_file(name: str) -> bool:
    """Whether a file of this name holds Spring settings that :func:`guarded_routes` reads."""
    return bool(CONFIG_FILE.match(name))


def guarded_routes(text: str) -> dict[int, int]:
    """For each route whose requests pass a CircuitBreaker filter: the line of its ``uri``
    value -> the line of that filter (1-based). Empty for text that is not YAML."""
    out: dict[int, int] = {}
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError:
        return out
    for doc in documents:
        gateway = _at(doc, ("spring", "cloud", "gateway"))
        if gateway is None:
            continue
        for place in _GATEWAY_PLACES:
            node = _at(gateway, place)
            if node is not None:
                _guarded_in(node, out)
    return out


def _guarded_in(gateway: yaml.Node, out: dict[int, int]) -> None:
    default = _breaker(_get(gateway, "default-filters", "defaultFilters", "default_filters"))
    routes = _get(gateway, "routes")
    if not isinstance(routes, yaml.SequenceNode):
        return
    for route in routes.value:
        uri = _get(route, "uri")
        if not isinstance(uri, yaml.ScalarNode):
            continue
        own = _breaker(_get(route, "filters"))
        line = own if own is not None else default
        if line is not None:
            out[uri.start_mark.line + 1] = line


def _breaker(filters: yaml.Node | None) -> int | None:
    """The line of the first CircuitBreaker filter in a list of filters, None for none."""
    if not isinstance(filters, yaml.SequenceNode):
        return None
    for item in filters.value:
        name: yaml.Node | None = item
        if isinstance(item, yaml.MappingNode):
            name = _get(item, "name")
        if isinstance(name, yaml.ScalarNode):
            value = str(name.value).split("=", 1)[0].strip()
            if value == "CircuitBreaker":
                return int(item.start_mark.line) + 1
    return None


def _at(node: yaml.Node | None, path: tuple[str, ...]) -> yaml.Node | None:
    for key in path:
        node = _get(node, key)
    return node


def _get(node: yaml.Node | None, *keys: str) -> yaml.Node | None:
    """The value of the first of ``keys`` in a mapping node (None when it has none)."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value in keys:
            return value  # type: ignore[no-any-return]
    return None


__all__ = ["CONFIG_FILE", "guarded_routes", "is_config_file"]
