"""A small, fast block-style YAML writer for JSON-like data (dicts, lists, scalars).

PyYAML's emitter takes seconds on a 10,000-service compose file; this writer does the same
job in a fraction of that and quotes conservatively: a string is written plain only when it
cannot be read back as anything but that string (it starts with a letter, has no ``: `` or
`` #``, is no boolean or null word of YAML 1.1 or 1.2); everything else is double-quoted with
YAML escapes, which every YAML reader (PyYAML, Docker Compose's go-yaml) reads the same way.
"""

from __future__ import annotations

import math
import re
from typing import Any

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./@+-]*(?:[: ][A-Za-z0-9_./@+-]+)*\Z")
_KEYWORDS = frozenset(
    ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf"]
)
_NEEDS_ESCAPE = re.compile('[\x00-\x1f\x7f-\x9f"\\\\\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')
_NAMED = {
    "\x00": "\\0",
    "\x07": "\\a",
    "\x08": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "\\uFFFD"  # an unpaired surrogate cannot be written as UTF-8
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}"


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar."""
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, text) + '"'


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        if e and "." not in mantissa:
            text = f"{mantissa}.0e{exponent}"  # YAML 1.1 (PyYAML) needs the dot: 1.0e-09
        return text
    if isinstance(value, str):
        if _PLAIN.match(value) and value.lower() not in _KEYWORDS:
            return value
        return quote(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _write(value: Any, indent: str, out: list[str]) -> None:
    """Appends the lines of a dict or list value (not empty) at ``indent``."""
    if isinstance(value, dict):
        for key, item in value.items():
            k = scalar(str(key))
            if isinstance(item, dict | list) and item:
                out.append(f"{indent}{k}:")
                _write(item, indent + "  ", out)
            else:
                out.append(f"{indent}{k}: {_inline(item)}")
    else:
        for item in value:
            if isinstance(item, dict) and item:
                sub: list[str] = []
                _write(item, indent + "  ", sub)
                sub[0] = f"{indent}- " + sub[0][len(indent) + 2 :]
                out.extend(sub)
            elif isinstance(item, list) and item:
                out.append(f"{indent}-")
                _write(item, indent + "  ", out)
            else:
                out.append(f"{indent}- {_inline(item)}")


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)


def dump(data: dict[str, Any] | list[Any]) -> str:
    """Block-style YAML for ``data``, ending with a newline."""
    if not data:
        return _inline(data) + "\n"
    out: list[str] = []
    try:
        _write(data, "", out)
    except RecursionError:
        raise ValueError("the data is nested too deeply to write as YAML") from None
    return "\n".join(out) + "\n"
