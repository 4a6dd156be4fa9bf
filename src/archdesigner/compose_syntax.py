"""Docker Compose syntax that both the Compose exporter and the Compose importer need.

The exporter writes ``ports``, ``expose`` and environment values the way Compose reads them,
and the importer reads them back the same way; keeping the syntax here (below both) lets
each use it without importing the other.
"""

from __future__ import annotations

import re
from typing import Any

#: Ranges of more ports than this keep only their first port in ``ports``.
MAX_RANGE = 100
#: An interpolation reference: ``${NAME}``, ``${NAME:-default}`` or ``${NAME-default}``.
REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^${}]*)?\}")


def compose_value(text: str) -> str:
    """An environment value in Compose's form: ``${NAME}`` and ``${NAME:-default}`` (and
    ``${NAME-default}``) stay interpolation references, every other ``$`` is doubled."""
    if "$" not in text:
        return text
    out: list[str] = []
    pos = 0
    for m in REFERENCE.finditer(text):
        out.append(text[pos : m.start()].replace("$", "$$"))
        out.append(m.group())
        pos = m.end()
    out.append(text[pos:].replace("$", "$$"))
    return "".join(out)


def scalar_text(value: Any) -> str:
    """A scalar as Docker Compose turns it into a string (``true``, ``8``, ``1000``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


class PortError(ValueError):
    """A ``ports`` or ``expose`` entry that is not a port, a range or a mapping of them."""


def port_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise PortError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def port_range(text: str) -> list[int]:
    first, dash, last = text.partition("-")
    lo = port_number(first.strip())
    if not dash:
        return [lo]
    hi = port_number(last.strip())
    if hi < lo:
        raise PortError(f"port range {text!r} runs backwards")
    return list(range(lo, hi + 1)) if hi - lo < MAX_RANGE else [lo]


def container_ports(spec: Any) -> list[int]:
    """The container (target) ports of one ``ports`` entry, short or long syntax."""
    if isinstance(spec, dict):
        target = spec.get("target")
        if target is None:
            raise PortError("a long-syntax port needs 'target'")
        return port_range(scalar_text(target))
    if isinstance(spec, int) and not isinstance(spec, bool):
        return [port_number(str(spec))]
    text = scalar_text(spec).strip().split("/", 1)[0]
    if text.startswith("["):  # [::1]:8080:80
        text = text[text.find("]") + 2 :] if "]" in text else text
    return port_range(text.rsplit(":", 1)[-1])


def expose_ports(spec: Any) -> list[int]:
    """The ports of one ``expose`` entry (``"8080"``, ``"8000-8010/tcp"``)."""
    return port_range(scalar_text(spec).split("/", 1)[0])
